"""撤销确认 (manual §六, §10.2 from customs' side): 确认撤销 returns the form to 已发放 so that it can be
registered again; 驳回撤销 needs a reason and leaves it 已备案. With and without JavaScript."""
import pytest
from playwright.sync_api import expect

from db import workflow
from db.models import FormState
from tests.e2e.test_customs_verify import enter, menu
from tests.test_customs_workflow import form_of, forms_where


def test_confirm_revoke_then_the_form_can_be_registered_again(page, live, demo, actors):
    revoking = forms_where(demo, "5300", FormState.REVOKING)
    enter(page, live, "3300000000002")
    menu(page, "撤销确认")
    expect(page.locator("#rows tbody tr")).to_have_count(len(revoking))
    page.get_by_label(f"标记 {revoking[0]}").check()
    page.get_by_role("button", name="确认撤销").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text("确认撤销成功")
    expect(page.get_by_label(f"标记 {revoking[0]}")).to_have_count(0)
    form, _ = form_of(demo, revoking[0])
    assert (form.state, form.port_code) == (FormState.ISSUED, None)
    assert workflow.register_port(db=demo, actor=actors["A"], numbers=[revoking[0]], port="5700")[0].ok


def test_reject_revoke_with_a_reason(page, live, demo):
    number = forms_where(demo, "5300", FormState.REVOKING)[0]
    enter(page, live, "3300000000002")
    menu(page, "撤销确认")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("tabpanel")).to_contain_text("撤销中")
    page.get_by_role("button", name="驳回撤销").click()
    expect(page.get_by_text("请填写驳回原因")).to_be_visible()
    expect(page.get_by_label("驳回原因")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("驳回原因").fill("货物已在本关区申报出口")
    page.get_by_role("button", name="驳回撤销").click()
    expect(page.get_by_role("status").filter(has_text="已驳回撤销")).to_be_visible()
    expect(page.get_by_role("tabpanel").first).to_contain_text("已备案")
    expect(page.get_by_text("驳回原因：货物已在本关区申报出口")).to_be_visible()  # in the history
    expect(page.get_by_role("button", name="确认撤销")).to_have_count(0)
    page.reload()  # opened from 撤销确认, where it no longer belongs: the page says why
    expect(page.get_by_text("不能确认撤销：该核销单不在撤销中")).to_be_visible()
    assert form_of(demo, number)[0].state == FormState.REGISTERED


@pytest.mark.parametrize("browser_page", ["page", "no_js_page"])
def test_confirm_revoke_from_the_form_page_returns_to_the_list(request, browser_page, live, demo):
    page = request.getfixturevalue(browser_page)
    number = forms_where(demo, "5700", FormState.REVOKING)[0]
    enter(page, live)
    menu(page, "撤销确认")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="确认撤销").click()
    expect(page.get_by_role("heading", name="撤销确认")).to_be_visible()
    expect(page.get_by_role("status").first).to_have_text(f"核销单 {number}：确认撤销成功，已回到已发放，企业可重新备案")
    assert form_of(demo, number)[0].state == FormState.ISSUED
