"""A form's whole life across the roles, each in its own browser as it would be in life: the enterprise
applies, the bureau issues, the enterprise registers it to a port, customs verifies, releases, closes
and signs the 结汇联, the enterprise submits it, the bureau receives and writes it off. Then the
wrong-port story of manual §10.2 (撤销备案 → 确认撤销 → 备案 again) and a lost form that customs
refuses. Every step is a click on a screen; the database is only read, to check."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db import clock
from db.models import Enterprise, Form, FormState
from tests.e2e.conftest import sign_in
from tests.e2e.steps import enter_fx, events, open_menu, rows, state_of
from tests.e2e.test_customs_verify import fill_header, fill_line
from tests.test_customs_workflow import forms_where

pytestmark = pytest.mark.journey

OPERATOR_A, BUREAU, CUSTOMS_5700, CUSTOMS_5300 = "1100000000001", "2200000000001", "3300000000001", "3300000000002"


@pytest.fixture
def role(browser, live):
    """role(card_no): a fresh browser (its own cookies) signed in with that card, inside 出口收汇."""
    contexts = []

    def open_as(card_no: str):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # 是否进行… → 确定
        enter_fx(page, live, card_no)
        expect(page.get_by_role("navigation", name="出口收汇菜单")).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()


def look_up(page, number: str):
    """Type a 核销单号 and 开始查找, waiting for the answer: a click before it lands on the list it replaces."""
    page.get_by_label("核销单号").fill(number)
    with page.expect_response(lambda response: f"={number}" in response.url):
        page.get_by_role("button", name="开始查找").click()


def find_in(page, menu: str, number: str):
    """Open a menu entry, look the form up by 核销单号 and open it from the one row found."""
    open_menu(page, menu)
    look_up(page, number)
    expect(rows(page)).to_have_count(1)
    page.get_by_role("link", name=number, exact=True).click()


def register(page, number: str, port: str, port_name: str):
    find_in(page, "口岸备案", number)
    page.get_by_label("使用口岸").fill(port)
    page.get_by_label("使用口岸").press("Enter")
    expect(page.locator("#port-name")).to_have_text(port_name)
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("设置成功")).to_be_visible()


def apply_and_issue(role, quantity: int) -> tuple:
    """The enterprise applies; the bureau issues exactly that application. Returns (enterprise page,
    bureau page, the issued numbers)."""
    enterprise = role(OPERATOR_A)
    open_menu(enterprise, "核销单申请")
    enterprise.get_by_label("份数").fill(str(quantity))
    enterprise.get_by_role("button", name="申请").click()
    expect(enterprise.get_by_role("status")).to_have_text("申请成功")
    application = enterprise.get_by_role("table").locator("tbody tr").first.locator("td").first.inner_text()

    bureau = role(BUREAU)
    open_menu(bureau, "发单")
    bureau.get_by_role("link", name=application, exact=True).click()
    expect(bureau.get_by_label("发放份数")).to_have_value(str(quantity))
    bureau.get_by_role("button", name="发放").click()
    status = bureau.get_by_role("status")
    expect(status).to_contain_text(f"共 {quantity} 份")
    first, last = re.search(r"核销单号 (\d{9}) 至 (\d{9})", status.inner_text()).groups()
    numbers = [f"{n:09d}" for n in range(int(first), int(last) + 1)]
    assert len(numbers) == quantity
    return enterprise, bureau, numbers


def test_a_form_from_application_to_write_off(role, demo):
    enterprise, bureau, numbers = apply_and_issue(role, 2)
    number = numbers[0]
    assert state_of(demo, number) == "issued"
    register(enterprise, number, "5700", "拱北关区")

    customs = role(CUSTOMS_5700)
    find_in(customs, "报关验核", number)
    fill_header(customs)
    fill_line(customs, 1, "6204430090", "女式化纤连衣裙", "800", "件", "12.50")
    customs.get_by_role("button", name="验核", exact=True).click()
    expect(customs.get_by_role("status").filter(has_text="验核成功")).to_be_visible()
    for step, done in [("放行", "放行成功"), ("结关", "结关成功"), ("签发结汇联", "签发结汇联成功")]:
        customs.get_by_role("button", name=step, exact=True).click()
        expect(customs.get_by_text(done)).to_be_visible()

    find_in(enterprise, "企业交单", number)
    enterprise.get_by_role("button", name="交单").click()
    expect(enterprise.get_by_text("交单成功")).to_be_visible()

    open_menu(bureau, "交单接收")
    look_up(bureau, number)
    expect(bureau.get_by_role("checkbox", name=re.compile("^标记 "))).to_have_count(1)  # the list found
    bureau.get_by_label(f"标记 {number}").check()
    bureau.get_by_role("button", name="接收").click()
    expect(bureau.get_by_role("table", name="处理结果")).to_contain_text("接收成功")
    open_menu(bureau, "核销")
    look_up(bureau, number)
    expect(rows(bureau)).to_have_count(1)
    bureau.get_by_role("link", name=number, exact=True).click()
    expect(bureau.get_by_role("tabpanel")).to_contain_text("10,000.00")  # 800 × 12.50, beside the amount
    bureau.get_by_label("收汇金额").fill("10000")
    bureau.get_by_label("收汇日期").fill(clock.today().strftime("%Y%m%d"))
    bureau.get_by_role("button", name="核销").click()
    expect(bureau.get_by_role("alert")).to_contain_text("是否进行核销？")
    bureau.get_by_role("button", name="确定").click()
    expect(bureau.get_by_role("status")).to_have_text("核销成功")

    enterprise.goto(enterprise.url.split("/enterprise")[0] + f"/forms/{number}")
    expect(enterprise.get_by_text("已核销").first).to_be_visible()
    history = enterprise.get_by_role("region", name="操作记录")
    for action in ("发放", "口岸备案", "验核", "放行", "结关", "签发结汇联", "交单", "接收", "核销"):
        expect(history).to_contain_text(action)
    assert state_of(demo, number) == "written_off" and state_of(demo, numbers[1]) == "issued"
    assert [events(demo, number, a) for a in ("口岸备案", "交单", "核销")] == [1, 1, 1]


def test_wrong_port_revoked_then_registered_again(role, demo):
    """Manual §10.2: registered to the wrong port, so 撤销备案; that customs 确认撤销; 备案 again."""
    enterprise, _, numbers = apply_and_issue(role, 1)
    number = numbers[0]
    register(enterprise, number, "5300", "深圳海关")

    wrong = role(CUSTOMS_5300)
    right = role(CUSTOMS_5700)
    open_menu(right, "报关验核")
    look_up(right, number)
    expect(rows(right)).to_have_count(0)  # registered elsewhere: not this 关区's to use

    find_in(enterprise, "撤销备案", number)
    enterprise.get_by_role("button", name="撤销备案").click()
    expect(enterprise.get_by_text("撤销备案申请成功")).to_be_visible()
    find_in(wrong, "撤销确认", number)
    wrong.get_by_role("button", name="确认撤销").click()
    expect(wrong.get_by_text("确认撤销成功")).to_be_visible()
    assert state_of(demo, number) == "issued"

    register(enterprise, number, "5700", "拱北关区")
    find_in(right, "报关验核", number)
    expect(right.get_by_role("heading", name=f"报关验核 · 核销单 {number}")).to_be_visible()
    open_menu(wrong, "报关验核")
    look_up(wrong, number)
    expect(rows(wrong)).to_have_count(0)
    assert state_of(demo, number) == "registered"


def test_a_lost_form_cannot_be_used_at_customs(role, demo):
    enterprise, _, numbers = apply_and_issue(role, 1)
    number = numbers[0]
    register(enterprise, number, "5700", "拱北关区")
    customs = role(CUSTOMS_5700)
    find_in(customs, "报关验核", number)  # usable now; the officer leaves it open

    open_menu(enterprise, "核销单挂失")
    enterprise.get_by_label("核销单起始号").fill(number)
    enterprise.get_by_label("核销单份数").fill("1")
    enterprise.get_by_role("button", name="确认").click()
    enterprise.get_by_role("checkbox", name=f"标记 {number}").check()
    enterprise.get_by_role("button", name="挂失").click()
    expect(enterprise.get_by_role("table", name="处理结果")).to_contain_text("挂失成功")

    fill_header(customs)
    fill_line(customs, 1, "9503008900", "塑料玩具", "100", "个", "2.35")
    customs.get_by_role("button", name="验核", exact=True).click()
    expect(customs.get_by_text("该核销单已挂失").first).to_be_visible()
    assert state_of(demo, number) == "lost" and events(demo, number, "验核") == 0


def test_faq_10_1_expired_permission_extended_then_the_card_enters(role, browser, live):
    """§10.1: the operator card's 出口收汇 has expired (grey); the 法人卡 asks to extend; the bureau grants."""
    operator = browser.new_context(locale="zh-CN").new_page()
    sign_in(operator, live, "1100000000004")
    menu = operator.get_by_role("navigation", name="系统菜单")
    expect(menu.get_by_text("出口收汇")).to_have_attribute("aria-disabled", "true")

    legal = role("1100000000005")
    open_menu(legal, "操作员卡")
    legal.get_by_role("row").filter(has_text="1100000000004").get_by_role("button", name="申请延期").click()
    expect(legal.get_by_role("status")).to_have_text("申请延期已提交，等待外汇局审批")

    bureau = role(BUREAU)
    open_menu(bureau, "权限审批")
    request = bureau.get_by_role("row").filter(has_text="1100000000004")
    expect(request).to_contain_text("申请延期")
    request.get_by_role("link").click()
    until = clock.today() + timedelta(days=365)
    bureau.get_by_label("有效期至").fill(until.strftime("%Y%m%d"))
    bureau.get_by_role("button", name="批准").click()
    expect(bureau.get_by_role("status")).to_have_text(f"已批准，有效期至 {until:%Y-%m-%d}")

    operator.reload()
    menu.get_by_role("link", name="出口收汇").click()
    expect(operator.get_by_role("navigation", name="出口收汇菜单")).to_be_visible()
    operator.context.close()


