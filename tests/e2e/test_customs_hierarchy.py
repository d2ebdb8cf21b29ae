"""The 关区 hierarchy on screen: a form registered to 5301 皇岗海关 (a 隶属海关 of 5300 深圳海关) is found in
报关验核 by both 5301's card and 5300's; 5301's card cannot see a 5300 form; 0000 海关总署 and 5326 深数统处
are refused as 使用口岸 with the reason, on 口岸备案 and 批量备案, with JavaScript on and off."""
from playwright.sync_api import expect

from db.models import FormState
from tests.e2e.steps import enter_fx, open_menu, rows, state_of
from tests.e2e.test_customs_verify import enter, menu
from tests.test_customs_workflow import forms_where

HQ = "关区代码 0000 海关总署不是口岸，不能作为使用口岸：海关总署是海关的领导机关，不办理通关"
OFFICE = "关区代码 5326 深数统处不是口岸，不能作为使用口岸：该代码是海关的内设处室"


def officer(browser, live, card_no: str):
    """Another browser for a customs card, logged in and in 出口收汇."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    enter(page, live, card_no)
    return page


def find_to_verify(page, number: str):
    menu(page, "报关验核")
    page.get_by_label("核销单号").fill(number)
    page.get_by_role("button", name="开始查找").click()


def register(page, live, number: str, port: str):
    page.goto(f"{live}/enterprise/register/{number}")
    field = page.get_by_label("使用口岸")
    field.fill(port)
    field.press("Enter")


def test_a_form_registered_to_5301_is_found_by_5301_and_by_5300(page, browser, live, demo):
    enter_fx(page, live)
    register(page, live, "286000087", "5301")
    expect(page.locator("#port-name")).to_have_text("皇岗海关")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("设置成功")).to_be_visible()
    assert state_of(demo, "286000087") == "registered"

    for card_no in ("3300000000002", "3300000000003"):  # 深圳海关 (直属) and 皇岗海关 (隶属)
        customs = officer(browser, live, card_no)
        find_to_verify(customs, "286000087")
        expect(rows(customs)).to_have_count(1)
        customs.get_by_role("link", name="286000087").click()
        expect(customs.get_by_role("heading", name="报关验核 · 核销单 286000087")).to_be_visible()
        expect(customs.get_by_text("5301 皇岗海关").first).to_be_visible()
        customs.context.close()

    other = officer(browser, live, "3300000000001")  # 拱北关区: another 直属海关
    find_to_verify(other, "286000087")
    expect(other.get_by_text("未找到核销单 286000087")).to_be_visible()
    other.context.close()


def test_5301_cannot_see_a_5300_form(page, live, demo):
    number = forms_where(demo, "5300", FormState.REGISTERED, with_declaration=False)[0]
    enter(page, live, "3300000000003")
    find_to_verify(page, number)
    expect(page.get_by_text(f"未找到核销单 {number}")).to_be_visible()
    menu(page, "备案数据")
    expect(page.locator("#rows")).not_to_contain_text(number)
    expect(page.locator("#rows")).to_contain_text("5301")
    assert page.request.get(f"{live}/customs/forms/{number}").status == 404


def test_headquarters_and_an_office_are_refused_as_the_port(page, live, demo):
    enter_fx(page, live)
    register(page, live, "286000088", "0000")
    expect(page.get_by_role("alert")).to_contain_text(HQ)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("alert")).to_contain_text(HQ)
    register(page, live, "286000088", "0")  # the picker offers neither
    picker = page.get_by_role("group", name="选择关区")
    expect(picker.get_by_role("group", name="5300 深圳海关").get_by_role("button", name="5301 皇岗海关")).to_be_visible()
    expect(picker.get_by_role("button", name="5326 深数统处")).to_have_count(0)
    expect(picker.get_by_role("button", name="0000 海关总署")).to_have_count(0)
    assert state_of(demo, "286000088") == "issued"

    open_menu(page, "批量备案")
    page.get_by_label("核销单起始号").fill("286000088")
    page.get_by_label("核销单份数").fill("2")
    page.get_by_role("button", name="确认").click()
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(2)
    port = page.get_by_label("备案口岸")
    port.fill("5326")
    port.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(OFFICE)
    page.get_by_role("button", name="设置口岸").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text(OFFICE)
    assert state_of(demo, "286000088") == state_of(demo, "286000089") == "issued"


def test_an_office_is_refused_as_the_port_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    register(page, live, "286000090", "5326")
    expect(page.get_by_role("alert")).to_contain_text(OFFICE)
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("alert")).to_contain_text(OFFICE)
    expect(page.get_by_text("是否进行备案")).to_have_count(0)
    assert state_of(demo, "286000090") == "issued"
