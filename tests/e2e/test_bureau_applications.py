"""外汇局 in the browser: the dashboard's links, 发单 (发放 fewer than asked, 驳回, 领取纸质单证) and
权限审批 (a grant opens the card's 出口收汇 entry, manual §10.1), with JavaScript and without."""
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from db import accounts, clock, workflow
from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled

BUREAU = "2200000000001"
SHOTS = Path("/tmp/shots/bureau")


def shoot(page, name: str):
    """The screen as it is now, at 1280 and at 390 px wide (a phone), for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def click_and_wait(page, button: str):
    """Click a button whose answer replaces part of the page, and wait for that answer: the same
    message twice in a row would otherwise pass before the second answer arrives."""
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name=button).click()


def fx_menu(page):
    return page.get_by_role("navigation", name="出口收汇菜单")


def test_dashboard_counts_lead_to_each_bureau_list(page, live):
    sign_in(page, live, BUREAU)
    page.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇").click()
    shoot(page, "dashboard")
    for label, heading in [("待发放的核销单申请", "发单"), ("待审批的权限申请", "权限审批"),
                           ("待接收的交单", "交单接收"), ("交单超过 3 天未接收", "交单超过 3 天未接收"),
                           ("已接收待核销", "核销")]:
        page.goto(f"{live}/bureau/")
        page.get_by_role("link", name=re.compile(label)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_issue_fewer_than_asked_then_record_the_paper_collected(page, live):
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    fx_menu(page).get_by_role("link", name="发单").click()
    expect(page.get_by_role("heading", name="发单")).to_be_visible()
    shoot(page, "applications")
    row = page.get_by_role("row").filter(has_text="深圳市华南进出口有限公司")
    expect(row.get_by_role("cell").nth(4)).to_have_text("20")
    row.get_by_role("link").click()
    count = page.get_by_label("发放份数")
    expect(count).to_have_value("20")
    shoot(page, "application")
    for bad in ("abc", "0", "21"):
        count.fill(bad)
        click_and_wait(page, "发放")
        expect(page.get_by_role("alert")).to_have_text("发放份数应为 1 至 20 之间的整数")
        expect(page.get_by_label("发放份数")).to_have_value(bad)
    shoot(page, "application-bad-count")
    page.get_by_label("发放份数").fill("5")
    page.get_by_role("button", name="发放").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("发放成功：核销单号")
    expect(status).to_contain_text("共 5 份")
    first, last = re.search(r"核销单号 (\d{9}) 至 (\d{9})", status.inner_text()).groups()
    assert int(last) - int(first) == 4  # consecutive from the bureau's stock
    expect(page.get_by_text("未领取")).to_be_visible()
    shoot(page, "application-issued")
    page.get_by_role("button", name="领取").click()
    expect(page.get_by_role("status")).to_have_text("已登记领取纸质单证")
    expect(page.get_by_text(re.compile(r"已领取（"))).to_be_visible()
    page.get_by_role("link", name=first).click()  # the issued form itself
    expect(page.get_by_role("heading", name=f"核销单 {first}")).to_be_visible()
    expect(page.get_by_role("tabpanel").get_by_text("已发放")).to_be_visible()


def test_reject_needs_a_reason(page, live):
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/applications")
    page.get_by_role("row").filter(has_text="珠海市拱北贸易有限公司").get_by_role("link").click()
    page.get_by_role("button", name="驳回").click()
    expect(page.get_by_role("alert")).to_have_text("请填写驳回原因")
    settled(page)
    page.get_by_label("驳回原因").fill("营业执照已过期")
    page.get_by_role("button", name="驳回").click()
    expect(page.get_by_role("status")).to_have_text("已驳回")
    expect(page.get_by_text("营业执照已过期")).to_be_visible()
    expect(page.get_by_role("button", name="发放")).to_have_count(0)
    page.get_by_role("link", name="返回列表").click()
    expect(page.get_by_role("row").filter(has_text="珠海市拱北贸易有限公司")).to_have_count(0)


def test_an_application_another_officer_just_issued(page, live, demo, actors):
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/applications")
    page.get_by_role("row").filter(has_text="珠海市拱北贸易有限公司").get_by_role("link").click()
    expect(page.get_by_role("button", name="发放")).to_be_visible()
    application_id = int(page.url.rsplit("/", 1)[1])
    assert workflow.issue_forms(db=demo, actor=actors["bureau"], application_id=application_id, count=10).ok
    page.get_by_role("button", name="发放").click()
    expect(page.get_by_role("alert")).to_have_text("该申请已发放，不能再发放")
    expect(page.get_by_text("未领取")).to_be_visible()  # the page now shows what the other officer did


def test_applications_page_by_key_and_back_works(page, live, demo, actors):
    for _ in range(21):
        assert workflow.apply_forms(db=demo, actor=actors["B"], quantity="2").ok
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/applications")
    rows = page.locator("#applications tbody tr")
    expect(rows).to_have_count(20)
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(3)
    expect(page).to_have_url(re.compile(r"after=\d+"))
    page.get_by_role("link", name="上一页").click()
    expect(rows).to_have_count(20)
    page.go_back()
    expect(rows).to_have_count(3)


def test_issue_and_collect_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/applications")
    page.get_by_role("row").filter(has_text="珠海市拱北贸易有限公司").get_by_role("link").click()
    page.get_by_label("发放份数").fill("10")
    page.get_by_role("button", name="发放").click()
    expect(page.get_by_role("status")).to_contain_text("共 10 份")
    page.get_by_role("link", name="返回列表").click()
    expect(page.get_by_role("link", name="待领取纸质单证")).to_have_attribute("aria-current", "page")
    page.get_by_role("row").filter(has_text="珠海市拱北贸易有限公司").get_by_role("link").first.click()
    page.get_by_role("button", name="领取").click()
    expect(page.get_by_role("status")).to_have_text("已登记领取纸质单证")


# ── 权限审批 ───────────────────────────────────────────────────────────────────────────────────

def test_grant_opens_the_cards_fx_entry(page, live, browser):
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    fx_menu(page).get_by_role("link", name="权限审批").click()
    expect(page.get_by_role("heading", name="权限审批")).to_be_visible()
    shoot(page, "permissions")
    row = page.get_by_role("row").filter(has_text="1100000000006")
    expect(row).to_contain_text("申请开通")
    expect(row).to_contain_text("未开通")
    row.get_by_role("link").click()
    expires = page.get_by_label("有效期至")
    for bad in ("abc", "20200101", "20250231"):
        expires.fill(bad)
        click_and_wait(page, "批准")
        expect(page.get_by_role("alert")).to_have_text("有效期应为今天以后的日期（YYYYMMDD）")
    shoot(page, "permission-bad-date")
    until = clock.today() + timedelta(days=365)
    page.get_by_label("有效期至").fill(until.strftime("%Y%m%d"))
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_role("status")).to_have_text(f"已批准，有效期至 {until:%Y-%m-%d}")
    expect(page.get_by_text("已批准", exact=True)).to_be_visible()
    shoot(page, "permission-granted")

    operator = browser.new_context(locale="zh-CN").new_page()
    sign_in(operator, live, "1100000000006")
    menu = operator.get_by_role("navigation", name="系统菜单")
    expect(menu.get_by_role("link", name="出口收汇")).to_be_visible()  # no longer grey
    menu.get_by_role("link", name="出口收汇").click()
    expect(operator.get_by_role("navigation", name="出口收汇菜单")).to_be_visible()
    operator.context.close()


def test_refuse_with_a_reason_leaves_the_card_grey(page, live, demo, actors, browser):
    assert accounts.request_permission(db=demo, actor=actors["C_legal"], card_no="1100000000004").ok
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/permissions")
    page.get_by_role("row").filter(has_text="1100000000004").get_by_role("link").click()
    expect(page.get_by_text("申请延期出口收汇权限")).to_be_visible()
    page.get_by_role("button", name="拒绝").click()
    expect(page.get_by_role("alert")).to_have_text("请填写拒绝原因")
    settled(page)
    page.get_by_label("拒绝原因").fill("请先补交年检材料")
    page.get_by_role("button", name="拒绝").click()
    expect(page.get_by_role("status")).to_have_text("已拒绝")
    expect(page.get_by_text("请先补交年检材料")).to_be_visible()
    operator = browser.new_context(locale="zh-CN").new_page()
    sign_in(operator, live, "1100000000004")
    menu = operator.get_by_role("navigation", name="系统菜单")
    expect(menu.get_by_text("出口收汇")).to_have_attribute("aria-disabled", "true")
    operator.context.close()


def test_grant_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/permissions")
    page.get_by_role("row").filter(has_text="1100000000006").get_by_role("link").click()
    page.get_by_role("button", name="批准").click()  # the suggested date: a year from today
    expect(page.get_by_role("status")).to_contain_text("已批准，有效期至")
    page.get_by_role("link", name="返回列表").click()
    expect(page.get_by_text("没有待审批的权限申请")).to_be_visible()
