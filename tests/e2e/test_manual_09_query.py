"""Manual §九 组合查询, in a real browser, with JavaScript on and off: §9.1 one form by its number,
§9.2 the forms issued in January 2007 and their details with 出口核销单 / 出口报关单 and 上一单 /
下一单; paging across page boundaries, grouping with 并且 / 或者, 导出 as CSV, a wrong condition."""
import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled

SHOTS = Path("/tmp/shots/query")


@pytest.fixture(params=["js", "no_js"])
def browser_page(request):
    """The same steps with JavaScript on (htmx swaps parts) and off (full pages)."""
    page = request.getfixturevalue("page" if request.param == "js" else "no_js_page")
    page.js = request.param == "js"
    return page


def open_query(p, live, card_no="1100000000001"):
    """Log in, enter 出口收汇, click 组合查询 in the left menu (manual 图二十一)."""
    sign_in(p, live, card_no)
    p.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇").click()
    p.get_by_role("navigation", name="出口收汇菜单").get_by_role("link", name="组合查询").click()
    expect(p.get_by_role("heading", name="组合查询")).to_be_visible()


def choose_field(p, label, operator_seen):
    """定义多重条件: pick the field; its operators come by htmx, or with 选定项目 without JavaScript."""
    field = p.get_by_label("查询项目")
    expect(field).to_be_enabled()  # the last answer has landed
    if field.evaluate("s => s.selectedOptions.length ? s.selectedOptions[0].text : ''") == label:
        pass  # already chosen: choosing it again sends nothing
    elif getattr(p, "js", True):
        with p.expect_response(lambda response: "pick=1" in response.url):
            field.select_option(label=label)
    else:
        p.get_by_label("查询项目").select_option(label=label)
        p.get_by_role("button", name="选定项目").click()
    # htmx disables the editor (its fieldset) until the new one arrives
    expect(p.get_by_label("查询项目")).to_be_enabled()
    expect(p.get_by_label("运算符").get_by_role("option", name=operator_seen, exact=True)).to_be_attached()
    expect(p.get_by_label("查询项目")).to_have_value(re.compile(".+"))


def set_condition(p, field, operator, value, value2=None, join=None, ok=True):
    choose_field(p, field, operator)
    if join:
        p.get_by_label("与前面的条件").select_option(label=join)
    p.get_by_label("运算符").select_option(label=operator)
    p.get_by_label("值", exact=True).fill(value)
    if value2 is not None:
        p.get_by_label("至（介于）").fill(value2)
    p.get_by_role("button", name="条件设定").click()
    if ok:  # the list shows it (and the value box is empty again for the next one)
        expect(conditions(p)).to_contain_text(f"{field} {operator}")
        expect(p.get_by_label("值", exact=True)).to_have_value("")


def conditions(p):
    return p.get_by_role("list", name="查询条件")


def results(p):
    return p.get_by_role("region", name="查询结果")


def test_manual_9_1_one_form_by_its_number(browser_page, live):
    p = browser_page
    open_query(p, live)
    p.get_by_label("选择业务").select_option(label="核销单")
    set_condition(p, "核销单号", "等于", "286000001")
    expect(conditions(p)).to_contain_text("核销单号 等于 286000001")
    p.get_by_role("button", name="开始查找").click()
    expect(results(p).get_by_role("status")).to_have_text("共 1 条")
    rows = results(p).get_by_role("row")
    expect(rows).to_have_count(2)  # the heading and the one form
    expect(rows.nth(1)).to_contain_text("已核销")
    results(p).get_by_role("link", name="286000001").click()
    expect(p.get_by_role("heading", name="核销单 286000001")).to_be_visible()
    expect(p.get_by_role("tab", name="出口核销单")).to_have_attribute("aria-selected", "true")


