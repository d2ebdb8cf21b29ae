"""Manual §八 核销单挂失: 核销单起始号 + 核销单份数 → 核销单终止号; 确认 lists; 标记 / 全选; 挂失 →
row by row; the forms of the range that cannot be reported lost say why."""
from playwright.sync_api import expect

from tests.e2e.steps import enter_fx, open_menu, rows, state_of


def test_8_report_forms_lost(page, live, demo):
    enter_fx(page, live)
    open_menu(page, "核销单挂失")
    page.get_by_label("核销单起始号").fill("286000076")
    page.get_by_label("核销单份数").fill("14")
    expect(page.get_by_label("核销单终止号")).to_have_value("286000089")
    page.get_by_role("button", name="确认").click()
    expect(rows(page)).to_have_count(6)  # 076, 077, 081 (已备案) and 087..089 (已发放)
    reasons = page.get_by_role("region", name="不在列表中的核销单")
    expect(reasons).to_contain_text("该核销单撤销备案待海关确认，不能挂失")
    expect(reasons).to_contain_text("该核销单已挂失")
    page.get_by_role("checkbox", name="标记 286000088").check()
    page.get_by_role("checkbox", name="标记 286000089").check()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="挂失").click()
    report = page.get_by_role("table", name="处理结果")
    expect(report.get_by_text("挂失成功")).to_have_count(2)
    expect(rows(page)).to_have_count(4)
    assert asked == ["是否挂失所标记的核销单"]
    assert state_of(demo, "286000088") == "lost" and state_of(demo, "286000087") == "issued"


def test_8_report_lost_without_js(no_js_page, live, demo):
    page = no_js_page
    enter_fx(page, live)
    open_menu(page, "核销单挂失")
    page.get_by_label("核销单起始号").fill("286000150")
    page.get_by_label("核销单份数").fill("3")
    page.get_by_role("button", name="确认").click()
    page.get_by_role("button", name="全选").click()
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(3)
    page.get_by_role("button", name="挂失").click()
    expect(page.get_by_text("是否挂失所标记的核销单")).to_be_visible()
    expect(page.get_by_text("286000150、286000151、286000152")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("table", name="处理结果").get_by_text("挂失成功")).to_have_count(3)
    assert state_of(demo, "286000152") == "lost"
