"""The 法人卡's dashboard shows its own work (§10.1): its operator cards whose 出口收汇 permission has
expired, expires within 30 days, was never opened, or waits for the bureau, each count opening that
list on 操作员卡; no form counts. The operator whose 出口收汇 is grey is told why."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.shots import shoot


def test_legal_dashboard_lists_its_cards_to_act_on(page, live):
    sign_in(page, live, "1100000000005")  # 企业C's 法人卡; its operator card 1100000000004 has expired
    expect(page.get_by_text("可备案的核销单")).to_have_count(0)
    expect(page.get_by_role("img", name="核销单状态分布")).to_have_count(0)
    shoot(page, "legal-dashboard")
    page.get_by_role("link", name="1出口收汇权限已到期的操作员卡").click()
    expect(page.get_by_role("heading", name="操作员卡")).to_be_visible()
    card = page.get_by_role("row").filter(has_text="1100000000004")
    expect(card).to_contain_text("已到期")
    expect(page.locator("tbody tr")).to_have_count(1)
    card.get_by_role("button", name="申请延期").click()
    expect(page.get_by_role("status")).to_have_text("申请延期已提交，等待外汇局审批")
    page.goto(f"{live}/")
    page.get_by_role("link", name="1申请待外汇局审批的操作员卡").click()
    expect(page.get_by_role("row").filter(has_text="1100000000004")).to_contain_text("待外汇局审批")


def test_legal_dashboard_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in(page, live, "1100000000007")  # 企业B's 法人卡; 1100000000006 was never opened, a request waits
    page.get_by_role("link", name="1出口收汇权限未开通的操作员卡").click()
    expect(page.get_by_role("row").filter(has_text="1100000000006")).to_contain_text("未开通")
    page.go_back()
    page.get_by_role("link", name="1申请待外汇局审批的操作员卡").click()
    expect(page.locator("tbody tr")).to_have_count(1)


def test_a_grey_operator_card_is_told_which_case_and_what_waits(page, live):
    sign_in(page, live, "1100000000004")
    expect(page.get_by_text("出口收汇系统呈“灰色”无法进入")).to_contain_text("已于")
    expect(page.get_by_text("出口收汇系统呈“灰色”无法进入")).to_contain_text("到期")
    expect(page.get_by_text("申请延期（常见问题 10.1）", exact=False)).to_be_visible()
    shoot(page, "grey-expired")
    page.get_by_role("button", name="退出").click()
    sign_in(page, live, "1100000000006")
    expect(page.get_by_text("出口收汇系统呈“灰色”无法进入")).to_contain_text("尚未开通")
    expect(page.get_by_text("申请开通，等待外汇局审批", exact=False)).to_be_visible()
