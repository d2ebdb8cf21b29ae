"""The bureau's 即将到期 lists (db.deadlines): the soonest first, paged by (day, 核销单号) without OFFSET,
each row with its start day, due date and days left; the dashboard counts the very select listed."""
import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from db import clock, dashboard, deadlines
from db.models import CardKind, Declaration, Form, FormState
from db.queries import bounded_count
from tests import factories
from tests.conftest import login
from tests.helpers import HX, text

BUREAU = "2200000000001"


def test_use_list_is_soonest_first_and_pages_by_key(db):
    mine = factories.enterprise(db)
    bureau = factories.card(db, CardKind.BUREAU)
    settings = db.settings
    ages = [82 - (i % 7) for i in range(45)] + [100]  # 10 days past its period, the most urgent
    made = {factories.form(db, mine, FormState.REGISTERED, registered_days_ago=age): age for age in ages}
    factories.form(db, mine, FormState.REGISTERED, registered_days_ago=10)  # far from its deadline
    listing = deadlines.use_ending(bureau, settings)
    seen, after = [], None
    with db.session() as session:
        while True:
            pg = listing.page(session, after=after)
            seen += pg.rows
            if not pg.after:
                break
            after = pg.after
        assert bounded_count(session, listing.stmt) == (len(made), True)
        back = listing.page(session, before=pg.before)
    assert [d.number for d in seen] == sorted(made, key=lambda n: (-made[n], n))
    assert seen[0].left == settings.use_period_days - 100 and seen[0].overdue
    assert seen[0].due == clock.today() + timedelta(days=seen[0].left)
    assert [d.number for d in back.rows] == [d.number for d in seen[20:40]]
    assert all(len(d.start.strftime("%Y%m%d") + d.number) <= 20 for d in seen)


def test_submit_list_reads_the_export_day(db):
    mine = factories.enterprise(db)
    bureau = factories.card(db, CardKind.BUREAU)
    numbers = [factories.form(db, mine, FormState.USED) for _ in range(3)]
    with db.write() as session:
        for number, days in zip(numbers, (50, 58, 5)):
            form_id = session.exec(select(Form.id).where(Form.number == number)).one()
            session.execute(update(Declaration).where(Declaration.form_id == form_id)
                            .values(exported_on=clock.today() - timedelta(days=days)))
    listing = deadlines.submit_ending(bureau, db.settings)
    with db.session() as session:
        rows = listing.page(session).rows
        assert bounded_count(session, listing.stmt) == (2, True)
    assert [(d.number, d.left) for d in rows] == [(numbers[1], 2), (numbers[0], 10)]


def test_a_bad_key_starts_at_the_first_page(db):
    bureau = factories.card(db, CardKind.BUREAU)
    listing = deadlines.use_ending(bureau, db.settings)
    with db.session() as session:
        for key in ("", "2026", "20261301286000001", "abc", None):
            assert listing.page(session, after=key).before is None


def test_dashboard_counts_are_the_lists_and_link_to_them(client, demo, actors):
    officer = login(client, BUREAU)
    with demo.session() as session:
        board = dashboard.build(session, actors["bureau"], demo.settings)
        counts = {c.key: c.n for c in board.deadlines}
        use_rows = deadlines.use_ending(actors["bureau"], demo.settings).page(session).rows
    home = text(officer.get("/bureau/"))
    assert 'href="/bureau/deadlines/use"' in home and 'href="/bureau/deadlines/submit"' in home
    page = text(officer.get("/bureau/deadlines/use"))
    assert page.count('data-label="核销单号"') == min(counts["use_deadline"], 20) == len(use_rows)
    assert "到期日" in page and "剩余天数" in page and "备案日期" in page
    fragment = text(officer.get("/bureau/deadlines/submit", headers=HX))
    assert fragment.lstrip().startswith('<div id="rows">') and "出口日期" in fragment
    assert fragment.count('data-label="核销单号"') == min(counts["submit_deadline"], 20)
    assert officer.get("/bureau/deadlines/use?after=x%00").status_code in (200, 400)


def test_only_the_bureau_opens_them(client, demo):
    operator = login(client, "1100000000001")
    assert operator.get("/bureau/deadlines/use").status_code in (302, 403, 404)


def test_a_list_longer_than_a_page_turns_its_pages(client, demo):
    """More forms near their deadline than a page holds (two trainees' copies of the demo): 下一页 and
    上一页 stay on the same list."""
    from db import seed

    seed.seed_trainees(demo, 2)
    officer = login(client, BUREAU)
    first = officer.get("/bureau/deadlines/use")
    assert first.status_code == 200, first.status_code
    following = re.search(r'href="(/bureau/deadlines/use\?after=\d+)"', text(first))
    assert following, "no 下一页"
    second = officer.get(following.group(1).replace("&amp;", "&"), headers=HX)
    assert second.status_code == 200 and 'href="/bureau/deadlines/use?before=' in text(second)
