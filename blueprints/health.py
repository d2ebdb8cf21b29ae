"""/healthz for Docker and the proxy: 200 "ok" when the database answers and its schema is at this
release's newest revision, 503 "fail" otherwise. No login, no session, nothing else in the answer.

It answers from a before_request hook registered ahead of the login, CSRF and session hooks, so none of
them runs for a probe (a probe that sends a cookie does not load a card)."""
from flask import current_app, request

from db import migrate
from db.engine import get_db

ENDPOINT = "healthz"


def healthz():
    try:
        problem = migrate.schema_problem(get_db())
    except Exception as error:  # any database failure is a "fail"
        problem = f"database unreachable: {type(error).__name__}"
    if problem:
        current_app.logger.warning("health check failed: %s", problem)
    ok = problem is None
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return ("ok\n" if ok else "fail\n"), (200 if ok else 503), headers


def init_app(app):
    app.add_url_rule("/healthz", ENDPOINT, healthz, methods=["GET", "HEAD"])

    @app.before_request
    def answer_probe():
        return healthz() if request.endpoint == ENDPOINT else None
