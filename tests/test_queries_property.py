"""The query builder against a plain Python filter: random forms and declarations (one database for the
module), random condition lists over every field and operator, on SQLite or PostgreSQL
(EPORTFX_TEST_DB). The reference below is written from the screen's meaning of each field, not from
the builder: a date 以……开始 200701 is a YYYYMMDD string starting with 200701, and so on."""
import calendar
import random
import string
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from db import codes, queries
from db.actor import Actor
from db.models import CardKind, Declaration, DeclarationStatus, Enterprise, Form, FormState
from db.queries import Condition, QueryError
from db.status import status_columns

ENTERPRISES = [  # id, 海关编码, name: prefixes shared, case and quotes and LIKE wildcards in names
    (1, "4403910001", "深圳市华南进出口有限公司"),
    (2, "4403910012", "Shenzhen ABC 100%_Trading"),
    (3, "4404910002", "shenzhen abc O'Neil \"贸易\""),
]
PORTS = ["5700", "5300", "5301", "0100"]
NUMBER_PREFIXES = ["2860", "2861", "2869", "3000"]
DAYS = [date(2007, 1, 1), date(2007, 1, 31), date(2007, 2, 1), date(2008, 2, 29), date(1999, 12, 31),
        date(2000, 1, 1), date(2007, 10, 1), date(2007, 12, 31)]


def _day(rng):
    return rng.choice(DAYS) if rng.random() < 0.3 else date(2006, 1, 1) + timedelta(days=rng.randint(0, 1200))


def _make_rows(seed=5):
    rng = random.Random(seed)
    forms, declarations, numbers = [], [], set()
    now = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
    while len(forms) < 240:
        number = rng.choice(NUMBER_PREFIXES) + f"{rng.randint(0, 99999):05d}"
        if number in numbers:
            continue
        numbers.add(number)
        state = rng.choice(list(FormState))
        fid = len(forms) + 1
        forms.append({
            "id": fid, "number": number, "enterprise_id": rng.randint(1, 3), "application_id": None,
            "state": state.value, "issued_on": _day(rng),
            "port_code": rng.choice(PORTS) if rng.random() < 0.7 else None,
            "registered_on": _day(rng) if rng.random() < 0.6 else None,
            "submitted_at": now if state in (FormState.SUBMITTED, FormState.WRITTEN_OFF) else None,
            "received_at": now if rng.random() < 0.4 else None, "written_off_on": None,
            "collected_amount": None, "collected_on": None, "closed_reason": None, "version": 1, "updated_at": now,
        })
        if rng.random() < 0.6:
            port, year, serial = rng.choice(PORTS), rng.choice([2007, 2008, 2024]), len(declarations) + 1
            declarations.append({
                "id": serial, "number": f"{port}{year}1{serial:09d}",
                "unified_no": f"{port}{year}{rng.choice('Ee')}{serial:09d}", "form_id": fid,
                "enterprise_id": forms[-1]["enterprise_id"], "district_code": port, "declared_on": _day(rng),
                "exported_on": _day(rng), "transport": "2", "trade_mode": rng.choice(["0110", "0214", "0615"]),
                "settlement": rng.choice(["1", "2", "6"]), "deal": "3", "currency": rng.choice(["502", "110", "142"]),
                "total": Decimal(rng.randint(1, 5_000_000)) / 100, "country": "502", "dest_port": "洛杉矶",
                "status": rng.choice(list(DeclarationStatus)).value, "verified": True,
                "fx_slip_issued": rng.random() < 0.5, "fx_slip_on": None, "fx_slip_count": 0, "created_at": now,
            })
    return forms, declarations


