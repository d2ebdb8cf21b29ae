"""Restore a SQLite backup (`eportfx backup`) into the database the settings name.

The backup is first copied beside the target, upgraded to this release's schema and its audit chain
verified there; only then is it copied over the target, page by page with SQLite's backup API (which
takes the target's lock, so no reader sees half a database). PostgreSQL is restored with pg_restore."""
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import make_url

from db import audit, migrate
from db.engine import Database


class RestoreError(RuntimeError):
    pass


@dataclass
class Restored:
    rows: dict[str, int]
    verdict: audit.Verdict


def row_counts(db: Database) -> dict[str, int]:
    tables = MetaData()
    with db.engine.connect() as connection:
        tables.reflect(connection)
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in sorted(tables.tables.items())}


def holds_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def check(path: Path) -> tuple[dict[str, int], audit.Verdict]:
    """Upgrade the SQLite file at `path` to this release's schema, then count and verify it."""
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as connection:
            if connection.exec_driver_sql("PRAGMA quick_check").scalar() != "ok":
                raise RestoreError(f"{path} is damaged (PRAGMA quick_check failed)")
            if not migrate.database_heads(connection):
                raise RestoreError(f"{path} is not an eportfx database (no schema revision)")
        migrate.upgrade(db)
        with db.session() as session:
            verdict = audit.verify(session)
        return row_counts(db), verdict
    finally:
        db.dispose()


def restore(db: Database, source: Path, force: bool = False) -> Restored:
    if not db.is_sqlite:
        raise RestoreError("restore reads SQLite backups; for PostgreSQL use pg_restore (README: backup and restore)")
    target = Path(make_url(db.url).database)
    if not source.is_file():
        raise RestoreError(f"no backup at {source}")
    if source.resolve() == target.resolve():
        raise RestoreError("the backup is the database itself")
    if holds_data(target) and not force:
        raise RestoreError(f"{target} holds data: stop every eportfx serving it, then run restore again with --force")
    staging = target.with_name(target.name + ".restoring")
    _remove(staging)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        try:
            _copy(source, staging)
        except sqlite3.DatabaseError as error:
            raise RestoreError(f"{source} is not a SQLite backup ({error})") from None
        rows, verdict = check(staging)
        if not verdict.ok:
            raise RestoreError(f"the backup's audit chain does not verify: {verdict.message}; nothing restored")
        db.dispose()
        _copy(staging, target)
    finally:
        _remove(staging)
    with db.session() as session:
        verdict = audit.verify(session)
    return Restored(row_counts(db), verdict)
