"""中文 / English in the browser, JavaScript on and off (the switch is a plain POST form): pressed on the
login page it holds for the browser (a cookie) and is taken by the card logged in with; the card keeps it
in another browser; another card stays 中文; 中文 takes it back."""
import pytest
from playwright.sync_api import expect

from tests.test_english import chinese_left

OPERATOR, BUREAU = "1100000000001", "2200000000001"


@pytest.fixture
def app_config():
    return {"DEMO": True}


def _demo_login(page, live, card_no, english):
    page.goto(f"{live}/login")
    page.get_by_role("button", name=f"Log in as {card_no}" if english else f"以 {card_no} ").click()
    expect(page.locator("header")).to_contain_text(card_no)


def _english(page):
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="中文")).to_be_visible()
    assert chinese_left(page.content()) == []


def _chinese(page):
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="English")).to_be_visible()


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_the_switch_holds_per_card(browser, live, js):
    first = browser.new_context(java_script_enabled=js, locale="zh-CN")
    page = first.new_page()
    page.goto(f"{live}/login")
    _chinese(page)
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    page.get_by_role("button", name="English").click()  # before login: the browser's cookie
    _english(page)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Demo environment")
    expect(page.get_by_label("IC card No.")).to_be_visible()

    _demo_login(page, live, OPERATOR, english=True)  # the card takes the login page's English
    _english(page)
    expect(page.get_by_role("heading", name="System menu")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Enterprise operator card")
    page.get_by_role("link", name="Export Forex Receipts", exact=True).click()
    _english(page)
    expect(page.get_by_role("navigation", name="Export Forex Receipts menu")).to_contain_text("Port registration")
    page.get_by_role("button", name="Log out").click()
    _english(page)  # the browser's cookie still says English
    first.close()

    fresh = browser.new_context(java_script_enabled=js, locale="zh-CN")  # another browser: no cookie
    page = fresh.new_page()
    page.goto(f"{live}/login")
    _chinese(page)
    _demo_login(page, live, OPERATOR, english=False)
    _english(page)  # the card's choice
    expect(page.get_by_role("heading", name="System menu")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    _chinese(page)  # this browser never chose

    _demo_login(page, live, BUREAU, english=False)
    _chinese(page)  # another card stays 中文
    expect(page.get_by_role("heading", name="系统菜单")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    _demo_login(page, live, OPERATOR, english=False)
    _english(page)
    page.get_by_role("button", name="中文").click()  # back: on the card, and on the page it was pressed on
    _chinese(page)
    expect(page.get_by_role("heading", name="系统菜单")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    fresh.close()

    again = browser.new_context(java_script_enabled=js, locale="zh-CN")
    page = again.new_page()
    _demo_login(page, live, OPERATOR, english=False)
    _chinese(page)  # the card now keeps 中文
    again.close()
