"""Deadlines where the clerk needs them: 企业交单 and the two 15 天内到期 lists show 出口日期 /
备案日期, the due date and the days left, most urgent first, paged by that order."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, open_menu, rows


def _dues(page, label):
    return page.locator(f'#rows td[data-label="{label}"]').all_inner_texts()


def test_submit_list_most_urgent_first(page, live):
    enter_fx(page, live)
    open_menu(page, "企业交单")
    page.get_by_role("button", name="开始查找").click()
    table = page.locator("#rows table")
    for head in ("出口日期", "交单截止日期", "剩余天数"):
        expect(table.get_by_role("columnheader", name=head)).to_be_visible()
    expect(rows(page)).to_have_count(20)
    first = _dues(page, "交单截止日期")
    assert first == sorted(first)
    page.get_by_role("link", name="下一页").click()
    expect(rows(page)).to_have_count(5)
    assert min(_dues(page, "交单截止日期")) >= first[-1]


def test_deadline_lists_from_the_dashboard(page, live):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/submit-deadlines")
    expect(page.locator("#rows table").get_by_role("columnheader", name="剩余天数")).to_be_visible()
    expect(page.locator('#rows td[data-label="出口日期"]').first).to_be_visible()
    dues = _dues(page, "交单截止日期")
    assert dues == sorted(dues)
    page.goto(f"{live}/enterprise/register-deadlines")
    expect(page.locator("#rows table").get_by_role("columnheader", name="使用期限")).to_be_visible()
    dues = _dues(page, "使用期限")
    assert dues and dues == sorted(dues)
    expect(page.locator('#rows td[data-label="剩余天数"]').first).to_contain_text("天")
