"""Manual §三 登录操作: each demo card logs in and lands on its dashboard; 出口收汇 grey without a
permission; a new card changes its initial password first; logout really ends the session."""
import pytest
from playwright.sync_api import expect

from db import accounts
from db.actor import SYSTEM
from db.models import CardKind
from tests.e2e.conftest import sign_in

DEMO_CARDS = [
    ("1100000000001", "企业操作员卡", "可备案的核销单"),
    ("1100000000002", "企业法人卡", "出口收汇权限已到期的操作员卡"),
    ("1100000000003", "企业操作员卡", "可备案的核销单"),
    ("1100000000005", "企业法人卡", "出口收汇权限已到期的操作员卡"),
    ("2200000000001", "外汇局", "待发放的核销单申请"),
    ("3300000000001", "海关", "已备案未使用的核销单"),
    ("3300000000002", "海关", "已备案未使用的核销单"),
    ("9900000000001", "数据中心管理员", "已锁定的IC卡"),
]


@pytest.mark.parametrize("card_no, role, waiting", DEMO_CARDS)
def test_each_demo_card_lands_on_its_dashboard(page, live, card_no, role, waiting):
    sign_in(page, live, card_no)
    expect(page.get_by_role("heading", name="系统菜单")).to_be_visible()
    expect(page.locator("header")).to_contain_text(role)
    expect(page.get_by_role("heading", name="待办事项")).to_be_visible()
    expect(page.get_by_text(waiting)).to_be_visible()
    chart = page.get_by_role("img", name="核销单状态分布")
    expect(chart).to_have_count(0 if role == "企业法人卡" else 1)  # a 法人卡 sees its cards, not forms
    page.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇").click()
    expect(page.get_by_role("navigation", name="出口收汇菜单")).to_be_visible()


def test_expired_card_sees_fx_grey_and_cannot_enter(page, live):
    sign_in(page, live, "1100000000004")
    menu = page.get_by_role("navigation", name="系统菜单")
    expect(menu.get_by_text("出口收汇")).to_have_attribute("aria-disabled", "true")
    expect(menu.get_by_role("link", name="出口收汇")).to_have_count(0)
    expect(menu.get_by_role("link", name="IC卡管理")).to_be_visible()
    response = page.goto(f"{live}/enterprise/")
    assert response.status == 403
    expect(page.get_by_role("heading")).to_contain_text("出口收汇权限")
    page.goto(f"{live}/")
    page.get_by_role("link", name="IC卡管理").click()
    expect(page.get_by_text("已到期")).to_be_visible()
    page.goto(f"{live}/")
    page.get_by_role("link", name="修改密码").click()
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()


def test_new_card_must_change_initial_password(page, live, demo):
    with demo.session() as session:
        from sqlmodel import select

        from db.models import Enterprise
        enterprise_id = session.exec(select(Enterprise.id).where(Enterprise.customs_code == "4403910001")).one()
    result, card = accounts.create_card(db=demo, actor=SYSTEM, kind=CardKind.OPERATOR, holder="新员工",
                                        enterprise_id=enterprise_id)
    assert result.ok
    sign_in(page, live, card.card_no, card.password)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("本卡仍在使用初始密码")).to_be_visible()
    page.goto(f"{live}/")  # anything else leads back to the password page
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    page.get_by_label("原密码").fill(card.password)
    page.get_by_label("新密码", exact=True).fill("n3w-passw0rd")
    page.get_by_label("确认新密码").fill("n3w-passw0rd")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("密码修改成功")).to_be_visible()
    expect(page.get_by_role("heading", name="系统菜单")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    sign_in(page, live, card.card_no, "n3w-passw0rd")
    expect(page.get_by_role("heading", name="系统菜单")).to_be_visible()


def test_logout_then_reusing_the_old_cookie_fails(page, live, browser):
    sign_in(page, live, "1100000000001")
    expect(page.get_by_role("heading", name="系统菜单")).to_be_visible()
    cookies = page.context.cookies()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    thief = browser.new_context()
    thief.add_cookies(cookies)
    stolen = thief.new_page()
    stolen.goto(f"{live}/enterprise/")
    expect(stolen.get_by_role("heading", name="用户登录")).to_be_visible()
    thief.close()


@pytest.mark.parametrize("card_no, password, message", [
    ("1100000000001", "wrong-pass", accounts.BAD_LOGIN),
    ("1100000000099", "88888888", accounts.BAD_LOGIN),
    ("", "88888888", "请输入IC卡号"),
    ("1100000000001", "", "请输入IC卡密码"),
    ("11000000000AB", "88888888", "IC卡号应为 13 位数字"),
    ("1" * 200, "88888888", "IC卡号应为 13 位数字"),
])
def test_bad_login_input_gets_a_clear_message(page, live, card_no, password, message):
    sign_in(page, live, card_no, password)
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()


def test_login_page_warns_of_the_wait_and_password_change_refuses_weak_passwords(page, live):
    page.goto(f"{live}/login")
    expect(page.get_by_text("连续输错 5 次密码后，须等待 1 分钟才能再试，再输错等待时间加倍。")).to_be_visible()
    sign_in(page, live, "1100000000001")
    page.goto(f"{live}/password")
    page.get_by_label("原密码").fill("88888888")
    page.get_by_label("新密码", exact=True).fill("woaini1314")
    page.get_by_label("确认新密码").fill("woaini1314")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("新密码过于常见，容易被猜中，请另选一个")).to_be_visible()
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