def test_faq_10_3_released_but_unused_supplemented_then_submitted(role, demo):
    """§10.3 case 1: goods released, the form still 未用, so it cannot be submitted; customs 补验, 结关,
    签发结汇联; now the enterprise submits it."""
    number = next(n for n in forms_where(demo, "5700", FormState.REGISTERED, verified=False)
                  if owner_of(demo, n) == "4403910001")
    enterprise = role(OPERATOR_A)
    open_menu(enterprise, "企业交单")
    look_up(enterprise, number)
    expect(enterprise.get_by_text("海关使用状态为未用，货物已放行的请联系海关补验")).to_be_visible()

    customs = role(CUSTOMS_5700)
    find_in(customs, "补验", number)
    for step, done in [("补验", "补验成功"), ("结关", "结关成功"), ("签发结汇联", "签发结汇联成功")]:
        customs.get_by_role("button", name=step, exact=True).click()
        expect(customs.get_by_text(done)).to_be_visible()

    find_in(enterprise, "企业交单", number)
    enterprise.get_by_role("button", name="交单").click()
    expect(enterprise.get_by_text("交单成功")).to_be_visible()
    assert state_of(demo, number) == "submitted"


def test_faq_10_4_unreceived_after_3_days_is_flagged_on_both_sides(role, demo):
    """§10.4: a submission the bureau has not received 3 days on is flagged to the enterprise and to the
    bureau; once received the flag is gone."""
    late = [n for n in unreceived_late(demo) if owner_of(demo, n) == "4403910001"]
    enterprise = role(OPERATOR_A)
    enterprise.get_by_role("link", name=re.compile("交单超过 3 天外汇局未接收")).click()
    for number in late:
        expect(enterprise.get_by_role("link", name=number, exact=True)).to_be_visible()

    bureau = role(BUREAU)
    open_menu(bureau, "交单接收")
    row = bureau.get_by_role("row").filter(has=bureau.get_by_role("link", name=late[0], exact=True))
    expect(row).to_contain_text("超过 3 天未接收")
    bureau.get_by_label(f"标记 {late[0]}").check()
    bureau.get_by_role("button", name="接收").click()
    expect(bureau.get_by_role("table", name="处理结果")).to_contain_text("接收成功")

    enterprise.reload()
    expect(enterprise.get_by_role("link", name=late[0], exact=True)).to_have_count(0)
    assert late[0] not in unreceived_late(demo)


def owner_of(demo, number: str) -> str:
    with demo.session() as session:
        return session.exec(select(Enterprise.customs_code).join(Form, Form.enterprise_id == Enterprise.id)
                            .where(Form.number == number)).one()


def unreceived_late(demo) -> list[str]:
    cutoff = clock.now() - timedelta(days=3)
    with demo.session() as session:
        return list(session.exec(select(Form.number).where(Form.state == FormState.SUBMITTED,
                                                           Form.received_at.is_(None), Form.submitted_at < cutoff)
                                 .order_by(Form.number)).all())
