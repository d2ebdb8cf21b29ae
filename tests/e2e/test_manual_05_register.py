"""Manual §五 口岸备案: 5.1 口岸备案 (one form: 使用口岸, 确认, 是否进行备案, 设置成功) and 5.2 批量备案
(核销单起始号 + 核销单份数, 标记 / 全选, 备案口岸, 设置口岸), with JavaScript on and off."""
import re

from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, events, open_menu, rows, settled, state_of, stays_on_page


def test_5_1_register_one_form(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "口岸备案")
    page.get_by_role("button", name="开始查找").click()  # 列出所有可供备案的核销单
    expect(rows(page)).to_have_count(20)
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"after=286000151"))
    expect(rows(page).first).to_contain_text("286000152")
    page.go_back()
    expect(rows(page).first).to_contain_text("286000087")
    page.get_by_label("核销单号").fill("286000053")  # already registered: say why it is not listed
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("该核销单已备案，如需更改口岸请先撤销备案")).to_be_visible()
    page.get_by_label("核销单号").fill("286000087")
    page.get_by_role("button", name="开始查找").click()
    expect(rows(page)).to_have_count(1)
    page.get_by_role("link", name="286000087").click()  # 进入备案页面
    expect(page.get_by_role("heading", name="口岸备案 · 核销单 286000087")).to_be_visible()

    same = stays_on_page(page)
    port = page.get_by_label("使用口岸")
    port.fill("5700")
    with page.expect_request(lambda r: r.method == "GET" and "/enterprise/port?" in r.url):
        port.press("Enter")  # 回车后代码将自动转换为中文“拱北关区”: the lookup's own route
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    settled(page)
    port.fill("0")
    port.press("Enter")  # 输入“0”按回车，将出现全国各海关关区代码
    picker = page.get_by_role("group", name="选择关区")
    expect(picker.get_by_role("button")).to_have_count(181)  # the ports: not 0000 海关总署 nor the offices
    settled(page)
    port.fill("深圳")
    port.press("Enter")  # searchable by name
    expect(picker.get_by_role("button", name="5300 深圳海关")).to_be_visible()
    expect(picker.get_by_role("button", name="5700 拱北关区")).to_have_count(0)
    settled(page)
    port.fill("9999")
    port.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("关区代码 9999 不存在，请输入正确的关区代码（输入 0 回车可选择）")
    settled(page)
    port.fill("0")
    port.press("Enter")
    expect(picker.get_by_role("button")).to_have_count(181)
    settled(page)
    page.get_by_role("group", name="选择关区").get_by_role("button", name="5700 拱北关区").click()
    expect(page.get_by_label("使用口岸")).to_have_value("5700")
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    assert same() and state_of(demo, "286000087") == "issued"

    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="确认").dblclick()  # 是否进行备案 → 确定; twice does it once
    expect(page.get_by_text("设置成功")).to_be_visible()
    tab = page.get_by_role("tabpanel")
    expect(tab).to_contain_text("5700 拱北关区")
    expect(tab).to_contain_text("已备案")
    expect(page.get_by_role("region", name="操作记录")).to_contain_text("使用口岸 5700 拱北关区")
    assert asked[0] == "是否进行备案" and same()
    assert state_of(demo, "286000087") == "registered" and events(demo, "286000087", "口岸备案") == 1


