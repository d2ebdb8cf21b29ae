"""补验 (manual §10.3 case 1): goods released but the form still shows 未用; customs 补验 makes it 已用."""
from playwright.sync_api import expect

from db.models import FormState
from tests.e2e.test_customs_verify import enter
from tests.test_customs_workflow import form_of, forms_where


def test_supplement_from_the_dashboard(page, live, demo):
    number = forms_where(demo, "5700", FormState.REGISTERED, verified=False)[0]
    enter(page, live)
    page.get_by_role("link", name="货物已放行待补验").click()
    expect(page.get_by_role("heading", name="补验")).to_be_visible()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("tabpanel")).to_contain_text("未用")
    page.get_by_role("tab", name="出口报关单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("核销回执未上传，待补验")
    page.get_by_role("button", name="补验").click()
    expect(page.get_by_role("status").filter(has_text="补验成功")).to_be_visible()
    expect(page.get_by_role("tabpanel")).not_to_contain_text("待补验")
    page.get_by_role("tab", name="出口核销单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("已用")
    assert form_of(demo, number)[0].state == FormState.USED


def test_supplement_marked_rows_without_javascript(no_js_page, live, demo):
    page = no_js_page
    number = forms_where(demo, "5700", FormState.REGISTERED, verified=False)[0]
    enter(page, live)
    page.get_by_role("navigation", name="出口收汇菜单").get_by_role("link", name="补验").click()
    page.get_by_role("button", name="补验").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text("请先标记核销单")
    page.get_by_label(f"标记 {number}").check()
    page.get_by_role("button", name="补验").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text("补验成功")
    expect(page.get_by_text("没有符合条件的核销单")).to_be_visible()
    assert form_of(demo, number)[0].state == FormState.USED
