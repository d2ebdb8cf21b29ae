"""Keyboard alone (Tab, Shift+Tab, Space, Enter and typing), JavaScript on: §5.2 批量备案 from the login
page to the 处理结果, and after every htmx swap the focus is on the new content or where it was, never
back at the page's top."""
from playwright.sync_api import expect

from tests.e2e.steps import rows, state_of


def focused(locator) -> bool:
    return locator.evaluate("e => e === document.activeElement")


def tab_to(page, locator, *, back: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab going back) until the locator has the focus."""
    for _ in range(limit):
        if focused(locator):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {locator}")


def focus_is_not_at_the_top(page):
    assert page.evaluate("document.activeElement !== document.body && document.activeElement !== null")


def test_5_2_batch_register_with_the_keyboard_alone(page, live, demo):
    page.goto(f"{live}/login")
    expect(page.get_by_label("IC卡号")).to_be_focused()  # autofocus
    page.keyboard.type("1100000000001")
    page.keyboard.press("Tab")
    page.keyboard.type("88888888")
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text("1100000000001")
    page.goto(f"{live}/enterprise/")
    tab_to(page, page.get_by_role("link", name="批量备案", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="批量备案")).to_be_visible()

    tab_to(page, page.get_by_label("核销单起始号"))
    page.keyboard.type("286000140")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Enter")  # 确认: lists the range
    expect(rows(page)).to_have_count(5)
    expect(page.get_by_label("核销单份数")).to_be_focused()  # stayed where it was

    tab_to(page, page.get_by_label("备案口岸"))
    page.keyboard.type("5700")
    page.keyboard.press("Enter")  # 查询: the name of the 关区
    expect(page.locator("#port-name")).to_have_text("拱北关区")
    expect(page.get_by_label("备案口岸")).to_be_focused()

    tab_to(page, page.get_by_role("button", name="全选"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(5)
    expect(page.get_by_role("button", name="全选")).to_be_focused()  # the swapped button keeps the focus

    tab_to(page, page.get_by_role("checkbox", name="标记 286000144"))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(4)
    tab_to(page, page.get_by_role("button", name="设置口岸"), back=True)
    page.keyboard.press("Enter")
    report = page.get_by_role("table", name="处理结果")
    expect(report.get_by_text("设置成功")).to_have_count(4)
    expect(report).to_be_focused()  # the answer is where the focus lands
    assert [state_of(demo, f"28600014{i}") for i in range(5)] == ["registered"] * 4 + ["issued"]


def test_paging_keeps_the_focus_on_the_pager(page, live):
    page.goto(f"{live}/login")
    expect(page.get_by_label("IC卡号")).to_be_focused()  # the page puts the keyboard in the card's field
    page.keyboard.type("1100000000001")
    page.keyboard.press("Tab")
    page.keyboard.type("88888888")
    page.keyboard.press("Enter")
    expect(page.locator("header")).to_contain_text("1100000000001")
    page.goto(f"{live}/enterprise/batch-register?start=286000136&count=30")
    expect(rows(page)).to_have_count(20)
    tab_to(page, page.get_by_role("link", name="下一页"))
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(10)
    expect(page.get_by_role("link", name="上一页")).to_be_focused()  # 下一页 is gone: its partner has it
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(20)
    expect(page.get_by_role("link", name="下一页")).to_be_focused()
    focus_is_not_at_the_top(page)
