"""练习 in the browser: a trainee logs in with one click, opens the screens (nothing turns done), does
§四 核销单申请 for 5 forms (that task turns done, for this trainee only); the trainer sees it."""
import re

import pytest
from playwright.sync_api import expect

from db import exercises, seed
from db.queries import Condition
from tests.conftest import actor_of
from tests.e2e.shots import shoot


@pytest.fixture
def app_config():
    return {"DEMO": True}


@pytest.fixture
def live_trainees(demo, live):
    seed.seed_trainees(demo, 2)
    return live


def test_two_trainees_progress_apart(page, browser, live_trainees):
    live = live_trainees
    page.goto(f"{live}/login")
    page.get_by_role("button", name="以 1200000001001 ").click()
    page.get_by_role("note").get_by_role("link", name="练习").click()
    expect(page.get_by_text("完成 0 / 12")).to_be_visible()
    page.get_by_role("link", name="核销单申请：申请 5 份核销单").click()
    expect(page.get_by_role("heading", name="核销单申请", exact=True)).to_be_visible()
    page.goto(f"{live}/exercises/")
    expect(page.get_by_text("完成 0 / 12")).to_be_visible()  # opening the screen did not count
    page.goto(f"{live}/enterprise/apply")
    page.get_by_label("份数").fill("5")
    page.get_by_role("button", name="申请").click()
    expect(page.get_by_role("status")).to_have_text("申请成功")
    page.goto(f"{live}/exercises/")
    expect(page.get_by_text("完成 1 / 12")).to_be_visible()
    expect(page.get_by_role("row", name="核销单申请")).to_contain_text("已完成")
    shoot(page, "exercises-mine")

    other = browser.new_context(locale="zh-CN").new_page()
    other.goto(f"{live}/login")
    other.get_by_role("button", name="以 1200000002001 ").click()
    other.goto(f"{live}/exercises/")
    expect(other.get_by_text("完成 0 / 12")).to_be_visible()
    other.context.close()

    trainer = browser.new_context(locale="zh-CN").new_page()
    trainer.goto(f"{live}/login")
    trainer.get_by_role("button", name="以 9900000000001 ").click()
    trainer.get_by_role("note").get_by_role("link", name="练习进度").click()
    expect(trainer.get_by_role("row", name="学员01（企业操作员）")).to_contain_text("1 / 12")
    expect(trainer.get_by_role("row", name="学员02（企业操作员）")).to_contain_text("0 / 12")
    shoot(trainer, "exercises-trainer")
    trainer.context.close()


def test_a_query_task_turns_done_by_running_the_query(page, live_trainees, demo):
    """§9.2: opening 组合查询 and setting the condition do not count; 开始查找 does, and stays done
    however many queries the trainee runs after it."""
    live = live_trainees
    page.goto(f"{live}/login")
    page.get_by_role("button", name="以 1200000001001 ").click()
    page.goto(f"{live}/exercises/")
    page.get_by_role("link", name="以发单日期查询：组合查询“发单日期”“以……开始”").click()
    expect(page.get_by_role("heading", name="组合查询")).to_be_visible()
    with page.expect_response(lambda response: "pick=1" in response.url):
        page.get_by_label("查询项目").select_option(label="发单日期")
    page.get_by_label("运算符").select_option(label="以……开始")
    page.get_by_label("值", exact=True).fill("200701")
    page.get_by_role("button", name="条件设定").click()
    expect(page.get_by_role("list", name="查询条件")).to_contain_text("发单日期 以……开始 200701")
    page.goto(f"{live}/exercises/")
    expect(page.get_by_role("row", name="以发单日期查询")).to_contain_text("未完成")  # not by visiting
    page.go_back()
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_role("region", name="查询结果").get_by_text(re.compile(r"^共 \d+ 条"))).to_be_visible()
    page.goto(f"{live}/exercises/")
    expect(page.get_by_role("row", name="以发单日期查询")).to_contain_text("已完成")
    expect(page.get_by_text("完成 1 / 12")).to_be_visible()
    card_id = actor_of(demo, "1200000001001").card_id
    for _ in range(exercises.KEEP_QUERIES + 1):  # more runs than the query log keeps, none of them §9.2
        exercises.record_query(demo, card_id=card_id, business="form", conditions=[Condition("number", "prefix", "28")])
    page.reload()
    expect(page.get_by_role("row", name="以发单日期查询")).to_contain_text("已完成")
    expect(page.get_by_text("完成 1 / 12")).to_be_visible()


def test_a_query_task_turns_done_without_javascript_and_no_get_counts(browser, live_trainees):
    """§9.1 with JavaScript off: 开始查找 is a POST (a GET never writes), then the result's own URL."""
    live = live_trainees
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live}/login")
    page.get_by_role("button", name="以 1200000002001 ").click()
    page.goto(f"{live}/query/?b=form&nf=number&no=eq&nv=286000001&add=1")
    expect(page.get_by_role("list", name="查询条件")).to_contain_text("核销单号 等于 286000001")
    page.goto(page.url + "&run=1")  # the result's URL opened by hand: a GET, not counted
    page.goto(f"{live}/exercises/")
    expect(page.get_by_role("row", name="指定核销单查询")).to_contain_text("未完成")
    page.go_back()
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_role("region", name="查询结果")).to_be_visible()
    assert "run=1" in page.url
    page.goto(f"{live}/exercises/")
    expect(page.get_by_role("row", name="指定核销单查询")).to_contain_text("已完成")
    context.close()
