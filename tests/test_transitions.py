"""The transition table of DESIGN §2, exhaustively: every (action, state, actor) is allowed or refused
exactly as the rules say, with the right message, and a refusal changes nothing."""
import pytest
from sqlmodel import select

from db import clock, workflow
from db.models import AuditEvent, CardKind, FormState
from db.rules import NO_RIGHT, RULES, Action, state_refusal
from tests import factories

ACTIONS = {
    Action.REGISTER: lambda db, a, n: workflow.register_port(db=db, actor=a, numbers=[n], port="5700")[0],
    Action.REVOKE: lambda db, a, n: workflow.request_revoke(db=db, actor=a, numbers=[n])[0],
    Action.CONFIRM_REVOKE: lambda db, a, n: workflow.confirm_revoke(db=db, actor=a, numbers=[n])[0],
    Action.REJECT_REVOKE: lambda db, a, n: workflow.reject_revoke(db=db, actor=a, number=n, reason="单证不符"),
    Action.VERIFY: lambda db, a, n: workflow.record_declaration(db=db, actor=a, number=n,
                                                                data=factories.declaration_input()),
    Action.RELEASE: lambda db, a, n: workflow.release(db=db, actor=a, numbers=[n])[0],
    Action.CLOSE: lambda db, a, n: workflow.close_declaration(db=db, actor=a, numbers=[n])[0],
    Action.ISSUE_SLIP: lambda db, a, n: workflow.issue_slip(db=db, actor=a, numbers=[n])[0],
    Action.REISSUE_SLIP: lambda db, a, n: workflow.reissue_slip(db=db, actor=a, numbers=[n])[0],
    Action.SUPPLEMENT: lambda db, a, n: workflow.supplement_verify(db=db, actor=a, numbers=[n])[0],
    Action.SUBMIT: lambda db, a, n: workflow.submit(db=db, actor=a, numbers=[n])[0],
    Action.RECEIVE: lambda db, a, n: workflow.receive(db=db, actor=a, numbers=[n])[0],
    Action.WRITE_OFF: lambda db, a, n: workflow.write_off(db=db, actor=a, number=n, amount="1000.00",
                                                          collected_on=clock.today().strftime("%Y%m%d"),
                                                          reason="部分收汇"),
    Action.ENTERPRISE_LOST: lambda db, a, n: workflow.report_lost(db=db, actor=a, numbers=[n])[0],
    Action.BUREAU_LOST: lambda db, a, n: workflow.bureau_report_lost(db=db, actor=a, number=n, reason="遗失"),
    Action.CANCEL: lambda db, a, n: workflow.cancel(db=db, actor=a, number=n, reason="全额退关"),
}

# The situation each action needs besides the state, so that a form in a source state is allowed.
SETUP = {
    Action.VERIFY: {"declaration": None},
    Action.RELEASE: {"declaration": "declared"},
    Action.CLOSE: {"declaration": "released"},
    Action.ISSUE_SLIP: {"declaration": "closed"},
    Action.SUPPLEMENT: {"declaration": "released", "verified": False},
    Action.WRITE_OFF: {"received": True},
}

ACTORS = ["owner", "other_operator", "legal", "bureau", "customs", "other_customs", "admin"]


@pytest.fixture(scope="module")
def world(databases):
    """One database for the whole table: two enterprises and a card of every kind."""
    db = databases.new("empty")
    mine, other = factories.enterprise(db, "企业甲"), factories.enterprise(db, "企业乙")
    actors = {
        "owner": factories.card(db, CardKind.OPERATOR, enterprise_id=mine),
        "other_operator": factories.card(db, CardKind.OPERATOR, enterprise_id=other),
        "legal": factories.card(db, CardKind.LEGAL, enterprise_id=mine),
        "bureau": factories.card(db, CardKind.BUREAU),
        "customs": factories.card(db, CardKind.CUSTOMS, district="5700"),
        "other_customs": factories.card(db, CardKind.CUSTOMS, district="5300"),
        "admin": factories.card(db, CardKind.ADMIN),
    }
    return db, mine, actors


def expected(action: Action, state: FormState, who: str, actor) -> tuple[bool, str | None]:
    rule = RULES[action]
    if actor.kind not in rule.kinds:
        return False, NO_RIGHT
    in_scope = {"owner": True, "legal": True, "other_operator": False, "bureau": True, "admin": True,
                "customs": state in factories.WITH_PORT, "other_customs": False}[who]
    if not in_scope:
        return False, "未找到核销单"
    if state not in rule.sources:
        return False, None  # the state's own refusal, checked against db.rules below
    return True, rule.success


CASES = [(action, state, who) for action in Action for state in FormState for who in ACTORS]


@pytest.mark.parametrize("action, state, who", CASES, ids=[f"{a.name}-{s.name}-{w}" for a, s, w in CASES])
def test_every_action_in_every_state_for_every_actor(world, action, state, who):
    db, mine, actors = world
    actor = actors[who]
    number = factories.form(db, mine, state, **SETUP.get(action, {}))
    events_before = _events(db)
    result = ACTIONS[action](db, actor, number)
    ok, message = expected(action, state, who, actor)
    assert result.ok is ok, (result.message, ok, message)
    if ok:
        target = RULES[action].target or state
        assert factories.state_of(db, number) == target
        assert result.message.startswith(message)
        assert _events(db) == events_before + 1
        return
    assert factories.state_of(db, number) == state, "a refusal changes nothing"
    assert _events(db) == events_before
    if message is None:
        from db.models import Form

        assert result.message == _state_message(db, action, number, Form)
    elif message == "未找到核销单":
        assert result.message == f"未找到核销单 {number}"
    else:
        assert result.message == message


def _state_message(db, action, number, Form):
    with db.session() as session:
        form = session.exec(select(Form).where(Form.number == number)).one()
    return state_refusal(action, form)


def _events(db) -> int:
    with db.session() as session:
        return len(session.exec(select(AuditEvent.seq)).all())


def test_the_table_covers_every_action_of_the_design():
    assert set(ACTIONS) == set(Action) == set(RULES)
