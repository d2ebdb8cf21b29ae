"""Manual §七 企业交单: 7.1 one form (出口核销单 / 出口报关单, 交单, 上一单 / 下一单) and 7.2 批量交单
(开始查找, 标记 / 全选, 交单, 下一页), with JavaScript on and off; §10.3 says why a form is not listed."""
import re

from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, events, open_menu, rows, state_of, stays_on_page


def test_7_1_submit_one_form_then_the_next(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "企业交单")
    page.get_by_role("button", name="开始查找").click()  # 列出所有符合交单记录的核销单
    expect(rows(page)).to_have_count(20)
    page.get_by_label("核销单号").fill("286000049")  # §10.3: 已用 without 结汇联
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）")).to_be_visible()
    page.get_by_label("核销单号").fill("")
    page.get_by_role("button", name="开始查找").click()
    page.get_by_role("link", name="286000011").click()  # 进入交单页面
    expect(page.get_by_role("heading", name="企业交单 · 核销单 286000011")).to_be_visible()
    same = stays_on_page(page)
    page.get_by_role("tab", name="出口报关单").click()  # 切换查看明细信息
    expect(page.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    declaration = page.get_by_role("tabpanel")
    for label in ("报关单号", "统一编号", "经营单位", "出口口岸", "运输方式", "贸易方式", "结汇方式", "成交方式",
                  "币制", "总价", "运抵国", "指运港", "商品名称", "结汇联"):
        expect(declaration).to_contain_text(label)
    expect(page).to_have_url(re.compile(r"tab=declaration"))
    page.get_by_role("tab", name="出口核销单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("海关使用状态")
    assert same()

    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="交单").dblclick()  # twice does it once
    expect(page.get_by_text("交单成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("已交")
    assert asked[0] == "是否进行交单"
    assert state_of(demo, "286000011") == "submitted" and events(demo, "286000011", "交单") == 1
    page.get_by_role("link", name="下一单").click()  # 继续通过“下一单”逐一完成
    expect(page.get_by_role("heading", name="企业交单 · 核销单 286000012")).to_be_visible()
    page.get_by_role("button", name="交单").click()
    expect(page.get_by_text("交单成功")).to_be_visible()
    page.get_by_role("link", name="下一单").click()
    expect(page.get_by_role("heading", name="企业交单 · 核销单 286000013")).to_be_visible()
    expect(page.get_by_role("button", name="上一单")).to_be_disabled()  # 011 and 012 have left the list
    assert state_of(demo, "286000012") == "submitted"


def test_7_1_submit_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "企业交单")
    page.get_by_role("button", name="开始查找").click()
    page.get_by_role("link", name="286000015").click()
    page.get_by_role("tab", name="出口报关单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("商品名称")
    page.get_by_role("button", name="交单").click()
    expect(page.get_by_text("是否进行交单")).to_be_visible()  # the confirmation is a page
    assert state_of(demo, "286000015") == "used"
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("交单成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("已交")
    page.get_by_role("link", name="下一单").click()
    expect(page.get_by_role("heading", name="企业交单 · 核销单 286000016")).to_be_visible()
    page.get_by_role("link", name="上一单").click()
    expect(page.get_by_role("heading", name="企业交单 · 核销单 286000014")).to_be_visible()
    assert state_of(demo, "286000015") == "submitted"


def test_7_2_batch_submit(page, live, demo):
    enter_fx(page, live)
    page.on("dialog", lambda dialog: dialog.accept())  # 是否进行批量交单 → 确定
    open_menu(page, "批量交单")
    page.get_by_role("button", name="开始查找").click()  # 列出所有符合交单条件的记录
    expect(rows(page)).to_have_count(20)
    page.get_by_role("link", name="下一页").click()  # the next 20: 286000031..035
    expect(rows(page)).to_have_count(5)
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(5)
    page.get_by_role("checkbox", name="标记 286000035").uncheck()
    page.get_by_role("button", name="交单").click()
    report = page.get_by_role("table", name="处理结果")
    expect(report.get_by_text("交单成功")).to_have_count(4)
    expect(rows(page)).to_have_count(20)  # the list starts again: what was left moved up
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(20)
    page.get_by_role("button", name="交单").dblclick()
    expect(report.get_by_text("交单成功")).to_have_count(20)
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("286000035")
    assert state_of(demo, "286000011") == "submitted" and state_of(demo, "286000035") == "used"
    assert events(demo, "286000030", "交单") == 1
