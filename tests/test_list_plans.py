"""Every list, count and 组合查询 shape reads an index, never the whole forms or declarations table.

The shapes are enumerated from db/, not listed by hand: every action's candidates (db.rules.RULES),
every public function of db.lists that returns a select of forms or declarations (called with each
argument it can take: each action, each list of conditions db.lists defines, with and without a
核销单号), every dashboard watch, and a 组合查询 of each field with each operator it offers, for an
enterprise, a customs and a bureau card. A list function added to db.lists is covered without a
change here. For each shape the statements db.queries runs are recorded as they are sent (first
page, a later page, the page before, the bounded count) and each one's plan is read: SQLite
`EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN` with sequential scans priced out (the test tables are
small enough that a scan would otherwise win)."""
import inspect
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.sql import Select

from db import dashboard, lists, queries
from db.queries import BUSINESSES, Condition
from db.rules import RULES, Action
from tests.conftest import BACKEND

BIG_TABLES = ("form", "declaration")
# 不等于 on a unique number (another table's, or one no index leads with) matches every row but at most
# one: the rows are read in order without an index and the page stops after 21 of them, the bounded
# count after COUNT_LIMIT + 1; the check below skips these shapes for that reason.
BOUNDED_SCANS = {"declaration 核销单号 不等于", "declaration 统一编号 不等于"}
# 包含 is the one condition no index narrows (README, 组合查询 benchmark, last row): alone, for a card
# that sees every declaration, the declarations are walked and each one's form asked by key.
BOUNDED_SCANS |= {"declaration 核销单号 包含"}
ROLES = ["A", "customs5700", "bureau"]
SAMPLE = {"digits": "2860", "text": "演示", "date": "2007", "amount": "10000", "code": "5700"}


def full_scans(plan: str, statement: str, *, lists_from_ranges: bool = False) -> list[str]:
    """The lines of a plan that read a whole big table, or build an IN list from an unbounded part of
    one. Bounded lists are fine: a page's rows read by the IN list of its LIMIT 21 keys, and a list
    from one row found by a unique key (a form by its 核销单号). `lists_from_ranges`: also a list from
    an index range on the other table, or from the small table of enterprises (组合查询's condition on
a 报关单号 or 企业名称, by design)."""
    lines = plan.splitlines()
    if BACKEND == "postgresql":
        return [line for line in lines if "Seq Scan on" in line
                and line.split("Seq Scan on ")[1].split()[0] in BIG_TABLES]
    keys_of_a_page = re.search(r" IN \(SELECT \w+\.\w+ \nFROM .* LIMIT \? OFFSET \?\)", statement, re.S)
    out = []
    for i, line in enumerate(lines):
        if "LIST SUBQUERY" in line:
            child = lines[i + 1].strip() if i + 1 < len(lines) else ""
            one_row = re.search(r"^SEARCH \w+ USING .*INDEX \S+ \((number|id)=\?\)$", child)
            a_range = lists_from_ranges and (re.search(r"^SEARCH \w+ USING .*INDEX", child)
                                             or child.startswith("SCAN ") and child.split()[1] not in BIG_TABLES)
            if not (keys_of_a_page or one_row or a_range):
                out.append(line)
        elif line.strip().startswith("SCAN ") and line.split()[1] in BIG_TABLES and "INDEX" not in line:
            out.append(line)
    return out


@contextmanager
def recorded(db):
    """The SQL statements (with their parameters) sent while inside."""
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def explain(session, statement: str, parameters) -> str:
    connection = session.connection()
    if BACKEND == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(row[-1] for row in rows)


