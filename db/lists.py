"""The lists behind each screen, built on the query builder: the forms an action can take now
(口岸备案, 企业交单, ...), number ranges (批量备案, 核销单挂失), why a form is not listed (manual §十),
applications, and the watch lists of the dashboards (deadlines, submissions not received)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam, exists, tuple_
from sqlmodel import Session, select

from db import clock, details
from db.actor import Actor
from db.models import Declaration, DeclarationStatus, Enterprise, Form, FormState
from db.queries import PAGE_SIZE, Condition, Page, QueryError, declaration_select, form_select, within
from db.rules import RULES, Action, number_message, valid_number, why_not
from db.words import t


def _declared(*conditions):
    """The form has a declaration meeting `conditions`: asked per form through the declaration's
    unique form_id, so a list (and its count) reads only the card's scope, never every declaration."""
    return exists().where(Declaration.form_id == Form.id, *conditions)


def candidates(actor: Actor, action, settings=None, number: str | None = None):
    """The forms `actor` could take `action` on now: the list a screen such as 口岸备案 or 企业交单
    shows (and walks with 上一单/下一单). `number` narrows it to one 核销单号 (the 查找 box)."""
    stmt = form_select(actor, states=RULES[action].sources)
    extra = {
        Action.SUBMIT: lambda s: s.where(_declared(Declaration.status == DeclarationStatus.CLOSED,
                                                   Declaration.fx_slip_issued.is_(True))),
        Action.RECEIVE: lambda s: s.where(Form.received_at.is_(None)),
        Action.WRITE_OFF: lambda s: s.where(Form.received_at.is_not(None)),
        Action.VERIFY: lambda s: s.where(~_declared()),
        Action.SUPPLEMENT: lambda s: s.where(_declared(Declaration.verified.is_(False))),
    }.get(action)
    if extra:
        stmt = extra(stmt)
    if action in (Action.REVOKE, Action.CONFIRM_REVOKE):  # a form with a declaration stays at its port
        stmt = stmt.where(~_declared())
    if action in (Action.RELEASE, Action.CLOSE, Action.ISSUE_SLIP, Action.REISSUE_SLIP, Action.SUPPLEMENT):
        # customs acts only on its own 关区's declarations, whatever port the form is registered to now
        stmt = stmt.where(_declared(within(Declaration.district_code, actor.district_code)))
    if number:
        stmt = stmt.where(Form.number == number)
    return stmt


# ── the enterprise's screens: number ranges, why a form is not listed, applications, watch lists ─

def number_range(start: str, count: str, settings) -> tuple[str, str]:
    """核销单起始号 + 核销单份数 → (起始号, 终止号), or QueryError saying what is wrong (批量备案, 挂失)."""
    start, count = (start or "").strip(), (count or "").strip()
    limit = settings.max_apply_quantity
    if not valid_number(start, settings):
        raise QueryError([], t("核销单起始号：%(why)s", why=number_message(settings)))
    if not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= limit:
        raise QueryError([], t("核销单份数应为 1 至 %(limit)s 之间的整数", limit=limit))
    last = int(start) + int(count) - 1
    if last >= 10 ** settings.form_number_width:
        raise QueryError([], t("核销单终止号超出核销单号的位数"))
    return start, f"{last:0{settings.form_number_width}d}"


def in_range(stmt, first: str, last: str):
    """Narrow a select() of forms to the 核销单号 first..last."""
    return stmt.where(Form.number.between(first, last))


@dataclass
class RangeCheck:
    """Why the forms of a range are not in an action's list (manual §十)."""

    missing: list[tuple[str, str]] = field(default_factory=list)  # runs with no form of the actor's: 未找到
    refused: list[tuple[str, str]] = field(default_factory=list)  # (核销单号, why not) of the actor's forms


def check_range(session: Session, actor: Actor, action, first: str, last: str, settings) -> RangeCheck:
    """Explain first..last for `action`: at most `max_apply_quantity` forms (number_range's bound)."""
    forms = session.exec(in_range(form_select(actor), first, last).order_by(Form.number)
                         .limit(settings.max_apply_quantity)).all()
    ids = [f.id for f in forms]
    declarations = {d.form_id: d for d in session.exec(
        select(Declaration).where(Declaration.form_id.in_(ids))).all()} if ids else {}
    check = RangeCheck()
    for form in forms:
        reason = why_not(action, actor, form, declarations.get(form.id), settings)
        if reason:
            check.refused.append((form.number, reason))
    found, width, run = {f.number for f in forms}, len(first), None
    for n in range(int(first), int(last) + 2):
        number = f"{n:0{width}d}"
        if n <= int(last) and number not in found:
            run = (run[0], number) if run else (number, number)
        elif run:
            check.missing.append(run)
            run = None
    return check


def why_missing(session: Session, actor: Actor, action, number: str, settings) -> str:
    """Why 核销单 `number` is not in `action`'s list: 未找到 when it is not the actor's (missing and not
    yours read the same), else the rule's reason."""
    check = check_range(session, actor, action, number, number, settings)
    if check.missing:
        return t("未找到核销单 %(number)s", number=number)
    return check.refused[0][1] if check.refused else ""


def unreceived(actor: Actor, settings, number: str | None = None):
    """交单 more than `receive_alert_days` ago and still not received by the bureau (manual §10.4): the
    forms db.rules.receipt_overdue flags, as a list. `number`: only that 核销单号."""
    cutoff = clock.now() - timedelta(days=settings.receive_alert_days)
    return candidates(actor, Action.RECEIVE, settings, number).where(Form.submitted_at < cutoff)


