"""The operator's dashboard: what waits (forms to register, revocations pending, forms ready to
submit, submissions the bureau has not received) and deadlines coming, each count a link to its list."""
import pytest
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, rows


@pytest.mark.parametrize("label, heading", [
    ("可备案的核销单", "口岸备案"),
    ("撤销备案待海关确认", "撤销备案待海关确认"),
    ("可交单的核销单", "企业交单"),
    ("交单超过 3 天外汇局未接收", "交单超过 3 天外汇局未接收"),
    ("备案 15 天内到期", "备案 15 天内到期（90 天使用期）"),
    ("交单 15 天内到期", "交单 15 天内到期（出口后 60 天）"),
])
def test_each_count_links_to_its_list(page, live, label, heading):
    enter_fx(page, live)
    link = page.get_by_role("region", name="待办事项").get_by_role("link").filter(has_text=label)
    count = int(link.locator("b").inner_text())
    assert count > 0
    link.click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(rows(page)).to_have_count(min(count, 20))