@pytest.fixture(scope="module")
def world(databases):
    """One database for the module: the generated rows, and the same rows as plain dicts."""
    database = databases.new("empty")
    forms, declarations = _make_rows()
    with database.write() as session:
        created = datetime(2024, 1, 1, tzinfo=timezone.utc)
        session.execute(insert(Enterprise), [{"id": i, "customs_code": c, "name": n, "created_at": created}
                                             for i, c, n in ENTERPRISES])
        session.execute(insert(Form), forms)
        session.execute(insert(Declaration), declarations)
    with database.session() as session:
        code_tables = {t: codes.names(session, t) for t in codes.TABLES}
    enterprises = {i: (c, n) for i, c, n in ENTERPRISES}
    by_form = {d["form_id"]: d for d in declarations}
    form_rows = [{**f, "declaration": by_form.get(f["id"], {}).get("number"),
                  "customs_code": enterprises[f["enterprise_id"]][0], "enterprise": enterprises[f["enterprise_id"]][1]}
                 for f in forms]
    numbers = {f["id"]: f["number"] for f in forms}
    declaration_rows = [{**d, "form_number": numbers[d["form_id"]], "fx_slip": d["fx_slip_issued"],
                         "customs_code": enterprises[d["enterprise_id"]][0],
                         "enterprise": enterprises[d["enterprise_id"]][1]} for d in declarations]
    yield World({"db": database, "form": form_rows, "declaration": declaration_rows, "codes": code_tables})
    database.dispose()


class World(dict):
    def __repr__(self):  # hypothesis prints the test's arguments: not the whole data set
        return f"<{len(self['form'])} forms, {len(self['declaration'])} declarations>"


ACTORS = [
    Actor(card_id=1, card_no="op1", kind=CardKind.OPERATOR, enterprise_id=1),
    Actor(card_id=2, card_no="legal2", kind=CardKind.LEGAL, enterprise_id=2),
    Actor(card_id=3, card_no="customs", kind=CardKind.CUSTOMS, district_code="5700"),
    Actor(card_id=4, card_no="bureau", kind=CardKind.BUREAU),
    Actor(card_id=5, card_no="admin", kind=CardKind.ADMIN),
]


# ── the reference: what each field shows and what each operator means ──────────────────────────

def in_scope(actor, business, row) -> bool:
    if actor.is_enterprise:
        return row["enterprise_id"] == actor.enterprise_id
    if actor.kind is CardKind.CUSTOMS:
        return row["port_code" if business == "form" else "district_code"] == actor.district_code
    return True


def shown(field, row):
    """The text a choice field shows for a row ('' when it shows nothing)."""
    if field in ("register_state", "customs_use", "submit_state", "write_off_state"):
        column = {"register_state": "备案状态", "customs_use": "海关使用状态", "submit_state": "交单状态",
                  "write_off_state": "核销状态"}[field]
        return status_columns(row["state"])[column]
    if field == "closed":
        return {"lost": "已挂失", "cancelled": "已注销"}.get(row["state"], "")
    if field == "received":
        return "已接收" if row["received_at"] else ("未接收" if row["state"] == "submitted" else "")
    if field == "status":
        return DeclarationStatus(row["status"]).label
    if field == "fx_slip":
        return "已签发" if row["fx_slip"] else "未签发"
    raise AssertionError(field)


def ymd(d):
    return f"{d.year:04d}{d.month:02d}{d.day:02d}" if d else None


def matches(c: Condition, kind: str, row) -> bool:
    v, w = c.value.strip(), c.value2.strip()
    if kind == "choice":
        return (shown(c.field, row) == v) == (c.op == "eq")
    x = row[c.field]
    if kind in ("text", "digits", "code"):
        return {"eq": lambda: x == v, "ne": lambda: x != v, "prefix": lambda: x is not None and x.startswith(v),
                "contains": lambda: x is not None and v in x}[c.op]()
    if kind == "date":
        s = ymd(x)
        if s is None:
            return False
        return {"eq": lambda: s == v, "prefix": lambda: s.startswith(v), "before": lambda: s < v,
                "after": lambda: s > v, "between": lambda: s[:len(v)] >= v and s[:len(w)] <= w}[c.op]()
    if kind == "amount":
        a, b = Decimal(v.replace(",", "")), Decimal((w or "0").replace(",", ""))
        return {"eq": x == a, "gt": x > a, "lt": x < a, "between": a <= x <= b}[c.op]
    raise AssertionError(kind)


def is_real_day(text) -> bool:
    try:
        return len(text) == 8 and text.isdigit() and datetime.strptime(text, "%Y%m%d") is not None
    except ValueError:
        return False


def is_day_prefix(p) -> bool:
    """Does some real day's YYYYMMDD start with p? Year by year, month by month."""
    if not (1 <= len(p) <= 8 and p.isascii() and p.isdigit()):
        return False
    if len(p) <= 4:
        return int(p.ljust(4, "9")) >= 1
    year = int(p[:4])
    months = [m for m in range(1, 13) if f"{m:02d}".startswith(p[4:6])]
    if year == 0 or not months:
        return False
    if len(p) <= 6:
        return True
    month = int(p[4:6])
    return any(f"{d:02d}".startswith(p[6:]) for d in range(1, calendar.monthrange(year, month)[1] + 1))


