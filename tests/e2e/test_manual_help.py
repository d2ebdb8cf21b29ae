"""帮助 in the browser: the header's link opens the screen's section of the manual in its own page,
with its steps as a list, its figures' captions and the 常见问题 that arise on that screen."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.shots import shoot
from tests.e2e.steps import enter_fx, open_menu


def test_help_beside_the_register_screen(page, live):
    enter_fx(page, live)
    open_menu(page, "口岸备案")
    with page.context.expect_page() as opened:
        page.locator("header").get_by_role("link", name="帮助").click()
    help_page = opened.value
    expect(help_page.get_by_role("heading", name="5.1 口岸备案")).to_be_visible()
    expect(help_page.get_by_role("listitem").filter(has_text="点击左边“口岸备案”")).to_be_visible()
    expect(help_page.locator("p.figure").last).to_have_text("（图七）")
    help_page.get_by_role("link", name="10.2 备错口岸").click()
    expect(help_page.get_by_role("heading", name="10.2 备错口岸")).to_be_visible()
    expect(help_page.get_by_text("现象：由于操作失误或其它原因需要更改口岸。")).to_be_visible()
    help_page.goto(f"{live}/help/5.1?screen=enterprise.register_list")
    shoot(help_page, "help-5.1")
    expect(page.get_by_role("heading", name="口岸备案")).to_be_visible()  # the screen stays as it was


def test_help_without_javascript(no_js_page, live):
    no_js_page.goto(f"{live}/login")
    with no_js_page.context.expect_page() as opened:
        no_js_page.locator("header").get_by_role("link", name="帮助").click()
    expect(opened.value.get_by_role("heading", name="三、登录操作")).to_be_visible()


def test_help_of_a_customs_form_opened_from_its_list(page, live, demo):
    """A form opened from 撤销确认 (§10.2) or 补验 (§10.3) keeps its list's section, not §二 业务流程."""
    sign_in(page, live, "3300000000001")
    for menu, number, heading in [("撤销确认", "286000109", "10.2 备错口岸"), ("补验", "286000081", "10.3 核销单无法交单")]:
        page.goto(f"{live}/customs/")
        open_menu(page, menu)
        page.get_by_role("link", name=number).click()
        with page.context.expect_page() as opened:
            page.locator("header").get_by_role("link", name="帮助").click()
        expect(opened.value.get_by_role("heading", name=heading)).to_be_visible()
        opened.value.close()


def test_the_contents_lead_to_every_section(page, live):
    """/help/: the manual's 目录, each entry a link to its section, and back from there."""
    page.goto(f"{live}/help/")
    expect(page.get_by_role("heading", name="目录")).to_be_visible()
    expect(page.locator("ul.contents > li")).to_have_count(10)
    page.get_by_role("link", name="9.2 以发单日期查询").click()
    expect(page.get_by_role("heading", name="9.2 以发单日期查询")).to_be_visible()
    page.get_by_role("link", name="目录").click()
    page.get_by_role("link", name="十、常见问题解答").click()
    expect(page.get_by_role("heading", name="十、常见问题解答")).to_be_visible()
    expect(page.get_by_role("link", name="10.4 核销单已交单，但外汇管理局无数据无法核销")).to_be_visible()
