"""Login attempts are limited per client address; with Redis the count is shared by every instance."""
import uuid
from types import SimpleNamespace

import pytest

from tests.conftest import csrf_of

NOW = [1_800_000_050.0]  # ten seconds before a clock minute turns (1_800_000_060 is a whole minute)


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    """The limiter's clock stands still unless a test moves it (NOW)."""
    NOW[0] = 1_800_000_050.0
    monkeypatch.setattr("blueprints._ratelimit.time", SimpleNamespace(time=lambda: NOW[0]))


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


@pytest.mark.parametrize("shared", [False, True], ids=["process", "redis"])
def test_the_window_moves_a_new_clock_minute_gives_no_fresh_attempts(demo, tmp_path, shared):
    from app import create_app

    config = {"TESTING": True, "DATABASE": demo, "SECRET_KEY": "s", "INSTANCE": str(tmp_path),
              "LOGIN_RATE_PER_MINUTE": 3}
    if shared:
        config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    client = create_app(config).test_client()
    address = f"10.{uuid.uuid4().int % 250}.3.3"

    def attempt():
        token = csrf_of(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"card_no": "1100000000001", "password": "x", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert [attempt() for _ in range(4)] == [422, 422, 422, 429]
    NOW[0] += 15  # a new clock minute began five seconds ago: still the same 60 seconds
    assert attempt() == 429
    NOW[0] += 46  # 61 seconds after the three: they are out of the window
    assert [attempt() for _ in range(4)] == [422, 422, 422, 429]


def _app(demo, tmp_path, shared: bool, **config):
    from app import create_app

    base = {"TESTING": True, "DATABASE": demo, "SECRET_KEY": "s", "INSTANCE": str(tmp_path), **config}
    if shared:
        base["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    return create_app(base)


@pytest.mark.parametrize("shared", [False, True], ids=["process", "redis"])
def test_a_classroom_behind_one_address_logs_in_each_on_its_own_card(demo, tmp_path, shared):
    """Thirty trainees at the same minute from one address, each on their own card, with the shipped
    limits: none is refused; guessing one card from there is still stopped at its own limit."""
    client = _app(demo, tmp_path, shared, LOGIN_RATE_PER_MINUTE=20, LOGIN_RATE_PER_ADDRESS_PER_MINUTE=100).test_client()
    address = f"10.{uuid.uuid4().int % 250}.4.4"

    def attempt(card_no, password="wrong-pw"):
        token = csrf_of(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"card_no": card_no, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert {attempt(f"12000000{n:02d}001") for n in range(1, 31)} == {422}  # no such cards: 卡号或密码错误
    assert attempt("1100000000001", "88888888") == 303  # logged in
    assert [attempt("1100000000006") for _ in range(20)] == [422] * 20
    assert attempt("1100000000006") == 429  # the 21st on one card
    assert attempt("1100000000007") == 422  # another card from the same address still gets its answer


@pytest.mark.parametrize("shared", [False, True], ids=["process", "redis"])
def test_many_cards_from_one_address_stop_at_the_address_limit(demo, tmp_path, shared):
    """One password tried on many cards: the address's own window stops it, whichever card comes next;
    a refused attempt counts in neither window."""
    client = _app(demo, tmp_path, shared, LOGIN_RATE_PER_MINUTE=3, LOGIN_RATE_PER_ADDRESS_PER_MINUTE=5).test_client()
    address = f"10.{uuid.uuid4().int % 250}.5.5"

    def attempt(card_no):
        token = csrf_of(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"card_no": card_no, "password": "88888888x", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert [attempt(f"99{n:011d}") for n in range(5)] == [422] * 5
    assert attempt("9900000000999") == 429 and attempt("1100000000001") == 429
    NOW[0] += 61
    assert attempt("9900000000999") == 422


def test_demo_one_click_logins_of_a_classroom_are_not_refused(demo, tmp_path):
    """Demo mode, 25 trainees pressing their card's 登录 in the same minute from one address (a
    classroom behind one router), with the shipped limits."""
    from db import seed

    seed.seed_trainees(demo, 25)
    app = _app(demo, tmp_path, False, DEMO=True, LOGIN_RATE_PER_MINUTE=20, LOGIN_RATE_PER_ADDRESS_PER_MINUTE=100)
    codes = []
    for n in range(1, 26):
        client = app.test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        answer = client.post("/demo/login", data={"card_no": f"12000000{n:02d}001", "csrf_token": token},
                             environ_base={"REMOTE_ADDR": "10.7.7.7"})
        codes.append((answer.status_code, answer.location))
    assert codes == [(303, "/")] * 25


def test_an_ipv6_network_counts_as_one_client(app):
    """Every address of one /64 is one subscriber's: changing the last 64 bits gives no fresh attempts.
    An IPv4-mapped address is its IPv4 address."""
    app.config["LOGIN_RATE_PER_MINUTE"] = 3
    client = app.test_client()

    def attempt(address):
        token = csrf_of(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"card_no": "1100000000001", "password": "x", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address}).status_code

    codes = [attempt(f"2001:db8:5:7:{n}::{n}") for n in range(1, 5)]
    assert codes == [422, 422, 422, 429]
    assert attempt("2001:db8:5:8::1") == 422  # the next /64 is another client
    assert [attempt("10.9.8.6"), attempt("::ffff:10.9.8.6"), attempt("10.9.8.6"), attempt("::ffff:10.9.8.6")] \
        == [422, 422, 422, 429]
