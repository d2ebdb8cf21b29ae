"""报关单: this 关区's declarations by status — 放行, 结关, 签发结汇联 on marked rows (标记, 全选), 重签结汇联
on a form's page (manual §10.3 case 2), with and without JavaScript."""
import re

from playwright.sync_api import expect

from db.models import DeclarationStatus, FormState
from tests.e2e.test_customs_verify import enter, menu
from tests.test_customs_workflow import form_of, forms_where


def rows(page):
    return page.locator("#rows tbody tr")


def report(page):
    return page.get_by_role("table", name="处理结果")


def test_release_close_and_issue_the_slip_through_the_tabs(page, live, demo):
    declared = [*forms_where(demo, "5300", FormState.USED, decl_status=DeclarationStatus.DECLARED),
                *forms_where(demo, "5301", FormState.USED, decl_status=DeclarationStatus.DECLARED)]  # 隶属海关's too
    enter(page, live, "3300000000002")
    menu(page, "报关单")
    expect(page.get_by_role("tab", name="已申报（待放行）")).to_have_attribute("aria-selected", "true")
    expect(rows(page)).to_have_count(len(declared))
    for number in declared:
        page.get_by_label(f"标记 {number}").check()
    page.get_by_role("button", name="放行").click()
    expect(report(page).get_by_role("row").filter(has_text="放行成功")).to_have_count(len(declared))
    expect(page.get_by_text("没有符合条件的出口报关单")).to_be_visible()  # they left this tab

    page.get_by_role("tab", name="已放行（待结关）").click()
    expect(page).to_have_url(re.compile("/customs/declarations/released$"))
    page.get_by_role("button", name="全选").click()
    for number in declared:
        expect(page.get_by_label(f"标记 {number}")).to_be_checked()
    page.get_by_role("button", name="结关").click()
    expect(report(page).get_by_role("row").filter(has_text="结关成功")).to_have_count(len(declared) + 1)

    page.get_by_role("tab", name="待签发结汇联").click()
    page.get_by_label(f"标记 {declared[0]}").check()
    page.get_by_role("button", name="签发结汇联").click()
    expect(report(page).get_by_role("row", name=f"{declared[0]} 签发结汇联成功")).to_be_visible()
    expect(page.get_by_label(f"标记 {declared[0]}")).to_have_count(0)
    decl = form_of(demo, declared[0])[1]
    assert decl.status == DeclarationStatus.CLOSED and decl.fx_slip_issued


def test_reissue_the_slip_from_the_form_page(page, live, demo):
    """Manual §10.3 case 2: 已用, 结关 done, the bureau has no 结汇联: customs signs it again."""
    number = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.CLOSED, slip=True)[0]
    enter(page, live)
    menu(page, "报关单")
    page.get_by_role("tab", name="已签发结汇联").click()
    page.get_by_label("核销单号").fill(number)
    page.get_by_role("button", name="开始查找").click()
    expect(rows(page)).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"number={number}"))
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("tab", name="出口报关单")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_contain_text("已签发")
    page.get_by_role("button", name="重签结汇联").click()
    expect(page.get_by_role("status").filter(has_text="重签结汇联成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).to_contain_text("重签 1 次")
    expect(page.get_by_role("table").last).to_contain_text("重签结汇联")  # the history
    assert form_of(demo, number)[1].fx_slip_count == 2


def test_release_without_javascript(no_js_page, live, demo):
    page = no_js_page
    declared = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.DECLARED)
    enter(page, live)
    menu(page, "报关单")
    page.get_by_role("button", name="全选").click()
    for number in declared:
        expect(page.get_by_label(f"标记 {number}")).to_be_checked()
    page.get_by_role("button", name="放行").click()
    expect(report(page).get_by_role("row").filter(has_text="放行成功")).to_have_count(len(declared))
    assert all(form_of(demo, n)[1].status == DeclarationStatus.RELEASED for n in declared)
    page.get_by_role("tab", name="已放行（待结关）").click()
    page.get_by_role("link", name=declared[0]).click()
    page.get_by_role("button", name="结关").click()
    expect(page.get_by_role("status").filter(has_text="结关成功")).to_be_visible()
    expect(page.get_by_role("button", name="签发结汇联")).to_be_visible()
    page.get_by_role("link", name="下一单").click()
    expect(page.get_by_role("heading", name=f"核销单 {declared[1]}")).to_be_visible()


def test_select_all_marks_the_page_shown_after_paging(page, live, demo):
    enter(page, live)
    menu(page, "报关单")
    page.get_by_role("tab", name="已签发结汇联").click()
    first_page = rows(page).locator("td[data-label=核销单号]").all_inner_texts()
    assert len(first_page) == 20
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"after="))
    expect(rows(page).first).not_to_contain_text(first_page[0])
    second_page = rows(page).locator("td[data-label=核销单号]").all_inner_texts()
    page.get_by_role("button", name="全选").click()
    for number in second_page:
        expect(page.get_by_label(f"标记 {number}")).to_be_checked()
    expect(page.get_by_label(f"标记 {first_page[0]}")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/declarations/slipped$"))
    expect(rows(page).first).to_contain_text(first_page[0])
