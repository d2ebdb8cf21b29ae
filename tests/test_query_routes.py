"""组合查询 routes with the test client: full pages, htmx fragments, history restores, Vary; the query
in the URL; the detail with 上一单/下一单; CSV export; bad input (never a 500); scope by card."""
import csv
import io
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from db import queries
from db.queries import Condition
from tests.conftest import login
from tests.helpers import HX, RESTORE

JANUARY_2007 = [Condition("issued_on", "prefix", "200701")]


@pytest.fixture(autouse=True)
def _close_database(request):
    used = [request.getfixturevalue("demo")] if "demo" in request.fixturenames else []
    yield
    for database in used:
        database.dispose()


def url(conditions=(), business="form", **extra):
    return "/query/?" + urlencode([("b", business), *queries.encode(conditions), *extra.items()])


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def a(client):
    return login(client, "1100000000001")


def test_the_screen_as_a_page_a_fragment_and_a_history_restore(a):
    page = a.get("/query/")
    assert page.status_code == 200 and "Vary" in page.headers and "HX-Request" in page.headers["Vary"]
    body = text(page)
    assert "<h1>组合查询</h1>" in body and "选择业务" in body and "定义多重条件" in body and "<html" in body
    assert "开始查找" in body and "条件设定" in body and "核销单号" in body
    fragment = text(a.get("/query/?b=declaration", headers=HX))
    assert "<html" not in fragment and 'id="screen"' in fragment and "统一编号" in fragment
    assert "<html" in text(a.get("/query/?b=declaration", headers=RESTORE))


def test_add_a_condition_without_javascript_moves_to_its_url(a):
    response = a.get("/query/?b=form&nf=issued_on&no=prefix&nv=200701&add=1")
    assert response.status_code == 303
    target = response.headers["Location"]
    assert parse_qs(urlsplit(target).query) == {"b": ["form"], "f": ["issued_on"], "o": ["prefix"],
                                                "v": ["200701"], "j": ["and"]}
    assert "发单日期 以……开始 200701" in text(a.get(target))


def test_add_a_condition_with_htmx_swaps_the_conditions_and_pushes_the_url(a):
    response = a.get(url(JANUARY_2007) + "&nf=port_code&no=eq&nv=5300&nj=or&add=1", headers=HX)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert body.lstrip().startswith('<div id="conditions">') and "<html" not in body
    assert "使用口岸 等于 5300 深圳海关" in body and '<li class="or">或者</li>' in body
    pushed = parse_qs(urlsplit(response.headers["HX-Push-Url"]).query)
    assert pushed["f"] == ["issued_on", "port_code"] and pushed["j"] == ["and", "or"]


def test_a_wrong_condition_is_explained_beside_the_editor_and_not_added(a):
    for headers in ({}, HX):
        response = a.get(url(JANUARY_2007) + "&nf=issued_on&no=between&nv=200701&nw=&add=1", headers=headers)
        assert response.status_code == 422
        body = text(response)
        assert "介于需要填写两个值" in body and 'aria-invalid="true"' in body
        assert body.count('name="f"') == 1  # the list still holds the one good condition


def test_remove_a_condition(a):
    conditions = JANUARY_2007 + [Condition("number", "eq", "286000003", join="or")]
    response = a.get(url(conditions) + "&remove=0")
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["Location"]).query)["f"] == ["number"]
    fragment = a.get(url(conditions) + "&remove=1", headers=HX)
    assert "核销单号 等于" not in text(fragment) and "发单日期 以……开始 200701" in text(fragment)
    assert a.get(url(conditions) + "&remove=x9").status_code == 303  # nonsense removes nothing


