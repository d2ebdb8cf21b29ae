"""Customs and 组合查询 in English, in a real browser: the customs card presses the header's English,
报关验核 refuses an entry with its reasons in English on the same page and then records one; 备案数据
lists its forms; an enterprise card's 组合查询 (JavaScript on, and off) sets conditions, searches and
shows its rows with English headings. No Chinese is left outside the data (`lang="zh-CN"`)."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import settled
from tests.test_english import chinese_left


def in_english(page, live, card_no):
    """Log in (the login page is Chinese) and press the header's English: the card keeps it."""
    sign_in(page, live, card_no)
    expect(page.get_by_role("button", name="English")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def no_chinese_left(page):
    left = chinese_left(page.content())
    assert not left, f"{page.url}: Chinese left in English: {left[:20]}"


def test_customs_verify_and_registered_forms_in_english(page, live, demo):
    in_english(page, live, "3300000000001")
    page.goto(f"{live}/customs/verify")
    expect(page.get_by_role("heading", name="Declaration check", exact=True)).to_be_visible()
    expect(page.get_by_text("Click a Form No. to enter its export declaration")).to_be_visible()
    no_chinese_left(page)

    link = page.locator("#rows tbody tr").first.get_by_role("link")
    number = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", name=f"Declaration check · Form {number}")).to_be_visible()
    expect(page.get_by_text("Given by the system on verification").first).to_be_visible()
    no_chinese_left(page)

    # refused: nothing chosen and no goods; every reason in English, beside its field, on the same page
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Correct the")).to_contain_text("marked errors, then check again")
    expect(page.get_by_text("Enter at least one goods item")).to_be_visible()
    expect(page.get_by_text("Transport mode is required")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/customs/verify/{number}$"))
    no_chinese_left(page)

    # done: the codes keep their Chinese names (data); the goods are typed in the English labels' boxes
    page.get_by_label("Transport mode").select_option(label="2 水路运输")
    page.get_by_label("Trade mode").select_option(label="0110 一般贸易")
    page.get_by_label("Settlement method").select_option(label="2 电汇")
    page.get_by_label("Deal terms").select_option(label="3 FOB")
    page.get_by_label("Currency").select_option(label="502 美元")
    page.get_by_label("Destination country").select_option(label="502 美国")
    page.get_by_label("Destination port").fill("Los Angeles")
    for label, value in [("HS code", "6204430090"), ("Goods name", "Dresses"), ("Quantity", "1200"),
                         ("Unit", "pcs"), ("Unit price", "12.50")]:
        page.get_by_label(f"Item 1 {label}", exact=True).fill(value)
    page.get_by_role("button", name="Compute total").click()
    expect(page.locator("table.goods tfoot")).to_contain_text("15,000.00")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/customs/forms/{number}\?tab=declaration$"))
    expect(page.get_by_role("heading", name=f"Form {number}")).to_be_visible()
    expect(page.get_by_role("button", name="Release")).to_be_visible()  # the next step, in English
    no_chinese_left(page)

    page.goto(f"{live}/customs/registered")
    expect(page.get_by_role("heading", name="Registered forms")).to_be_visible()
    expect(page.get_by_text("Forms registered to this customs district")).to_be_visible()
    expect(page.locator("#rows tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name=number)).to_have_count(0)  # verified: no longer registered-unused
    expect(page.get_by_label("Form No.")).to_be_visible()  # the search box
    expect(page.locator("#rows thead")).to_contain_text("Form No.")
    no_chinese_left(page)


def choose_field(page, label: str, js: bool):
    """查询项目: its operators and value box come by htmx, or with 选定项目 without JavaScript."""
    field = page.get_by_label("Field")
    expect(field).to_be_enabled()  # no swap on its way
    if not js:
        field.select_option(label=label)
        page.get_by_role("button", name="Choose field").click()
        return
    settled(page)  # the screen just swapped in is bound by htmx, so the change asks for its operators
    with page.expect_response(lambda response: "pick=1" in response.url):
        field.select_option(label=label)
    expect(page.get_by_label("Field")).to_be_enabled()
    settled(page)


def combined_query(page, js: bool):
    """组合查询 in English: the forms issued in January 2007 (manual §9.2), then the declarations in 美元."""
    expect(page.get_by_label("Business")).to_have_value("form")  # the default business: 核销单
    choose_field(page, "Issue date", js)
    expect(page.get_by_label("Operator").get_by_role("option", name="Before")).to_be_attached()  # a date's
    page.get_by_label("Operator").select_option(label="Starts with")
    page.get_by_label("Value", exact=True).fill("200701")
    page.get_by_role("button", name="Set condition").click()
    conditions = page.get_by_role("list", name="Conditions")
    expect(conditions).to_contain_text("Issue date Starts with 200701")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"^\d+ found$"))
    expect(results.locator("#rows tbody tr").first).to_be_visible()
    no_chinese_left(page)

    page.get_by_label("Business").select_option(label="Declarations")
    if not js:
        page.get_by_role("button", name="Choose business").click()
    expect(page.get_by_text("No conditions set: Search lists them all")).to_be_visible()
    choose_field(page, "Currency", js)
    expect(page.get_by_label("Value", exact=True)).to_have_js_property("tagName", "SELECT")  # a code's list
    page.get_by_label("Operator").select_option(label="Equal to")
    page.get_by_label("Value", exact=True).select_option(label="502 美元")
    page.get_by_role("button", name="Set condition").click()
    expect(conditions).to_contain_text("Currency Equal to 502")
    expect(conditions.locator('[lang="zh-CN"]')).to_have_text("美元")  # the code's name is data
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("status")).to_have_text(re.compile(r"^\d+ found$"))
    head = results.locator("#rows thead")
    for heading in ("Declaration No.", "Form No.", "Port of export", "Export date", "Trade mode", "Total value",
                    "Declaration status", "Settlement copy"):
        expect(head).to_contain_text(heading)
    expect(results.locator("#rows tbody tr").first).to_be_visible()
    no_chinese_left(page)


def test_combined_query_in_english(browser, live, demo):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    in_english(page, live, "1100000000001")
    page.goto(f"{live}/query/")
    expect(page.get_by_role("heading", name="Combined query")).to_be_visible()
    no_chinese_left(page)
    # a wrong value: refused beside the editor, in English
    page.get_by_label("Value", exact=True).fill("28600A")
    page.get_by_role("button", name="Set condition").click()
    expect(page.locator("#q-note")).to_have_text("Form No. can only be digits")
    page.get_by_label("Value", exact=True).fill("")
    combined_query(page, js=True)
    context.close()


def test_combined_query_in_english_without_javascript(no_js_page, live, demo):
    in_english(no_js_page, live, "2200000000001")
    no_js_page.goto(f"{live}/query/")
    expect(no_js_page.get_by_role("heading", name="Combined query")).to_be_visible()
    combined_query(no_js_page, js=False)
