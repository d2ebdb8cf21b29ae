"""A request holds one database connection at a time, so the pool (sized from the thread count) never
runs dry; and when it does, the user is told 系统繁忙 (503), never shown a 500."""
import pytest

from db.engine import Database, make_engine
from tests.conftest import login

HX = {"HX-Request": "true"}


def _tight(demo, size):
    """The demo database through a pool of `size` connections that waits one second at most."""
    database = Database(demo.url, demo.settings)
    database.engine.dispose()
    database.engine = make_engine(demo.url, pool_size=size, max_overflow=0, pool_timeout=1)
    database._write_engine = database.engine.execution_options(eportfx_write=True)
    return database


@pytest.fixture
def tight_app(demo, tmp_path):
    from app import create_app

    database = _tight(demo, 1)
    yield create_app({"TESTING": True, "DATABASE": database, "SECRET_KEY": "t", "INSTANCE": str(tmp_path),
                      "LOGIN_RATE_PER_MINUTE": 10_000}), database
    database.dispose()


def test_a_request_gives_back_its_read_connection_before_it_writes(tight_app):
    app, _ = tight_app
    client = login(app.test_client(), "1100000000001")
    response = client.post("/enterprise/submit/286000011", data={"csrf_token": client.csrf, "act": "1",
                                                                 "confirmed": "1"})
    assert response.status_code == 303, response.status_code
    assert "交单成功" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_no_connection_in_time_is_a_503_saying_busy(tight_app):
    app, database = tight_app
    client = login(app.test_client(), "1100000000001")
    held = database.engine.connect()  # another request holds the only connection
    try:
        page = client.get("/enterprise/submit")
        fragment = client.get("/enterprise/submit", headers=HX)
    finally:
        held.close()
    assert page.status_code == 503 and "系统繁忙，请稍后再试" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "5"
    assert fragment.status_code == 503 and "系统繁忙" in fragment.get_data(as_text=True)
    assert client.get("/enterprise/submit").status_code == 200


def test_the_pool_is_sized_from_the_thread_count(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'x.db'}", threads=20)
    assert database.engine.pool.size() == 22 and database.engine.pool._max_overflow == 20
    database.dispose()
