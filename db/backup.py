"""Backups: SQLite's online backup (consistent while the app runs), or pg_dump for PostgreSQL. The
file is readable by its owner only; pg_dump gets the password in its environment, never in argv
(where any user of the machine could read it)."""
import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from db.engine import Database


def backup(db: Database, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)
    target.chmod(0o600)  # before any data is written
    url = make_url(db.url)
    if db.is_sqlite:
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    argv, env = pg_dump_command(db.url, target)
    subprocess.run(argv, env=env, check=True)


def pg_dump_command(url_text: str, target: Path) -> tuple[list[str], dict[str, str]]:
    """pg_dump's argv (no password in it) and its environment (PGPASSWORD when the URL has one)."""
    url = make_url(url_text)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql")._replace(password=None)  # set() ignores None
    return ["pg_dump", "--format=custom", f"--file={target}", plain.render_as_string(hide_password=False)], env
