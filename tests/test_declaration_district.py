"""A form with a declaration on it stays at its port, and customs acts only on its own 关区's
declarations (§10.3): the demo's 286000081 was released at 5700 and waits for 补验 there."""
from sqlalchemy import update
from sqlmodel import select

from db import workflow
from db.models import Declaration, Form, FormState


def _form(demo, number):
    with demo.session() as session:
        form = session.exec(select(Form).where(Form.number == number)).one()
        decl = session.exec(select(Declaration).where(Declaration.form_id == form.id)).one()
        return form, decl


def test_a_form_awaiting_supplement_cannot_be_revoked(demo, actors):
    form, decl = _form(demo, "286000081")
    assert (form.state, form.port_code, decl.district_code) == (FormState.REGISTERED, "5700", "5700")
    [result] = workflow.request_revoke(db=demo, actor=actors["A"], numbers=["286000081"])
    assert not result.ok
    assert result.message == "该核销单已有出口报关单，不能撤销备案，货物已放行的请联系海关补验"
    # the rest of the review's path cannot start: 5700 has nothing to confirm, 5300 nothing to act on
    [confirm] = workflow.confirm_revoke(db=demo, actor=actors["customs5700"], numbers=["286000081"])
    assert not confirm.ok
    assert _form(demo, "286000081")[0].state == FormState.REGISTERED


def test_customs_of_another_district_cannot_act_on_the_declaration(demo, actors):
    """Even if a form reached another port with its declaration (data from before this rule), the
    other 关区 may not 补验, 结关 or sign its slip: the declaration is 5700's."""
    form, decl = _form(demo, "286000081")
    with demo.write() as session:
        session.execute(update(Form).where(Form.id == form.id).values(port_code="5300"))
    other = actors["customs5300"]
    [supplement] = workflow.supplement_verify(db=demo, actor=other, numbers=["286000081"])
    assert not supplement.ok
    assert supplement.message == f"该核销单的出口报关单 {decl.number} 不属于本关区，不能补验"
    for action in (workflow.close_declaration, workflow.issue_slip, workflow.release):
        [result] = action(db=demo, actor=other, numbers=["286000081"])
        assert not result.ok and "不属于本关区" in result.message
    with demo.session() as session:
        assert session.get(Declaration, decl.id).verified is False


def test_confirming_a_revocation_is_refused_when_a_declaration_is_on_the_form(demo, actors):
    form, decl = _form(demo, "286000081")
    with demo.write() as session:
        session.execute(update(Form).where(Form.id == form.id).values(state=FormState.REVOKING))
    [result] = workflow.confirm_revoke(db=demo, actor=actors["customs5700"], numbers=["286000081"])
    assert not result.ok and result.message == "该核销单已有出口报关单，不能确认撤销，请驳回撤销"
    [rejected] = [workflow.reject_revoke(db=demo, actor=actors["customs5700"], number="286000081", reason="已放行")]
    assert rejected.ok
