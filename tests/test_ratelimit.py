"""Login attempts are limited per client address; with Redis the count is shared by every instance."""
import uuid
from types import SimpleNamespace

import pytest

from tests.conftest import csrf_of


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """The count is per clock minute: hold the limiter's clock still, so that a test crossing a
    minute's boundary does not start a fresh count halfway."""
    monkeypatch.setattr("blueprints._ratelimit.time", SimpleNamespace(time=lambda: 1_800_000_030.0))


def _attempt(client):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"card_no": "1100000000001", "password": "wrong-pw", "csrf_token": token},
                       environ_base={"REMOTE_ADDR": "10.9.8.7"})


def test_too_many_attempts_get_a_chinese_429(app):
    app.config["LOGIN_RATE_PER_MINUTE"] = 3
    client = app.test_client()
    codes = [_attempt(client).status_code for _ in range(4)]
    assert codes[:3] == [422, 422, 422] and codes[3] == 429
    assert "操作过于频繁" in _attempt(client).get_data(as_text=True)


def test_instances_share_the_count_through_redis(demo, tmp_path):
    import redis

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).ping()  # the test setup starts Redis; fail loudly if it is not there
    from app import create_app

    config = {"TESTING": True, "DATABASE": demo, "SECRET_KEY": "s", "INSTANCE": str(tmp_path),
              "REDIS_URL": url, "LOGIN_RATE_PER_MINUTE": 4}
    one, two = create_app(config).test_client(), create_app(config).test_client()
    address = f"10.{uuid.uuid4().int % 250}.1.1"

    def attempt(client):
        token = csrf_of(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"card_no": "1100000000001", "password": "x", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert [attempt(one), attempt(two), attempt(one), attempt(two)] == [422] * 4
    assert attempt(one) == 429 and attempt(two) == 429


def test_password_changes_are_limited_per_address_too(app):
    from tests.conftest import login

    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.2.2"
    login(client, "1100000000001")
    app.config["LOGIN_RATE_PER_MINUTE"] = 2
    data = {"old": "wrong-old", "new": "kx7-ofn2Rq", "confirm": "kx7-ofn2Rq", "csrf_token": client.csrf}
    codes = [client.post("/password", data=data).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
