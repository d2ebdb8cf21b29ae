"""Backups: SQLite's online backup (consistent while the app runs), or pg_dump for PostgreSQL."""
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from db.engine import Database


def backup(db: Database, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(db.url)
    if db.is_sqlite:
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    plain = url.set(drivername="postgresql")
    subprocess.run(["pg_dump", "--format=custom", f"--file={target}",
                    plain.render_as_string(hide_password=False)], check=True)
