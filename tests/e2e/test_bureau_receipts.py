"""外汇局 in the browser: 交单接收 (标记 / 全选 / 接收, row by row; late submissions flagged, manual
§10.4) and 核销 (the declaration beside 收汇金额 and 收汇日期), with JavaScript and without."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from db import clock, workflow
from db.lists import candidates
from db.models import Form, FormState
from db.rules import Action
from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled
from tests.e2e.test_bureau_applications import BUREAU, click_and_wait, fx_menu, shoot


def waiting(demo, received: bool) -> list[str]:
    with demo.session() as session:
        flag = Form.received_at.is_not(None) if received else Form.received_at.is_(None)
        return list(session.exec(select(Form.number).where(Form.state == FormState.SUBMITTED, flag)
                                 .order_by(Form.number)).all())


def row_of(page, number):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))


def test_mark_and_receive_row_by_row(page, live, demo, actors):
    numbers = waiting(demo, received=False)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    fx_menu(page).get_by_role("link", name="交单接收").click()
    expect(page.get_by_role("heading", name="交单接收")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\d+ 份交单已超过 3 天未接收"))).to_be_visible()
    expect(row_of(page, numbers[0])).to_contain_text("超过 3 天未接收")
    shoot(page, "receipts")
    page.get_by_label(f"标记 {numbers[0]}").check()
    page.get_by_label(f"标记 {numbers[1]}").check()
    assert workflow.receive(db=demo, actor=actors["bureau"], numbers=[numbers[1]])[0].ok  # another officer
    page.get_by_role("button", name="接收").click()
    report = page.get_by_role("table", name="处理结果")
    expect(report.get_by_role("row").filter(has_text=numbers[0])).to_contain_text("接收成功")
    expect(report.get_by_role("row").filter(has_text=numbers[1])).to_contain_text("该交单已接收")
    expect(row_of(page, numbers[0])).to_have_count(0)
    shoot(page, "receipts-report")


def test_select_all_marks_this_page_then_receive(page, live, demo):
    numbers = waiting(demo, received=False)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/receipts")
    page.get_by_role("button", name="全选").click()
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(len(numbers))
    for i in range(len(numbers)):
        expect(boxes.nth(i)).to_be_checked()
    page.get_by_label(f"标记 {numbers[-1]}").uncheck()
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("接收成功")).to_have_count(len(numbers) - 1)
    expect(page.get_by_role("checkbox")).to_have_count(1)
    expect(page.get_by_label(f"标记 {numbers[-1]}")).not_to_be_checked()


def test_receive_nothing_marked_says_so(page, live):
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/receipts")
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text("请先标记核销单")


def test_late_submissions_are_flagged_and_found_by_number(page, live, demo):
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/receipts")
    page.get_by_role("link", name=re.compile("份交单已超过 3 天未接收")).click()
    expect(page.get_by_role("heading", name="交单超过 3 天未接收")).to_be_visible()
    late = page.locator("#rows tbody tr")
    expect(late.first).to_be_visible()
    expect(late.filter(has_text="超过 3 天未接收")).to_have_count(late.count())
    shoot(page, "unreceived")
    one = late.first.get_by_role("link").inner_text()
    page.get_by_label("核销单号").fill("12ab")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_role("status")).to_have_text("核销单号应为 9 位数字")
    settled(page)
    page.get_by_label("核销单号").fill(one)
    page.get_by_role("button", name="开始查找").click()
    expect(late).to_have_count(1)
    expect(page).to_have_url(re.compile(f"q={one}"))
    page.get_by_role("button", name="全选").click()  # keeps the search
    expect(page.get_by_role("checkbox")).to_have_count(1)
    expect(page.get_by_label(f"标记 {one}")).to_be_checked()
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text("接收成功")
    expect(page.get_by_text("没有符合条件的核销单")).to_be_visible()


def test_next_page_then_select_all_marks_only_that_page(page, live, demo, actors):
    with demo.session() as session:
        ready = list(session.exec(candidates(actors["A"], Action.SUBMIT, demo.settings)).all())
    assert all(r.ok for r in workflow.submit(db=demo, actor=actors["A"], numbers=[f.number for f in ready]))
    numbers = waiting(demo, received=False)
    assert len(numbers) > 20
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/receipts")
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(20)
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(f"after={numbers[19]}"))
    expect(page.get_by_role("checkbox")).to_have_count(len(numbers) - 20)
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(len(numbers) - 20)
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("接收成功")).to_have_count(len(numbers) - 20)
    expect(page.get_by_text("没有符合条件的核销单")).to_be_visible()
    page.goto(f"{live}/bureau/receipts")
    expect(page.get_by_role("checkbox")).to_have_count(20)  # the first page was left alone


def test_receive_without_javascript(no_js_page, live, demo):
    page = no_js_page
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/unreceived")
    page.get_by_role("button", name="全选").click()
    boxes = page.get_by_role("checkbox")
    expect(boxes.first).to_be_checked()
    count = boxes.count()
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("接收成功")).to_have_count(count)
    expect(page.get_by_text("没有符合条件的核销单")).to_be_visible()


# ── 核销 ───────────────────────────────────────────────────────────────────────────────────────

def test_write_off_beside_the_declaration(page, live, demo):
    numbers = waiting(demo, received=True)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    fx_menu(page).get_by_role("link", name="核销").click()
    expect(page.get_by_role("heading", name="核销")).to_be_visible()
    shoot(page, "write-offs")
    page.get_by_role("link", name=numbers[0], exact=True).click()
    expect(page.get_by_role("heading", name=f"核销 · 核销单 {numbers[0]}")).to_be_visible()
    expect(page.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_contain_text("商品名称")
    expect(page.get_by_text(re.compile("^报关单总价"))).to_be_visible()
    shoot(page, "write-off")
    amount, day = page.get_by_label("收汇金额"), page.get_by_label("收汇日期")
    for typed_amount, typed_day, message in [
        ("abc", "20240101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
        ("1000", "2024-13-01", "收汇日期应为 YYYYMMDD 格式的日期"),
        ("1000", (clock.today() + timedelta(days=3)).strftime("%Y%m%d"), "收汇日期不能晚于今天"),
    ]:
        amount.fill(typed_amount)
        day.fill(typed_day)
        click_and_wait(page, "核销")
        expect(page.get_by_role("alert")).to_have_text(message)
        expect(page.get_by_label("收汇金额")).to_have_value(typed_amount)
    shoot(page, "write-off-bad-date")
    page.get_by_role("tab", name="出口核销单").click()  # the tabs still work around the form
    expect(page.get_by_role("tabpanel")).to_contain_text("已交单")
    page.get_by_label("收汇金额").fill("12,345.60")
    page.get_by_label("收汇日期").fill(clock.today().strftime("%Y%m%d"))
    page.get_by_label("差额原因").fill("部分收汇")
    page.get_by_role("button", name="核销").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("status")).to_have_text("核销成功")
    panel = page.get_by_role("tabpanel")
    expect(panel).to_contain_text("已核销")
    expect(panel).to_contain_text("12,345.60")
    expect(page.get_by_role("cell", name="核销", exact=True)).to_be_visible()  # the history has it
    expect(page.get_by_role("button", name="核销")).to_have_count(0)
    shoot(page, "write-off-done")
    page.get_by_role("link", name="下一单").click()
    expect(page.get_by_role("heading", name=f"核销 · 核销单 {numbers[1]}")).to_be_visible()


def test_a_form_another_officer_just_wrote_off(page, live, demo, actors):
    number = waiting(demo, received=True)[0]
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/write_offs/{number}")
    today = clock.today().strftime("%Y%m%d")
    assert workflow.write_off(db=demo, actor=actors["bureau"], number=number, amount="10", collected_on=today,
                              reason="部分收汇").ok
    page.get_by_label("收汇金额").fill("10")
    page.get_by_label("收汇日期").fill(today)
    page.get_by_role("button", name="核销").click()
    expect(page.get_by_role("alert").first).to_have_text("该核销单已核销")


def test_write_off_says_why_not_for_an_unreceived_submission(page, live, demo):
    number = waiting(demo, received=False)[0]
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/write_offs/{number}")
    expect(page.get_by_role("alert")).to_have_text("不能核销：外汇局尚未接收该交单，不能核销")
    expect(page.get_by_label("收汇金额")).to_have_count(0)


def test_write_off_without_javascript(no_js_page, live, demo):
    page = no_js_page
    number = waiting(demo, received=True)[0]
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/write_offs")
    page.get_by_label("核销单号").fill(number)
    page.get_by_role("button", name="开始查找").click()
    page.get_by_role("link", name=number, exact=True).click()
    page.get_by_label("收汇金额").fill("0")
    page.get_by_label("收汇日期").fill(clock.today().strftime("%Y%m%d"))
    page.get_by_role("button", name="核销").click()
    expect(page.get_by_role("alert")).to_have_text("收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999")
    settled(page)
    page.get_by_label("收汇金额").fill("880")
    page.get_by_label("差额原因").fill("部分收汇")
    page.get_by_role("button", name="核销").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("status")).to_have_text("核销成功")
    expect(page.get_by_role("tabpanel")).to_contain_text("已核销")
