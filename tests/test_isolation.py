"""Tenant isolation in the domain: enterprise B's cards can neither act on nor read any of A's forms;
a customs card sees its 关区: a 直属海关 its 隶属海关 too, a 隶属海关 only its own port, another 关区 nothing."""
import pytest
from sqlmodel import select

from db import declarations, details, workflow
from db.lists import candidates
from db.models import Declaration, Form
from db.queries import Condition, declaration_select, form_select, page
from db.rules import Action
from tests.test_customs_workflow import LINE, header
from tests.test_transitions import ACTIONS


def _a_forms(demo):
    with demo.session() as session:
        a_id = session.exec(select(Form.enterprise_id).where(Form.number == "286000001")).one()
        return a_id, list(session.exec(select(Form).where(Form.enterprise_id == a_id)).all())


@pytest.mark.parametrize("card", ["B", "B_legal"])
def test_b_cannot_act_on_any_of_a_forms(demo, actors, card):
    _, forms = _a_forms(demo)
    states = {f.number: f.state for f in forms}
    for action, act in ACTIONS.items():
        for form in forms[::7]:
            result = act(demo, actors[card], form.number)
            assert not result.ok
            assert result.message in (f"未找到核销单 {form.number}", "本卡无权进行此操作")
    with demo.session() as session:
        after = {f.number: f.state for f in session.exec(select(Form).where(Form.number.in_(list(states)))).all()}
    assert after == states


def test_b_reads_none_of_a_forms(demo, actors):
    a_id, forms = _a_forms(demo)
    b = actors["B"]
    with demo.session() as session:
        for form in forms:
            assert details.load(session, b, form.number, demo.settings) is None
        everything = session.exec(form_select(b)).all()
        assert everything and all(f.enterprise_id == b.enterprise_id for f in everything)
        by_number = session.exec(form_select(b, [Condition("number", "eq", forms[0].number)])).all()
        assert by_number == []
        for action in Action:
            assert all(f.enterprise_id != a_id for f in session.exec(candidates(b, action)).all())
        assert page(session, form_select(b, [Condition("number", "prefix", "2860")])).rows == [] or all(
            f.enterprise_id == b.enterprise_id for f in page(session, form_select(b)).rows)


def test_batch_with_a_mix_of_own_and_foreign_numbers_touches_only_own(demo, actors):
    _, forms = _a_forms(demo)
    with demo.session() as session:
        own = session.exec(form_select(actors["B"], states=["issued"])).first().number
    foreign = next(f.number for f in forms if f.state == "issued")
    results = workflow.register_port(db=demo, actor=actors["B"], numbers=[foreign, own], port="5700")
    assert [(r.number, r.ok) for r in results] == [(foreign, False), (own, True)]


# ── customs: the 关区 hierarchy (直属海关 xx00 over its 隶属海关 xxNN) ─────────────────────────────

def _ports_seen(session, actor) -> set[str]:
    return set(session.exec(select(Form.port_code).where(Form.id.in_(form_select(actor).with_only_columns(Form.id))))
               .all())


def _forms_at(demo, port: str) -> list[Form]:
    with demo.session() as session:
        return list(session.exec(select(Form).where(Form.port_code == port).order_by(Form.number)).all())


def test_a_direct_customs_sees_its_subordinate_ports_forms_and_declarations(demo, actors):
    with demo.session() as session:
        assert _ports_seen(session, actors["customs5300"]) == {"5300", "5301"}
        assert {d.district_code for d in session.exec(declaration_select(actors["customs5300"])).all()} == {
            "5300", "5301"}
        for form in _forms_at(demo, "5301"):
            assert details.load(session, actors["customs5300"], form.number, demo.settings) is not None


def test_a_subordinate_customs_sees_only_its_own_port(demo, actors):
    with demo.session() as session:
        assert _ports_seen(session, actors["customs5301"]) == {"5301"}
        assert {d.district_code for d in session.exec(declaration_select(actors["customs5301"])).all()} == {"5301"}
        for form in _forms_at(demo, "5300")[:10]:
            assert details.load(session, actors["customs5301"], form.number, demo.settings) is None


def test_another_direct_customs_sees_nothing_of_the_district(demo, actors):
    with demo.session() as session:
        assert _ports_seen(session, actors["customs5700"]) == {"5700"}
        for form in _forms_at(demo, "5301") + _forms_at(demo, "5300")[:5]:
            assert details.load(session, actors["customs5700"], form.number, demo.settings) is None


def test_the_direct_customs_works_a_subordinate_ports_form_and_the_subordinate_port_then_sees_it(demo, actors):
    number = next(f.number for f in _forms_at(demo, "5301") if f.state == "registered")
    with demo.session() as session:
        assert session.exec(candidates(actors["customs5700"], Action.VERIFY, number=number)).first() is None
        assert session.exec(candidates(actors["customs5300"], Action.VERIFY, number=number)).first()
    with demo.session() as session:
        data, errors = declarations.parse(session, header(), [LINE])
    assert errors == {}
    assert workflow.record_declaration(db=demo, actor=actors["customs5300"], number=number, data=data).ok
    [release] = workflow.release(db=demo, actor=actors["customs5301"], numbers=[number])  # the port's own card
    assert release.ok, release.message
    [other] = workflow.close_declaration(db=demo, actor=actors["customs5700"], numbers=[number])
    assert other.message == f"未找到核销单 {number}"
    with demo.session() as session:
        declaration = session.exec(declaration_select(actors["customs5301"])
                                   .join(Form, Form.id == Declaration.form_id).where(Form.number == number)).one()
        assert declaration.district_code == "5301"  # 出口口岸: the form's port, not the card's 关区


@pytest.mark.parametrize(("port", "why"), [("0000", "海关总署是海关的领导机关"), ("5326", "内设处室")])
def test_a_code_that_is_no_port_is_refused_as_the_port_and_says_why(demo, actors, port, why):
    own = _a_issued(demo, actors)
    [result] = workflow.register_port(db=demo, actor=actors["A"], numbers=[own], port=port)
    assert not result.ok and "不是口岸，不能作为使用口岸" in result.message and why in result.message
    assert _state(demo, own) == "issued"


def test_a_subordinate_port_is_a_port(demo, actors):
    own = _a_issued(demo, actors)
    [result] = workflow.register_port(db=demo, actor=actors["A"], numbers=[own], port="5301")
    assert result.ok
    with demo.session() as session:
        for card, seen in (("customs5300", True), ("customs5301", True), ("customs5700", False)):
            listed = session.exec(candidates(actors[card], Action.VERIFY, number=own)).first()
            assert (listed is not None) is seen, card


def _a_issued(demo, actors) -> str:
    with demo.session() as session:
        return session.exec(form_select(actors["A"], states=["issued"]).order_by(Form.number)).first().number


def _state(demo, number) -> str:
    with demo.session() as session:
        return session.exec(select(Form.state).where(Form.number == number)).one()
