"""/healthz: 200 with the database answering at the newest schema, 503 otherwise, nothing else said."""
import pytest
from sqlalchemy import text

from db import migrate
from db.engine import Database
from tests.conftest import login


def _app(database, tmp_path):
    from app import create_app

    return create_app({"TESTING": True, "DATABASE": database, "DATABASE_URL": database.url,
                       "LOGIN_RATE_PER_MINUTE": 10_000, "SECRET_KEY": "test-secret", "INSTANCE": str(tmp_path)})


def test_ok_without_login_or_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert client.head("/healthz").status_code == 200


def test_a_logged_in_cookie_changes_nothing(client):
    login(client, "1100000000001")
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


@pytest.mark.parametrize("revision", ["0001", "9999_from_a_newer_release"])
def test_fail_when_the_schema_is_not_the_newest(db, tmp_path, revision):
    with db.write_connection() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    response = _app(db, tmp_path).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "fail\n"


def test_fail_when_the_database_does_not_answer(tmp_path):
    gone = Database(f"sqlite:///{tmp_path}/no/such/folder/eportfx.db")
    response = _app(gone, tmp_path).test_client().get("/healthz")
    assert response.status_code == 503 and response.get_data(as_text=True) == "fail\n"


def test_code_heads_are_the_newest_migrations(db):
    with db.engine.connect() as connection:
        assert migrate.database_heads(connection) == migrate.code_heads()
