"""`eportfx init-db` upgrades a database made at the first revision, with data, to the newest one without
losing a row, and refuses a database migrated by a newer release."""
from alembic import command
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import MetaData, func, select, text

from cli import main
from db import audit, migrate
from db.engine import Database
from tests.conftest import login


def _first_revision() -> str:
    return ScriptDirectory.from_config(migrate._config()).get_base()


def _counts(database: Database, tables) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(text(f'"{name}"'))).scalar_one()
                for name in tables}


def _copy_rows(source: Database, target: Database) -> list[str]:
    """The demo seed's rows into the target's (older) tables, column by column as they are stored."""
    older = MetaData()
    with target.engine.connect() as connection:
        older.reflect(connection)
    newer = MetaData()
    with source.engine.connect() as connection:
        newer.reflect(connection)
    tables = [t for t in older.sorted_tables if t.name != "alembic_version" and t.name in newer.tables]
    mark = "?" if target.is_sqlite else "%s"
    with source.engine.connect() as read, target.engine.begin() as write:
        for table in reversed(tables):  # rows a migration put there (the audit chain's tip) make way
            if write.execute(select(func.count()).select_from(table)).scalar_one():
                write.execute(table.delete())
        for table in tables:
            columns = [c.name for c in table.columns if c.name in newer.tables[table.name].columns]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = read.exec_driver_sql(f'SELECT {names} FROM "{table.name}"').fetchall()
            if rows:
                write.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join([mark] * len(columns))})',
                                      [tuple(row) for row in rows])
            if not target.is_sqlite and "id" in table.columns and table.columns["id"].autoincrement:
                write.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                   f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'))
    return [t.name for t in tables]


def _init_db(database: Database, tmp_path):
    env = {"EPORTFX_DATABASE_URL": database.url, "EPORTFX_INSTANCE": str(tmp_path)}
    return CliRunner().invoke(main, ["init-db"], env=env)


def test_upgrade_from_the_first_revision_keeps_every_row(databases, demo, tmp_path):
    old = Database(databases._url("upgrade_from_first", create=True))
    databases.made.append(old)
    with old.write_connection() as connection:
        command.upgrade(migrate._config(connection), _first_revision())
    tables = _copy_rows(demo, old)
    before = _counts(old, tables)
    assert before["form"] > 0 and before["auditevent"] > 0 and before["card"] > 0

    result = _init_db(old, tmp_path)
    assert result.exit_code == 0, result.output
    assert f"schema {_first_revision()} → {', '.join(sorted(migrate.code_heads()))}" in result.output

    assert _counts(old, tables) == before
    with old.engine.connect() as connection:
        assert migrate.database_heads(connection) == migrate.code_heads()
    with old.session() as session:
        assert audit.verify(session).ok
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": old, "DATABASE_URL": old.url, "SECRET_KEY": "t",
                      "LOGIN_RATE_PER_MINUTE": 10_000, "INSTANCE": str(tmp_path)})
    client = login(app.test_client(), "1100000000001")  # a write: the login is recorded
    assert client.get("/enterprise/").status_code == 200
    assert client.get("/healthz").status_code == 200
    databases.drop(old)


def test_refuses_a_database_newer_than_the_code(db, tmp_path):
    with db.write_connection() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_release'"))
    result = _init_db(db, tmp_path)
    assert result.exit_code == 1
    assert "9999_from_a_newer_release, newer than this release" in result.output
    assert "Nothing was changed" in result.output
    with db.engine.connect() as connection:
        assert migrate.database_heads(connection) == {"9999_from_a_newer_release"}
