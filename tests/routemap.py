"""What the access matrix and the fuzz test share: every route of the app (from its URL map, with the
demo routes), the demo cards by kind, which forms and declarations each card owns or must never see,
and a fingerprint of the database's state to prove a refused request changed nothing.

Expectations are derived, not listed: a blueprint's role decides which card kinds enter it, a URL
parameter's kind decides how it is filled. A route whose blueprint or parameter is unknown here has no
expectation, and the matrix fails on it until it is added below.
"""
import re
import tempfile
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from werkzeug.routing import Rule

from db import manual
from db.models import (
    AuditHead,
    Card,
    CardKind,
    Declaration,
    Enterprise,
    Form,
    FormApplication,
    PermissionRequest,
    QueryLog,
)
from tests.conftest import csrf_of, login

ALL = frozenset(CardKind)
# the blueprint (a role area) → the card kinds that enter it; the others get 404, anonymous the login
ROLES = {
    "admin": frozenset({CardKind.ADMIN}),
    "bureau": frozenset({CardKind.BUREAU}),
    "customs": frozenset({CardKind.CUSTOMS}),
    "enterprise": frozenset({CardKind.OPERATOR}),
    "legal": frozenset({CardKind.LEGAL}),
    "forms": ALL,
    "query": ALL,
    "portal": ALL,
    "demo": frozenset({CardKind.ADMIN}),  # 重置演示数据
}
# endpoints whose blueprint does not say it all
ENDPOINTS = {
    "exercises.mine": frozenset({CardKind.OPERATOR}),
    "exercises.trainer": frozenset({CardKind.ADMIN}),
    "exercises.export": frozenset({CardKind.ADMIN}),
    "auth.password": ALL,
}
PUBLIC = {"auth.login", "auth.logout", "auth.language", "demo.login", "healthz", "help.index", "help.section",
          "static"}  # answer without a card
# answer anyone, with or without a card; a POST with a token does what it says (not sent by the matrix)
OPEN_POSTS = {"auth.logout": "ends the session", "demo.login": "logs in as a demo card",
              "auth.language": "sets the screens' language",
              "auth.login": "a login attempt", "auth.password": "changes the card's password"}

KINDS = {  # the demo cards the matrix logs in with; None: anonymous
    "anonymous": None,
    "operator": "1100000000001",  # enterprise A
    "legal": "1100000000002",  # enterprise A
    "other_enterprise": "1100000000003",  # enterprise B
    "bureau": "2200000000001",
    "customs": "3300000000001",  # 直属 拱北 5700
    "customs_other": "3300000000002",  # 直属 深圳 5300
    "admin": "9900000000001",
}
KIND_OF = {"operator": CardKind.OPERATOR, "legal": CardKind.LEGAL, "other_enterprise": CardKind.OPERATOR,
           "bureau": CardKind.BUREAU, "customs": CardKind.CUSTOMS, "customs_other": CardKind.CUSTOMS,
           "admin": CardKind.ADMIN}
SUBORDINATE = "3300000000003"  # a 隶属 customs card (5301), when the demo seed has it
MISSING_NUMBER, MISSING_ID = "999999999", 99_999_999


def app_rules(app) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules()), key=lambda r: (r.rule, r.endpoint))


def methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def allowed_kinds(endpoint: str) -> frozenset | None:
    """The card kinds that may use `endpoint`; None when nothing says (the test must fail)."""
    if endpoint in ENDPOINTS:
        return ENDPOINTS[endpoint]
    if endpoint in PUBLIC:
        return ALL
    return ROLES.get(endpoint.split(".")[0])


def url_parameters(rule: Rule) -> list[str]:
    """The rule's URL parameters (not the defaults a view is registered with)."""
    return sorted(set(rule.arguments) - set(rule.defaults or {}))


def parameter_kind(rule: Rule, name: str) -> str | None:
    """How a URL parameter is filled: a form number, a declaration number, an id, a help key, a list's
    name (the bureau's 即将到期 lists), a file."""
    if name == "number":
        return "declaration" if f"/declarations/<{name}>" in rule.rule else "form"
    return {"application_id": "application", "request_id": "permission", "key": "help",
            "filename": "static", "kind": "list"}.get(name)


def rule_app():
    """An app (demo mode: every route) only to read its URL map."""
    from app import create_app

    return create_app({"INSTANCE": tempfile.mkdtemp(prefix="eportfx-rules-"), "SECRET_KEY": "x", "DEMO": True})


@dataclass
class Tenancy:
    """What one card owns and what it must never see, from the demo data."""

    kind: CardKind | None
    own_forms: list[str] = field(default_factory=list)  # one per (state, 口岸)
    other_forms: list[str] = field(default_factory=list)
    own_declarations: list[str] = field(default_factory=list)
    other_declarations: list[str] = field(default_factory=list)
    foreign: set[str] = field(default_factory=set)  # numbers and names that must never appear
    foreign_card: str = ""  # another enterprise's operator card


