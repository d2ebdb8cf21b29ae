"""After an htmx swap that refuses what was typed, or that replaces the control just used, the focus is
on the field to correct or on the control again, never back at the page's top (JavaScript on)."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import enter_fx, open_menu, settled


def test_5_1_a_wrong_port_puts_the_focus_in_the_port_field(page, live, demo):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/register/286000089")
    page.on("dialog", lambda dialog: dialog.accept())  # 是否进行备案
    page.get_by_label("使用口岸").fill("9999")
    page.get_by_role("button", name="确认").click()
    expect(page.locator("#port-note")).to_contain_text("关区代码 9999 不存在")
    expect(page.get_by_label("使用口岸")).to_be_focused()
    settled(page)
    page.get_by_label("使用口岸").fill("57")  # part of a code: the 关区 to pick from, nothing registered
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("group", name="选择关区（代码或名称含“57”）")).to_be_visible()
    expect(page.get_by_label("使用口岸")).to_be_focused()


def test_customs_rejecting_without_a_reason_puts_the_focus_in_the_reason(page, live, demo):
    sign_in(page, live, "3300000000001")
    page.goto(f"{live}/customs/forms/286000109?via=revocations")
    page.get_by_role("button", name="驳回撤销").click()
    expect(page.get_by_text("请填写驳回原因")).to_be_visible()
    expect(page.get_by_label("驳回原因")).to_be_focused()


def test_7_1_the_tab_clicked_keeps_the_focus(page, live, demo):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/submit/286000016")
    page.get_by_role("tab", name="出口报关单").click()
    expect(page.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tab", name="出口报关单")).to_be_focused()
    expect(page.get_by_role("tabpanel")).to_contain_text("报关单号")


def test_9_2_the_condition_editor_gives_the_focus_back(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "组合查询")
    page.get_by_label("查询项目").focus()
    page.keyboard.press("ArrowDown")  # 发单日期: the editor is swapped for its operators
    expect(page.get_by_label("运算符")).to_contain_text("以……开始")
    settled(page)
    expect(page.get_by_label("查询项目")).to_be_focused()

    page.get_by_label("运算符").select_option(label="以……开始")
    page.get_by_label("值").fill("2007-13")
    page.get_by_role("button", name="条件设定").click()
    expect(page.get_by_label("值")).to_have_attribute("aria-invalid", "true")
    settled(page)
    expect(page.get_by_label("值")).to_be_focused()

    page.get_by_label("值").fill("200701")
    page.get_by_role("button", name="条件设定").click()
    expect(page.get_by_role("list", name="查询条件")).to_contain_text("发单日期 以……开始 200701")
    settled(page)
    expect(page.get_by_role("button", name="条件设定")).to_be_focused()
    page.keyboard.press("Tab")  # the manual's next step: 开始查找
    expect(page.get_by_role("button", name="开始查找")).to_be_focused()
