"""The customs dashboard and 备案数据: each count links to its list and the list holds that many;
20 a page with 下一页 / 上一页 (the URL follows, Back works); 查找 one 核销单号."""
import re

import pytest
from playwright.sync_api import expect

from db.models import FormState
from tests.e2e.test_customs_verify import enter, menu
from tests.test_customs_workflow import forms_where

COUNTS = [
    ("已备案未使用的核销单", "备案数据", None),
    ("撤销备案待确认", "撤销确认", None),
    ("待放行的报关单", "报关单", "已申报（待放行）"),
    ("待结关的报关单", "报关单", "已放行（待结关）"),
    ("待签发结汇联", "报关单", "待签发结汇联"),
    ("货物已放行待补验", "补验", None),
    ("备案 15 天内到期", "备案即将到期", None),
]


@pytest.mark.parametrize("card_no", ["3300000000001", "3300000000002", "3300000000003"])
def test_every_dashboard_count_leads_to_a_list_that_long(page, live, card_no):
    enter(page, live, card_no)
    for label, heading, tab in COUNTS:
        menu(page, "首页")
        link = page.get_by_role("link", name=label)
        count = int(re.match(r"\d+", link.inner_text()).group())
        link.click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        if tab:
            expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        expect(page.locator("#rows tbody tr")).to_have_count(min(count, 20))


def test_registered_pages_forward_and_back(page, live, demo):
    registered = forms_where(demo, "5700", FormState.REGISTERED)
    assert len(registered) > 20
    enter(page, live)
    menu(page, "备案数据")
    rows = page.locator("#rows tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text(registered[0])
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(rf"after={registered[19]}"))
    expect(rows).to_have_count(len(registered) - 20)
    expect(rows.first).to_contain_text(registered[20])
    page.get_by_role("link", name="上一页").click()
    expect(rows.first).to_contain_text(registered[0])
    page.go_back()
    expect(rows.first).to_contain_text(registered[20])
    expect(page.locator("#rows")).to_have_count(1)  # swapped in place, never nested


def test_find_in_registered(page, live, demo):
    mine = forms_where(demo, "5700", FormState.REGISTERED)[-1]
    used = forms_where(demo, "5700", FormState.USED)[0]
    enter(page, live)
    menu(page, "备案数据")
    search = page.get_by_label("核销单号")
    search.fill(mine)
    page.get_by_role("button", name="开始查找").click()
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"number={mine}"))
    search.fill(used)
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text(f"核销单 {used}：海关使用状态为已用，不能重复验核")).to_be_visible()
    search.fill("28600")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("核销单号应为 9 位数字")).to_be_visible()
    search.fill("")
    page.get_by_role("button", name="开始查找").click()
    expect(page.locator("#rows tbody tr")).to_have_count(20)
