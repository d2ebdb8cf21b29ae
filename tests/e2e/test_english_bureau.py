"""外汇局 in English: the header's English button, then 发单 (发放, 领取), 权限审批 (批准), 交单接收 (标记,
接收), 核销 (a zero amount and a future date refused on the same page, then 是否进行核销？ and 确定), 挂失
and 注销 — every screen in English, its data (names, currencies, reasons typed) marked Chinese, no Chinese
left in the chrome. The 核销 and 挂失 confirmations also as pages, with JavaScript off."""
import os
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from db import clock
from db.models import Declaration, Enterprise, Form, FormState
from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled, state_of
from tests.e2e.test_bureau_applications import BUREAU
from tests.test_english import chinese_left

SHOTS = os.environ.get("EPORTFX_SHOTS")


def shoot(page, name: str) -> None:
    """The English screen at a desktop's and a phone's width, when EPORTFX_SHOTS names a folder."""
    if SHOTS:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/en-{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def in_english(page, live):
    """Log in as the bureau (the login page is Chinese) and press the header's English button."""
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def all_english(page):
    """Every Chinese character on the screen sits in data marked lang="zh-CN"."""
    left = chinese_left(page.content())
    assert not left, f"{page.url}: Chinese left in English: {left[:20]}"


def received(demo) -> tuple[str, Declaration]:
    with demo.session() as session:
        form, decl = session.exec(select(Form, Declaration).join(Declaration, Declaration.form_id == Form.id)
                                  .where(Form.state == FormState.SUBMITTED, Form.received_at.is_not(None))
                                  .order_by(Form.number)).first()
        return form.number, decl


def a_form(demo, state) -> str:
    with demo.session() as session:
        return session.exec(select(Form.number).join(Enterprise, Enterprise.id == Form.enterprise_id)
                            .where(Form.state == state, Enterprise.customs_code == "4404910002")
                            .order_by(Form.number)).first()


def waiting(demo) -> list[str]:
    with demo.session() as session:
        return list(session.exec(select(Form.number).where(Form.state == FormState.SUBMITTED,
                                                           Form.received_at.is_(None)).order_by(Form.number)).all())


def test_the_bureau_works_in_english(page, live, demo):
    in_english(page, live)
    all_english(page)

    # 发单: 发放 fewer than asked, then 领取纸质单证
    page.goto(f"{live}/bureau/applications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue forms")
    expect(page.get_by_role("link", name="To issue")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("columnheader", name="Forms applied for")).to_be_visible()
    all_english(page)
    shoot(page, "applications")
    page.get_by_role("row").filter(has_text="深圳市华南进出口有限公司").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Form application \d+$"))
    count = page.get_by_label("Forms issued")
    expect(count).to_have_value("20")
    expect(page.get_by_text("深圳市华南进出口有限公司 (customs code 4403910001)")).to_be_visible()
    all_english(page)
    count.fill("5")
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_text("Not collected")).to_be_visible()
    all_english(page)
    page.get_by_role("button", name="Collect", exact=True).click()
    expect(page.get_by_text("Collected (")).to_be_visible()
    all_english(page)

    # 权限审批: 批准 with the suggested date, a year from today
    page.goto(f"{live}/bureau/permissions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Permission approvals")
    row = page.get_by_role("row").filter(has_text="1100000000006")
    expect(row).to_contain_text("Ask to open")
    expect(row).to_contain_text("Not opened")
    all_english(page)
    row.get_by_role("link").click()
    expect(page.get_by_text("Open export forex permission")).to_be_visible()
    expect(page.get_by_label("Valid until")).to_be_visible()
    all_english(page)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    all_english(page)

    # 交单接收: 标记 one row, 接收
    numbers = waiting(demo)
    page.goto(f"{live}/bureau/receipts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Received submissions")
    expect(page.get_by_role("link", name="submissions not received for over 3 days")).to_be_visible()
    all_english(page)
    shoot(page, "receipts")
    page.get_by_label(f"Mark {numbers[0]}").check()
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator("table.report")).to_contain_text(numbers[0])
    all_english(page)

    # 核销: refused twice on the same page, then asked and done
    number, decl = received(demo)
    page.goto(f"{live}/bureau/write_offs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write off")
    all_english(page)
    page.goto(f"{live}/bureau/write_offs/{number}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Write off · form {number}")
    total = f"{decl.total:,.2f}"
    expect(page.get_by_text(f"Declaration total value 美元 {total}")).to_be_visible()
    all_english(page)
    today = clock.today()
    page.get_by_label("Amount received").fill("0")
    page.get_by_label("Receipt date").fill(today.strftime("%Y%m%d"))
    page.get_by_role("button", name="Write off", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        "The amount received must be a number greater than 0, with at most 2 decimal places, "
        "at most 99,999,999,999,999")
    expect(page.get_by_label("Amount received")).to_have_value("0")
    all_english(page)
    page.get_by_label("Amount received").fill(total)
    page.get_by_label("Receipt date").fill((today + timedelta(days=1)).strftime("%Y%m%d"))
    page.get_by_role("button", name="Write off", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("The receipt date cannot be after today")
    settled(page)
    all_english(page)
    page.get_by_label("Receipt date").fill(today.strftime("%Y%m%d"))
    page.get_by_role("button", name="Write off", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        f"Write off? Form {number}, amount received 美元 {total}, receipt date {today:%Y-%m-%d}")
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    all_english(page)
    shoot(page, "write-off-confirm")
    assert state_of(demo, number) == FormState.SUBMITTED
    page.get_by_role("button", name="OK", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert state_of(demo, number) == FormState.WRITTEN_OFF
    all_english(page)

    # 挂失: the form first, the reason, the browser's confirmation in English
    lost = a_form(demo, FormState.USED)
    page.goto(f"{live}/bureau/lost")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report lost")
    page.get_by_label("Form No.").fill("999999999")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Form 999999999 not found")
    settled(page)
    all_english(page)
    page.get_by_label("Form No.").fill(lost)
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_text("珠海市拱北贸易有限公司 (customs code 4404910002)")).to_be_visible()
    all_english(page)
    page.get_by_label("Reason for the lost report").fill("纸质单证遗失")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Report lost", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert asked == [f"Report form {lost} lost?"]
    assert state_of(demo, lost) == FormState.LOST
    all_english(page)

    # 注销: the reasons offered in English, each posting the manual's word
    void = a_form(demo, FormState.REGISTERED)
    page.goto(f"{live}/bureau/cancel?number={void}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Void")
    expect(page.get_by_role("group", name="Reason for voiding")).to_be_visible()
    all_english(page)
    shoot(page, "cancel")
    page.get_by_label("Shipment fully cancelled").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Void", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert state_of(demo, void) == FormState.CANCELLED
    with demo.session() as session:
        assert session.exec(select(Form.closed_reason).where(Form.number == void)).one() == "全额退关"
    all_english(page)


def test_the_confirmations_are_english_pages_without_javascript(no_js_page, live, demo):
    page = no_js_page
    in_english(page, live)
    number, decl = received(demo)
    page.goto(f"{live}/bureau/write_offs/{number}")
    total, today = f"{decl.total:,.2f}", clock.today()
    page.get_by_label("Amount received").fill(total)
    page.get_by_label("Receipt date").fill(today.strftime("%Y%m%d"))
    page.get_by_role("button", name="Write off", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        f"Write off? Form {number}, amount received 美元 {total}, receipt date {today:%Y-%m-%d}")
    all_english(page)
    page.get_by_role("button", name="OK", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert state_of(demo, number) == FormState.WRITTEN_OFF

    lost = a_form(demo, FormState.USED)
    page.goto(f"{live}/bureau/lost?number={lost}")
    page.get_by_label("Reason for the lost report").fill("纸质单证遗失")
    page.get_by_role("button", name="Report lost", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(f"Report form {lost} lost? Reason: 纸质单证遗失")
    all_english(page)
    assert state_of(demo, lost) == FormState.USED  # nothing changes before OK
    page.get_by_role("button", name="OK", exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert state_of(demo, lost) == FormState.LOST
