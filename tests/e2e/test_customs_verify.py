"""报关验核: customs records an 出口报关单 against a form registered to its 关区 (→ 已用), with and
without JavaScript; bad input is said beside each field and nothing is recorded; a form past its
use period, or one another officer just acted on, is refused with the reason."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from db import clock, workflow
from db.models import DeclarationStatus, Enterprise, FormState
from tests.e2e.conftest import sign_in
from tests.test_customs_workflow import form_of, forms_where, registered_days_ago


def enter(page, live, card_no: str = "3300000000001"):
    """Log in and enter 出口收汇 from the portal menu (manual 图二)."""
    sign_in(page, live, card_no)
    page.get_by_role("navigation", name="系统菜单").get_by_role("link", name="出口收汇").click()
    expect(page.get_by_role("navigation", name="出口收汇菜单")).to_be_visible()


def menu(page, label: str):
    page.get_by_role("navigation", name="出口收汇菜单").get_by_role("link", name=label).click()


def open_first_to_verify(page, live) -> str:
    enter(page, live)
    menu(page, "报关验核")
    expect(page.get_by_role("heading", name="报关验核")).to_be_visible()
    link = page.locator("#rows tbody tr").first.get_by_role("link")
    number = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", name=f"报关验核 · 核销单 {number}")).to_be_visible()
    return number


def fill_header(page, *, currency="502 美元"):
    page.get_by_label("运输方式").select_option(label="2 水路运输")
    page.get_by_label("贸易方式").select_option(label="0110 一般贸易")
    page.get_by_label("结汇方式").select_option(label="2 电汇")
    page.get_by_label("成交方式").select_option(label="3 FOB")
    page.get_by_label("币制").select_option(label=currency)
    page.get_by_label("运抵国").select_option(label="502 美国")
    page.get_by_label("指运港").fill("洛杉矶")


def fill_line(page, i: int, hs_code: str, name: str, quantity: str, unit: str, price: str):
    for label, value in [("商品编号", hs_code), ("商品名称", name), ("数量", quantity), ("单位", unit), ("单价", price)]:
        page.get_by_label(f"第 {i} 项 {label}").fill(value)


def test_verify_a_registered_form(page, live, demo):
    number = open_first_to_verify(page, live)
    expect(page.get_by_text("验核时由系统分配").first).to_be_visible()
    expect(page.get_by_label("申报日期")).to_have_value(f"{clock.today():%Y%m%d}")
    fill_header(page)
    for i, line in enumerate([("6204430090", "女式化纤连衣裙", "1200", "件", "12.50"),
                              ("6109100022", "棉制针织T恤衫", "500", "件", "3.80"),
                              ("6403990090", "皮面皮鞋", "100", "双", "18")], start=1):
        fill_line(page, i, *line)
    page.get_by_role("button", name="增加商品").click()
    expect(page.get_by_label("第 4 项 商品编号")).to_be_visible()
    expect(page.get_by_label("指运港")).to_have_value("洛杉矶")  # what was typed stays
    fill_line(page, 4, "9503008900", "塑料玩具", "1000", "个", "2.35")
    page.get_by_role("button", name="计算总价").click()
    expect(page.locator("table.goods tfoot")).to_contain_text("21,050.00")  # 15000 + 1900 + 1800 + 2350
    page.get_by_role("button", name="验核", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="验核成功")).to_contain_text("出口报关单号 5700")
    expect(page).to_have_url(re.compile(rf"/customs/forms/{number}\?tab=declaration$"))
    panel = page.get_by_role("tabpanel")
    expect(panel).to_contain_text("洛杉矶")
    expect(panel).to_contain_text("21,050.00")
    expect(panel).to_contain_text("已申报")
    page.get_by_role("tab", name="出口核销单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("已用")
    expect(page.get_by_role("button", name="放行")).to_be_visible()  # the next step is at the top
    form, decl = form_of(demo, number)
    assert form.state == FormState.USED and decl.status == DeclarationStatus.DECLARED and decl.total == 21050


def test_bad_input_then_verify_without_javascript(no_js_page, live, demo):
    page = no_js_page
    number = open_first_to_verify(page, live)
    fill_header(page)
    page.get_by_label("出口日期").fill(f"{clock.today() + timedelta(days=3):%Y%m%d}")
    page.get_by_label("申报日期").fill("20240230")
    fill_line(page, 1, "6204430090", "女式化纤连衣裙", "一千二", "件", "12.50")
    fill_line(page, 2, "62044", "棉制针织T恤衫", "500", "件", "3.80")
    page.get_by_role("button", name="验核", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("请改正标出的 4 处错误")
    expect(page.get_by_text("申报日期应为 YYYYMMDD 格式的日期")).to_be_visible()
    expect(page.get_by_text("出口日期不能晚于今天")).to_be_visible()
    expect(page.get_by_text("第 1 项：数量应为大于 0 的数字")).to_be_visible()
    expect(page.get_by_text("第 2 项：商品编号应为 10 位数字")).to_be_visible()
    expect(page.get_by_label("第 1 项 数量")).to_have_value("一千二")
    expect(page.get_by_label("第 1 项 数量")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("币制")).to_have_value("502")
    assert form_of(demo, number)[1] is None  # nothing half done
    today = f"{clock.today():%Y%m%d}"
    page.get_by_label("申报日期").fill(today)
    page.get_by_label("出口日期").fill(today)
    page.get_by_label("第 1 项 数量").fill("1200")
    page.get_by_label("第 2 项 商品编号").fill("6109100022")
    page.get_by_role("button", name="增加商品").click()
    expect(page.get_by_label("第 4 项 商品编号")).to_be_visible()
    page.get_by_role("button", name="验核", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="验核成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("16,900.00")
    assert form_of(demo, number)[0].state == FormState.USED


def test_a_form_past_its_use_period_is_refused_with_the_reason(page, live, demo, actors):
    number = registered_days_ago(demo, actors, 92)
    enter(page, live)
    menu(page, "报关验核")
    page.get_by_label("核销单号").fill(number)
    page.get_by_role("button", name="开始查找").click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("alert")).to_have_text("该核销单备案已超过 90 天使用期限，不能验核")
    expect(page.get_by_role("button", name="验核", exact=True)).to_have_count(0)
    expect(page.get_by_role("tabpanel")).to_contain_text("使用期限至")


def test_a_form_another_officer_just_acted_on(page, live, demo, actors):
    number = open_first_to_verify(page, live)
    fill_header(page)
    fill_line(page, 1, "6204430090", "女式化纤连衣裙", "1200", "件", "12.50")
    assert workflow.request_revoke(db=demo, actor=actors[owner_of(demo, number)], numbers=[number])[0].ok
    page.get_by_role("button", name="验核", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("该核销单正在撤销备案，不能验核")
    expect(page.get_by_label("第 1 项 商品名称")).to_have_value("女式化纤连衣裙")
    assert form_of(demo, number)[1] is None


def owner_of(demo, number: str) -> str:
    """The demo operator (A or B) whose form `number` is."""
    with demo.session() as session:
        enterprise = session.get(Enterprise, form_of(demo, number)[0].enterprise_id)
    return {"4403910001": "A", "4404910002": "B"}[enterprise.customs_code]


def test_verify_from_the_registered_list(page, live, demo):
    """备案数据 → a form's page → 报关验核, and the list it came from walks on with 下一单."""
    enter(page, live)
    menu(page, "备案数据")
    first, second = forms_where(demo, "5700", FormState.REGISTERED)[:2]
    page.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", name=f"核销单 {first}")).to_be_visible()
    page.get_by_role("link", name="下一单").click()
    expect(page.get_by_role("heading", name=f"核销单 {second}")).to_be_visible()
    page.get_by_role("link", name="报关验核").last.click()
    expect(page.get_by_role("heading", name=f"报关验核 · 核销单 {second}")).to_be_visible()
