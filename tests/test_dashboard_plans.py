"""Every dashboard count is the count of the list its link opens, and reads only the card's scope
through an index: the query plan of each bounded count searches an index, never scans a whole table
of forms, declarations, applications or permission requests (issue of the dashboards at 200,000 forms)."""
import pytest
from sqlalchemy import func, select, text

from db import dashboard
from db.queries import COUNT_LIMIT, key_of
from tests.conftest import BACKEND

BIG_TABLES = ("form", "declaration", "form_application", "permission_request")
ROLES = ["A", "A_legal", "bureau", "customs5700", "customs5300", "customs5301"]


def counted(stmt):
    """The statement db.queries.bounded_count runs."""
    inner = stmt.with_only_columns(key_of(stmt)).limit(COUNT_LIMIT + 1).subquery()
    return select(func.count()).select_from(inner)


def plan(session, stmt) -> str:
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    if BACKEND == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).all()
        return "\n".join(row[0] for row in rows)
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    return "\n".join(row[-1] for row in rows)


def full_scans(text_plan: str) -> list[str]:
    if BACKEND == "postgresql":
        return [line for line in text_plan.splitlines() if "Seq Scan on" in line
                and line.split("Seq Scan on ")[1].split()[0] in BIG_TABLES]
    # a whole table read, or an IN list built from a table whatever the card's scope (LIST SUBQUERY:
    # every declaration exported before a day, for one enterprise's 160 forms)
    return [line for line in text_plan.splitlines() if "LIST SUBQUERY" in line
            or line.strip().startswith("SCAN ") and line.split()[1] in BIG_TABLES and "INDEX" not in line]


@pytest.mark.parametrize("role", ROLES)
def test_each_dashboard_count_reads_an_index(demo, actors, role):
    me = actors[role]
    with demo.session() as session:
        if BACKEND == "postgresql":
            session.execute(text("SET enable_seqscan = off"))  # the demo tables are small enough to scan
        for watch in dashboard.watches(me, demo.settings):
            scans = full_scans(plan(session, counted(watch.stmt)))
            assert scans == [], (watch.key, scans)


@pytest.mark.parametrize("role", ROLES + ["admin"])
def test_each_count_is_the_length_of_its_list(demo, actors, role):
    me = actors[role]
    with demo.session() as session:
        board = dashboard.build(session, me, demo.settings)
        counts = {c.key: c.n for c in board.waiting + board.deadlines}
        for watch in dashboard.watches(me, demo.settings):
            assert counts[watch.key] == len(session.exec(watch.stmt).all()), watch.key


@pytest.mark.parametrize("role", ["customs5300", "customs5301"])
def test_customs_lists_read_their_district_through_an_index(demo, actors, role):
    """A 直属海关's scope is one range of the 关区 column (5300 to 5399), a 隶属海关's one value: the
    lists of forms and of declarations, and a page of each, search an index, never scan."""
    from db import lists
    from db.queries import PAGE_SIZE, declaration_select, form_select
    from db.rules import Action

    me = actors[role]
    with demo.session() as session:
        if BACKEND == "postgresql":
            session.execute(text("SET enable_seqscan = off"))
        for stmt in (form_select(me), lists.registered(me), lists.candidates(me, Action.VERIFY),
                     lists.candidates(me, Action.RELEASE), declaration_select(me),
                     lists.declarations_in(me, lists.TO_RELEASE)):
            first_page = stmt.order_by(key_of(stmt)).limit(PAGE_SIZE + 1)  # what queries.page runs
            for sql in (counted(stmt), first_page):
                text_plan = plan(session, sql)
                assert full_scans(text_plan) == [], text_plan
                assert "port_code" in str(sql) or "district_code" in str(sql)
