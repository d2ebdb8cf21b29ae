"""The bureau's dashboard: each 即将到期 count opens a list of its own, the soonest first, with the
day the period started, the due date and the days left; the count is the list's length."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.shots import shoot
from tests.e2e.steps import rows
from tests.e2e.test_bureau_applications import BUREAU


def open_deadline(page, live, label: str) -> int:
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    link = page.get_by_role("link", name=re.compile(label))
    count = int(re.match(r"\d+", link.inner_text()).group())
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)
    return count


def days_left(page) -> list[int]:
    cells = page.locator('#rows td[data-label="剩余天数"]').all_inner_texts()
    return [-int(re.search(r"\d+", t).group()) if "已过期" in t else int(re.search(r"\d+", t).group())
            for t in cells]


def test_use_deadlines_open_from_the_dashboard(page, live):
    count = open_deadline(page, live, "备案 15 天内到期")
    assert count > 0
    expect(rows(page)).to_have_count(min(count, 20))
    for head in ("备案日期", "到期日", "剩余天数"):
        expect(page.get_by_role("columnheader", name=head)).to_be_visible()
    left = days_left(page)
    assert left == sorted(left) and left[-1] <= 15
    shoot(page, "bureau-use-deadlines")


def test_submit_deadlines_open_from_the_dashboard_without_javascript(no_js_page, live):
    page = no_js_page
    count = open_deadline(page, live, "交单 15 天内到期")
    assert count > 0
    expect(rows(page)).to_have_count(min(count, 20))
    expect(page.get_by_role("columnheader", name="出口日期")).to_be_visible()
    left = days_left(page)
    assert left == sorted(left) and left[-1] <= 15