def amount_ok(text) -> bool:
    try:
        a = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return a.is_finite() and 0 < a < Decimal("1e14") and -a.as_tuple().exponent <= 2


def valid(c: Condition, spec, code_tables) -> bool:
    if spec is None or c.op not in queries.OPS_BY_KIND[spec.kind] or c.join not in ("and", "or"):
        return False
    values = [c.value, c.value2] if c.op == "between" else [c.value]
    for value in values:
        v = value.strip()
        if len(value) > 100 or not v or not v.isprintable():
            return False
        ok = {
            "digits": lambda: v.isascii() and v.isdigit(),
            "text": lambda: True,
            "date": lambda: is_day_prefix(v) if c.op in ("prefix", "between") else is_real_day(v),
            "amount": lambda: amount_ok(v),
            "choice": lambda: v in spec.choices,
            "code": lambda: v in code_tables[spec.code_table],
        }[spec.kind]()
        if not ok:
            return False
    if c.op == "between" and spec.kind == "amount":
        return Decimal(c.value.strip().replace(",", "")) <= Decimal(c.value2.strip().replace(",", ""))
    if c.op == "between":
        return c.value.strip().ljust(8, "0") <= c.value2.strip().ljust(8, "9")
    return True


def reference(actor, business, conditions, world):
    """(numbers, valid): the keys a plain filter finds, or valid=False if some condition is wrong."""
    fields = queries.fields_for(business, actor)
    if len(conditions) > queries.MAX_CONDITIONS:
        return None, False
    for c in conditions:
        if not valid(c, fields.get(c.field), world["codes"]):
            return None, False
    found = set()
    for row in world[business]:
        if not in_scope(actor, business, row):
            continue
        if not conditions or any(all(matches(conditions[i], fields[conditions[i].field].kind, row) for i in group)
                                 for group in queries.groups(conditions)):
            found.add(row["number"])
    return found, True


# ── random conditions, drawn from the data so that they often match ────────────────────────────

NASTY = ["'", "\"", "%", "_", "\\", "' OR '1'='1", "1; DROP TABLE form; --", "%'--", "Ｅ", "ABC", "abc",
         "贸易", "100%_", "O'Neil"]


def value_for(data, field, spec, world, business, broken, op="eq"):
    """A value for `field`: mostly taken from the rows (whole, or a piece), sometimes odd; anything
    at all when the condition is meant to be `broken`."""
    rows = world[business]
    junk = st.one_of(st.sampled_from(NASTY + ["", " ", "x" * 101, "20070231", "1.234", "-5", "\x00"]),
                     st.text(max_size=12))
    if broken:
        return data.draw(junk)
    if spec.kind == "choice":
        return data.draw(st.sampled_from(list(spec.choices)))
    if spec.kind == "code":
        known = PORTS if spec.code_table == "district" else list(world["codes"][spec.code_table])
        return data.draw(st.sampled_from(known))
    if spec.kind == "amount":
        return data.draw(st.one_of(
            st.sampled_from([str(r["total"]) for r in rows]),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60000"), places=2).map(str),
            st.sampled_from(["1,000.50", "1e3", "0.1"])))
    if spec.kind == "date":
        real = [ymd(r[field]) for r in rows if r.get(field)]
        if op in ("eq", "before", "after"):
            return data.draw(st.one_of(st.sampled_from(real), st.sampled_from(["20070101", "20080229"])))
        return data.draw(st.one_of(
            st.sampled_from(real).flatmap(lambda s: st.integers(1, 8).map(lambda n: s[:n])),
            st.sampled_from(["200701", "2007", "20080229", "0", "9999", "2007013", "1999", "20071"])))
    present = [r[field] for r in rows if r.get(field)]
    piece = st.sampled_from(present).flatmap(
        lambda s: st.tuples(st.integers(0, len(s) - 1), st.integers(1, len(s))).map(lambda ij: s[ij[0]:ij[0] + ij[1]]))
    if spec.kind == "text":
        return data.draw(st.one_of(piece, st.sampled_from(NASTY)))
    return data.draw(st.one_of(piece, st.text(alphabet=string.digits, min_size=1, max_size=10)))


