"""备案即将到期 on screen: from the dashboard's 备案 15 天内到期, the list shows 备案日期, 到期日期 and
剩余天数, the most urgent first, with JavaScript on and off."""
from datetime import timedelta

from playwright.sync_api import expect

from db import clock
from tests.e2e.test_customs_verify import enter, menu
from tests.test_customs_deadlines import _spread


def test_the_deadline_list_shows_the_due_date_and_days_left_most_urgent_first(page, live, demo, actors):
    urgent, later = _spread(demo, actors, [89, 77])
    enter(page, live)
    menu(page, "首页")
    page.get_by_role("link", name="备案 15 天内到期").click()
    expect(page.get_by_role("heading", name="备案即将到期", exact=True)).to_be_visible()
    rows = page.locator("#rows tbody tr")
    expect(rows.first).to_contain_text(urgent)
    first = rows.first
    expect(first.locator('td[data-label="到期日期"]')).to_have_text(f"{clock.today() + timedelta(days=1):%Y-%m-%d}")
    expect(first.locator('td[data-label="剩余天数"]')).to_have_text("1 天")
    expect(rows.last).to_contain_text(later)
    expect(rows.last.locator('td[data-label="剩余天数"]')).to_have_text("13 天")


def test_the_deadline_list_without_js(no_js_page, live, demo, actors):
    urgent, _ = _spread(demo, actors, [90, 80])
    enter(no_js_page, live)
    menu(no_js_page, "首页")
    no_js_page.get_by_role("link", name="备案 15 天内到期").click()
    first = no_js_page.locator("#rows tbody tr").first
    expect(first).to_contain_text(urgent)
    expect(first.locator('td[data-label="剩余天数"]')).to_have_text("0 天")