def test_5_1_register_one_form_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "口岸备案")
    page.get_by_role("button", name="开始查找").click()
    page.get_by_role("link", name="下一页").click()
    expect(rows(page).first).to_contain_text("286000152")
    page.get_by_role("link", name="286000153").click()
    port = page.get_by_label("使用口岸")
    port.fill("0")
    port.press("Enter")  # the lookup is a submit: the page comes back with the list of 关区
    page.get_by_role("group", name="选择关区").get_by_role("button", name="5300 深圳海关").click()
    expect(page.locator("#port-name")).to_have_text("深圳海关")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("是否进行备案")).to_be_visible()  # the confirmation is a page
    expect(page.get_by_text("5300 深圳海关")).to_be_visible()
    assert state_of(demo, "286000153") == "issued"
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("设置成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("5300 深圳海关")
    expect(page).to_have_url(f"{live}/enterprise/register/286000153")
    assert state_of(demo, "286000153") == "registered"
    page.get_by_role("link", name="返回列表").click()
    page.get_by_label("核销单号").fill("286000153")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("该核销单已备案，如需更改口岸请先撤销备案")).to_be_visible()


def test_5_2_batch_register(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "批量备案")
    page.get_by_label("核销单起始号").fill("286000136")
    page.get_by_label("核销单份数").fill("30")
    expect(page.get_by_label("核销单终止号")).to_have_value("286000165")  # 自动调出
    page.get_by_role("button", name="确认").click()  # 列出所有符合条件记录
    expect(rows(page)).to_have_count(20)
    expect(page).to_have_url(re.compile(r"start=286000136&count=30"))
    page.get_by_role("link", name="下一页").click()
    expect(rows(page)).to_have_count(10)
    with page.expect_request(lambda r: r.method == "GET" and "/enterprise/batch-register/all?" in r.url):
        page.get_by_role("button", name="全选").click()  # this page only: 286000156..165
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(10)
    page.get_by_role("link", name="上一页").click()
    expect(rows(page)).to_have_count(20)
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(20)
    page.get_by_role("checkbox", name="标记 286000140").uncheck()  # 手工选取“标记”
    port = page.get_by_label("备案口岸")
    port.fill("5300")
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("深圳海关")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(19)  # the lookup kept the marks
    page.get_by_role("button", name="设置口岸").dblclick()
    report = page.get_by_role("table", name="处理结果")
    expect(report.get_by_text("设置成功")).to_have_count(19)
    expect(rows(page)).to_have_count(11)  # 286000140 and 286000156..165 are left
    assert state_of(demo, "286000139") == "registered" and state_of(demo, "286000140") == "issued"
    assert events(demo, "286000141", "口岸备案") == 1


def test_5_2_range_past_the_enterprise_forms(page, live):
    enter_fx(page, live)
    open_menu(page, "批量备案")
    page.get_by_label("核销单起始号").fill("286000195")
    page.get_by_label("核销单份数").fill("20")
    page.get_by_role("button", name="确认").click()
    expect(rows(page)).to_have_count(11)
    expect(page.get_by_text("未找到核销单 286000206 至 286000214")).to_be_visible()
    page.get_by_label("核销单份数").fill("0")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("核销单份数应为 1 至 100 之间的整数")).to_be_visible()


def test_5_2_batch_register_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "批量备案")
    page.get_by_label("核销单起始号").fill("286000140")
    page.get_by_label("核销单份数").fill("5")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_label("核销单终止号")).to_have_value("286000144")
    expect(rows(page)).to_have_count(5)
    page.get_by_role("button", name="全选").click()  # a submit: the page comes back with the rows marked
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(5)
    page.get_by_role("checkbox", name="标记 286000144").uncheck()
    port = page.get_by_label("备案口岸")
    port.fill("拱北")
    port.press("Enter")
    page.get_by_role("button", name="5700 拱北关区").click()
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(4)
    page.get_by_role("button", name="设置口岸").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("设置成功")).to_have_count(4)
    expect(rows(page)).to_have_count(1)
    assert [state_of(demo, f"28600014{i}") for i in range(5)] == ["registered"] * 4 + ["issued"]


def test_5_1_full_width_digits_from_a_chinese_input_method(page, live, demo):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/register/286000088")
    port = page.get_by_label("使用口岸")
    port.fill("５７００")  # 全角, as a Chinese input method types it
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("设置成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("5700 拱北关区")
    assert state_of(demo, "286000088") == "registered"
