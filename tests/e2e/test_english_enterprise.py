"""The enterprise operator's main flow in English (the header's English button): 核销单申请, 口岸备案 (a
code that is no port refused on the same page, then a port set), 批量备案 with 全选 and 设置口岸, 企业交单;
each screen's own words English, with JavaScript on, and 口岸备案 with it off. The screens are reached
by their addresses: the left menu's words are the header's and menu's, checked by their own tests."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import rows, settled, state_of
from tests.test_english import chinese_left


def in_english(page, live):
    sign_in(page, live, "1100000000001")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def no_chinese(page, *where: str):
    """The screen (right of the menu) has no Chinese outside its data (names, marked lang="zh-CN"); on a
    form's page its action area and on a list its search and toolbar (the rows and the tabs are the
    forms' own, tested with them)."""
    for part in where or ("section.content",):
        left = chinese_left(page.locator(part).inner_html())
        assert not left, (part, left)


def test_enterprise_flow_in_english(page, live, demo):
    in_english(page, live)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    page.goto(f"{live}/enterprise/apply")  # 核销单申请
    expect(page.get_by_role("heading", name="Apply for forms", exact=True)).to_be_visible()
    page.get_by_label("Number of forms").fill("0")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("The number of forms must be a whole number from 1 to 100")
    settled(page)
    page.get_by_label("Number of forms").fill("5")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Applied")
    expect(page.get_by_role("table").locator("tbody tr").first).to_contain_text("Applied for")
    no_chinese(page)

    page.goto(f"{live}/enterprise/register")  # 口岸备案
    page.get_by_label("Form No.").fill("286000053")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("The form is already registered; to change the port, revoke the registration first")
           ).to_be_visible()
    page.get_by_label("Form No.").fill("286000087")
    page.get_by_role("button", name="Search").click()
    expect(rows(page)).to_have_count(1)
    page.get_by_role("link", name="286000087").click()
    expect(page.get_by_role("heading", name="Port registration · Form 286000087")).to_be_visible()
    port = page.get_by_label("Port of use")
    port.fill("0000")  # 海关总署: a known code, but no port
    port.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("District code 0000 is not a port")
    expect(page.get_by_role("alert")).to_contain_text("clears no goods")
    settled(page)
    no_chinese(page, "#act")
    port.fill("5700")
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    expect(page.locator("#port-name")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Port set")).to_be_visible()
    no_chinese(page, "#act", "#messages")
    assert asked == ["Register the form?"] and state_of(demo, "286000087") == "registered"
    expect(page.locator("#new-status")).to_contain_text("Registration Registered")

    page.goto(f"{live}/enterprise/batch-register")  # 批量备案
    page.get_by_label("First Form No.").fill("286000136")
    page.get_by_label("Number of forms").fill("5")
    expect(page.get_by_label("Last Form No.")).to_have_value("286000140")
    page.get_by_role("button", name="Confirm").click()
    expect(rows(page)).to_have_count(5)
    page.get_by_role("button", name="Select all").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(5)
    port = page.get_by_label("Registration port")
    port.fill("5300")
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("深圳海关")
    no_chinese(page, "h1", "form[role=search]", "#batch .toolbar")
    page.get_by_role("button", name="Set port").click()
    expect(page.get_by_role("table", name="Results").get_by_text("Port set")).to_have_count(5)
    assert [state_of(demo, f"28600013{i}") for i in range(6, 10)] == ["registered"] * 4

    page.goto(f"{live}/enterprise/submit")  # 企业交单
    page.get_by_label("Form No.").fill("286000049")  # §10.3: 已用, but no 结汇联 reached the system
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Call the hotline 010-65195656")).to_be_visible()
    page.get_by_label("Form No.").fill("286000011")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="286000011").click()
    expect(page.get_by_role("heading", name="Submit forms · Form 286000011")).to_be_visible()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    no_chinese(page, "#act")
    assert asked[-1] == "Submit the form?" and state_of(demo, "286000011") == "submitted"


def test_port_registration_in_english_without_js(no_js_page, live, demo):
    page = no_js_page
    in_english(page, live)
    page.goto(f"{live}/enterprise/register/286000088")
    port = page.get_by_label("Port of use")
    port.fill("0000")
    port.press("Enter")  # the lookup is a submit: the page comes back with the refusal
    expect(page.get_by_role("alert")).to_contain_text("District code 0000 is not a port")
    settled(page)
    port = page.get_by_label("Port of use")
    port.fill("5700")
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Register the form?")).to_be_visible()  # the confirmation is a page
    no_chinese(page)
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_text("Port set")).to_be_visible()
    assert state_of(demo, "286000088") == "registered"
