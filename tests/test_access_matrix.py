"""Every route × every kind of card × its own and another tenant's data, from the app's URL map: a new
route is in the matrix the moment it exists, and fails it until its blueprint or parameter has an
expectation (tests/routemap.py).

Each cell (one rule, one card kind):
- anonymous: the login (GET redirects to /login, htmx is sent there whole); public routes answer;
- a card kind the route is not for: 404, for GET and for a POST with a valid token;
- the route's own kind, with its own forms / declarations / ids: never 5xx, at least one answers 200;
- the route's own kind, with another enterprise's or another 关区's number, or one that does not exist: 404;
- a POST without a CSRF token, or with a wrong one: 400, from every card kind;
- a POST with a token against another tenant's forms (in the URL or in the form's own fields): refused,
  and nothing written (the database's fingerprint is unchanged);
- on every answer: no 5xx, and not one of another tenant's form or declaration numbers or names.
"""
import re

import pytest
from sqlalchemy import select

from db import seed
from db.models import Card, CardKind, FormApplication, PermissionRequest
from tests.helpers import HX, text
from tests.routemap import (
    KINDS,
    MISSING_ID,
    MISSING_NUMBER,
    OPEN_POSTS,
    PUBLIC,
    SUBORDINATE,
    allowed_kinds,
    app_rules,
    client_for,
    fingerprint,
    help_key,
    leaks,
    methods,
    parameter_kind,
    rule_app,
    sent_values,
    shape,
    tenancy,
    url_parameters,
)

RULES = {f"{r.endpoint}:{r.rule}": r for r in app_rules(rule_app())}
CELL_KINDS = [*KINDS, "customs_subordinate", "trainee"]
TRAINEE = "1200000001001"  # 学员01's 操作员卡 (demo mode, `seed-demo --trainees 2`): 学员02 is another tenant
# routes whose own card's GET answers other than 200, and why (a new entry needs a reason)
GET_ANSWERS = {
    "auth.login": (302, "a card that is logged in is sent on to its menu"),
    "enterprise.port": (422, "the 使用口岸 lookup without a code asks for one"),
}
HEADER_FORMS = re.compile(r'<form class="(?:language|logout)".*?</form>', re.S)  # every page's; not the route's
FIELD = re.compile(r'<(input|select|textarea|button)\b[^>]*\bname="([^"]+)"(?:[^>]*\bvalue="([^"]*)")?', re.S)


class World:
    """One demo database and app for the module; a logged-in client per card kind, made once."""

    def __init__(self, database, app):
        self.db, self.app, self.clients, self.tenancies = database, app, {}, {}
        self.adapter = app.url_map.bind("localhost")
        with database.session() as session:
            self.subordinate = session.execute(select(Card.card_no).where(Card.card_no == SUBORDINATE)).scalar()
            self.applications = list(session.execute(select(FormApplication.id)).scalars())[:3]
            self.permissions = list(session.execute(select(PermissionRequest.id)).scalars())[:3]

    def card_no(self, kind):
        return {"customs_subordinate": self.subordinate, "trainee": TRAINEE}.get(kind) or KINDS[kind]

    def client(self, kind):
        if kind not in self.clients:
            self.clients[kind] = client_for(self.app, self.card_no(kind))
            with self.db.session() as session:
                self.tenancies[kind] = tenancy(session, self.card_no(kind))
        return self.clients[kind], self.tenancies[kind]

    def state(self):
        with self.db.session() as session:
            return fingerprint(session)

    def values(self, kind_of_param: str, t, own: bool) -> list:
        if kind_of_param == "form":
            return t.own_forms if own else [*t.other_forms, MISSING_NUMBER]
        if kind_of_param == "declaration":
            return t.own_declarations if own else [*t.other_declarations, "5" * 18]
        if kind_of_param in ("application", "permission"):
            ids = self.applications if kind_of_param == "application" else self.permissions
            return ids if own else [MISSING_ID]
        if kind_of_param == "help":
            return [help_key()] if own else ["no-such-section"]
        if kind_of_param == "list":
            return ["use", "submit"] if own else ["no-such-list"]
        return ["css/app.css"] if own else ["no/such.css"]

    def urls(self, rule, t, own: bool, method: str = "GET") -> list[str]:
        params = {name: parameter_kind(rule, name) for name in url_parameters(rule)}
        if not params:
            return [self.adapter.build(rule.endpoint, {}, method=method)] if own else []
        (name, kind_of_param), = params.items()
        return [self.adapter.build(rule.endpoint, {name: v}, method=method)
                for v in self.values(kind_of_param, t, own)]


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    from app import create_app

    database = databases.new("demo")
    seed.seed_trainees(database, 2)  # trainees are tenants too: 学员01 never sees 学员02's (nor A's) forms
    app = create_app({"TESTING": True, "DATABASE": database, "DATABASE_URL": database.url, "SECRET_KEY": "matrix",
                      "INSTANCE": str(tmp_path_factory.mktemp("matrix")), "DEMO": True,
                      "LOGIN_RATE_PER_MINUTE": 100_000})
    yield World(database, app)
    databases.drop(database)


