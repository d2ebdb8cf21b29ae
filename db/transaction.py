"""What every write answers, and the one way to write.

A write is one transaction (`writing`) that takes the audit chain's tip first, so that writers queue
there and never deadlock on rows. It answers a `Result` for the screen ("设置成功", or why not, in
Chinese); a guard that says no inside it raises `Refused`, and only that row's savepoint is undone.
"""
from contextlib import contextmanager
from dataclasses import dataclass

from db import audit
from db.engine import Database


@dataclass
class Result:
    ok: bool
    message: str
    number: str | None = None  # the 核销单号 the result is about, where there is one
    before: str | None = None
    after: str | None = None


class Refused(Exception):
    """A guard said no: the row's savepoint is rolled back and the message goes to the screen."""

    def __str__(self) -> str:  # the message as given: a db.words.Text stays one (its English is kept)
        return self.args[0] if self.args else ""


def as_id(value) -> int | None:
    """A row id from user input, or None: digits only, within the id column's range."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**31:
        return None
    return int(text)


@contextmanager
def writing(db: Database):
    """One write transaction, queued at the audit chain's tip."""
    with db.write() as session:
        audit.lock_head(session)  # first, so that writers queue here and never deadlock on rows
        yield session
