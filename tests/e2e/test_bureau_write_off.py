"""核销 that cannot be mistyped: 收汇金额 > 0, 收汇日期 between 出口日期 and today, a 差额原因 when the
amount is far from 总价, and 是否进行核销？ before anything is written; with JavaScript and without.
Amounts read with the currency's name (美元), never its code."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from db import clock
from db.models import Declaration, Form, FormState
from tests.e2e.conftest import sign_in
from tests.e2e.shots import shoot
from tests.e2e.steps import events, settled, state_of
from tests.e2e.test_bureau_applications import BUREAU


def received_form(demo) -> tuple[str, Declaration]:
    with demo.session() as session:
        form, decl = session.exec(select(Form, Declaration).join(Declaration, Declaration.form_id == Form.id)
                                  .where(Form.state == FormState.SUBMITTED, Form.received_at.is_not(None))
                                  .order_by(Form.number)).first()
        return form.number, decl


def write_off_with_care(page, live, demo):
    number, decl = received_form(demo)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/write_offs/{number}")
    total = f"{decl.total:,.2f}"
    expect(page.get_by_text(f"报关单总价 美元 {total}")).to_be_visible()
    today = clock.today().strftime("%Y%m%d")
    page.get_by_label("收汇金额").fill("0.01")
    page.get_by_label("收汇日期").fill("20000101")
    page.get_by_role("button", name="核销").click()
    expect(page.get_by_role("alert")).to_have_text(f"收汇日期不能早于出口日期 {decl.exported_on:%Y-%m-%d}")
    settled(page)
    expect(page.get_by_label("收汇金额")).to_have_value("0.01")
    page.get_by_label("收汇日期").fill(today)
    page.get_by_role("button", name="核销").click()
    expect(page.get_by_role("alert")).to_contain_text(f"收汇金额与报关单总价 美元 {total} 相差")
    settled(page)
    expect(page.get_by_role("alert")).to_contain_text("超过 5%，请填写差额原因")
    settled(page)
    page.get_by_label("差额原因").fill("部分退货")
    page.get_by_role("button", name="核销").click()
    question = page.get_by_role("alert")
    expect(question).to_have_text(f"是否进行核销？核销单 {number}，收汇金额 美元 0.01，"
                                  f"收汇日期 {clock.today():%Y-%m-%d}，差额原因：部分退货")
    shoot(page, "write-off-confirm")
    assert state_of(demo, number) == FormState.SUBMITTED and events(demo, number, "核销") == 0
    page.get_by_role("button", name="取消").click()  # back to the typed values, nothing written
    expect(page.get_by_label("差额原因")).to_have_value("部分退货")
    assert state_of(demo, number) == FormState.SUBMITTED
    page.get_by_role("button", name="核销").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("status")).to_have_text("核销成功")
    panel = page.get_by_role("tabpanel")
    expect(panel).to_contain_text("美元 0.01")
    expect(panel).to_contain_text("部分退货")
    expect(page.get_by_role("region", name="操作记录")).to_contain_text("差额原因：部分退货")
    assert state_of(demo, number) == FormState.WRITTEN_OFF and events(demo, number, "核销") == 1
    return number


def test_write_off_checks_asks_and_keeps_the_reason(page, live, demo):
    write_off_with_care(page, live, demo)
    shoot(page, "write-off-reason")


def test_write_off_checks_asks_and_keeps_the_reason_without_javascript(no_js_page, live, demo):
    write_off_with_care(no_js_page, live, demo)


def test_a_future_date_and_a_zero_amount_change_nothing(page, live, demo):
    number, _ = received_form(demo)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/write_offs/{number}")
    page.get_by_label("收汇金额").fill("0")
    page.get_by_label("收汇日期").fill((clock.today() + timedelta(days=1)).strftime("%Y%m%d"))
    page.get_by_role("button", name="核销").click()
    expect(page.get_by_role("alert")).to_have_text("收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999")
    settled(page)
    page.get_by_label("收汇金额").fill("1")
    page.get_by_role("button", name="核销").click()
    expect(page.get_by_role("alert")).to_have_text("收汇日期不能晚于今天")
    assert state_of(demo, number) == FormState.SUBMITTED


def test_amounts_read_with_the_currency_name(page, live, demo):
    with demo.session() as session:
        number = session.exec(select(Form.number).where(Form.state == FormState.WRITTEN_OFF)
                              .order_by(Form.number)).first()
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/forms/{number}")
    amount = page.get_by_role("tabpanel").get_by_role("definition").filter(has_text=",")
    expect(amount.first).to_have_text(re.compile(r"^美元 [\d,]+\.\d\d$"))
    page.get_by_role("tab", name="出口报关单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("美元")
    expect(page.get_by_role("tabpanel")).not_to_contain_text("502 美元")