def test_pick_a_field_shows_its_operators(a):
    body = text(a.get("/query/?b=form&nf=issued_on&pick=1", headers=HX))
    assert ">早于<" in body and ">介于<" in body and ">包含<" not in body and "至（介于）" in body
    body = text(a.get("/query/?b=form&nf=customs_use&pick=1"))
    assert "<html" in body and '<option value="已用" >已用</option>' in body
    body = text(a.get("/query/?b=declaration&nf=currency&pick=1", headers=HX))
    assert "502 美元" in body  # a code field shows each code's name


def test_another_business_starts_afresh(a):
    body = text(a.get(url(JANUARY_2007, "declaration") + "&qb=form&pick=1"))
    assert "发单日期 以……开始" not in body and "尚未设定条件" in body


def test_run_shows_the_count_the_rows_and_export(a):
    response = a.get(url(JANUARY_2007, run=1))
    body = text(response)
    assert response.status_code == 200 and "共 10 条" in body and body.count('href="/query/forms/2860000') == 10
    assert 'href="/query/export.csv?' in body
    fragment = a.get(url(JANUARY_2007, run=1), headers=HX)
    assert text(fragment).lstrip().startswith('<div id="results"') and "共 10 条" in text(fragment)
    assert "run=1" in fragment.headers["HX-Push-Url"]


def test_pages_and_the_rows_fragment(a):
    many = [Condition("customs_use", "eq", "未用")]
    first = text(a.get(url(many, run=1)))
    assert "下一页" in first and "上一页" not in first
    next_href = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    after = parse_qs(urlsplit(next_href).query)["after"][0]
    rows = a.get(url(many, run=1, after=after), headers=HX)
    body = text(rows)
    assert body.lstrip().startswith('<div id="rows">') and "上一页" in body and "共" not in body


def test_nothing_found(a):
    body = text(a.get(url([Condition("number", "eq", "999999999")], run=1)))
    assert "共 0 条" in body and "没有符合条件的核销单" in body and "导出" not in body


def test_declarations(a):
    body = text(a.get(url([Condition("currency", "eq", "502")], "declaration", run=1)))
    assert "报关单号" in body and ">美元</td>" in body and 'href="/query/declarations/' in body


def test_detail_walks_the_result_in_order(a):
    query = urlencode([("b", "form"), *queries.encode(JANUARY_2007)])
    body = text(a.get(f"/query/forms/286000003?{query}"))
    assert "核销单 286000003" in body and "出口核销单" in body and "出口报关单" in body and "操作记录" in body
    assert f'href="/query/forms/286000002?{query}" rel="prev">上一单' in body.replace("&amp;", "&")
    assert f'href="/query/forms/286000004?{query}" rel="next">下一单' in body.replace("&amp;", "&")
    last = text(a.get(f"/query/forms/286000010?{query}"))
    assert "<button class=\"plain\" type=\"button\" disabled>下一单</button>" in last
    tab = a.get(f"/query/forms/286000003?{query}&tab=declaration", headers=HX)
    assert "<html" not in text(tab) and "报关单号" in text(tab) and "Vary" in tab.headers
    keeps_tab = text(a.get(f"/query/forms/286000003?{query}&tab=declaration")).replace("&amp;", "&")
    assert f"/query/forms/286000004?{query}&tab=declaration" in keeps_tab


def test_declaration_detail(a, demo):
    from sqlmodel import select

    from db.models import Declaration
    with demo.session() as session:
        numbers = list(session.exec(select(Declaration.number).where(Declaration.currency == "502")
                                    .where(Declaration.enterprise_id == 1).order_by(Declaration.number).limit(2)).all())
    query = urlencode([("b", "declaration"), *queries.encode([Condition("currency", "eq", "502")])])
    body = text(a.get(f"/query/declarations/{numbers[0]}?{query}")).replace("&amp;", "&")
    assert numbers[0] in body and 'aria-selected="true">出口报关单' in body
    assert f"/query/declarations/{numbers[1]}?{query}" in body
    assert a.get("/query/declarations/000000000000000000").status_code == 404


