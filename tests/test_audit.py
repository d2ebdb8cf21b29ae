"""The audit trail: one event per transition, append-only in the database, hash-chained, verifiable."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from db import audit
from db.models import AuditEvent


def test_demo_history_verifies(demo):
    with demo.session() as session:
        verdict = audit.verify(session, chunk=50)  # several chunks
    assert verdict.ok and verdict.checked > 500, verdict.message


@pytest.mark.parametrize("statement", ["UPDATE auditevent SET detail = 'x' WHERE seq = 3",
                                       "DELETE FROM auditevent WHERE seq = 3"])
def test_the_database_refuses_to_change_or_delete_events(demo, statement):
    with pytest.raises(DatabaseError):
        with demo.write() as session:
            session.execute(text(statement))


def test_postgresql_refuses_to_truncate_the_events(demo):
    """TRUNCATE goes around row triggers: the trail refuses it on its own (SQLite has no TRUNCATE)."""
    if demo.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DatabaseError):
        with demo.write() as session:
            session.execute(text("TRUNCATE auditevent"))


def _drop_guard(session):
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER auditevent_no_update"))
        session.execute(text("DROP TRIGGER auditevent_no_delete"))
    else:
        session.execute(text("DROP TRIGGER auditevent_append_only ON auditevent"))


@pytest.mark.parametrize("tamper, where", [
    ("UPDATE auditevent SET detail = '篡改' WHERE seq = 40", "第 40 条记录被改动"),
    ("DELETE FROM auditevent WHERE seq = 40", "第 40 条记录缺失"),
    ("DELETE FROM auditevent WHERE seq = (SELECT MAX(seq) FROM auditevent)", "链尾"),
])
def test_tampering_shows_where_the_chain_breaks(demo, tamper, where):
    with demo.write() as session:  # someone with the database's owner rights goes around the guard
        _drop_guard(session)
        session.execute(text(tamper))
    with demo.session() as session:
        verdict = audit.verify(session)
    assert not verdict.ok and where in verdict.message


def test_each_event_links_to_the_one_before(demo):
    with demo.session() as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.seq).limit(30)).all()
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
