"""Backup while the app writes, restore, and find the same database: every table's rows, a verified chain.
SQLite through `eportfx backup` / `eportfx restore`; PostgreSQL through pg_dump / pg_restore."""
import shutil
import subprocess
import threading
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cli import main
from db import audit
from db.engine import Database
from db.restore import row_counts
from tests.conftest import BACKEND, PG_SERVER, login


def _run(url, tmp_path, *args):
    env = {"EPORTFX_DATABASE_URL": url, "EPORTFX_INSTANCE": str(tmp_path)}
    return CliRunner().invoke(main, list(args), env=env)


def _writing(app, stop: threading.Event, done: list):
    """Applications through the app, one after another, until told to stop."""
    client = login(app.test_client(), "1100000000001")
    while not stop.is_set():
        response = client.post("/enterprise/apply", data={"quantity": "1", "csrf_token": client.csrf})
        assert response.status_code == 303
        done.append(1)


def _backup_while_writing(app, demo, tmp_path):
    stop, done = threading.Event(), []
    writer = threading.Thread(target=_writing, args=(app, stop, done))
    writer.start()
    try:
        while len(done) < 5 and writer.is_alive():
            stop.wait(0.05)
        target = tmp_path / "backup" / "eportfx.backup"
        result = _run(demo.url, tmp_path, "backup", str(target))
        assert result.exit_code == 0, result.output
        written_before_backup_ended = len(done)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert written_before_backup_ended >= 5
    return target


def _verified(database: Database):
    with database.session() as session:
        return audit.verify(session)


@pytest.mark.skipif(BACKEND != "sqlite", reason="eportfx restore reads SQLite backups")
def test_sqlite_backup_while_writing_restores_an_equal_database(app, demo, tmp_path):
    backup = _backup_while_writing(app, demo, tmp_path)
    snapshot = Database(f"sqlite:///{tmp_path / 'snapshot.db'}")
    shutil.copyfile(backup, tmp_path / "snapshot.db")
    expected = row_counts(snapshot)
    assert expected["formapplication"] > 0 and _verified(snapshot).ok

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'eportfx.db'}"
    result = _run(restored_url, tmp_path, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "审计链完整" in result.output
    restored = Database(restored_url)
    assert row_counts(restored) == expected
    assert _verified(restored).ok


@pytest.mark.skipif(BACKEND != "sqlite", reason="eportfx restore reads SQLite backups")
def test_restore_refuses_a_database_with_data_without_force(demo, tmp_path):
    backup = tmp_path / "empty.backup"
    assert _run(demo.url, tmp_path, "backup", str(backup)).exit_code == 0
    with demo.write() as session:  # the live database moves on after the backup
        session.exec(text("DELETE FROM numberstock"))
    refused = _run(demo.url, tmp_path, "restore", str(backup))
    assert refused.exit_code == 1 and "holds data" in refused.output and "--force" in refused.output
    forced = _run(demo.url, tmp_path, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    copy = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    shutil.copyfile(backup, tmp_path / "copy.db")
    assert row_counts(demo) == row_counts(copy)


@pytest.mark.skipif(BACKEND != "sqlite", reason="eportfx restore reads SQLite backups")
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database" * 100)
    result = _run(f"sqlite:///{tmp_path / 'new.db'}", tmp_path, "restore", str(junk))
    assert result.exit_code == 1 and "not a SQLite backup" in result.output
    assert not (tmp_path / "new.db.restoring").exists()


@pytest.mark.skipif(BACKEND != "postgresql", reason="the PostgreSQL backup is tested on the PostgreSQL run")
@pytest.mark.skipif(not shutil.which("pg_restore"), reason="pg_dump / pg_restore are not installed")
def test_postgresql_pg_dump_while_writing_and_pg_restore(app, demo, tmp_path):
    backup = _backup_while_writing(app, demo, tmp_path)
    told = _run(demo.url, tmp_path, "restore", str(backup))
    assert told.exit_code == 1 and "for PostgreSQL use pg_restore" in told.output
    name = f"ops_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    restored = Database(f"{PG_SERVER}/{name}")
    try:
        plain = make_url(restored.url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={plain}", str(backup)], check=True)
        listing = subprocess.run(["pg_restore", "--list", str(backup)], capture_output=True, text=True, check=True)
        assert "TABLE DATA public formapplication" in listing.stdout
        counts = row_counts(restored)
        assert counts["formapplication"] > 0 and _verified(restored).ok
        # with the writes over, a dump restores to exactly the live database's rows
        quiet = tmp_path / "quiet.backup"
        assert _run(demo.url, tmp_path, "backup", str(quiet)).exit_code == 0
        assert _restore_again(admin, quiet) == row_counts(demo)
    finally:
        restored.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _restore_again(admin, backup) -> dict[str, int]:
    name = f"ops_restore_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    again = Database(f"{PG_SERVER}/{name}")
    try:
        plain = make_url(again.url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={plain}",
                        str(backup)], check=True)
        return row_counts(again)
    finally:
        again.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.skipif(BACKEND != "sqlite", reason="eportfx restore reads SQLite backups")
def test_restore_upgrades_a_backup_from_an_earlier_release(demo, tmp_path):
    from alembic import command

    from db import migrate
    from tests.test_upgrade import _copy_rows, _first_revision

    old = Database(f"sqlite:///{tmp_path / 'old-release.backup'}")
    with old.write_connection() as connection:
        command.upgrade(migrate._config(connection), _first_revision())
    tables = _copy_rows(demo, old)
    expected = {name: count for name, count in row_counts(old).items() if name in tables}
    old.dispose()

    restored_url = f"sqlite:///{tmp_path / 'restored.db'}"
    result = _run(restored_url, tmp_path, "restore", str(tmp_path / "old-release.backup"))
    assert result.exit_code == 0, result.output
    restored = Database(restored_url)
    with restored.engine.connect() as connection:
        assert migrate.database_heads(connection) == migrate.code_heads()
    assert {name: count for name, count in row_counts(restored).items() if name in tables} == expected
    assert _verified(restored).ok
    with old.engine.connect() as connection:  # the backup itself is left as it was
        assert migrate.database_heads(connection) == {_first_revision()}
