"""组合查询 never drops what was typed (manual §九): a 值 typed without 条件设定 becomes a condition when
开始查找 is pressed, or the screen says it was not set and why; 返回列表 from a form returns to the page
of the result it was opened from. JavaScript on and off."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import settled
from tests.e2e.test_manual_09_query import choose_field, conditions, open_query, results, set_condition


@pytest.fixture(params=["js", "no_js"])
def browser_page(request):
    page = request.getfixturevalue("page" if request.param == "js" else "no_js_page")
    page.js = request.param == "js"
    return page


def test_a_typed_value_is_set_when_searching(browser_page, live):
    p = browser_page
    open_query(p, live)
    set_condition(p, "发单日期", "以……开始", "200701")
    choose_field(p, "核销单号", "等于")
    p.get_by_label("运算符").select_option(label="等于")
    p.get_by_label("值", exact=True).fill("286000003")
    p.get_by_role("button", name="开始查找").click()  # 条件设定 was never pressed
    expect(conditions(p)).to_contain_text("核销单号 等于 286000003")
    expect(results(p).get_by_role("status")).to_have_text("共 1 条")
    settled(p)
    p.get_by_label("值", exact=True).fill("12ab")
    p.get_by_role("button", name="开始查找").click()
    expect(p.get_by_role("alert").filter(has_text="未设为条件")).to_contain_text("所填的值“12ab”未设为条件")
    expect(p.get_by_label("值", exact=True)).to_have_value("12ab")


def test_back_to_the_list_returns_to_its_page(browser_page, live):
    p = browser_page
    open_query(p, live)
    choose_field(p, "海关使用状态", "等于")
    p.get_by_label("值", exact=True).select_option(label="未用")
    p.get_by_role("button", name="条件设定").click()
    p.get_by_role("button", name="开始查找").click()
    p.get_by_role("link", name="下一页").click()
    expect(p.get_by_role("link", name="上一页")).to_be_visible()
    first_on_page = p.locator('#rows td[data-label="核销单号"] a').first.inner_text()
    p.get_by_role("link", name=first_on_page, exact=True).click()
    expect(p.get_by_role("heading", name=re.compile(first_on_page))).to_be_visible()
    p.get_by_role("link", name="下一单").click()
    p.get_by_role("link", name="返回列表").click()
    expect(p.locator('#rows td[data-label="核销单号"] a').first).to_have_text(first_on_page)
    expect(p.get_by_role("link", name="上一页")).to_be_visible()
