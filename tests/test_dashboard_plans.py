"""Every dashboard count is the count of the list its link opens, and reads only the card's scope
through an index: the query plan of each bounded count searches an index, never scans a whole table
of forms, declarations, applications or permission requests (issue of the dashboards at 200,000 forms)."""
import pytest
from sqlalchemy import func, select, text

from db import dashboard
from db.queries import COUNT_LIMIT, key_of
from tests.conftest import BACKEND

BIG_TABLES = ("form", "declaration", "form_application", "permission_request")
ROLES = ["A", "A_legal", "bureau", "customs5700"]


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


@pytest.mark.parametrize("role", ROLES + ["customs5300", "admin"])
def test_each_count_is_the_length_of_its_list(demo, actors, role):
    me = actors[role]
    with demo.session() as session:
        board = dashboard.build(session, me, demo.settings)
        counts = {c.key: c.n for c in board.waiting + board.deadlines}
        for watch in dashboard.watches(me, demo.settings):
            assert counts[watch.key] == len(session.exec(watch.stmt).all()), watch.key
