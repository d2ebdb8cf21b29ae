"""Hostile values in every query parameter and form field of every route (hypothesis): never a 5xx, and a
refused request (4xx) or any GET writes nothing. The headers the app reads (HX-Current-URL, Referer) get
hostile values too, and no answer sends the browser to another site.

The fields are those the route's own page renders (inputs, selects, buttons), the names its blueprint
reads (request.args / form .get, getlist, typed, ListArgs.from_request), and any other name. Each route is
fuzzed as a card kind that may use it (so the values reach the parsing, not the role check), with a valid
CSRF token. EPORTFX_FUZZ_EXAMPLES sets the examples per route and method (default 4; README: more on demand).
"""
import inspect
import os
import re
import sys
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import text
from tests.routemap import KIND_OF, KINDS, allowed_kinds, methods, url_parameters
from tests.test_access_matrix import FIELD, RULES, World

EXAMPLES = int(os.environ.get("EPORTFX_FUZZ_EXAMPLES", "4"))
# POSTs the fuzz does not send with a valid token, and why
NOT_SENT = {"auth.logout": "ends the fuzzing card's session", "demo.reset": "re-seeds the whole demo database",
            "auth.password": "may change the fuzzing card's password (its limits: test_accounts)"}
HOSTILE = ["", " ", "\t", "²", "１２３４５６７８９", "٣٤٥", "𝟘𝟙", "中文", "é", "\u202e", "\ufeff1", "0", "-1", "+1", "01",
           "1.5", "1e309", "NaN", "inf", "-0", str(2**63), str(2**63 - 1), str(-2**63 - 1), str(2**64), "1" * 40,
           str(10**13), "10000000000000.0001", "99999999999999.995", "0001", "00010101", "99991231", "2026-13-01",
           "2026-02-30", "286000001", "570020261000000001", "1100000000003", "5300", "5700", "9999",
           "' OR '1'='1", "1; DROP TABLE form; --", "%", "_", "\\", '"', "<script>alert(1)</script>",
           "{{7*7}}", "\r\nSet-Cookie: a=b", "/admin\r\n", "//evil.example", "x" * 5000, "\x01\x1f\x7f", "\u0085"]
COMMON = ["after", "before", "number", "tab", "via", "next", "back", "confirmed", "act", "q", "b", "qb", "f", "o",
          "v", "w", "j", "run", "remove", "page", "show", "start", "count", "card_no", "mark"]
# what a header may carry (a line break cannot be sent), and where an off-site redirect would lead
HEADER_VALUES = [v for v in HOSTILE if "\r" not in v and "\n" not in v and "\x85" not in v] + [
    "http://evil.example/x", "https://evil.example", "/\\evil.example", "//evil.example/%2e%2e", "javascript:alert(1)",
    "http://localhost/\\evil.example", "http://localhost//evil.example", "http://localhost/%0d%0aSet-Cookie:a=b"]
READS = re.compile(r"""(?:\.get|getlist|typed\([^,]+,|from_request\(|pressed\()\s*\(?\s*((?:f?"[a-z_]+"\s*,?\s*)+)""")


def code_names(module) -> set[str]:
    """The request field names a blueprint's code reads."""
    source = inspect.getsource(module)
    return {name for group in READS.findall(source) for name in re.findall(r'"([a-z_]+)"', group)}


def values():
    one = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30), st.integers().map(str),
                    st.decimals(allow_nan=False, allow_infinity=False).map(str))
    return st.one_of(one, st.lists(one, min_size=2, max_size=4))


def fields(names):
    return st.dictionaries(st.one_of(st.sampled_from(sorted(names)), st.text(min_size=1, max_size=8)),
                           values(), max_size=8)


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    from app import create_app

    database = databases.new("demo")
    app = create_app({"TESTING": True, "DATABASE": database, "DATABASE_URL": database.url, "SECRET_KEY": "fuzz",
                      "INSTANCE": str(tmp_path_factory.mktemp("fuzz")), "DEMO": True,
                      "LOGIN_RATE_PER_MINUTE": 1_000_000})
    yield World(database, app)
    databases.drop(database)


def fuzzing_kind(endpoint) -> str:
    """A card kind that may use the route (anonymous for the open ones)."""
    allowed = allowed_kinds(endpoint)
    if endpoint.startswith(("auth.login", "demo.login", "healthz", "static", "help")):
        return "anonymous"
    return next(kind for kind in KINDS if kind != "anonymous" and KIND_OF[kind] in allowed)


CASES = [(key, method) for key, rule in RULES.items() for method in methods(rule)]


@pytest.mark.parametrize("key, method", CASES, ids=[f"{m} {k}" for k, m in CASES])
def test_hostile_values_never_fail_the_server(world, key, method):
    rule = RULES[key]
    if method == "POST" and rule.endpoint in NOT_SENT:
        pytest.skip(NOT_SENT[rule.endpoint])
    kind = fuzzing_kind(rule.endpoint)
    client, t = world.client(kind)
    own = world.urls(rule, t, True, method) or world.urls(rule, t, False, method)
    page = client.get(own[0]) if "GET" in methods(rule) else None
    names = set(COMMON) | code_names(sys.modules[world.app.view_functions[rule.endpoint].__module__])
    names |= {name for _, name, _ in FIELD.findall(text(page))} if page is not None else set()
    path_values = st.sampled_from(own) if not url_parameters(rule) else st.one_of(
        st.sampled_from(own), st.sampled_from(HOSTILE[:40]).map(lambda v: _with_parameter(rule, own[0], v)))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(url=path_values, data=fields(names), htmx=st.booleans(),
           sent=st.dictionaries(st.sampled_from(["HX-Current-URL", "Referer"]), st.sampled_from(HEADER_VALUES)))
    def one(url, data, htmx, sent):
        before = world.state()
        headers = {**sent, "HX-Request": "true"} if htmx else sent
        if method == "GET":
            response = client.get(url, query_string=data, headers=headers)
        else:
            response = client.post(url, data={**data, "csrf_token": client.csrf}, headers=headers)
        assert response.status_code < 500, f"{method} {url} {data!r}: {response.status_code}"
        for to in (response.headers.get("Location"), response.headers.get("HX-Redirect")):
            assert to is None or (not urlsplit(to).netloc and to.startswith("/") and "\\" not in to), \
                f"{method} {url} {data!r} {headers!r}: sent to {to}"
        if method == "GET" or response.status_code >= 400:
            assert world.state() == before, f"{method} {url} {data!r}: {response.status_code}, yet written"

    one()


def _with_parameter(rule, url: str, value: str) -> str:
    """`url` with its one URL parameter replaced by `value` (quoted, as a browser sends it)."""
    head, _, _ = url.rpartition("/")
    return f"{head}/{quote(value, safe='') or '%20'}"
