"""How long a session lives: it ends after SESSION_IDLE_MINUTES without a request and, whatever
happens, SESSION_MAX_HOURS after the login. With HTTPS on, cookies are Secure and browsers are told
to use HTTPS only (HSTS); the session cookie is a __Host- one."""
import time

from flask import session
from flask_login import current_user, logout_user

SEEN_STEP = 30  # seconds: the idle clock moves on at most this often, so most answers carry no new cookie


def begin() -> None:
    """A new login: its clocks start now. What an earlier session in this browser left (logged out, or
    ended) never counts against it."""
    session["login_at"] = session["seen_at"] = time.time()


def init_app(app):
    if app.config["HTTPS"]:
        # __Host-: the browser keeps it only as this host's own, Secure, for every path: a neighbouring
        # subdomain (or plain HTTP) cannot plant a session of its choosing
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          SESSION_COOKIE_NAME="__Host-session", SESSION_COOKIE_DOMAIN=False)

        @app.after_request
        def hsts(response):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response

    @app.before_request
    def end_old_sessions():
        if not current_user.is_authenticated:
            return None
        now = time.time()
        started, seen = session.setdefault("login_at", now), session.get("seen_at", now)
        if (now - seen > 60 * int(app.config["SESSION_IDLE_MINUTES"])
                or now - started > 3600 * int(app.config["SESSION_MAX_HOURS"])):
            logout_user()
            session.pop("login_at", None)
            session.pop("seen_at", None)
            return app.login_manager.unauthorized()
        if now - seen >= SEEN_STEP:  # an unchanged session is not signed and sent again (CPU, and bytes on 2G)
            session["seen_at"] = now
        return None
