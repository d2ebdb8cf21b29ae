"""What waits for each role, deadlines coming, forms by state, and the latest operations.

Counts are bounded (db.queries.bounded_count) or read from the tally: never a COUNT over all forms.
"""
from dataclasses import dataclass, field

from sqlmodel import Session, select

from db import lists, tally
from db.actor import Actor
from db.models import (
    ApplicationState,
    AuditEvent,
    Card,
    CardKind,
    Declaration,
    DeclarationStatus,
    Form,
    FormApplication,
    FormState,
    PermissionRequest,
    RequestState,
)
from db.queries import bounded_count, form_select, scope_declarations
from db.rules import Settings

LATEST = 8


@dataclass
class Count:
    key: str  # which list it links to (the blueprint maps keys to screens)
    label: str
    n: int
    exact: bool = True


@dataclass
class Dashboard:
    waiting: list[Count] = field(default_factory=list)
    deadlines: list[Count] = field(default_factory=list)
    by_state: list[tuple[str, int]] = field(default_factory=list)
    latest: list[AuditEvent] = field(default_factory=list)


def _count(session, key, label, stmt) -> Count:
    n, exact = bounded_count(session, stmt)
    return Count(key, label, n, exact)


def build(session: Session, actor: Actor, settings: Settings) -> Dashboard:
    board = Dashboard(by_state=_by_state(session, actor), latest=_latest(session, actor))
    builder = {CardKind.OPERATOR: _operator, CardKind.LEGAL: _operator, CardKind.BUREAU: _bureau,
               CardKind.CUSTOMS: _customs, CardKind.ADMIN: _admin}[actor.kind]
    builder(session, actor, settings, board)
    return board


def _operator(session, actor, settings, board):
    forms = lambda *states: form_select(actor, states=states)  # noqa: E731
    ready = forms(FormState.USED).where(Form.id.in_(select(Declaration.form_id).where(
        Declaration.status == DeclarationStatus.CLOSED, Declaration.fx_slip_issued.is_(True))))
    board.waiting = [
        _count(session, "register", "可备案的核销单", forms(FormState.ISSUED)),
        _count(session, "revoking", "撤销备案待海关确认", forms(FormState.REVOKING)),
        _count(session, "submit", "可交单的核销单", ready),
        _count(session, "unreceived", f"交单超过 {settings.receive_alert_days} 天外汇局未接收",
               lists.unreceived(actor, settings)),
    ]
    board.deadlines = _deadlines(session, actor, settings)


def _deadlines(session, actor, settings) -> list[Count]:
    warn = settings.deadline_warning_days
    return [
        _count(session, "use_deadline", f"备案 {warn} 天内到期（{settings.use_period_days} 天使用期）",
               lists.near_use_end(actor, settings)),
        _count(session, "submit_deadline", f"交单 {warn} 天内到期（出口后 {settings.submit_period_days} 天）",
               lists.near_submit_end(actor, settings)),
    ]


def _bureau(session, actor, settings, board):
    forms = lambda *states: form_select(actor, states=states)  # noqa: E731
    board.waiting = [
        _count(session, "applications", "待发放的核销单申请",
               select(FormApplication).where(FormApplication.state == ApplicationState.PENDING)),
        _count(session, "permissions", "待审批的权限申请",
               select(PermissionRequest).where(PermissionRequest.state == RequestState.PENDING)),
        _count(session, "receipts", "待接收的交单", forms(FormState.SUBMITTED).where(Form.received_at.is_(None))),
        _count(session, "unreceived", f"交单超过 {settings.receive_alert_days} 天未接收",
               lists.unreceived(actor, settings)),
        _count(session, "write_offs", "已接收待核销", forms(FormState.SUBMITTED).where(Form.received_at.is_not(None))),
    ]
    board.deadlines = _deadlines(session, actor, settings)


def _customs(session, actor, settings, board):
    forms = lambda *states: form_select(actor, states=states)  # noqa: E731
    declarations = lambda status: scope_declarations(select(Declaration), actor).where(  # noqa: E731
        Declaration.status == status)
    board.waiting = [
        _count(session, "registered", "已备案未使用的核销单", forms(FormState.REGISTERED)),
        _count(session, "revocations", "撤销备案待确认", forms(FormState.REVOKING)),
        _count(session, "to_release", "待放行的报关单", declarations(DeclarationStatus.DECLARED)),
        _count(session, "to_close", "待结关的报关单", declarations(DeclarationStatus.RELEASED)),
        _count(session, "to_slip", "待签发结汇联", declarations(DeclarationStatus.CLOSED).where(
            Declaration.fx_slip_issued.is_(False))),
        _count(session, "supplement", "货物已放行待补验", forms(FormState.REGISTERED).where(Form.id.in_(
            select(Declaration.form_id).where(Declaration.verified.is_(False))))),
    ]
    board.deadlines = _deadlines(session, actor, settings)[:1]


def _admin(session, actor, settings, board):
    board.waiting = [
        _count(session, "locked", "已锁定的IC卡", select(Card).where(Card.locked.is_(True))),
        _count(session, "must_change", "尚未修改初始密码的IC卡",
               select(Card).where(Card.must_change_password.is_(True))),
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
        stmt = stmt.where(AuditEvent.card_id.in_(select(Card.id).where(Card.district_code == actor.district_code)))
    return list(session.exec(stmt).all())
