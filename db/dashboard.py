"""What waits for each role, deadlines coming, forms by state, and the latest operations.

Counts are bounded (db.queries.bounded_count) counts of the lists they link to, or read from the
tally: never a COUNT over all forms.
"""
from dataclasses import dataclass, field

from sqlmodel import Session, select

from db import accounts, applications, deadlines, lists, lockout, tally
from db.actor import Actor
from db.models import (
    AuditEvent,
    Card,
    CardKind,
    FormState,
)
from db.queries import bounded_count, within
from db.rules import Action, Policy
from db.words import t

LATEST = 8


@dataclass
class Count:
    key: str  # which list it links to (the blueprint maps keys to screens)
    label: str  # a db.words.Text, shown with |tr
    n: int
    exact: bool = True


@dataclass(frozen=True)
class Watch:
    """A dashboard line: the very list its link opens (the same function), counted with a bound, so
    that the count and the list cannot differ."""

    key: str
    label: str
    stmt: object
    deadline: bool = False

    def count(self, session: Session) -> Count:
        n, exact = bounded_count(session, self.stmt)
        return Count(self.key, self.label, n, exact)


@dataclass
class Dashboard:
    waiting: list[Count] = field(default_factory=list)
    deadlines: list[Count] = field(default_factory=list)
    by_state: list[tuple[str, int]] = field(default_factory=list)
    latest: list[AuditEvent] = field(default_factory=list)


def build(session: Session, actor: Actor, settings: Policy) -> Dashboard:
    by_state = [] if actor.kind is CardKind.LEGAL else _by_state(session, actor)  # forms it cannot act on
    board = Dashboard(by_state=by_state, latest=_latest(session, actor))
    for watch in watches(actor, settings):
        (board.deadlines if watch.deadline else board.waiting).append(watch.count(session))
    return board


def watches(actor: Actor, settings: Policy) -> list[Watch]:
    """What the card's dashboard counts, each the select() of the list its link opens."""
    return {CardKind.OPERATOR: _operator, CardKind.LEGAL: _legal, CardKind.BUREAU: _bureau,
            CardKind.CUSTOMS: _customs, CardKind.ADMIN: _admin}[actor.kind](actor, settings)


def _operator(actor, settings) -> list[Watch]:
    return [
        Watch("register", t("可备案的核销单"), lists.candidates(actor, Action.REGISTER, settings)),
        Watch("revoking", t("撤销备案待海关确认"), lists.revoking(actor)),
        Watch("submit", t("可交单的核销单"), lists.candidates(actor, Action.SUBMIT, settings)),
        Watch("unreceived", t("交单超过 %(days)s 天外汇局未接收", days=settings.receive_alert_days),
              lists.unreceived(actor, settings)),
        *_deadlines(actor, settings),
    ]


def deadline_labels(settings) -> tuple[str, str]:
    warn = settings.deadline_warning_days
    return (t("备案 %(warn)s 天内到期（%(days)s 天使用期）", warn=warn, days=settings.use_period_days),
            t("交单 %(warn)s 天内到期（出口后 %(days)s 天）", warn=warn, days=settings.submit_period_days))


def _deadlines(actor, settings) -> list[Watch]:
    use, submit = deadline_labels(settings)
    return [
        Watch("use_deadline", use, lists.near_use_end(actor, settings), deadline=True),
        Watch("submit_deadline", submit, lists.near_submit_end(actor, settings), deadline=True),
    ]


def _legal(actor, settings) -> list[Watch]:
    """法人卡: its operator cards that need it (开通 / 延期) or wait for the bureau, each the list the
    操作员卡 screen shows for that case; not the operators' forms, which it cannot act on."""
    return [Watch(f"cards_{key}", label, accounts.operator_cards(actor, key))
            for key, label in accounts.CARD_WATCHES.items()]


def _bureau(actor, settings) -> list[Watch]:
    return [
        Watch("applications", t("待发放的核销单申请"), applications.pending_applications()),
        Watch("permissions", t("待审批的权限申请"), applications.pending_permissions()),
        Watch("receipts", t("待接收的交单"), lists.candidates(actor, Action.RECEIVE, settings)),
        Watch("unreceived", t("交单超过 %(days)s 天未接收", days=settings.receive_alert_days),
              lists.unreceived(actor, settings)),
        Watch("write_offs", t("已接收待核销"), lists.candidates(actor, Action.WRITE_OFF, settings)),
        # the very lists the bureau's 即将到期 screens show (db.deadlines), soonest first
        Watch("use_deadline", deadline_labels(settings)[0], deadlines.use_ending(actor, settings).stmt,
              deadline=True),
        Watch("submit_deadline", deadline_labels(settings)[1], deadlines.submit_ending(actor, settings).stmt,
              deadline=True),
    ]


def _customs(actor, settings) -> list[Watch]:
    return [
        Watch("registered", t("已备案未使用的核销单"), lists.registered(actor)),
        Watch("revocations", t("撤销备案待确认"), lists.candidates(actor, Action.CONFIRM_REVOKE, settings)),
        Watch("to_release", t("待放行的报关单"), lists.declarations_in(actor, lists.TO_RELEASE)),
        Watch("to_close", t("待结关的报关单"), lists.declarations_in(actor, lists.TO_CLOSE)),
        Watch("to_slip", t("待签发结汇联"), lists.declarations_in(actor, lists.TO_SLIP)),
        Watch("supplement", t("货物已放行待补验"), lists.candidates(actor, Action.SUPPLEMENT, settings)),
        *_deadlines(actor, settings)[:1],
    ]


def _admin(actor, settings) -> list[Watch]:
    return [
        Watch("locked", t("已锁定的IC卡"), select(Card).where(lockout.held())),
        Watch("must_change", t("尚未修改初始密码的IC卡"), select(Card).where(Card.must_change_password.is_(True))),
    ]


def _by_state(session, actor) -> list[tuple[str, int]]:
    if actor.is_enterprise:
        counts = tally.by_state(session, enterprise_id=actor.enterprise_id)
    elif actor.kind is CardKind.CUSTOMS:
        counts = tally.by_state(session, port=actor.district_code)
    else:
        counts = tally.by_state(session)
    return [(state.label, counts.get(state.value, 0)) for state in FormState]


def _latest(session, actor) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(LATEST)
    if actor.is_enterprise:
        stmt = stmt.where(AuditEvent.enterprise_id == actor.enterprise_id)
    elif actor.kind is CardKind.CUSTOMS:
        cards = select(Card.id).where(within(Card.district_code, actor.district_code))  # its 关区's cards
        stmt = stmt.where(AuditEvent.card_id.in_(cards))
    return list(session.exec(stmt).all())
