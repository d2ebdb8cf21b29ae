"""The request log: one line per request, plain or JSON; the id on an error page finds its line."""
import json
import logging
import re

import pytest

from blueprints._requestlog import logger
from tests.conftest import login


@pytest.fixture
def lines():
    """The log lines the app writes during the test."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def _client(app, **config):
    app.config.update(config)
    return app.test_client()


def _app(demo, tmp_path, **config):
    from app import create_app

    return create_app({"TESTING": True, "DATABASE": demo, "DATABASE_URL": demo.url, "SECRET_KEY": "test-secret",
                       "LOGIN_RATE_PER_MINUTE": 10_000, "INSTANCE": str(tmp_path), "INSTANCE_NAME": "web1", **config})


PLAIN = re.compile(r"^(\S+) web1 ([0-9a-f]{8}) (GET|POST) (\S+) (\d{3}) (\d+\.\d)ms (\S+)$")


def test_plain_line_per_request_without_query_values(demo, tmp_path, lines):
    client = _app(demo, tmp_path).test_client()
    client.get("/login?next=/forms/286000001&card_no=1100000000009")
    login(client, "1100000000001")
    client.get("/enterprise/?page=2")
    assert len(lines) == 5, lines  # GET /login, GET /login (csrf), POST /login, GET / (the new csrf), GET /enterprise/
    first = PLAIN.match(lines[0])
    assert first, lines[0]
    assert first.group(3, 4, 5, 7) == ("GET", "/login?next&card_no", "200", "-")
    assert "286000001" not in lines[0] and "1100000000009" not in lines[0]
    assert PLAIN.match(lines[2]).group(3, 4, 5, 7) == ("POST", "/login", "303", "1100000000001")
    last = PLAIN.match(lines[4])
    assert last.group(3, 4, 7) == ("GET", "/enterprise/?page", "1100000000001")


def test_json_line_per_request(demo, tmp_path, lines):
    client = login(_app(demo, tmp_path, LOG_FORMAT="json").test_client(), "1100000000001")
    response = client.get("/enterprise/?page=2")
    entry = json.loads(lines[-1])
    assert set(entry) == {"time", "instance", "request_id", "method", "path", "status", "ms", "card"}
    assert entry["instance"] == "web1" and entry["method"] == "GET" and entry["path"] == "/enterprise/?page"
    assert entry["status"] == response.status_code and entry["card"] == "1100000000001"
    assert entry["request_id"] == response.headers["X-Request-ID"] and isinstance(entry["ms"], float)


def test_an_error_page_shows_the_id_of_its_log_line(demo, tmp_path, lines):
    app = _app(demo, tmp_path)

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    client = login(app.test_client(), "1100000000001")
    for path, status in (("/broken", 500), ("/no/such/page", 404)):
        response = client.get(path)
        shown = re.search(r"请将此编号告知管理员：<b>([0-9a-f]{8})</b>", response.get_data(as_text=True)).group(1)
        assert response.status_code == status and response.headers["X-Request-ID"] == shown
        assert [line for line in lines if shown in line] == [lines[-1]]
        assert f" GET {path} {status} " in lines[-1]
    fragment = client.get("/no/such/page", headers={"HX-Request": "true"})
    assert f"请将此编号告知管理员：{fragment.headers['X-Request-ID']}" in fragment.get_data(as_text=True)


def test_the_proxy_id_is_kept_only_behind_a_trusted_proxy(demo, tmp_path, lines):
    direct = _app(demo, tmp_path).test_client().get("/login", headers={"X-Request-ID": "abc-123"})
    assert direct.headers["X-Request-ID"] != "abc-123"
    proxied = _app(demo, tmp_path, PROXY_COUNT=1).test_client()
    assert proxied.get("/login", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    forged = proxied.get("/login", headers={"X-Request-ID": "a b;INJECTED"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{8}", forged)


def test_a_path_with_line_breaks_or_spaces_stays_one_field_of_one_line(demo, tmp_path, lines):
    """A path or query key sent with %0A, %20 or the like cannot write a line of its own into the log."""
    client = _app(demo, tmp_path).test_client()
    forged = "2026-01-01T00:00:00.000+00:00 web1 0badc0de POST /login 303 1.0ms 9900000000001"
    client.get("/x%0D%0A" + forged.replace(" ", "%20") + "%E2%80%A8?a%0Ab=1")
    assert len(lines) == 1 and "\n" not in lines[0] and "\r" not in lines[0] and "\u2028" not in lines[0]
    found = PLAIN.match(lines[0])
    assert found and found.group(3, 5, 7) == ("GET", "404", "-")
    assert found.group(4).startswith("/x%0D%0A2026-01-01T00:00:00.000+00:00%20web1") and "?a%0Ab" in found.group(4)