def near_use_end(actor: Actor, settings):
    """已备案 forms within `deadline_warning_days` of the end of their use period."""
    cutoff = clock.today() - timedelta(days=settings.use_period_days - settings.deadline_warning_days)
    return form_select(actor, states=[FormState.REGISTERED]).where(Form.registered_on <= cutoff)


def _urgency_key(text: str | None) -> tuple[date, str] | None:
    """A page key of `by_urgency`: 备案日期 YYYYMMDD then the 核销单号, all digits; else None."""
    if not text or len(text) <= 8 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])), text[8:]
    except ValueError:
        return None


def by_urgency(session: Session, stmt, *, after: str | None = None, before: str | None = None,
               size: int = PAGE_SIZE) -> Page:
    """A page of `near_use_end`, the most urgent first: the earliest 备案日期 (so the earliest end of the
    use period), then 核销单号. Keyset paged on (registered_on, number), which ix_form_registered_number
    indexes; the key handed out is 备案日期 YYYYMMDD + 核销单号."""
    key = tuple_(Form.registered_on, Form.number)
    start, end = _urgency_key(after), _urgency_key(before)
    if end is not None:
        rows = list(session.exec(stmt.where(key < end).order_by(Form.registered_on.desc(), Form.number.desc())
                                 .limit(size + 1)).all())
        more_before, rows = len(rows) > size, rows[:size][::-1]
        more_after = session.exec(stmt.where(key >= end).limit(1)).first() is not None
    else:
        narrowed = stmt.where(key > start) if start else stmt
        rows = list(session.exec(narrowed.order_by(Form.registered_on, Form.number).limit(size + 1)).all())
        more_after, rows = len(rows) > size, rows[:size]
        more_before = start is not None and session.exec(stmt.where(key <= start).limit(1)).first() is not None
    mark = lambda f: f"{f.registered_on:%Y%m%d}{f.number}"  # noqa: E731
    return Page(rows, after=mark(rows[-1]) if rows and more_after else None,
                before=mark(rows[0]) if rows and more_before else None)


def near_submit_end(actor: Actor, settings):
    """已用 forms within `deadline_warning_days` of the last day to submit them (出口日期 + period)."""
    cutoff = clock.today() - timedelta(days=settings.submit_period_days - settings.deadline_warning_days)
    return form_select(actor, states=[FormState.USED]).where(_declared(Declaration.exported_on <= cutoff))


def enterprise_names(session: Session, rows) -> dict[int, str]:
    """{enterprise id: name} for a page of forms (one query by primary key)."""
    ids = {row.enterprise_id for row in rows if row.enterprise_id}
    if not ids:
        return {}
    return dict(session.connection().execute(_ENTERPRISE_NAMES, {"ids": sorted(ids)}).all())


# built once: a page's names through Core (no ORM result machinery for two plain columns)
_ENTERPRISE_NAMES = select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(bindparam("ids", expanding=True)))


def registered(actor: Actor, settings=None):
    """备案数据: 已备案 and not used yet."""
    return form_select(actor, states=[FormState.REGISTERED])


def revoking(actor: Actor, settings=None):
    """撤销中: waiting for customs to confirm or reject the revocation."""
    return form_select(actor, states=[FormState.REVOKING])


def by_number_and_state(actor: Actor, number: str = "", state: str = ""):
    """本企业核销单: every form the card may see, or the one 核销单号, or those in one state."""
    conditions = [Condition("number", "eq", number)] if number else []
    return form_select(actor, conditions, states=[state] if state else None)


def only(stmt, number: str | None):
    """A list of forms narrowed to one 核销单号 (the 查找 box), or the whole list."""
    return stmt.where(Form.number == number) if number else stmt


def declarations_in(actor: Actor, conditions, number: str | None = None):
    """A list of declarations by their status conditions; `number`: only the one of that 核销单号."""
    narrow = [Condition("form_number", "eq", number)] if number else []
    return declaration_select(actor, [*conditions, *narrow])


def forms_by_id(session: Session, form_ids) -> dict[int, Form]:
    """The forms of the declarations on a page (at most a page, by primary key)."""
    ids = set(form_ids)
    return {f.id: f for f in session.exec(select(Form).where(Form.id.in_(ids))).all()} if ids else {}


def form_numbers_of(session: Session, declaration_numbers) -> dict[str, str]:
    """{报关单号: 核销单号} for a few declarations (上一单 / 下一单 over a list of declarations)."""
    numbers = [n for n in declaration_numbers if n]
    if not numbers:
        return {}
    return dict(session.exec(select(Declaration.number, Form.number).join(Form, Form.id == Declaration.form_id)
                             .where(Declaration.number.in_(numbers))).all())


def why_not_in(session: Session, actor: Actor, action, number: str, settings, list_name: str) -> str:
    """Why a typed 核销单号 is not in an officer's list, in the manual's terms (another 关区's: not found;
    the rule's reason: `why_missing`), or, when the action could be taken, the form's status."""
    reason = why_missing(session, actor, action, number, settings)
    if reason:
        if reason.startswith("未找到"):
            return reason
        return t("核销单 %(number)s：%(reason)s", number=number, reason=reason)
    detail = details.load(session, actor, number, settings)
    state = FormState(detail.form.state).label
    return t("核销单 %(number)s（%(use)s，%(state)s）不在%(list)s中", number=number, use=detail.status["海关使用状态"],
             state=state, list=list_name)


def _status(label: str, slip: str | None = None) -> tuple:
    conditions = (Condition("status", "eq", label),)
    return conditions + ((Condition("fx_slip", "eq", slip),) if slip else ())


# customs' lists of declarations, by the 报关单 status their tab shows
TO_RELEASE = _status("已申报")
TO_CLOSE = _status("已放行")
TO_SLIP = _status("已结关", "未签发")
SLIPPED = _status("已结关", "已签发")
