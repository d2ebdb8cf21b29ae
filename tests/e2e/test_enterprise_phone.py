"""Phone width (375 px): a batch list of 20 forms fits in about two screens, the action stays in reach
at the end of the list, and the 0-lookup of 关区 is no taller than one screen and searchable."""
from playwright.sync_api import expect

from tests.e2e.shots import shoot
from tests.e2e.steps import enter_fx, open_menu, rows

PHONE = {"width": 375, "height": 812}


def test_batch_submit_on_a_phone(page, live):
    page.set_viewport_size(PHONE)
    enter_fx(page, live)
    open_menu(page, "批量交单")
    expect(rows(page)).to_have_count(20)
    table = page.locator("#rows table").bounding_box()
    print("20 rows at 375 px:", table["height"], "px")
    assert table["height"] <= 2 * PHONE["height"], table  # about two screens for 20 forms
    rows(page).last.scroll_into_view_if_needed()
    button = page.get_by_role("button", name="交单", exact=True)
    box = button.bounding_box()  # after scrolling to the last form, the action is on screen
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    button.click(trial=True)
    shoot(page, "batch-submit")
    page.set_viewport_size(PHONE)


def test_port_lookup_on_a_phone(page, live):
    page.set_viewport_size(PHONE)
    enter_fx(page, live)
    page.goto(f"{live}/enterprise/batch-register?start=286000136&count=20")
    port = page.get_by_label("备案口岸")
    port.fill("0")
    port.press("Enter")
    picker = page.get_by_role("group", name="选择关区")
    expect(picker.get_by_role("button")).to_have_count(181)  # every port; not 0000 海关总署 nor offices such as 5326
    assert picker.bounding_box()["height"] <= PHONE["height"]
    port.fill("5300")
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("深圳海关")
    port.fill("深圳")
    port.press("Enter")
    expect(picker.get_by_role("button", name="5300 深圳海关")).to_be_visible()
    rows(page).last.scroll_into_view_if_needed()
    box = page.get_by_role("button", name="设置口岸").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
