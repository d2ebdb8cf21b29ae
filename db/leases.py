"""How many exports a card runs at once, counted in the database so that every server process
(`eportfx serve --workers N`, or several instances) sees the same count: one row per running export.

A lease lasts `LEASE` and the process streaming the export renews it as it goes; when the process is
killed mid-export, its lease lapses by itself. Taking a lease queues at the audit head like every other
writer (db.transaction.writing), so two processes never both take a card's last slot, on SQLite or
PostgreSQL, and the lock order stays the one every writer keeps.
"""
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from db import clock
from db.engine import Database
from db.models import ExportLease
from db.transaction import writing

LEASE = timedelta(minutes=2)


def take(db: Database, card_id: int, most: int) -> int | None:
    """A lease for one more export of the card, or None when it runs `most` already."""
    now = clock.now()
    with writing(db) as session:
        session.execute(delete(ExportLease).where(ExportLease.card_id == card_id, ExportLease.expires_at <= now))
        running = session.execute(select(func.count()).select_from(ExportLease).where(
            ExportLease.card_id == card_id)).scalar_one()
        if running >= most:
            return None
        lease = ExportLease(card_id=card_id, expires_at=now + LEASE)
        session.add(lease)
        session.flush()
        return lease.id


def renew(db: Database, lease_id: int) -> None:
    with db.write() as session:
        session.execute(update(ExportLease).where(ExportLease.id == lease_id)
                        .values(expires_at=clock.now() + LEASE))


def give_back(db: Database, lease_id: int) -> None:
    with db.write() as session:
        session.execute(delete(ExportLease).where(ExportLease.id == lease_id))
