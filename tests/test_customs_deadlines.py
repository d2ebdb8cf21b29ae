"""备案即将到期 (the customs 15 天内到期 list): 备案日期, the due date (the end of the use period) and the
days left, the most urgent first, paged by key on (备案日期, 核销单号) through an index."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import text as sql
from sqlmodel import select

from db import clock, lists, workflow
from db.models import Form
from db.rules import use_days_left, use_deadline
from tests.conftest import BACKEND, login
from tests.helpers import HX
from tests.test_dashboard_plans import full_scans, plan


def _spread(demo, actors, days: list[int]) -> list[str]:
    """Register issued forms of 企业A at 5700 on the given days ago (each past the warning point)."""
    with demo.session() as session:
        numbers = session.exec(select(Form.number).where(Form.state == "issued", Form.enterprise_id == actors[
            "A"].enterprise_id).order_by(Form.number.desc()).limit(len(days))).all()
    for number, days_ago in zip(numbers, days, strict=True):
        with clock.travel_to(clock.today() - timedelta(days=days_ago)):
            assert workflow.register_port(db=demo, actor=actors["A"], numbers=[number], port="5700")[0].ok
    return list(numbers)


def _walk_pages(demo, stmt, size: int):
    """Every page forward, then back from the last; each page's rows."""
    forward, after = [], None
    with demo.session() as session:
        while True:
            page = lists.by_urgency(session, stmt, after=after, size=size)
            forward.append(page)
            if page.after is None:
                break
            after = page.after
        backward, before = [forward[-1]], forward[-1].before
        while before:
            page = lists.by_urgency(session, stmt, before=before, size=size)
            backward.insert(0, page)
            before = page.before
    return forward, backward


def test_the_most_urgent_first_and_every_form_once_either_way(demo, actors):
    _spread(demo, actors, [88, 76, 84, 80])
    stmt = lists.near_use_end(actors["customs5700"], demo.settings)
    forward, backward = _walk_pages(demo, stmt, size=3)
    rows = [f for page in forward for f in page.rows]
    assert [(f.registered_on, f.number) for f in rows] == sorted((f.registered_on, f.number) for f in rows)
    assert len(rows) == len({f.number for f in rows}) >= 12
    assert [[f.number for f in p.rows] for p in backward] == [[f.number for f in p.rows] for p in forward]
    assert forward[0].before is None and re.fullmatch(r"\d{17}", forward[0].after)
    oldest = rows[0]
    assert use_deadline(oldest, demo.settings) == oldest.registered_on + timedelta(days=90)
    assert use_days_left(oldest, demo.settings) == 2  # registered 88 days ago, 90 days to use it


@pytest.mark.parametrize("key", ["", "x", "2026", "20261399286000001", "9" * 30])
def test_a_key_that_is_no_key_starts_at_the_first_page(demo, actors, key):
    stmt = lists.near_use_end(actors["customs5700"], demo.settings)
    with demo.session() as session:
        first = lists.by_urgency(session, stmt)
        assert lists.by_urgency(session, stmt, after=key).rows == first.rows


def test_the_page_reads_an_index(demo, actors):
    from sqlalchemy import tuple_

    stmt = lists.near_use_end(actors["customs5300"], demo.settings)
    key = tuple_(Form.registered_on, Form.number)
    with demo.session() as session:
        if BACKEND == "postgresql":
            session.execute(sql("SET enable_seqscan = off"))
        for paged in (stmt.order_by(Form.registered_on, Form.number).limit(21),
                      stmt.where(key > (clock.today(), "286000001")).order_by(Form.registered_on, Form.number)
                      .limit(21)):
            text_plan = plan(session, paged)
            assert full_scans(text_plan) == [], text_plan


def test_the_screen_shows_the_due_date_and_the_days_left(client, demo, actors):
    numbers = _spread(demo, actors, [88, 77])
    officer = login(client, "3300000000001")
    html = officer.get("/customs/registered/expiring", headers=HX).get_data(as_text=True)
    assert "<th>到期日期</th><th>剩余天数</th>" in html
    shown = re.findall(r">(\d{9})</a>", html)
    assert shown[0] == numbers[0]  # registered 88 days ago: 2 days left, the first row
    due = (clock.today() + timedelta(days=2)).strftime("%Y-%m-%d")
    first_row = html.split(f">{numbers[0]}</a>")[1].split("</tr>")[0]
    assert due in first_row
    assert '<strong class="why">2 天</strong>' in first_row
