"""数据中心 · 审计 in the browser: the trail filtered by card, action, form and date, 20 a page newest
first; 校验 says the chain is whole, or where it breaks."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import open_admin
from tests.test_admin_domain import tamper

ADMIN = "9900000000001"


def open_audit(page, live):
    open_admin(page, live, "审计")


def search(page, **filters):
    form = page.get_by_role("search", name="查找审计记录")
    for label, value in filters.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="开始查找").click()


def column(page, label: str):
    return page.get_by_role("table", name="审计记录").locator(f'td[data-label="{label}"]')


def only(page, label: str, value: str):
    """Wait until the trail shows rows, and every row's `label` column is `value`."""
    expect(column(page, label).first).to_have_text(value)
    expect(column(page, label).filter(has_not_text=value)).to_have_count(0)


def test_filter_the_trail(page, live):
    open_audit(page, live)
    expect(column(page, "序号")).to_have_count(20)
    search(page, IC卡号="3300000000001")
    expect(page).to_have_url(re.compile(r"card_no=3300000000001"))
    only(page, "IC卡", "3300000000001")
    search(page, IC卡号="", 操作="口岸备案")
    only(page, "操作", "口岸备案")
    number = column(page, "核销单号").first.inner_text()
    search(page, 操作="", 核销单号=number)
    only(page, "核销单号", number)
    expect(column(page, "操作")).to_contain_text(["口岸备案", "发放"])
    column(page, "核销单号").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"核销单 {number}")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("search", name="查找审计记录").get_by_label("核销单号")).to_have_value(number)


def test_bad_filters_are_explained_beside_their_fields(page, live):
    open_audit(page, live)
    search(page, IC卡号="1100000000099", 起始日期="20240231")
    expect(page.get_by_role("alert")).to_have_text("查找条件有误，请改正后重新查找")
    form = page.get_by_role("search", name="查找审计记录")
    expect(form.get_by_label("IC卡号")).to_have_accessible_description("未找到IC卡 1100000000099")
    expect(form.get_by_label("起始日期")).to_have_accessible_description("“20240231”不是日期（YYYYMMDD）")
    search(page, IC卡号="", 起始日期="20240301", 终止日期="20240101")
    expect(form.get_by_label("终止日期")).to_have_accessible_description("终止日期不能早于起始日期")
    search(page, 起始日期="2000", 终止日期="2999")
    expect(column(page, "序号")).to_have_count(20)


def test_pages_newest_first(page, live):
    open_audit(page, live)
    first = [int(n) for n in column(page, "序号").all_inner_texts()]
    assert first == sorted(first, reverse=True)
    page.get_by_role("link", name="下一页").click()
    expect(column(page, "序号").first).to_have_text(str(first[-1] - 1))
    page.go_back()
    expect(column(page, "序号").first).to_have_text(str(first[0]))


def test_verify_a_whole_chain_then_a_broken_one(page, live, demo):
    open_audit(page, live)
    page.get_by_role("button", name="校验").click()
    expect(page.get_by_role("status")).to_contain_text("审计链完整，共")
    tamper(demo, "UPDATE auditevent SET detail = '改过' WHERE seq = 30")
    page.get_by_role("button", name="校验").click()
    expect(page.get_by_role("alert")).to_contain_text("审计链被破坏：第 30 条记录被改动（此前 29 条完好）")
    page.get_by_role("link", name="查看第 30 条前后的记录").click()
    expect(column(page, "序号").first).to_have_text("30")
    expect(page.get_by_role("table", name="审计记录").get_by_role("row").nth(1)).to_contain_text("改过")


def test_audit_without_javascript(no_js_page, live, demo):
    page = no_js_page
    sign_in(page, live, ADMIN)
    page.goto(f"{live}/admin/audit")
    search(page, 操作="发放")
    only(page, "操作", "发放")
    first = column(page, "序号").first.inner_text()
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"after=\d+&action="))
    expect(column(page, "序号").first).not_to_have_text(first)
    only(page, "操作", "发放")
    tamper(demo, "DELETE FROM auditevent WHERE seq = 12")
    page.get_by_role("button", name="校验").click()
    expect(page.get_by_role("alert")).to_contain_text("第 12 条记录缺失")