def test_manual_9_2_forms_of_january_2007_their_details_and_the_walk(browser_page, live):
    p = browser_page
    open_query(p, live)
    set_condition(p, "发单日期", "以……开始", "200701")
    expect(conditions(p)).to_contain_text("发单日期 以……开始 200701")
    p.get_by_role("button", name="开始查找").click()
    expect(results(p).get_by_role("status")).to_have_text("共 10 条")
    days = results(p).locator("td[data-label=发单日期]")
    expect(days).to_have_count(10)
    for day in days.all_text_contents():
        assert day.startswith("2007-01-")
    assert "run=1" in p.url and "v=200701" in p.url  # the query lives in the URL
    results(p).get_by_role("link", name="286000001").click()
    expect(p.get_by_role("heading", name="核销单 286000001")).to_be_visible()
    expect(p.get_by_text("交单状态")).to_be_visible()
    p.get_by_role("tab", name="出口报关单").click()
    expect(p.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    expect(p.get_by_role("tabpanel")).to_contain_text("报关单号")
    expect(p.get_by_role("tabpanel")).to_contain_text("已结关")
    p.get_by_role("link", name="下一单").click()
    expect(p.get_by_role("heading", name="核销单 286000002")).to_be_visible()
    expect(p.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    p.get_by_role("link", name="上一单").click()
    expect(p.get_by_role("heading", name="核销单 286000001")).to_be_visible()
    expect(p.get_by_role("button", name="上一单")).to_be_disabled()  # the first of the result
    p.get_by_role("link", name="返回列表").click()
    expect(results(p).get_by_role("status")).to_have_text("共 10 条")


def test_pages_and_the_walk_across_a_page_boundary(browser_page, live):
    p = browser_page
    open_query(p, live)
    choose_field(p, "海关使用状态", "不等于")
    p.get_by_label("值", exact=True).select_option(label="未用")
    p.get_by_role("button", name="条件设定").click()
    expect(conditions(p)).to_contain_text("海关使用状态 等于 未用")
    p.get_by_role("button", name="开始查找").click()
    numbers = results(p).locator("td[data-label=核销单号]")
    expect(numbers).to_have_count(20)
    first_page = numbers.all_text_contents()
    p.get_by_role("link", name="下一页").click()
    expect(numbers.first).not_to_have_text(first_page[0])
    second_page = numbers.all_text_contents()
    assert second_page[0] > first_page[-1]
    expect(results(p).get_by_role("status")).to_contain_text("条")  # the count stays when only rows swap
    p.get_by_role("link", name="上一页").click()
    expect(numbers.first).to_have_text(first_page[0])
    results(p).get_by_role("link", name=first_page[-1]).click()
    expect(p.get_by_role("heading", name=f"核销单 {first_page[-1]}")).to_be_visible()
    p.get_by_role("link", name="下一单").click()  # from the last of page 1 to the first of page 2
    expect(p.get_by_role("heading", name=f"核销单 {second_page[0]}")).to_be_visible()


def test_and_or_grouping_and_removal_swap_only_the_conditions(page, live):
    p = page
    open_query(p, live)
    p.evaluate("window.stillHere = true")
    set_condition(p, "发单日期", "以……开始", "200701")
    set_condition(p, "核销单号", "等于", "286000011", join="或者")
    choose_field(p, "交单状态", "不等于")
    p.get_by_label("与前面的条件").select_option(label="并且")
    p.get_by_label("值", exact=True).select_option(label="未交")
    p.get_by_role("button", name="条件设定").click()
    groups = conditions(p).locator(":scope > li")
    expect(groups).to_have_count(3)  # (发单日期) 或者 (核销单号 并且 交单状态)
    expect(groups.nth(1)).to_have_text("或者")
    expect(groups.nth(2)).to_contain_text("核销单号 等于 286000011")
    expect(groups.nth(2)).to_contain_text("并且")
    p.get_by_role("button", name="开始查找").click()
    expect(results(p).get_by_role("status")).to_have_text("共 11 条")  # 10 of January 2007, and 286000011
    p.get_by_role("button", name="删除条件 核销单号 等于 286000011").click()
    expect(conditions(p)).not_to_contain_text("286000011")
    expect(conditions(p)).to_contain_text("交单状态 等于 未交")
    assert p.evaluate("window.stillHere") is True  # swapped in place, never reloaded
    assert "286000011" not in p.url


def test_declarations_with_a_code_field_named(browser_page, live):
    p = browser_page
    open_query(p, live, "2200000000001")
    p.get_by_label("选择业务").select_option(label="报关单")
    if not p.js:
        p.get_by_role("button", name="选定业务").click()
    expect(p.get_by_label("查询项目").get_by_role("option", name="统一编号")).to_be_attached()
    choose_field(p, "币制", "不等于")
    p.get_by_label("值", exact=True).select_option(label="110 港币")
    p.get_by_role("button", name="条件设定").click()
    expect(conditions(p)).to_contain_text("币制 等于 110 港币")
    p.get_by_role("button", name="开始查找").click()
    expect(results(p).locator("td[data-label=币制]").first).to_have_text("港币")  # the currency by its name
    results(p).locator("td[data-label=报关单号] a").first.click()
    expect(p.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    expect(p.get_by_role("tabpanel")).to_contain_text("港币")


def test_export_downloads_the_whole_result_as_csv(browser_page, live):
    p = browser_page
    open_query(p, live)
    set_condition(p, "发单日期", "以……开始", "200701")
    p.get_by_role("button", name="开始查找").click()
    with p.expect_download() as download:
        results(p).get_by_role("link", name="导出").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "核销单号" and len(rows) == 11
    assert [r[0] for r in rows[1:]] == [f"2860000{n:02d}" for n in range(1, 11)]
    assert all(r[3].startswith("2007-01-") and r[1] == "深圳市华南进出口有限公司" for r in rows[1:])


def test_a_wrong_condition_is_explained_beside_it(browser_page, live):
    p = browser_page
    open_query(p, live)
    set_condition(p, "发单日期", "介于", "200701", "", ok=False)
    expect(p.get_by_role("alert")).to_have_text("介于需要填写两个值")
    expect(p.get_by_label("值", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(p.get_by_text("尚未设定条件")).to_be_visible()
    p.get_by_label("运算符").select_option(label="等于")
    p.get_by_label("值", exact=True).fill("20070231")
    p.get_by_label("值", exact=True).press("Enter")  # Enter in the value box is 条件设定
    expect(p.get_by_role("alert")).to_have_text("“20070231”不是 YYYYMMDD 格式的日期")
    settled(p)
    p.get_by_label("值", exact=True).fill("20070110")
    p.get_by_label("值", exact=True).press("Enter")
    expect(conditions(p)).to_contain_text("发单日期 等于 20070110")


@pytest.mark.parametrize("width", [1280, 390])
def test_screens_look_right(page, live, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    p = page
    p.set_viewport_size({"width": width, "height": 900})
    open_query(p, live, "2200000000001")
    set_condition(p, "发单日期", "以……开始", "2026")
    set_condition(p, "使用口岸", "等于", "5700")
    set_condition(p, "核销单号", "以……开始", "28600", join="或者")
    p.get_by_role("button", name="开始查找").click()
    expect(results(p).get_by_role("status")).to_be_visible()
    p.screenshot(path=str(SHOTS / f"search-{width}.png"), full_page=width > 400)
    set_condition(p, "备案日期", "介于", "2026", "", ok=False)
    expect(p.get_by_role("alert")).to_be_visible()
    p.screenshot(path=str(SHOTS / f"error-{width}.png"))
    results(p).locator("td[data-label=核销单号] a").first.click()
    p.get_by_role("tab", name="出口报关单").click()
    expect(p.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    p.screenshot(path=str(SHOTS / f"detail-{width}.png"), full_page=width > 400)