def test_export_is_excel_ready_csv(a):
    response = a.get("/query/export.csv?" + urlencode([("b", "form"), *queries.encode(JANUARY_2007)]))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["核销单号", "经营单位", "海关编码", "发单日期"] and len(rows) == 11
    assert rows[1][0] == "286000001" and rows[1][4:6] == ["5300", "深圳海关"] and rows[1][-1].startswith("\t5300")


def test_export_of_declarations_and_of_a_wrong_query(a):
    response = a.get("/query/export.csv?b=declaration")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "报关单号" and len(rows) > 10
    bad = a.get("/query/export.csv?b=form&f=issued_on&o=prefix&v=200713")
    assert bad.status_code == 422 and "不是日期或日期的开头" in text(bad)


BAD = [
    ([("f", "colour"), ("o", "eq"), ("v", "red")], "没有这个查询项目"),
    ([("f", "number"), ("o", "like"), ("v", "1")], "没有这个比较方式"),
    ([("f", "issued_on"), ("o", "eq"), ("v", "2007-13-45")], "不是 YYYYMMDD 格式的日期"),
    ([("f", "issued_on"), ("o", "between"), ("v", "200701"), ("w", "")], "介于需要填写两个值"),
    ([("f", "number"), ("o", "eq"), ("v", "9" * 10_000)], "值不能超过 100 个字"),
    ([("f", "number"), ("o", "eq"), ("v", "1' OR '1'='1")], "核销单号只能是数字"),
    ([("f", "number"), ("o", "eq"), ("v", "1"), ("j", "; DROP TABLE form")], "条件之间只能用"),
    ([("f", "number"), ("o", "prefix"), ("v", "286")] * 40, "条件最多 10 个"),
]


@pytest.mark.parametrize("pairs, message", BAD)
@pytest.mark.parametrize("headers", [{}, HX])
def test_bad_input_is_a_chinese_message_never_a_500(a, pairs, message, headers):
    query = urlencode([("b", "form"), *pairs])
    for path in (f"/query/?{query}", f"/query/?{query}&run=1", f"/query/export.csv?{query}",
                 f"/query/forms/286000001?{query}"):
        response = a.get(path, headers=headers)
        assert response.status_code in (200, 422), (path, response.status_code)
        if "forms/" not in path:
            assert message in text(response), path


@pytest.mark.parametrize("editor", [
    {"nf": "issued_on", "no": "before", "nv": "20070231"},
    {"nf": "number", "no": "eq", "nv": "x" * 10_000},
    {"nf": "number", "no": "eq", "nv": "'; DELETE FROM form; --"},
    {"nf": "nothing", "no": "eq", "nv": "1"},
    {"nf": "number", "no": "sql", "nv": "1"},
])
def test_bad_editor_input(a, editor):
    response = a.get("/query/?" + urlencode({"b": "form", **editor, "add": "1"}), headers=HX)
    assert response.status_code == 422 and 'role="alert"' in text(response)


def test_an_eleventh_condition_is_refused(a):
    ten = [Condition("number", "prefix", "286")] * 10
    response = a.get(url(ten) + "&nf=number&no=eq&nv=1&add=1")
    assert response.status_code == 422 and "条件最多 10 个，请删除一些条件" in text(response)


@pytest.mark.parametrize("after", ["abc", "1" * 50, "-1"])
def test_junk_paging_keys_are_ignored(a, after):
    response = a.get(url(JANUARY_2007, run=1, after=after))
    assert response.status_code == 200 and "共 10 条" in text(response)


@pytest.mark.parametrize("pairs", [[("v", "1\x00")], [("after", "\x00")]])
def test_a_nul_byte_is_refused_whole_with_a_chinese_page(a, pairs):
    response = a.get(f"/query/?{urlencode([('b', 'form'), ('f', 'number'), ('o', 'eq'), *pairs])}&run=1")
    assert response.status_code == 400 and "请求有误" in text(response)


