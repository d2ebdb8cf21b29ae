"""数据中心 · IC卡管理 in the browser: find cards, lock and unlock them, reset a password (shown once),
page through the list; with JavaScript (hx-confirm) and without (a confirmation page)."""
import re

from playwright.sync_api import expect

from db import accounts, cards
from tests.conftest import actor_of
from tests.e2e.conftest import sign_in
from tests.e2e.steps import open_admin

ADMIN = "9900000000001"


def open_cards(page, live):
    open_admin(page, live, "IC卡管理")


def row_of(page, card_no):
    return page.get_by_role("table", name="IC卡").get_by_role("row").filter(has_text=card_no)


def find(page, **filters):
    for label, value in filters.items():
        field = page.get_by_role("search", name="查找IC卡").get_by_label(label)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    with page.expect_response(re.compile(r"/admin/cards\?")):
        page.get_by_role("button", name="开始查找").click()  # wait: a button on the old list may be swapped out


def test_find_lock_and_unlock_a_card(page, live):
    open_cards(page, live)
    find(page, 海关编码="4404910002", 卡类型="企业操作员卡")
    expect(page).to_have_url(f"{live}/admin/cards?card_no=&kind=operator&customs_code=4404910002&status=")
    expect(page.get_by_role("table", name="IC卡").get_by_role("row")).to_have_count(3)  # header + 2 cards
    page.once("dialog", lambda dialog: dialog.dismiss())  # 取消: nothing happens
    page.get_by_role("button", name="锁定 1100000000003").click()
    expect(row_of(page, "1100000000003")).to_contain_text("正常")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="锁定 1100000000003").click()
    expect(page.get_by_role("status")).to_have_text("IC卡 1100000000003 已锁定")
    expect(row_of(page, "1100000000003")).to_contain_text("已锁定")
    expect(page.get_by_role("table", name="IC卡").get_by_role("row")).to_have_count(3)  # still the same list
    find(page, 状态="已锁定")
    expect(page.get_by_role("table", name="IC卡").get_by_role("row")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="解锁 1100000000003").click()
    expect(page.get_by_role("status").first).to_have_text("IC卡 1100000000003 已解锁")
    expect(page.get_by_text("没有符合条件的IC卡")).to_be_visible()  # the list of locked cards is empty now


def test_reset_a_password_shows_it_once_and_it_works(page, live, browser):
    open_cards(page, live)
    find(page, IC卡号="1100000000001")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="重置密码 1100000000001").click()
    expect(page.get_by_role("status")).to_have_text("IC卡 1100000000001 的密码已重置，初始密码只显示这一次")
    password = page.get_by_role("table", name="初始密码").get_by_role("cell").nth(3).inner_text()
    expect(row_of(page, "1100000000001")).to_contain_text("未改初始密码")
    find(page, IC卡号="1100000000003")  # htmx pushes a new URL: the page it leaves is not cached
    expect(row_of(page, "1100000000003")).to_be_visible()
    stored = page.evaluate("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert password not in stored
    page.go_back()
    expect(page.get_by_text(password)).to_have_count(0)
    page.reload()
    expect(page.get_by_text(password)).to_have_count(0)
    holder = browser.new_context(locale="zh-CN").new_page()
    sign_in(holder, live, "1100000000001", "88888888")
    expect(holder.get_by_role("alert")).to_have_text(accounts.BAD_LOGIN)
    sign_in(holder, live, "1100000000001", password)
    expect(holder.get_by_role("heading", name="修改密码")).to_be_visible()
    holder.context.close()


def test_lock_and_reset_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in(page, live, ADMIN)
    page.goto(f"{live}/admin/cards?kind=customs")
    page.get_by_role("button", name="锁定 3300000000002").click()
    expect(page.get_by_role("heading", name="锁定")).to_be_visible()
    expect(page.get_by_text("确认锁定IC卡 3300000000002（深圳海关）？")).to_be_visible()
    page.get_by_role("link", name="取消").click()
    expect(page).to_have_url(f"{live}/admin/cards?kind=customs")
    expect(row_of(page, "3300000000002")).to_contain_text("正常")
    page.get_by_role("button", name="锁定 3300000000002").click()
    page.get_by_role("button", name="确定").click()
    expect(page).to_have_url(f"{live}/admin/cards?kind=customs")
    expect(page.get_by_role("status")).to_have_text("IC卡 3300000000002 已锁定")
    expect(row_of(page, "3300000000002")).to_contain_text("已锁定")
    page.get_by_role("button", name="重置密码 3300000000001").click()
    expect(page.get_by_text("确认重置IC卡 3300000000001（拱北关区）的密码？")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("status")).to_contain_text("密码已重置")
    password = page.get_by_role("table", name="初始密码").get_by_role("cell").nth(3).inner_text()
    assert len(password) == 8
    expect(row_of(page, "3300000000002")).to_be_visible()  # the list it came from, under the password


def test_page_through_the_cards_and_back(page, live, demo):
    admin = actor_of(demo, ADMIN)
    for i in range(25):
        assert cards.issue(db=demo, actor=admin, kind="bureau", holder=f"外汇局{i:02d}")[0].ok
    open_cards(page, live)
    find(page, 卡类型="外汇局")
    expect(row_of(page, "外汇局24")).to_be_visible()
    page.get_by_role("link", name="下一页").click()
    expect(row_of(page, "2200000000001")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/cards\?after=\d+&kind=bureau$"))
    expect(row_of(page, "外汇局24")).to_have_count(0)
    page.get_by_role("link", name="上一页").click()
    expect(row_of(page, "外汇局24")).to_be_visible()
    page.go_back()
    expect(row_of(page, "2200000000001")).to_be_visible()


def test_a_bad_filter_is_explained(page, live):
    open_cards(page, live)
    find(page, IC卡号="1100000000099")
    expect(page.get_by_role("alert")).to_have_text("未找到IC卡 1100000000099")
    find(page, IC卡号="", 海关编码="4403")
    expect(page.get_by_role("alert")).to_have_text("海关编码应为 10 位数字")


def test_a_card_waiting_after_wrong_passwords_is_listed_as_locked_and_unlocked(page, live, demo):
    for _ in range(demo.settings.login_max_failures):
        assert accounts.authenticate(db=demo, card_no="1100000000003", password="wrong-pass").card is None
    open_cards(page, live)
    find(page, 状态="已锁定")
    expect(page.get_by_role("table", name="IC卡").get_by_role("row")).to_have_count(2)  # header + the waiting card
    expect(row_of(page, "1100000000003")).to_contain_text("密码输错，等待至")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="解锁 1100000000003").click()
    expect(page.get_by_role("status").first).to_have_text("IC卡 1100000000003 已解锁")
    expect(page.get_by_text("没有符合条件的IC卡")).to_be_visible()
