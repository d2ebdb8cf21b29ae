"""The audit trail: append-only (database triggers refuse UPDATE and DELETE) and hash-chained."""
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from db import clock
from db.actor import Actor
from db.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def lock_head(session: Session) -> None:
    """Take the chain's tip for this transaction (a row lock on PostgreSQL; SQLite holds its write
    lock already). Writers take it first, before any form row, so they never deadlock."""
    stmt = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    session.info["audit_tip"] = tuple(session.exec(stmt).one())


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
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=event.seq, hash=event.hash))
    session.info["audit_tip"] = (event.seq, event.hash)
    return event


@dataclass
class Verdict:
    ok: bool
    checked: int
    broken_at: int | None = None
    message: str = ""


def verify(session: Session, chunk: int = 5000) -> Verdict:
    """Walk the chain in order, a chunk at a time, recomputing every hash."""
    prev, expected_seq, checked = GENESIS, 1, 0
    while True:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.seq >= expected_seq).order_by(AuditEvent.seq).limit(chunk)
        ).all()
        for event in events:
            if event.seq != expected_seq:
                return Verdict(False, checked, expected_seq, f"第 {expected_seq} 条记录缺失")
            if event.prev_hash != prev or digest(prev, event) != event.hash:
                return Verdict(False, checked, event.seq, f"第 {event.seq} 条记录被改动")
            prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if len(events) < chunk:
            break
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return Verdict(False, checked, checked + 1, f"链尾应为第 {head.seq} 条，实际只有 {checked} 条")
    return Verdict(True, checked, None, f"审计链完整，共 {checked} 条记录")