def _one_per_group(rows, most: int = 8) -> list[str]:
    """One number per (state, 口岸), at most `most`, spread over the states."""
    seen, out = set(), []
    for number, *group in rows:
        if tuple(group) not in seen:
            seen.add(tuple(group))
            out.append(number)
    return out[::max(1, len(out) // most)][:most]


def tenancy(session, card_no: str | None) -> Tenancy:
    if card_no is None:
        return Tenancy(None)
    card = session.execute(select(Card).where(Card.card_no == card_no)).scalar_one()
    kind = CardKind(card.kind)
    forms = session.execute(select(Form.number, Form.enterprise_id, Form.port_code, Form.state)
                            .order_by(Form.number)).all()
    decls = session.execute(select(Declaration.number, Declaration.unified_no, Declaration.enterprise_id,
                                   Declaration.district_code).order_by(Declaration.number)).all()
    names = dict(session.execute(select(Enterprise.id, Enterprise.name)).all())
    if kind in (CardKind.OPERATOR, CardKind.LEGAL):
        def mine(enterprise_id, port):
            return enterprise_id == card.enterprise_id

        def theirs(enterprise_id, port):
            return enterprise_id != card.enterprise_id
    elif kind is CardKind.CUSTOMS:
        def mine(enterprise_id, port):
            return port == card.district_code

        def theirs(enterprise_id, port):  # another 直属 关区 (and its 隶属), or no 关区 yet
            return port is None or port[:2] != card.district_code[:2]
    else:  # the bureau and the data centre see every form
        def mine(enterprise_id, port):
            return True

        def theirs(enterprise_id, port):
            return False
    t = Tenancy(kind)
    t.own_forms = _one_per_group((n, s, p) for n, e, p, s in forms if mine(e, p))
    t.other_forms = _one_per_group((n, s, p) for n, e, p, s in forms if theirs(e, p))
    t.own_declarations = [n for n, u, e, d in decls if mine(e, d)][:3]
    t.other_declarations = [n for n, u, e, d in decls if theirs(e, d)][:3]
    t.foreign = {n for n, e, p, s in forms if theirs(e, p)}
    t.foreign |= {x for n, u, e, d in decls if theirs(e, d) for x in (n, u)}
    if kind in (CardKind.OPERATOR, CardKind.LEGAL):
        own_name = names[card.enterprise_id]  # a trainee's name is enterprise A's with 学员NN before it
        t.foreign |= {name for eid, name in names.items() if eid != card.enterprise_id and name not in own_name}
        t.foreign_card = session.execute(select(Card.card_no).where(
            Card.enterprise_id != card.enterprise_id, Card.kind == CardKind.OPERATOR)).scalars().first()
    return t


def leaks(body: str, t: Tenancy, sent=()) -> set[str]:
    """Another tenant's form / declaration numbers or enterprise names found in `body`; a number the
    request itself sent may be said back ("未找到核销单 …", as for one that does not exist)."""
    if not t.foreign:
        return set()
    found = set(re.findall(r"\d{9,18}", body)) & t.foreign - set(sent)
    return found | {name for name in t.foreign if not name.isdigit() and name in body}


def sent_values(url: str, data: dict | None = None) -> set[str]:
    values = set(re.findall(r"\d{9,18}", url))
    for value in (data or {}).values():
        values |= set(value) if isinstance(value, list) else {str(value)}
    return values


def shape(body: str) -> str:
    """An answer without the numbers it names, its request id and its token: what another tenant's
    number and a number that does not exist must both answer alike."""
    body = re.sub(r"\d{9,18}", "N", body)
    body = re.sub(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}", "T", body)  # a CSRF token, signed at its time
    return re.sub(r"管理员：(<b>)?[0-9a-f]{8}", "", body)  # the request's id


def fingerprint(session) -> tuple:
    """Changes whenever anything is written: the audit chain's head, every form's version, and the
    rows the forms don't count (applications, permission requests, declarations, cards and what a card
    keeps: its lock and wait, language, permission, holder; enterprises, the 练习 query log)."""
    return (session.execute(select(AuditHead.seq, AuditHead.hash)).first(),
            session.execute(select(func.count(), func.sum(Form.version)).select_from(Form)).first(),
            session.execute(select(func.count()).select_from(FormApplication)).scalar(),
            session.execute(select(func.count(), func.max(PermissionRequest.state)).select_from(PermissionRequest)).first(),
            session.execute(select(func.count()).select_from(Declaration)).scalar(),
            session.execute(select(func.count(), func.sum(Card.session_version), func.sum(Card.failed_attempts),
                                   func.sum(func.length(Card.password_hash))).select_from(Card)).first(),
            session.execute(select(func.count(Card.blocked_until), func.count(Card.language),
                                   func.count(Card.permission_expires), func.max(Card.permission_expires),
                                   func.sum(func.length(Card.holder))).where(Card.locked.is_(False))).first(),
            session.execute(select(func.count(), func.sum(func.length(Enterprise.name))).select_from(Enterprise)).first(),
            session.execute(select(func.count()).select_from(QueryLog)).scalar(),
            session.execute(text("SELECT count(*) FROM code")).scalar())


def help_key() -> str:
    return next(iter(manual.sections()))


def client_for(app, card_no: str | None):
    """A test client logged in as the card (with `client.csrf`), or anonymous with a token of its own."""
    client = app.test_client()
    if card_no is None:
        client.csrf = csrf_of(client.get("/login").get_data(as_text=True))
        return client
    return login(client, card_no)
