"""数据中心 in English, in the browser: the login page's refusal, 入网 (refused, then done), 发卡,
IC卡管理's lock and unlock (with JavaScript's confirmation and without it), 代码表 and 审计. The screens'
words are English; names, holders, code names and the audit trail's data stay Chinese, marked
lang="zh-CN"."""
import re

from playwright.sync_api import expect

from tests.e2e.steps import settled
from tests.test_english import CJK, chinese_left

ADMIN = "9900000000001"


def english_screen(page):
    """The whole page (header, menu and screen) has no Chinese left outside lang="zh-CN"."""
    left = chinese_left(page.content())
    assert not left, left


def press_english(page):
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def sign_in_in_english(page, live):
    """The login page in English (the cookie), a wrong password refused in English, then the card."""
    page.goto(f"{live}/login")
    press_english(page)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("IC card No.").fill(ADMIN)
    page.get_by_label("IC card password").fill("wrong-pass")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"^Wrong IC card No\. or IC card password\."))
    assert not CJK.search(page.get_by_role("alert").inner_text())
    english_screen(page)
    page.get_by_label("IC card No.").fill(ADMIN)
    page.get_by_label("IC card password").fill("88888888")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("button", name="退出").or_(page.get_by_role("button", name="Log out"))).to_be_visible()
    if page.get_by_role("button", name="English").count():  # the card keeps its own language: English from now on
        press_english(page)


def test_the_data_centre_works_in_english(page, live):
    sign_in_in_english(page, live)

    # 入网: an enrolled 海关编码 is refused on the same page, in English; then the enterprise is enrolled
    page.goto(f"{live}/admin/enroll")
    expect(page.get_by_role("heading", name="Enrolment")).to_be_visible()
    english_screen(page)
    page.get_by_label("Enterprise name").fill("广州市新天地贸易有限公司")
    page.get_by_label("Customs code").fill("4403910001")
    page.get_by_label("Legal-person card holder").fill("王法人")
    page.get_by_label("Operator card holder").fill("赵操作")
    page.get_by_role("button", name="Enrolment").click()
    expect(page.get_by_role("alert")).to_have_text("Customs code 4403910001 is already enrolled")
    expect(page).to_have_url(f"{live}/admin/enroll")
    expect(page.get_by_label("Enterprise name")).to_have_value("广州市新天地贸易有限公司")
    english_screen(page)
    settled(page)
    page.get_by_label("Customs code").fill("4401910077")
    page.get_by_role("button", name="Enrolment").click()
    expect(page.get_by_role("status")).to_have_text("Enrolment done")
    passwords = page.get_by_role("table", name="Initial password")
    expect(passwords.get_by_role("row").filter(has_text="Enterprise operator card")).to_contain_text("赵操作")
    expect(passwords.locator('td[lang="zh-CN"]', has_text="王法人")).to_have_count(1)  # data stays Chinese
    english_screen(page)

    # 发卡: a card of the enterprise just enrolled
    page.get_by_role("link", name="Issue a card").click()
    expect(page.get_by_role("heading", name="Issue a card")).to_be_visible()
    page.get_by_label("Card type").select_option(label="Enterprise operator card")
    page.get_by_label("Holder").fill("钱新员工")
    page.get_by_label("Customs code").fill("4401910077")
    page.get_by_role("button", name="Issue a card").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Card issued: 11\d{11}$"))
    english_screen(page)

    # IC卡管理: lock and unlock a card; the browser asks first, in English
    page.goto(f"{live}/admin/cards?kind=customs")
    expect(page.get_by_role("heading", name="IC card management")).to_be_visible()
    english_screen(page)
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Lock 3300000000002").click()
    expect(page.get_by_role("status")).to_have_text("IC card 3300000000002 is locked")
    assert asked == ["Lock IC card 3300000000002? A locked card cannot log in."]
    row = page.get_by_role("table", name="IC card").get_by_role("row").filter(has_text="3300000000002")
    expect(row).to_contain_text("Locked")
    expect(row.locator('td[lang="zh-CN"]').first).to_have_text("深圳海关")  # the holder: data
    english_screen(page)
    page.once("dialog", accept)
    page.get_by_role("button", name="Unlock 3300000000002").click()
    expect(page.get_by_role("status")).to_have_text("IC card 3300000000002 is unlocked")
    expect(row).to_contain_text("Normal")
    english_screen(page)

    # 代码表: the tables' names in English, the codes' names Chinese
    page.goto(f"{live}/admin/codes")
    expect(page.get_by_role("heading", name="Code tables")).to_be_visible()
    page.get_by_role("navigation", name="Code tables").get_by_role("link", name="Currency").click()
    expect(page.get_by_role("table", name="Currency").locator('td[lang="zh-CN"]', has_text="美元")).to_be_visible()
    expect(page.get_by_role("heading", name="Import a code table")).to_be_visible()
    english_screen(page)

    # 审计: the chrome English, the trail's data (actions, details) Chinese as recorded
    page.goto(f"{live}/admin/audit")
    expect(page.get_by_role("heading", name="Audit")).to_be_visible()
    trail = page.get_by_role("table", name="Audit records")
    expect(trail.locator('td[lang="zh-CN"]', has_text="解锁").first).to_be_visible()
    expect(trail.locator('td[lang="zh-CN"]', has_text="入网").first).to_be_visible()
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^The audit chain is whole: \d+ records$"))
    settled(page)
    english_screen(page)
    page.get_by_label("From date").fill("2024xx")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_have_text("Some search conditions are wrong: correct them and search again")
    expect(page.get_by_text('"2024xx" is not a date (YYYYMMDD)')).to_be_visible()
    english_screen(page)


def test_lock_a_card_in_english_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in_in_english(page, live)
    page.goto(f"{live}/admin/cards?kind=customs")
    page.get_by_role("button", name="Lock 3300000000002").click()
    expect(page.get_by_role("heading", name="Lock")).to_be_visible()
    expect(page.get_by_text("Lock IC card 3300000000002? A locked card cannot log in.")).to_be_visible()
    english_screen(page)
    page.get_by_role("button", name="OK").click()
    expect(page).to_have_url(f"{live}/admin/cards?kind=customs")
    expect(page.get_by_role("status")).to_have_text("IC card 3300000000002 is locked")
    english_screen(page)