def condition(data, business, world, actor):
    """A random condition; about one in twelve is wrong somewhere (field, operator, value or join)."""
    fields = queries.BUSINESSES[business][1] if data.draw(st.integers(0, 9)) == 0 else \
        queries.fields_for(business, actor)
    broken = data.draw(st.integers(0, 11)) == 0
    part = data.draw(st.sampled_from(["field", "op", "value", "join"])) if broken else None
    kind = data.draw(st.sampled_from(sorted({f.kind for f in fields.values()})))  # every kind as often
    name = data.draw(st.sampled_from(["nope", "f' OR 1=1"] if part == "field" else
                                     [k for k, f in fields.items() if f.kind == kind]))
    known = name if name in fields else "number"
    spec = fields[known]
    op = data.draw(st.sampled_from(list(queries.OPS) + ["xx", ""] if part == "op" else spec.ops))
    value = value_for(data, known, spec, world, business, part == "value", op)
    value2 = value_for(data, known, spec, world, business, part == "value", op) if op == "between" else ""
    join = data.draw(st.sampled_from(["xor", ""] if part == "join" else ["and", "and", "and", "or"]))
    return Condition(name, op, value, value2, join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_builder_equals_a_plain_filter(world, data):
    business = data.draw(st.sampled_from(["form", "declaration"]))
    actor = data.draw(st.sampled_from(ACTORS + ACTORS[3:] * 2))  # officers see every field: more often
    # mostly one or two conditions, so that one wrong operator is not hidden by the others
    how_many = data.draw(st.sampled_from([0, 1, 1, 1, 2, 2, 3, 5]))
    conditions = [condition(data, business, world, actor) for _ in range(how_many)]
    expected, ok = reference(actor, business, conditions, world)
    with world["db"].session() as session:
        try:
            stmt = queries.combined(business, actor, conditions, session)
        except QueryError as error:
            event("rejected: " + next(e for e in error.errors if e)[:14])
            assert not ok, (conditions, error.errors)
            assert len(error.errors) == len(conditions) and any(error.errors)
            return
        assert ok, f"accepted what the reference rejects: {conditions}"
        found = [row.number for row in session.exec(stmt).all()]
        event("found none" if not found else "found some" if len(found) < len(world[business]) else "found all")
        assert sorted(found) == sorted(expected), conditions
        # paging by key walks the same rows in order, across page boundaries, both ways
        walked, page = [], queries.page(session, stmt, size=7)
        walked += [r.number for r in page.rows]
        while page.after:
            page = queries.page(session, stmt, size=7, after=page.after)
            walked += [r.number for r in page.rows]
        assert walked == sorted(expected)
        if page.before:
            back = queries.page(session, stmt, size=7, before=page.before)
            assert [r.number for r in back.rows] == sorted(expected)[-len(page.rows) - 7:-len(page.rows)]
        assert queries.bounded_count(session, stmt, limit=10) == (min(len(expected), 10), len(expected) <= 10)
        if expected:
            pick = data.draw(st.sampled_from(sorted(expected)))
            ordered = sorted(expected)
            i = ordered.index(pick)
            assert queries.neighbours(session, stmt, pick) == (ordered[i - 1] if i else None,
                                                               ordered[i + 1] if i + 1 < len(ordered) else None)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_an_enterprise_never_sees_another_enterprises_rows(world, data):
    """Whatever it sends, even the officers' fields, an enterprise card gets its own rows only."""
    business = data.draw(st.sampled_from(["form", "declaration"]))
    actor = data.draw(st.sampled_from(ACTORS[:2]))
    conditions = [condition(data, business, world, actor) for _ in range(data.draw(st.integers(0, 4)))]
    own = {r["number"] for r in world[business] if r["enterprise_id"] == actor.enterprise_id}
    with world["db"].session() as session:
        try:
            stmt = queries.combined(business, actor, conditions, session)
        except QueryError:
            return
        assert {row.number for row in session.exec(stmt).all()} <= own


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=8), st.dates())
def test_date_range_is_every_day_starting_with_the_prefix(prefix, day):
    found = queries.date_range(prefix)
    assert (found is not None) == is_day_prefix(prefix)
    if found:
        assert ymd(found[0]).startswith(prefix) and ymd(found[1]).startswith(prefix)
        assert (found[0] <= day <= found[1]) == ymd(day).startswith(prefix)
