"""Manual §六 撤销备案 (and §10.2 备错口岸): list the registered forms, open one, 撤销备案 →
撤销备案申请成功; the form shows 撤销中 until customs decides."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, open_menu, rows, state_of, stays_on_page


def test_6_revoke_a_registration(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "撤销备案")
    page.get_by_role("button", name="开始查找").click()  # 列出所有已备案可进行撤销操作的核销单号
    expect(rows(page)).to_have_count(20)
    expect(rows(page).first).to_contain_text("已备案")
    page.get_by_label("核销单号").fill("286000011")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("海关使用状态为已用，不能撤销备案")).to_be_visible()
    page.get_by_label("核销单号").fill("")
    page.get_by_role("button", name="开始查找").click()
    page.get_by_role("link", name="286000053").click()
    expect(page.get_by_role("heading", name="撤销备案 · 核销单 286000053")).to_be_visible()
    same = stays_on_page(page)
    page.on("dialog", lambda dialog: dialog.accept())  # 是否撤销备案 → 确定
    page.get_by_role("button", name="撤销备案").click()
    expect(page.get_by_text("撤销备案申请成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("撤销中")  # until customs decides
    expect(page.get_by_role("button", name="撤销备案")).to_have_count(0)
    assert same() and state_of(demo, "286000053") == "revoking"
    page.get_by_role("link", name="返回列表").click()
    page.get_by_label("核销单号").fill("286000053")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("该核销单已申请撤销备案，等待海关确认")).to_be_visible()
    open_menu(page, "首页")
    page.get_by_role("link", name="撤销备案待海关确认").click()
    expect(page.get_by_role("link", name="286000053")).to_be_visible()
    expect(rows(page)).to_have_count(4)


def test_6_revoke_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "撤销备案")
    page.get_by_role("link", name="286000054").click()
    page.get_by_role("button", name="撤销备案").click()
    page.get_by_role("button", name="确定").click()  # 是否撤销备案: a page without JavaScript
    expect(page.get_by_text("撤销备案申请成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("撤销中")
    assert state_of(demo, "286000054") == "revoking"
