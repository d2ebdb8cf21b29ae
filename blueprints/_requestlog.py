"""One log line per request: time, instance, request id, method, path (query keys without their values),
status, milliseconds, card number. Plain text by default, one JSON object per line with LOG_FORMAT=json.

Every response carries its id in X-Request-ID and the error pages show it, so a user's report finds its
line. Behind a trusted proxy (PROXY_COUNT > 0) the proxy's X-Request-ID is kept, so both logs agree."""
import json
import logging
import re
import secrets
import socket
import sys
import time
from datetime import datetime, timezone
from urllib.parse import quote

from flask import g, request

logger = logging.getLogger("eportfx.request")
_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_UNSEEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")  # white space and control characters: as sent (%0A, %20)


class _Stdout(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time (one line per record, flushed)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value):
        pass


def request_id() -> str:
    return g.get("request_id", "")


def safe_path() -> str:
    """The path with the query string's keys but not their values (they can carry names and numbers)."""
    keys = list(dict.fromkeys(request.args.keys()))
    path = request.path + ("?" + "&".join(keys) if keys else "")
    return _UNSEEN.sub(lambda found: quote(found.group(), safe=""), path)  # one line, one field, whatever was sent


def line(fields: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return ("{time} {instance} {request_id} {method} {path} {status} {ms}ms {card}"
            .format(**{**fields, "card": fields["card"] or "-"}))


def init_app(app):
    fmt = (app.config.get("LOG_FORMAT") or "plain").lower()
    instance = app.config.get("INSTANCE_NAME") or socket.gethostname()
    trust_proxy_id = bool(app.config.get("PROXY_COUNT"))
    if not app.testing and not logger.handlers:  # the server's own output; tests attach their handler
        logger.addHandler(_Stdout())
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def start():
        given = request.headers.get("X-Request-ID", "") if trust_proxy_id else ""
        g.request_id = given if _ID.fullmatch(given) else secrets.token_hex(4)
        g.request_start = time.perf_counter()

    @app.after_request
    def log(response):
        response.headers["X-Request-ID"] = request_id()
        user = g.get("_login_user")  # the card this request loaded, if any (never loaded just to log)
        card = getattr(getattr(user, "card", None), "card_no", None)
        elapsed = (time.perf_counter() - g.request_start) * 1000 if "request_start" in g else 0.0
        logger.info(line({
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "instance": instance, "request_id": request_id(), "method": request.method, "path": safe_path(),
            "status": response.status_code, "ms": round(elapsed, 1), "card": card,
        }, fmt))
        return response
