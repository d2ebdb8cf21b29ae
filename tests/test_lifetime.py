"""Sessions end when idle and after a maximum lifetime; HTTPS deployments get Secure cookies and HSTS."""
import time

from tests.conftest import login
from tests.helpers import post


def _age(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = time.time() - ago


def test_an_idle_session_ends(app):
    client = login(app.test_client(), "1100000000001")
    assert client.get("/enterprise/").status_code == 200
    _age(client, seen_at=31 * 60)
    response = client.get("/enterprise/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_ends_after_its_maximum_lifetime_even_when_busy(app):
    client = login(app.test_client(), "1100000000001")
    client.get("/enterprise/")
    _age(client, login_at=12 * 3600 + 1, seen_at=1)
    assert client.get("/enterprise/").status_code == 302


def test_https_setting_gives_secure_cookies_and_hsts(demo, tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": demo, "SECRET_KEY": "s", "INSTANCE": str(tmp_path), "HTTPS": True,
                      "LOGIN_RATE_PER_MINUTE": 10_000})  # as the shared app fixture: the worker logs in often
    client = app.test_client()
    cookie = client.get("/login").headers["Set-Cookie"]  # a __Host- cookie: Secure, Path=/, no Domain
    response = login(client, "1100000000001").get("/enterprise/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert app.config["SESSION_COOKIE_SECURE"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_a_new_login_starts_its_own_clocks(app):
    """Logged out (or ended), then idle on the login page longer than a session may idle: the next
    login is a new session, not the old one's idle time or age."""
    client = login(app.test_client(), "1100000000001")
    client.get("/enterprise/")
    post(client, "/logout")
    _age(client, login_at=12 * 3600 + 1, seen_at=31 * 60)
    login(client, "1100000000003")
    assert client.get("/enterprise/").status_code == 200


def test_a_login_gives_the_session_a_new_csrf_token(app):
    """The CSRF token shown on the login page (which anyone who could read or plant the cookie before
    login knows) is void once logged in: a form sent with it is refused and changes nothing."""
    from tests.conftest import csrf_of

    client = app.test_client()
    before = csrf_of(client.get("/login").get_data(as_text=True))
    login(client, "1100000000001")  # asserts the token after login is another one
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/enterprise/").status_code == 200  # still logged in: the logout was refused
    assert post(client, "/logout").status_code == 303


def test_the_idle_clock_moves_without_a_new_cookie_on_every_answer(app):
    """Within SEEN_STEP seconds of the last stamp an answer sends no new session cookie (nothing to
    sign, nothing to carry on a slow link); later the idle clock moves on, and the session with it."""
    from blueprints._lifetime import SEEN_STEP

    client = login(app.test_client(), "1100000000001")
    assert "Set-Cookie" not in client.get("/enterprise/").headers
    _age(client, seen_at=SEEN_STEP + 1)
    moved = client.get("/enterprise/")
    assert "Set-Cookie" in moved.headers
    with client.session_transaction() as session:
        assert time.time() - session["seen_at"] < 5
