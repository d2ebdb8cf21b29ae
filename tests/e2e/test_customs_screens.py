"""Every customs screen, at a desktop and a phone width: it shows what it is for, nothing spills
sideways on a 390 px screen. With EPORTFX_SHOTS=<dir> each screen is also saved as a PNG there."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

SHOTS = os.environ.get("EPORTFX_SHOTS")

SCREENS = [
    ("home", "/customs/", "出口收汇 · 海关"),
    ("registered", "/customs/registered", "备案数据"),
    ("expiring", "/customs/registered/expiring", "备案即将到期"),
    ("verify-list", "/customs/verify", "报关验核"),
    ("declarations", "/customs/declarations", "报关单"),
    ("to-close", "/customs/declarations/released", "报关单"),
    ("to-slip", "/customs/declarations/closed", "报关单"),
    ("slipped", "/customs/declarations/slipped", "报关单"),
    ("revocations", "/customs/revocations", "撤销确认"),
    ("supplements", "/customs/supplements", "补验"),
]


def first_number(page, live, path):
    page.goto(f"{live}{path}")
    return page.locator("#rows tbody tr").first.get_by_role("link").first.inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_every_customs_screen_fits(page, live, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live, "3300000000001")
    screens = list(SCREENS)
    screens.append(("verify-entry", f"/customs/verify/{first_number(page, live, '/customs/verify')}", "报关验核 · 核销单"))
    screens.append(("form-slipped", f"/customs/forms/{first_number(page, live, '/customs/declarations/slipped')}"
                    "?via=slipped&tab=declaration", "核销单"))
    revoking = first_number(page, live, "/customs/revocations")
    screens.append(("form-revoking", f"/customs/forms/{revoking}?via=revocations", "核销单"))
    for name, path, heading in screens:
        page.goto(f"{live}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check(page, name, width)


def save(page, name: str, chunk: int = 1000):
    """The whole page, in pieces a screen high so that a narrow page stays legible."""
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    for i, top in enumerate(range(0, height, chunk)):
        page.screenshot(path=f"{SHOTS}/{name}-{i}.png", full_page=True,
                        clip={"x": 0, "y": top, "width": width, "height": min(chunk, height - top)})


@pytest.mark.parametrize("width", [1280, 390])
def test_customs_screens_with_messages_fit(page, live, width):
    """The same screens carrying what they say back: field errors, a row-by-row report, a refusal."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live, "3300000000001")
    page.goto(f"{live}/customs/verify/{first_number(page, live, '/customs/verify')}")
    page.get_by_label("币制").select_option(label="502 美元")
    page.get_by_label("出口日期").fill("20991231")
    page.get_by_label("第 1 项 商品编号").fill("6204430090")
    page.get_by_label("第 1 项 数量").fill("很多")
    page.get_by_role("button", name="验核", exact=True).click()
    expect(page.get_by_text("第 1 项：请填写商品名称（100 字以内）")).to_be_visible()
    check(page, "verify-errors", width)
    page.goto(f"{live}/customs/declarations/slipped")
    page.get_by_role("button", name="全选").click()
    expect(page.locator("#rows input[type=checkbox]").first).to_be_checked()
    page.get_by_role("button", name="重签结汇联").click()
    expect(page.get_by_role("table", name="处理结果")).to_be_visible()
    check(page, "slipped-report", width)
    page.goto(f"{live}/customs/forms/{first_number(page, live, '/customs/revocations')}?via=revocations")
    page.get_by_role("button", name="驳回撤销").click()
    expect(page.get_by_text("请填写驳回原因")).to_be_visible()
    check(page, "reject-error", width)


def check(page, name: str, width: int):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} spills {overflow}px sideways at {width}px"
    if SHOTS:
        save(page, f"{name}-{width}")
