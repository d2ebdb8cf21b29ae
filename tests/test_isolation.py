"""Tenant isolation in the domain: enterprise B's cards can neither act on nor read any of A's forms."""
import pytest
from sqlmodel import select

from db import details, workflow
from db.lists import candidates
from db.models import Form
from db.queries import Condition, form_select, page
from db.rules import Action
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
