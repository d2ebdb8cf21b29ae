"""Demo mode in the browser: one-click login with each demo card (JavaScript on and off), and
重置演示数据 restoring the seeded counts after the confirmation (JavaScript on and off)."""
import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from db import demo as demo_mode
from db import workflow
from db.models import FormApplication
from db.rules import Policy
from tests.conftest import actor_of
from tests.e2e.shots import shoot


@pytest.fixture
def app_config():
    return {"DEMO": True}


@pytest.mark.parametrize("card_no, role", [("1100000000001", "企业操作员卡"), ("1100000000002", "企业法人卡"),
                                           ("2200000000001", "外汇局"), ("3300000000001", "海关"),
                                           ("9900000000001", "数据中心管理员")])
def test_one_click_login_with_javascript(page, live, card_no, role):
    page.goto(f"{live}/login")
    expect(page.get_by_role("note")).to_contain_text("演示环境")
    shoot(page, "demo-login")
    page.get_by_role("button", name=f"以 {card_no} ").click()
    expect(page.locator("header")).to_contain_text(card_no)
    expect(page.locator("header")).to_contain_text(role)
    expect(page.get_by_role("note")).to_contain_text("数据均为演示数据")


def test_one_click_login_without_javascript(no_js_page, live):
    page = no_js_page
    page.goto(f"{live}/login")
    page.get_by_role("button", name="以 1100000000004 ").click()
    expect(page.locator("header")).to_contain_text("1100000000004")
    expect(page.get_by_role("navigation", name="系统菜单").get_by_text("出口收汇")).to_have_attribute(
        "aria-disabled", "true")  # §10.1: the card whose permission ran out


@pytest.fixture
def seeded(monkeypatch):
    rows = demo_mode.seeded_rows(Policy(), 0)
    monkeypatch.setattr(demo_mode, "seeded_rows", lambda settings, trainees: rows)
    return rows


def _applications(db):
    with db.session() as session:
        return session.exec(select(func.count()).select_from(FormApplication)).one()


@pytest.mark.parametrize("js", [True, False])
def test_reset_restores_the_seeded_counts(browser, live, demo, seeded, js):
    context = browser.new_context(java_script_enabled=js, locale="zh-CN")
    page = context.new_page()
    assert workflow.apply_forms(db=demo, actor=actor_of(demo, "1100000000001"), quantity=5).ok
    before = _applications(demo)
    page.goto(f"{live}/login")
    page.get_by_role("button", name="以 9900000000001 ").click()
    page.get_by_role("note").get_by_role("link", name="重置演示数据").click()
    expect(page.get_by_role("heading", name="重置演示数据")).to_be_visible()
    if js:
        shoot(page, "demo-reset")
        page.once("dialog", lambda dialog: (dialog.message.startswith("是否重置演示数据？") or dialog.dismiss())
                  and dialog.accept())
        page.get_by_role("button", name="重置演示数据").click()
    else:
        page.get_by_role("button", name="重置演示数据").click()
        expect(page.get_by_text("是否重置演示数据？")).to_be_visible()
        assert _applications(demo) == before
        page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("演示数据已重置")).to_be_visible()
    expect(page).to_have_url(f"{live}/admin/")  # back on the data centre's menu
    assert _applications(demo) == len(seeded["formapplication"]) == before - 1
    context.close()
