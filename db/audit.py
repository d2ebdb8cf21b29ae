"""The audit trail: append-only (database triggers refuse UPDATE and DELETE) and hash-chained."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import update
from sqlmodel import Session, select

from db import clock
from db.actor import Actor
from db.models import AuditEvent, AuditHead, Card, Form
from db.queries import date_range
from db.words import t

GENESIS = "0" * 64


def lock_head(session: Session) -> None:
    """Take the chain's tip for this transaction (a row lock on PostgreSQL; SQLite holds its write
    lock already). Writers take it first, before any form row, so they never deadlock."""
    stmt = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    session.info["audit_tip"] = session.info["audit_start"] = tuple(session.exec(stmt).one())
    if not sa_event.contains(session, "before_commit", _save_tip):
        sa_event.listen(session, "before_commit", _save_tip)


def _save_tip(session: Session) -> None:
    """Move the chain's tip once per transaction, whatever number of events it appended."""
    if session.in_nested_transaction():  # a savepoint: the transaction goes on
        return
    seq, tip = session.info["audit_tip"]
    if (seq, tip) != session.info["audit_start"]:
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=tip))
        session.info["audit_start"] = (seq, tip)


def canonical(event: AuditEvent) -> str:
    return json.dumps(
        [
            event.seq, event.at.isoformat(), event.card_id, event.card_no, event.role, event.action,
            event.enterprise_id, event.form_id, event.form_number, event.state_before, event.state_after, event.detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def digest(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def append(session: Session, *, actor: Actor, action: str, form=None, before=None, after=None,
           detail: str = "", enterprise_id: int | None = None) -> AuditEvent:
    if "audit_tip" not in session.info:
        lock_head(session)
    seq, prev_hash = session.info["audit_tip"]
    event = AuditEvent(
        seq=seq + 1, at=clock.now(), card_id=actor.card_id, card_no=actor.card_no,
        role=actor.role, action=action,
        enterprise_id=form.enterprise_id if form else (enterprise_id or actor.enterprise_id),
        form_id=form.id if form else None,
        form_number=form.number if form else None, state_before=before, state_after=after,
        detail=detail[:500], prev_hash=prev_hash, hash="",
    )
    event.hash = digest(prev_hash, event)
    session.add(event)
    session.info["audit_tip"] = (event.seq, event.hash)
    return event


@dataclass
class Verdict:
    ok: bool
    checked: int
    broken_at: int | None = None
    message: str = ""


_CHAINED = [AuditEvent.seq, AuditEvent.at, AuditEvent.card_id, AuditEvent.card_no, AuditEvent.role,
            AuditEvent.action, AuditEvent.enterprise_id, AuditEvent.form_id, AuditEvent.form_number,
            AuditEvent.state_before, AuditEvent.state_after, AuditEvent.detail, AuditEvent.prev_hash,
            AuditEvent.hash]


def verify(session: Session, chunk: int = 5000) -> Verdict:
    """Walk the chain in order, a chunk at a time, recomputing every hash."""
    prev, expected_seq, checked = GENESIS, 1, 0
    while True:
        events = session.exec(  # plain rows, not objects: the whole chain is read
            select(*_CHAINED).where(AuditEvent.seq >= expected_seq).order_by(AuditEvent.seq).limit(chunk)
        ).all()
        for event in events:
            if event.seq != expected_seq:
                return Verdict(False, checked, expected_seq, t("第 %(seq)s 条记录缺失", seq=expected_seq))
            if event.prev_hash != prev or digest(prev, event) != event.hash:
                return Verdict(False, checked, event.seq, t("第 %(seq)s 条记录被改动", seq=event.seq))
            prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if len(events) < chunk:
            break
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return Verdict(False, checked, checked + 1,
                       t("链尾应为第 %(seq)s 条，实际只有 %(checked)s 条", seq=head.seq, checked=checked))
    return Verdict(True, checked, None, t("审计链完整，共 %(checked)s 条记录", checked=checked))


# ── 审计: the trail as the data centre reads it ─────────────────────────────────────────────

class TrailFilterError(ValueError):
    """Some filters are wrong: `errors` maps each filter's name to why, in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


def trail(session: Session, *, card_no: str = "", action: str = "", form_number: str = "",
                 date_from: str = "", date_to: str = ""):
    """select(AuditEvent) of the events meeting the filters, to be paged newest first
    (db.queries.page(..., descending=True)). Dates are China dates, YYYYMMDD or a start of one
    (200701: all of January 2007). Raises TrailFilterError."""
    errors: dict[str, str] = {}
    stmt = select(AuditEvent)
    card_no, action, form_number = card_no.strip(), action.strip(), form_number.strip()
    if card_no:
        card_id = session.exec(select(Card.id).where(Card.card_no == card_no[:20])).first()
        if card_id is None:
            errors["card_no"] = t("未找到IC卡 %(card_no)s", card_no=card_no[:20])
        stmt = stmt.where(AuditEvent.card_id == card_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action[:20])
    if form_number:
        if not (form_number.isascii() and form_number.isdigit()):
            errors["form_number"] = t("核销单号只能是数字")
        stmt = stmt.where(AuditEvent.form_id.in_(select(Form.id).where(Form.number == form_number[:12])))
    low = _day_bound(date_from, errors, "date_from", first=True)
    high = _day_bound(date_to, errors, "date_to", first=False)
    if low and high and low >= high:
        errors["date_to"] = t("终止日期不能早于起始日期")
    if errors:
        raise TrailFilterError(errors)
    if low:
        stmt = stmt.where(AuditEvent.at >= low)
    if high:
        stmt = stmt.where(AuditEvent.at < high)
    return stmt


def _day_bound(text: str, errors: dict, name: str, *, first: bool):
    """The first moment (China time) of the days `text` names, or the first moment after them."""
    text = (text or "").strip()
    if not text:
        return None
    days = date_range(text.replace("-", ""))
    if days is None:
        errors[name] = t("“%(text)s”不是日期（YYYYMMDD）", text=text[:20])
        return None
    if first and days[0].year == 1:
        return None  # from the first day there is: no bound (and none that China time could not hold)
    try:
        day = days[0] if first else days[1] + timedelta(days=1)
    except OverflowError:
        return None
    return datetime.combine(day, time(0), clock.CHINA)


def known_actions() -> list[str]:
    """The actions the trail records, as suggestions for the 操作 filter (any text may be typed)."""
    from db.codes import IMPORT_ACTION
    from db.rules import Action

    return ["入网", "发卡", "重置密码", "锁定", "解锁", "修改密码", IMPORT_ACTION, "核销单申请", "发放", "驳回",
            "领取纸质单证", "申请开通", "申请延期", "权限审批", "权限拒绝", *(a.value for a in Action)]