def answered(response, t, url, data=None):
    """No 5xx, no other tenant's data: true of every answer in the matrix."""
    body, sent = text(response), sent_values(url, data)
    response.close()  # a streamed answer (导出) gives back its connection and its export slot now
    assert response.status_code < 500, f"{url}: {response.status_code}"
    assert not leaks(body, t, sent), f"{url} shows another tenant's {sorted(leaks(body, t, sent))}"
    return response


def alike(responses: list, what: str) -> None:
    """Another tenant's numbers answer exactly as numbers that do not exist (the last one here)."""
    missing = shape(text(responses[-1]))
    for response in responses[:-1]:
        assert shape(text(response)) == missing, f"{what}: another tenant's number answers unlike a missing one"


def shown(response, rule) -> bool:
    """The page itself, or a redirect to a page of the same area (a list opened with its condition)."""
    area = "/" + rule.rule.strip("/").split("/")[0]
    return response.status_code == 200 or (response.status_code in (302, 303) and
                                           response.headers.get("Location", "").startswith(area))


def to_login(response) -> bool:
    if response.status_code == 204:  # htmx: the whole page goes to the login
        return "/login" in response.headers.get("HX-Redirect", "")
    return response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")


@pytest.mark.parametrize("kind", CELL_KINDS)
@pytest.mark.parametrize("key", list(RULES))
def test_cell(world, key, kind):
    rule = RULES[key]
    allowed = allowed_kinds(rule.endpoint)
    assert allowed is not None, f"{rule.rule} ({rule.endpoint}): no expectation; add it to tests/routemap.py"
    unknown = [name for name in url_parameters(rule) if parameter_kind(rule, name) is None]
    assert not unknown, f"{rule.rule}: parameters {unknown} have no kind in tests/routemap.py"
    if kind == "customs_subordinate" and not world.subordinate:
        pytest.skip("the demo seed has no 隶属 customs card")
    client, t = world.client(kind)
    before = world.state()
    for method in methods(rule):
        if method == "GET":
            _get(world, rule, client, t, allowed)
        else:
            _post_without_token(world, rule, client, t)
            if rule.endpoint not in OPEN_POSTS:
                _post_with_token(world, rule, client, t, allowed)
    assert world.state() == before, f"{rule.rule}: refused requests wrote to the database"


