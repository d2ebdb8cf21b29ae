"""What htmx swaps in is live at once: a refusal's form, clicked in the very next task after the swap,
is sent by htmx again (same page), not by the browser's own submit (a full page load). htmx binds new
content when it settles; the settle delay is 0 (base.html's htmx-config), so there is no moment in
which a fast second click or Enter would leave the page."""
from playwright.sync_api import expect

from tests.e2e.steps import open_admin, stays_on_page

CLICK_AFTER_SWAP = """() => document.body.addEventListener("htmx:afterSwap", () => setTimeout(
    () => document.querySelector("#enroll button[type=submit]").click(), 0), {once: true})"""


def test_a_click_right_after_a_swap_is_sent_by_htmx(page, live):
    open_admin(page, live, "入网")
    same_page = stays_on_page(page)
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(r.headers.get("hx-request")))
    page.evaluate(CLICK_AFTER_SWAP)
    page.get_by_label("企业名称").fill("广州市新天地贸易有限公司")
    page.get_by_label("海关编码").fill("440191007")
    page.get_by_label("法人卡持卡人").fill("王法人")
    page.get_by_label("操作员卡持卡人").fill("赵操作")
    answers = []
    with page.expect_response(lambda r: r.request.method == "POST" and len(answers.append(r) or answers) == 2) as second:
        page.get_by_role("button", name="入网").click()
    assert second.value.status == 422
    expect(page.get_by_role("alert")).to_have_text("海关编码应为 10 位数字")
    assert sent == ["true", "true"]
    assert same_page()
    expect(page.get_by_label("海关编码")).to_have_value("440191007")
