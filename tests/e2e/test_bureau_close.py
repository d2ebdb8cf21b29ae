"""外汇局 in the browser: 挂失 and 注销 of any enterprise's form by its 核销单号, with a reason; the form
is shown first (state, enterprise, why not); a confirmation before acting, with JavaScript or without."""
from playwright.sync_api import expect
from sqlmodel import select

from db.models import Enterprise, Form, FormState
from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled
from tests.e2e.test_bureau_applications import BUREAU, fx_menu, shoot


def a_form(demo, state, customs_code="4404910002") -> str:
    with demo.session() as session:
        return session.exec(select(Form.number).join(Enterprise, Enterprise.id == Form.enterprise_id)
                            .where(Form.state == state, Enterprise.customs_code == customs_code)
                            .order_by(Form.number)).first()


def look_up(page, number):
    page.get_by_label("核销单号").fill(number)
    page.get_by_role("button", name="查找").click()


def test_report_a_used_form_lost(page, live, demo):
    number = a_form(demo, FormState.USED)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    fx_menu(page).get_by_role("link", name="挂失").click()
    expect(page.get_by_role("heading", name="挂失")).to_be_visible()
    look_up(page, "28600")
    expect(page.get_by_role("alert")).to_have_text("核销单号应为 9 位数字")
    look_up(page, "999999999")
    expect(page.get_by_role("alert")).to_have_text("未找到核销单 999999999")
    look_up(page, number)
    expect(page).to_have_url(f"{live}/bureau/lost?number={number}")
    expect(page.get_by_text("珠海市拱北贸易有限公司（海关编码 4404910002）")).to_be_visible()
    expect(page.get_by_text("已用", exact=True).first).to_be_visible()
    shoot(page, "lost")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="挂失").click()
    expect(page.get_by_role("alert")).to_have_text("请填写挂失原因")
    settled(page)
    page.get_by_label("挂失原因").fill("企业纸质单证遗失")
    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="挂失").click()
    expect(page.get_by_role("status")).to_have_text("挂失成功")
    assert messages == [f"是否挂失核销单 {number}？"]
    expect(page.get_by_text("已挂失（企业纸质单证遗失）")).to_be_visible()
    expect(page.get_by_role("button", name="挂失")).to_have_count(0)
    shoot(page, "lost-done")
    page.get_by_role("link", name=number).click()  # the form's own page has it in its history
    expect(page.get_by_role("cell", name="挂失原因：企业纸质单证遗失")).to_be_visible()


def test_dismissing_the_confirmation_does_nothing(page, live, demo):
    number = a_form(demo, FormState.REGISTERED)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/lost?number={number}")
    page.get_by_label("挂失原因").fill("遗失")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="挂失").click()
    expect(page.get_by_role("button", name="挂失")).to_be_visible()
    page.reload()
    expect(page.get_by_text("已备案", exact=True).first).to_be_visible()


def test_cancel_with_a_listed_reason_and_a_note(page, live, demo):
    number = a_form(demo, FormState.ISSUED, "4403910001")
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/")
    fx_menu(page).get_by_role("link", name="注销").click()
    look_up(page, number)
    expect(page.get_by_text("深圳市华南进出口有限公司（海关编码 4403910001）")).to_be_visible()
    shoot(page, "cancel")
    page.get_by_label("其他原因").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="注销").click()
    expect(page.get_by_role("alert")).to_have_text("请填写注销原因")
    expect(page.get_by_label("其他原因")).to_be_checked()
    page.get_by_label("填错").check()
    page.get_by_label("说明").fill("份数填错")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="注销").click()
    expect(page.get_by_role("status")).to_have_text("注销成功")
    expect(page.get_by_text("已注销（填错：份数填错）")).to_be_visible()


def test_why_not_for_forms_that_cannot_be_closed(page, live, demo):
    sign_in(page, live, BUREAU)
    written_off = a_form(demo, FormState.WRITTEN_OFF)
    page.goto(f"{live}/bureau/cancel?number={written_off}")
    expect(page.get_by_role("alert")).to_have_text("不能注销：该核销单已核销")
    expect(page.get_by_role("button", name="注销")).to_have_count(0)
    shoot(page, "cancel-why-not")
    submitted = a_form(demo, FormState.SUBMITTED)
    page.goto(f"{live}/bureau/cancel?number={submitted}")
    expect(page.get_by_role("alert")).to_have_text("不能注销：核销单状态为已交单，不能注销")
    page.goto(f"{live}/bureau/lost?number={submitted}")  # 挂失 is still possible for it
    expect(page.get_by_role("button", name="挂失")).to_be_visible()
    lost = a_form(demo, FormState.LOST)
    page.goto(f"{live}/bureau/lost?number={lost}")
    expect(page.get_by_role("alert")).to_have_text("不能挂失：该核销单已挂失")


def test_cancel_without_javascript_is_confirmed_on_a_page(no_js_page, live, demo):
    page = no_js_page
    number = a_form(demo, FormState.REGISTERED)
    sign_in(page, live, BUREAU)
    page.goto(f"{live}/bureau/cancel")
    look_up(page, number)
    page.get_by_label("全额退关").check()
    page.get_by_role("button", name="注销").click()
    expect(page.get_by_text(f"是否注销核销单 {number}？注销原因：全额退关")).to_be_visible()
    shoot(page, "cancel-confirm")
    page.get_by_role("link", name="取消").click()
    expect(page.get_by_text("已备案", exact=True).first).to_be_visible()
    page.get_by_label("全额退关").check()
    page.get_by_role("button", name="注销").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("status")).to_have_text("注销成功")
    expect(page.get_by_text("已注销（全额退关）")).to_be_visible()
