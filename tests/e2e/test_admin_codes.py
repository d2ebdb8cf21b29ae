"""数据中心 · 代码表 in the browser: the 关区 table searched and paged, the small tables, and a CSV
import that shows every row before anything is written."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import open_admin, settled

ADMIN = "9900000000001"


def open_codes(page, live):
    open_admin(page, live, "代码表")


def choose_file(page, table: str, data: bytes, name="codes.csv"):
    page.get_by_role("combobox", name="代码表").select_option(label=table)
    page.get_by_label("CSV 文件").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="上传预览").click()


def test_search_and_page_the_districts(page, live):
    open_codes(page, live)
    districts = page.get_by_role("table", name="关区代码")
    expect(districts.get_by_role("row")).to_have_count(21)
    expect(districts).to_contain_text("海关总署")
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"/admin/codes\?after=\d{4}&table=district$"))
    expect(districts).not_to_contain_text("海关总署")
    page.get_by_role("link", name="上一页").click()
    expect(districts).to_contain_text("海关总署")
    page.get_by_label("代码或名称").press_sequentially("拱北")  # active search: no button needed
    expect(districts.get_by_role("row").filter(has_text="5700")).to_contain_text("拱北关区")
    expect(districts).not_to_contain_text("海关总署")
    expect(page).to_have_url(re.compile(r"q=%E6%8B%B1%E5%8C%97"))
    page.get_by_label("代码或名称").fill("不存在的关区")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_text("没有符合条件的代码")).to_be_visible()


def test_the_small_tables(page, live):
    open_codes(page, live)
    tabs = page.get_by_role("navigation", name="代码表")
    for tab, code, name in [("币制", "502", "美元"), ("运输方式", "2", "水路运输"), ("贸易方式", "0110", "一般贸易"),
                            ("结汇方式", "2", "电汇"), ("成交方式", "3", "FOB"), ("国别（地区）", "110", "中国香港")]:
        tabs.get_by_role("link", name=tab).click()
        expect(tabs.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
        row = page.get_by_role("table", name=tab).get_by_role("row").filter(has_text=name)
        expect(row.get_by_role("cell").first).to_have_text(code)


def test_import_previews_every_row_then_writes_on_confirm(page, live):
    open_codes(page, live)
    choose_file(page, "币制", "code,name\n502,美元\n999,测试币\n110,港元\n".encode("utf-8"))
    preview = page.get_by_role("table", name="导入预览")
    expect(page.get_by_role("heading", name="导入预览：币制")).to_be_visible()
    expect(preview.get_by_role("row").filter(has_text="999")).to_contain_text("新增")
    expect(preview.get_by_role("row").filter(has_text="110")).to_contain_text("修改（原名称：港币）")
    expect(preview.get_by_role("row").filter(has_text="502")).to_contain_text("不变")
    page.get_by_role("navigation", name="代码表").get_by_role("link", name="币制").click()  # not written yet
    expect(page.get_by_role("table", name="币制")).not_to_contain_text("测试币")
    choose_file(page, "币制", "code,name\n502,美元\n999,测试币\n110,港元\n".encode("utf-8"))
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status")).to_have_text("导入成功。币制：新增 1，修改 1，不变 1")
    expect(page).to_have_url(f"{live}/admin/codes?table=currency")
    expect(page.get_by_role("table", name="币制")).to_contain_text("测试币")
    expect(page.get_by_role("table", name="币制")).to_contain_text("港元")


def test_a_file_with_bad_rows_imports_nothing(page, live):
    open_codes(page, live)
    choose_file(page, "关区代码", b"code,name\n9901,\xe6\x96\xb0\xe5\x85\xb3\xe5\x8c\xba\n57,short\n9902,\n")
    expect(page.get_by_role("alert")).to_contain_text("错误 2")
    preview = page.get_by_role("table", name="导入预览")
    expect(preview.get_by_role("row").filter(has_text="short")).to_contain_text("代码应为 4 位数字")
    expect(preview.get_by_role("row").filter(has_text="9902")).to_contain_text("名称不能为空")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)


def test_a_file_that_is_not_utf8(page, live):
    open_codes(page, live)
    choose_file(page, "关区代码", "代码,名称\n9901,新关区\n".encode("gbk"))
    expect(page.get_by_role("alert")).to_have_text("文件不是 UTF-8 编码，请用 UTF-8 编码另存为 CSV 后重新上传")
    page.get_by_role("button", name="上传预览").click()
    expect(page.get_by_role("alert")).to_contain_text("请选择要导入的 CSV 文件")


def test_import_without_javascript(no_js_page, live):
    page = no_js_page
    sign_in(page, live, ADMIN)
    page.goto(f"{live}/admin/codes?table=district")
    choose_file(page, "关区代码", "9901,新关区\n".encode("utf-8-sig"))
    expect(page.get_by_role("table", name="导入预览")).to_contain_text("新增")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status")).to_have_text("导入成功。关区代码：新增 1，修改 0，不变 0")
    settled(page)
    page.get_by_label("代码或名称").fill("9901")
    page.get_by_role("button", name="开始查找").click()
    expect(page.get_by_role("table", name="关区代码")).to_contain_text("新关区")
