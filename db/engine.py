"""The engine, a read session per request, and write transactions that cannot fail on lock upgrade."""
from contextlib import contextmanager

from flask import current_app, g, has_app_context
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.rules import Policy


class Database:
    def __init__(self, url: str, settings: Policy | None = None, *, threads: int = 4, pool_timeout: float = 10):
        self.url = url
        self.settings = settings or Policy()
        self.is_sqlite = url.startswith("sqlite")
        # a connection for every server thread and as many again for commands and bursts: a request
        # holds one connection at a time (see write), so a thread never waits for the pool
        self.engine = make_engine(url, pool_size=threads + 2, max_overflow=threads, pool_timeout=pool_timeout)
        # Sessions of the write engine open with BEGIN IMMEDIATE on SQLite: the write lock is taken at
        # the start, so a transaction never fails half-way trying to upgrade a read lock.
        self._write_engine = self.engine.execution_options(eportfx_write=True)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def write(self):
        """One write transaction: commits on success, rolls back on any exception. The request's read
        session gives its connection back first: a request never holds two connections at once."""
        release_read_session()
        with Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def write_connection(self):
        """A plain connection in one write transaction (migrations)."""
        with self._write_engine.begin() as connection:
            yield connection

    def dispose(self):
        self.engine.dispose()


def make_engine(url: str, *, pool_size: int = 6, max_overflow: int = 4, pool_timeout: float = 10) -> Engine:
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **pool)
    if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
        pool = {}
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        # BEGIN is issued below, not implicitly by the sqlite3 module.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # Reads run without BEGIN: each statement sees the latest commit, as READ COMMITTED does on
        # PostgreSQL, so a page rendered after a write in the same request shows that write.
        if conn.get_execution_options().get("eportfx_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def init_app(app, database: Database):
    app.extensions["eportfx_db"] = database

    @app.teardown_appcontext
    def close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def release_read_session() -> None:
    """Give the request's read connection back to the pool (the session opens another on next use;
    what it loaded stays readable)."""
    if has_app_context():
        session = g.get("db_session")
        if session is not None:
            session.close()


def get_db() -> Database:
    return current_app.extensions["eportfx_db"]


def get_session() -> Session:
    """The request's read session, opened on first use and closed on teardown."""
    if "db_session" not in g:
        g.db_session = get_db().session()
    return g.db_session