def shapes_of_lists(actor, settings) -> list[tuple[str, Select]]:
    """Every list db.lists builds for `actor`, by each argument its functions take."""
    out = [(f"candidates {action.name}", lists.candidates(actor, action, settings)) for action in RULES]
    out += [(f"candidates {action.name} one number", lists.candidates(actor, action, settings, "2860000001"))
            for action in (Action.REGISTER, Action.SUBMIT, Action.RECEIVE)]
    condition_lists = {name: value for name, value in vars(lists).items()
                       if isinstance(value, tuple) and value and isinstance(value[0], Condition)}
    for name, fn in vars(lists).items():
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != lists.__name__:
            continue
        params = inspect.signature(fn).parameters
        if "actor" not in params or "session" in params:
            continue
        variants = [{}]
        if "conditions" in params:
            variants = [{"conditions": c, "_label": n} for n, c in condition_lists.items()]
        if "action" in params:
            variants = [{**v, "action": a} for v in variants for a in RULES]
        if "number" in params:
            variants += [{**v, "number": "2860000001"} for v in variants]
        for variant in variants:
            kwargs = {k: v for k, v in variant.items() if not k.startswith("_")}
            if "settings" in params:
                kwargs["settings"] = settings
            stmt = fn(actor=actor, **kwargs)
            if isinstance(stmt, Select) and stmt.column_descriptions[0]["entity"] is not None \
                    and stmt.column_descriptions[0]["entity"].__tablename__ in BIG_TABLES:
                out.append((f"{name} {variant}", stmt))
    out += [(f"dashboard {w.key}", w.stmt) for w in dashboard.watches(actor, settings)
            if w.stmt.column_descriptions[0]["entity"].__tablename__ in BIG_TABLES]
    return out


def shapes_of_queries(actor, session) -> list[tuple[str, Select]]:
    """组合查询: no condition, then one condition of each field with each operator it offers."""
    out = []
    for business in BUSINESSES:
        fields = queries.fields_for(business, actor)
        out.append((f"{business} all", queries.combined(business, actor, [], session)))
        for name, spec in fields.items():
            for op in spec.ops:
                value = next(iter(spec.choices)) if spec.kind == "choice" else SAMPLE[spec.kind]
                value2 = "2008" if spec.kind == "date" else "20000"
                condition = Condition(name, op, value, value2 if op == "between" else "")
                try:
                    stmt = queries.combined(business, actor, [condition], session)
                except queries.QueryError:
                    continue  # a value this card may not ask for: the screen says why, nothing runs
                out.append((f"{business} {spec.label} {queries.OPS[op]}", stmt))
    return out


def run_shape(session, stmt):
    """What a list screen runs: first page, the page after and before a key, the bounded count."""
    key = queries.key_of(stmt)
    sample = "2860000010" if key.type.python_type is str else 10
    queries.page(session, stmt)
    queries.page(session, stmt, after=sample)
    queries.page(session, stmt, before=sample)
    queries.bounded_count(session, stmt)


def scans_of(db, session, shapes, **rules) -> str:
    """What reads a whole table, readably ("" when nothing does)."""
    found = {}
    for label, stmt in shapes:
        if label in BOUNDED_SCANS:
            continue
        with recorded(db) as sent:
            run_shape(session, stmt)
        for statement, parameters in sent:
            scans = full_scans(explain(session, statement, parameters), statement, **rules)
            if scans:
                found[label] = (statement, scans)
    return "\n\n".join(f"{label}: {scans}\n{statement}" for label, (statement, scans) in found.items())


@pytest.fixture
def planned(demo):
    with demo.session() as session:
        if BACKEND == "postgresql":
            session.connection().exec_driver_sql("SET enable_seqscan = off")
        yield session


@pytest.mark.parametrize("role", ROLES)
def test_every_list_and_count_reads_an_index(demo, actors, planned, role):
    shapes = shapes_of_lists(actors[role], demo.settings)
    assert len(shapes) > len(RULES)  # the enumeration found the lists
    assert scans_of(demo, planned, shapes) == ""


@pytest.mark.parametrize("role", ROLES)
def test_every_combined_query_shape_reads_an_index(demo, actors, planned, role):
    shapes = shapes_of_queries(actors[role], planned)
    assert len(shapes) > 40
    assert scans_of(demo, planned, shapes, lists_from_ranges=True) == ""


def test_the_check_sees_a_scan_when_there_is_one(demo, actors, planned):
    """The plan check itself: a condition no index carries (the declaration's 指运港) is found."""
    from db.models import Declaration
    stmt = queries.declaration_select(actors["bureau"]).where(Declaration.dest_port == "洛杉矶")
    assert "dest_port" in scans_of(demo, planned, [("dest_port", stmt)])
