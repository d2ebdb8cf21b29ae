"""§5.2 批量备案: a wrong 备案口岸 does nothing, so the marked forms stay marked on the same page (with
JavaScript on and off); the trainee corrects the code and presses 设置口岸 again."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, rows, settled, state_of


def wrong_port_then_right(page, live, demo, *, js: bool):
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/batch-register?start=286000150&count=30")
    page.get_by_role("button", name="全选").click()
    marked = page.get_by_role("checkbox", checked=True)
    expect(marked).to_have_count(20)
    if js:
        settled(page)
    page.get_by_label("备案口岸").fill("9999")
    page.get_by_role("button", name="设置口岸").click()
    expect(page.get_by_role("table", name="处理结果")).to_contain_text("关区代码 9999 不存在")
    expect(marked).to_have_count(20)  # nothing done: the marks stay
    expect(rows(page).first).to_contain_text("286000150")
    assert state_of(demo, "286000150") == "issued"
    if js:
        settled(page)
    page.get_by_label("备案口岸").fill("5700")
    page.get_by_role("button", name="设置口岸").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("设置成功")).to_have_count(20)
    assert state_of(demo, "286000169") == "registered"


def test_a_wrong_port_keeps_the_marks(page, live, demo):
    wrong_port_then_right(page, live, demo, js=True)


def test_a_wrong_port_keeps_the_marks_without_javascript(no_js_page, live, demo):
    wrong_port_then_right(no_js_page, live, demo, js=False)
