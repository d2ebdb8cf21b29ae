"""数据中心 · 入网 and 发卡 in the browser: the initial passwords are shown once, the new cards log in
with them and must change them first; bad input is answered on the same page."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled

ADMIN = "9900000000001"


def enter_fx(page, live, entry: str):
    """From the 系统菜单 into 出口收汇, then the left menu's `entry`."""
    sign_in(page, live, ADMIN)
    page.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇").click()
    page.get_by_role("navigation", name="出口收汇菜单").get_by_role("link", name=entry).click()


def fill_enterprise(page, name="广州市新天地贸易有限公司", code="4401910077", legal="王法人", operator="赵操作"):
    page.get_by_label("企业名称").fill(name)
    page.get_by_label("海关编码").fill(code)
    page.get_by_label("法人卡持卡人").fill(legal)
    page.get_by_label("操作员卡持卡人").fill(operator)
    page.get_by_role("button", name="入网").click()


def shown(page, kind: str) -> tuple[str, str]:
    """(IC卡号, 初始密码) of the card of `kind` in the table of initial passwords."""
    row = page.get_by_role("table", name="初始密码").get_by_role("row").filter(has_text=kind)
    cells = row.get_by_role("cell")
    return cells.nth(1).inner_text(), cells.nth(3).inner_text()


def test_enroll_then_the_new_operator_changes_its_password(page, live):
    enter_fx(page, live, "入网")
    expect(page.get_by_role("heading", name="入网")).to_be_visible()
    fill_enterprise(page)
    expect(page.get_by_role("status")).to_have_text("入网成功")
    expect(page.get_by_text("初始密码只显示这一次")).to_be_visible()
    legal_no, legal_password = shown(page, "企业法人卡")
    operator_no, password = shown(page, "企业操作员卡")
    assert len(password) == 8 and password.isdigit() and legal_no != operator_no

    page.get_by_role("link", name="返回IC卡管理").click()
    rows = page.get_by_role("table", name="IC卡").get_by_role("row")
    expect(rows.filter(has_text=operator_no)).to_contain_text("未改初始密码")
    expect(page.get_by_text(password)).to_have_count(0)
    page.go_back()  # the POST's answer is not kept (no-store): the passwords do not come back
    expect(page.get_by_text(password)).to_have_count(0)

    page.goto(f"{live}/")
    page.get_by_role("button", name="退出").click()
    sign_in(page, live, operator_no, password)
    expect(page.get_by_text("本卡仍在使用初始密码")).to_be_visible()
    page.get_by_label("原密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("n3w-passw0rd")
    page.get_by_label("确认新密码").fill("n3w-passw0rd")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("密码修改成功")).to_be_visible()
    expect(page.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇")).to_be_visible()


@pytest.mark.parametrize("code, message", [
    ("440191007", "海关编码应为 10 位数字"),
    ("4403910001", "海关编码 4403910001 已入网"),
])
def test_enroll_refuses_a_bad_customs_code_on_the_same_page(page, live, code, message):
    enter_fx(page, live, "入网")
    fill_enterprise(page, code=code)
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page.get_by_label("企业名称")).to_have_value("广州市新天地贸易有限公司")
    expect(page.get_by_role("table", name="初始密码")).to_have_count(0)
    page.get_by_label("海关编码").fill("4401910078")
    page.get_by_role("button", name="入网").click()
    expect(page.get_by_role("status")).to_have_text("入网成功")


def test_enroll_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in(page, live, ADMIN)
    page.goto(f"{live}/admin/enroll")
    fill_enterprise(page, name=" ", code="4401910077")
    expect(page.get_by_role("alert")).to_have_text("请填写企业名称（100 字以内）")
    fill_enterprise(page, legal="")
    expect(page.get_by_role("alert")).to_have_text("请填写持卡人姓名（60 字以内）")
    fill_enterprise(page)
    expect(page.get_by_role("status")).to_have_text("入网成功")
    assert len(shown(page, "企业操作员卡")[1]) == 8


def test_issue_a_customs_card_which_then_logs_in(page, live):
    enter_fx(page, live, "IC卡管理")
    page.get_by_role("link", name="发卡").click()
    page.get_by_label("卡类型").select_option(label="海关")
    page.get_by_label("持卡人").fill("黄埔海关")
    page.get_by_label("关区代码").fill("9998")
    page.get_by_role("button", name="发卡").click()
    expect(page.get_by_role("alert")).to_have_text("关区代码 9998 不存在")
    expect(page.get_by_label("持卡人")).to_have_value("黄埔海关")
    settled(page)  # the refusal is swapped in and bound by htmx before the next value is typed
    page.get_by_label("关区代码").fill("5200")
    page.get_by_role("button", name="发卡").click()
    expect(page.get_by_role("status")).to_have_text("发卡成功：3300000000004")  # after the demo's three customs cards
    card_no, password = shown(page, "海关")
    page.get_by_role("button", name="退出").click()
    sign_in(page, live, card_no, password)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()


def test_an_enterprise_card_needs_an_enrolled_customs_code(page, live):
    sign_in(page, live, ADMIN)
    page.goto(f"{live}/admin/cards/new")
    page.get_by_label("卡类型").select_option(label="企业操作员卡")
    page.get_by_label("持卡人").fill("新员工")
    page.get_by_label("海关编码").fill("9999999999")
    page.get_by_role("button", name="发卡").click()
    expect(page.get_by_role("alert")).to_have_text("海关编码 9999999999 尚未入网")
    settled(page)  # the refusal is swapped in and bound by htmx before the next value is typed
    page.get_by_label("海关编码").fill("4403910001")
    expect(page.get_by_label("海关编码")).to_have_value("4403910001")
    page.get_by_role("button", name="发卡").click()
    expect(page.get_by_role("status")).to_contain_text("发卡成功")
    card_no, _ = shown(page, "企业操作员卡")
    page.get_by_role("link", name="返回IC卡管理").click()
    row = page.get_by_role("table", name="IC卡").get_by_role("row").filter(has_text=card_no)
    expect(row).to_contain_text("深圳市华南进出口有限公司")
    expect(row).to_contain_text("未开通")
