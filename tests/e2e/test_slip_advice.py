"""§10.3 case 2: a form 已用 and 结关 whose 结汇联 never reached the system. The advice is the manual's,
whole: first the data centre's hotline, then the declaring customs re-issues the 结汇联（白联）; it
reads the same on 企业交单 and on the form's 出口报关单 (opened from 组合查询, as §10.3 says)."""
from playwright.sync_api import expect

from db.rules import SLIP_ADVICE
from tests.e2e.steps import enter_fx, open_menu

WORDS = "请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）"


def test_slip_advice_on_submit_and_on_the_form(page, live):
    assert SLIP_ADVICE == WORDS
    enter_fx(page, live)
    open_menu(page, "企业交单")
    page.get_by_label("核销单号").fill("286000049")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text(WORDS)).to_be_visible()
    page.goto(f"{live}/forms/286000049?tab=declaration")
    expect(page.get_by_role("tabpanel")).to_contain_text(f"未签发 {WORDS}（常见问题 10.3）")


def test_slip_advice_without_javascript(no_js_page, live):
    page = no_js_page
    enter_fx(page, live)
    page.goto(f"{live}/forms/286000049")
    page.get_by_role("tab", name="出口报关单").click()
    expect(page.get_by_role("tabpanel")).to_contain_text(WORDS)
