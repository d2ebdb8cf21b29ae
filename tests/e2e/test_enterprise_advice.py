"""The manual's advice where the situation arises: §10.2 (the revocation shows in the status columns
until customs confirms it, and the screen says when the form can be registered again) and §10.4
(交单超过 3 天外汇局未接收: 交单时间 and 请用户联系外汇管理总局查询)."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, open_menu, rows


def test_10_2_revocation_shows_until_customs_confirms(page, live, demo):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/revoke/286000053")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤销备案").click()
    expect(page.get_by_text("撤销备案申请成功")).to_be_visible()
    tab = page.get_by_role("tabpanel")
    expect(tab).to_contain_text("撤销中")
    expect(tab).not_to_contain_text("未用")  # 未用 only once customs has confirmed (§10.2's cue)
    expect(page.locator("#again")).to_contain_text("待综合查询中海关使用状态为“未用”即可再重新备案")
    open_menu(page, "首页")
    page.get_by_role("link", name="撤销备案待海关确认").click()
    expect(page.locator("#advice")).to_contain_text("海关确认撤销后，待综合查询中海关使用状态为“未用”即可再重新备案")
    row = rows(page).filter(has_text="286000053")
    expect(row.locator('td[data-label="海关使用状态"]')).to_have_text("撤销中")


def test_10_4_unreceived_shows_when_submitted_and_what_to_do(page, live):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/unreceived")
    expect(page.locator("#advice")).to_have_text("解决方法：成功交单三天后外管局仍无数据，请用户联系外汇管理总局查询。")
    expect(page.locator("#rows table").get_by_role("columnheader", name="交单时间")).to_be_visible()
    expect(page.locator('#rows td[data-label="交单时间"]').first).not_to_be_empty()