def _get(world, rule, client, t, allowed):
    own, other = world.urls(rule, t, True), world.urls(rule, t, False)
    for headers in ({}, HX):
        if headers:  # htmx: the same answers; one of each is enough
            own, other = own[:1], other[-2:]
        if t.kind is None and rule.endpoint not in PUBLIC:
            for url in own[:1] + other[:1]:
                assert to_login(answered(client.get(url, headers=headers), t, url)), url
            continue
        if t.kind not in allowed and rule.endpoint not in PUBLIC:
            for url in own[:1] + other[:1]:
                assert answered(client.get(url, headers=headers), t, url).status_code == 404, url
            continue
        answers = [answered(client.get(url, headers=headers), t, url) for url in other]
        assert all(r.status_code == 404 for r in answers), [(u, r.status_code) for u, r in zip(other, answers)]
        if answers:
            alike(answers, rule.rule)
        if t.kind is not None and rule.endpoint in GET_ANSWERS:
            status = GET_ANSWERS[rule.endpoint][0]
            assert all(answered(client.get(u, headers=headers), t, u).status_code == status for u in own)
            continue
        answers = [answered(client.get(url, headers=headers), t, url) for url in own]
        assert not own or any(shown(r, rule) for r in answers), \
            f"{rule.rule}: own data answered {[r.status_code for r in answers]}"


def _post_without_token(world, rule, client, t):
    url = (world.urls(rule, t, True, "POST") or world.urls(rule, t, False, "POST"))[0]
    for token in ({}, {"csrf_token": "forged"}):
        response = answered(client.post(url, data={"confirmed": "1", **token}), t, url)
        assert response.status_code == 400, f"POST {url} {token}: {response.status_code}"


def _post_with_token(world, rule, client, t, allowed):
    state = world.state()
    if t.kind is None or t.kind not in allowed:
        url = (world.urls(rule, t, True, "POST") or world.urls(rule, t, False, "POST"))[0]
        response = answered(client.post(url, data={"csrf_token": client.csrf, "confirmed": "1"}), t, url)
        assert to_login(response) if t.kind is None else response.status_code == 404, f"POST {url}"
    elif url_parameters(rule):
        forms = _forms_against(world, client, t, (world.urls(rule, t, True, "POST") or [None])[0])
        urls = world.urls(rule, t, False, "POST")
        for data in forms:
            answers = [answered(client.post(url, data=data), t, url, data) for url in urls]
            pressed = len(data) > len(forms[0])
            assert all(r.status_code == 404 or not pressed and r.status_code == 400 for r in answers), \
                [(u, r.status_code) for u, r in zip(urls, answers)]
            alike(answers, f"POST {rule.rule}")
    elif t.kind in (CardKind.OPERATOR, CardKind.LEGAL, CardKind.CUSTOMS):  # the bureau and the centre own all
        url = world.urls(rule, t, True, "POST")[0]
        for data in _forms_against(world, client, t, url):
            missing = {**data, "number": [f"99999999{i}" for i in range(len(data["number"]))],
                       "card_no": "1199999999999" if data.get("card_no") else ""}
            alike([answered(client.post(url, data=d), t, url, d) for d in (data, missing)], f"POST {rule.rule}")
    assert world.state() == state, f"POST {rule.rule} as {t.kind}: written"


def _forms_against(world, client, t, page_url):
    """The fields of the route's own page, filled with another tenant's numbers and cards; one POST per
    button the page has (and one with none)."""
    fields, buttons = {}, set()
    page = client.get(page_url) if page_url else None
    screen = HEADER_FORMS.sub("", text(page)) if page and page.status_code == 200 else ""
    for tag, name, value in FIELD.findall(screen):
        if tag == "button":
            buttons.add(name)
        elif name != "csrf_token":
            fields[name] = value or ""
    for name in ("number", "start"):
        if name in fields or name == "number":
            fields[name] = t.other_forms[:3] if name == "number" else (t.other_forms or [MISSING_NUMBER])[0]
    if "card_no" in fields:
        fields["card_no"] = t.foreign_card or ""
    base = {**fields, "csrf_token": client.csrf, "confirmed": "1"}
    return [base] + [{**base, button: ""} for button in sorted(buttons)]


def test_every_route_is_in_the_matrix():
    """The matrix is the URL map: every rule, every method, every card kind."""
    assert len(RULES) >= 70
    assert {rule.endpoint for rule in RULES.values()} >= {"enterprise.submit_form", "customs.act", "admin.lock",
                                                          "query.export", "bureau.write_off", "legal.cards"}
