"""Fresh database per test, on SQLite (default) or PostgreSQL (EPORTFX_TEST_DB=postgresql).

Two templates are built once per run, an empty schema and the demo seed; each test gets its own copy
(a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), so tests never share state.
"""
import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from db import migrate, seed
from db.actor import Actor
from db.engine import Database
from db.models import Card

PG_SERVER = os.environ.get("EPORTFX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
BACKEND = os.environ.get("EPORTFX_TEST_DB", "sqlite")


class Databases:
    """Makes databases for tests from the two templates."""

    def __init__(self, tmp_dir):
        self.tmp_dir = tmp_dir
        self.run = uuid.uuid4().hex[:8]
        self.made: list[Database] = []
        self.names: list[str] = []
        if BACKEND == "postgresql":
            self.admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        for template in ("empty", "demo"):
            database = Database(self._url(f"tpl_{template}", create=True))
            migrate.init_db(database)
            if template == "demo":
                seed.seed_demo(database)
            database.dispose()

    def _url(self, name: str, template: str | None = None, create: bool = False) -> str:
        if BACKEND == "postgresql":
            full = f"eportfx_{self.run}_{name}"
            if create or template:
                with self.admin.connect() as conn:
                    clause = f" TEMPLATE eportfx_{self.run}_tpl_{template}" if template else ""
                    conn.execute(text(f'CREATE DATABASE "{full}"{clause}'))
                self.names.append(full)
            return f"{PG_SERVER}/{full}"
        path = self.tmp_dir / f"{name}.db"
        if template:
            shutil.copyfile(self.tmp_dir / f"tpl_{template}.db", path)
        return f"sqlite:///{path}"

    def new(self, template: str) -> Database:
        database = Database(self._url(f"t{len(self.made)}", template=template))
        self.made.append(database)
        return database

    def drop(self, database: Database) -> None:
        """Give back the database's connections (a shared server has a limit) and its storage."""
        database.dispose()
        if BACKEND == "postgresql":
            name = database.url.rsplit("/", 1)[1]
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(database.url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)

    def close(self):
        for database in self.made:
            database.dispose()
        if BACKEND == "postgresql":
            with self.admin.connect() as conn:
                for name in self.names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("db"))
    yield made
    made.close()


@pytest.fixture
def db(databases) -> Database:
    """An empty database: schema and code tables, no cards, no forms."""
    database = databases.new("empty")
    yield database
    databases.drop(database)


@pytest.fixture
def demo(databases) -> Database:
    """A database with the demo seed (DESIGN §1)."""
    database = databases.new("demo")
    yield database
    databases.drop(database)


def actor_of(database: Database, card_no: str) -> Actor:
    with database.session() as session:
        return Actor.of(session.exec(select(Card).where(Card.card_no == card_no)).one())


@pytest.fixture
def actors(demo):
    """The demo cards as actors: actors["A"] is enterprise A's operator, and so on."""
    names = {"A": "1100000000001", "A_legal": "1100000000002", "B": "1100000000003", "C": "1100000000004",
             "C_legal": "1100000000005", "B_new": "1100000000006", "B_legal": "1100000000007",
             "bureau": "2200000000001", "customs5700": "3300000000001", "customs5300": "3300000000002", "customs5301": "3300000000003",
             "admin": "9900000000001"}
    return {name: actor_of(demo, card_no) for name, card_no in names.items()}


@pytest.fixture
def app_config() -> dict:
    """More settings for the app under test (a test module overrides this, e.g. {"DEMO": True})."""
    return {}


@pytest.fixture
def app(demo, tmp_path, app_config):
    from app import create_app

    return create_app({"TESTING": True, "DATABASE": demo, "SECRET_KEY": "test-secret", "INSTANCE": str(tmp_path),
                       "DATABASE_URL": demo.url, "LOGIN_RATE_PER_MINUTE": 10_000, **app_config})


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, card_no: str, password: str = seed.DEMO_PASSWORD):
    """Log the test client in as a card; returns the client, ready to send forms with `client.csrf`."""
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"card_no": card_no, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    client.csrf = csrf_of(client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True))
    assert client.csrf != token  # the session after login has a token of its own
    return client


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name.endswith("_routes.py"):
            item.add_marker(pytest.mark.routes)
