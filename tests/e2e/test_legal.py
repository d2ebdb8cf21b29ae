"""法人卡 (manual §10.1): the enterprise's forms, read only; its operator cards with their 出口收汇
permission; 申请延期 / 申请开通 for a card, which then waits for the bureau."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, open_menu, rows


def test_legal_person_asks_to_extend_an_operator_card(page, live):
    enter_fx(page, live, "1100000000005")  # 企业C's 法人卡; its operator card 1100000000004 has expired
    open_menu(page, "操作员卡")
    card = page.get_by_role("row").filter(has_text="1100000000004")
    expect(card).to_contain_text("已到期")
    card.get_by_role("button", name="申请延期").click()
    expect(page.get_by_role("status")).to_have_text("申请延期已提交，等待外汇局审批")
    expect(card).to_contain_text("待外汇局审批")
    expect(card.get_by_role("button", name="申请延期")).to_be_disabled()


def test_legal_person_sees_a_new_card_waiting_to_be_opened(page, live):
    enter_fx(page, live, "1100000000007")  # 企业B's 法人卡
    open_menu(page, "操作员卡")
    card = page.get_by_role("row").filter(has_text="1100000000006")
    expect(card).to_contain_text("未开通")
    expect(card).to_contain_text("申请开通")
    expect(card.get_by_role("button", name="申请开通")).to_be_disabled()


def test_legal_person_reads_the_enterprise_forms(page, live):
    enter_fx(page, live, "1100000000002")
    open_menu(page, "本企业核销单")
    expect(rows(page)).to_have_count(20)
    page.get_by_label("核销单状态").select_option(label="已挂失")
    page.get_by_role("button", name="开始查找").click()
    expect(rows(page)).to_have_count(3)
    page.get_by_role("link", name="286000082").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("已挂失")
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)  # read only: no action on the page
    page.go_back()
    page.get_by_label("核销单状态").select_option(label="全部")
    page.get_by_label("核销单号").fill("286000111")  # 企业B's
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("未找到核销单 286000111")).to_be_visible()


def test_legal_person_without_js(no_js_page, live):
    page = no_js_page
    enter_fx(page, live, "1100000000002")
    open_menu(page, "操作员卡")
    card = page.get_by_role("row").filter(has_text="1100000000001")
    card.get_by_role("button", name="申请延期").click()
    expect(page.get_by_role("status")).to_have_text("申请延期已提交，等待外汇局审批")
    expect(page.get_by_role("row").filter(has_text="1100000000001")).to_contain_text("待外汇局审批")
