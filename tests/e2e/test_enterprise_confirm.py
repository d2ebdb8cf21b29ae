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


# ── after 确认 → 确定 without JavaScript: the success, the new status, the next step; no refusal ──

def _done_page(page, live, url, button, message, status, refusal):
    page.goto(f"{live}{url}")
    if url.startswith("/enterprise/register/"):
        page.get_by_label("使用口岸").fill("5700")
    page.get_by_role("button", name=button).click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.locator("#new-status")).to_contain_text(status)
    expect(page.get_by_role("link", name="返回列表")).to_be_visible()
    expect(page.get_by_role("link", name="下一单")).to_be_visible()
    expect(page.get_by_text(refusal)).to_have_count(0)
    expect(page.get_by_role("button", name=button)).to_have_count(0)
    page.reload()  # the success is said once; then the page says what the form can do now
    expect(page.get_by_text(refusal)).to_be_visible()


def test_register_result_page_without_js(no_js_page, live, demo):
    enter_fx(no_js_page, live)
    _done_page(no_js_page, live, "/enterprise/register/286000089", "确认", "设置成功", "备案状态 已备案",
               "该核销单已备案，如需更改口岸请先撤销备案")
    assert state_of(demo, "286000089") == "registered"


def test_submit_result_page_without_js(no_js_page, live, demo):
    enter_fx(no_js_page, live)
    _done_page(no_js_page, live, "/enterprise/submit/286000016", "交单", "交单成功", "交单状态 已交", "该核销单已交单")
    assert state_of(demo, "286000016") == "submitted"


def test_revoke_result_page_without_js(no_js_page, live, demo):
    enter_fx(no_js_page, live)
    _done_page(no_js_page, live, "/enterprise/revoke/286000055", "撤销备案", "撤销备案申请成功", "撤销中",
               "该核销单已申请撤销备案，等待海关确认")
    assert state_of(demo, "286000055") == "revoking"
