"""Irreversible actions ask first (是否进行批量交单, 是否撤销备案), with JavaScript on (the browser's
dialog) and off (a confirmation page with 确定 / 取消): nothing changes on 取消, it happens on 确定."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, events, open_menu, state_of


def _answer(page, accept: bool, asked: list):
    page.once("dialog", lambda d: (asked.append(d.message), d.accept() if accept else d.dismiss()))


def test_batch_submit_asks_first(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "批量交单")
    page.get_by_role("checkbox", name="标记 286000011").check()
    page.get_by_role("checkbox", name="标记 286000012").check()
    asked = []
    _answer(page, False, asked)
    page.get_by_role("button", name="交单").click()  # 取消
    page.wait_for_timeout(500)
    assert asked == ["是否进行批量交单"]
    expect(page.get_by_role("table", name="处理结果")).to_have_count(0)
    assert state_of(demo, "286000011") == "used" and events(demo, "286000011", "交单") == 0
    _answer(page, True, asked)
    page.get_by_role("button", name="交单").click()  # 确定
    expect(page.get_by_role("table", name="处理结果").get_by_text("交单成功")).to_have_count(2)
    assert state_of(demo, "286000012") == "submitted"


def test_revoke_asks_first(page, live, demo):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/revoke/286000053")
    asked = []
    _answer(page, False, asked)
    page.get_by_role("button", name="撤销备案").click()
    page.wait_for_timeout(500)
    assert asked == ["是否撤销备案"] and state_of(demo, "286000053") == "registered"
    expect(page.get_by_text("撤销备案申请成功")).to_have_count(0)
    _answer(page, True, asked)
    page.get_by_role("button", name="撤销备案").click()
    expect(page.get_by_text("撤销备案申请成功")).to_be_visible()
    assert state_of(demo, "286000053") == "revoking"


def test_batch_submit_asks_first_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "批量交单")
    page.get_by_role("checkbox", name="标记 286000013").check()
    page.get_by_role("button", name="交单").click()
    expect(page.get_by_text("是否进行批量交单")).to_be_visible()
    expect(page.get_by_text("286000013")).to_be_visible()
    page.get_by_role("link", name="取消").click()
    expect(page.get_by_role("heading", name="批量交单")).to_be_visible()
    assert state_of(demo, "286000013") == "used" and events(demo, "286000013", "交单") == 0
    page.get_by_role("checkbox", name="标记 286000013").check()
    page.get_by_role("button", name="交单").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("交单成功")).to_have_count(1)
    assert state_of(demo, "286000013") == "submitted"


def test_revoke_asks_first_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/revoke/286000054")
    page.get_by_role("button", name="撤销备案").click()
    expect(page.get_by_text("是否撤销备案")).to_be_visible()
    page.get_by_role("link", name="取消").click()
    expect(page.get_by_role("heading", name="撤销备案 · 核销单 286000054")).to_be_visible()
    assert state_of(demo, "286000054") == "registered"
    page.get_by_role("button", name="撤销备案").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("撤销备案申请成功")).to_be_visible()
    assert state_of(demo, "286000054") == "revoking"
