"""Manual §四 核销单申请: 份数, 申请 → 申请成功; the application then waits for the bureau."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, open_menu, settled


def test_4_apply_for_forms(page, live):
    enter_fx(page, live)
    open_menu(page, "核销单申请")
    expect(page.get_by_role("heading", name="核销单申请", exact=True)).to_be_visible()
    applications = page.get_by_role("table").locator("tbody tr")
    before = applications.count()
    page.get_by_label("份数").fill("0")
    page.get_by_role("button", name="申请").click()
    expect(page.get_by_role("alert")).to_have_text("份数应为 1 至 100 之间的整数")
    settled(page)
    expect(applications).to_have_count(before)
    page.get_by_label("份数").fill("25")
    page.get_by_role("button", name="申请").click()
    expect(page.get_by_role("status")).to_have_text("申请成功")
    expect(applications).to_have_count(before + 1)
    newest = applications.first
    expect(newest).to_contain_text("25")
    expect(newest).to_contain_text("申请中")
    expect(page.get_by_text("请持该操作员卡和其他相关资料到外汇局申领纸质单证")).to_be_visible()


def test_4_apply_without_js(no_js_page, live):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "核销单申请")
    page.get_by_label("份数").fill("101")
    page.get_by_role("button", name="申请").click()
    expect(page.get_by_role("alert")).to_have_text("份数应为 1 至 100 之间的整数")
    settled(page)
    page.get_by_label("份数").fill("3")
    page.get_by_role("button", name="申请").click()
    expect(page.get_by_role("status")).to_have_text("申请成功")
    expect(page.get_by_role("table").locator("tbody tr").first).to_contain_text("申请中")