def test_an_enterprise_never_sees_another_enterprises_forms(client):
    b = login(client, "1100000000003")
    body = text(b.get(url([Condition("number", "eq", "286000001")], run=1)))
    assert "共 0 条" in body
    assert b.get("/query/forms/286000001").status_code == 404
    assert b.get("/query/?b=form&f=customs_code&o=eq&v=4403910001&run=1").status_code == 422
    rows = list(csv.reader(io.StringIO(b.get("/query/export.csv?b=form").get_data().decode("utf-8-sig"))))
    assert rows[1:] and all(row[2] == "4404910002" for row in rows[1:])


def test_officers_see_everyone_and_customs_its_district(client):
    bureau = login(client, "2200000000001")
    body = text(bureau.get(url([Condition("customs_code", "eq", "4404910002")], run=1)))
    assert "珠海市拱北贸易有限公司" in body and "经营单位" in body
    client.post("/logout", data={"csrf_token": client.csrf})
    customs = login(client, "3300000000002")
    rows = list(csv.reader(io.StringIO(customs.get("/query/export.csv?b=form").get_data().decode("utf-8-sig"))))
    assert rows[1:] and {row[4] for row in rows[1:]} == {"5300", "5301"}  # 深圳海关 and its 皇岗海关


def test_who_may_enter(client):
    assert client.get("/query/").status_code == 302  # to the login page
    login(client, "1100000000004")  # 出口收汇 permission expired
    assert client.get("/query/").status_code == 403


# ── what was typed is never dropped; 返回列表 returns to the page the form was opened from ───────

def test_a_value_typed_without_setting_it_becomes_a_condition(a):
    typed = url(JANUARY_2007, nf="number", no="prefix", nv="28600000", run=1)
    response = a.get(typed)
    wanted = [*JANUARY_2007, Condition("number", "prefix", "28600000")]
    assert response.status_code == 303
    location = response.headers["Location"]
    assert queries.decode(parse_qs_multi(location)) == wanted and "run=1" in location
    swapped = a.get(typed, headers=HX)
    assert swapped.status_code == 204 and swapped.headers["HX-Redirect"] == location
    body = text(a.get(location))
    assert "共 9 条" in body  # 286000001 … 286000009 of January 2007


def parse_qs_multi(location):
    from werkzeug.datastructures import MultiDict

    return MultiDict([(k, v) for k, vs in parse_qs(urlsplit(location).query, keep_blank_values=True).items()
                      for v in vs])


def test_a_wrong_value_typed_without_setting_it_is_said_not_set(a):
    response = a.get(url(JANUARY_2007, nf="number", no="eq", nv="12ab", run=1), headers=HX)
    body = text(response)
    assert response.status_code == 422 and "所填的值“12ab”未设为条件" in body and "共 " not in body
    page = text(a.get(url(JANUARY_2007, nf="number", no="eq", nv="12ab", run=1)))
    assert 'value="12ab"' in page and "未设为条件" in page


def test_a_choice_left_in_the_editor_is_not_a_condition(a):
    body = text(a.get(url(JANUARY_2007, nf="customs_use", no="eq", nv="未用", run=1)))
    assert "共 10 条" in body


def test_back_to_the_list_returns_to_the_page_it_came_from(a):
    many = [Condition("customs_use", "eq", "未用")]
    first = text(a.get(url(many, run=1)))
    next_href = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    after = parse_qs(urlsplit(next_href).query)["after"][0]
    second = text(a.get(url(many, run=1, after=after))).replace("&amp;", "&")
    link = second.split('<td data-label="核销单号"><a href="')[1].split('"')[0]
    assert f"after={after}" in link
    detail = text(a.get(link)).replace("&amp;", "&")
    back = detail.split('">返回列表')[0].rsplit('href="', 1)[1]
    assert f"after={after}" in back and "run=1" in back
    following = detail.split('" rel="next">下一单')[0].rsplit('href="', 1)[1]
    assert f"after={after}" in following
