"""The operator's screens through the test client: fragment or page, bad input, other enterprises'
numbers, double submission. (The browser flows are in tests/e2e/test_manual_0*.py.)"""
import re

import pytest
from sqlmodel import func, select

from db.models import AuditEvent, Form, FormApplication
from tests.conftest import login
from tests.helpers import HX, RESTORE

A, B = "1100000000001", "1100000000003"

# (url, an id only the fragment and the page both carry) for every route that answers htmx with a fragment
FRAGMENT_GETS = [
    ("/enterprise/register", 'id="rows"'),
    ("/enterprise/register?number=286000087", 'id="rows"'),
    ("/enterprise/register?after=286000151", 'id="rows"'),
    ("/enterprise/revoke", 'id="rows"'),
    ("/enterprise/submit", 'id="rows"'),
    ("/enterprise/unreceived", 'id="rows"'),
    ("/enterprise/register-deadlines", 'id="rows"'),
    ("/enterprise/submit-deadlines", 'id="rows"'),
    ("/enterprise/revoking", 'id="rows"'),
    ("/enterprise/apply", 'id="apply"'),
    ("/enterprise/register/286000087?tab=declaration", 'role="tablist"'),
    ("/enterprise/revoke/286000053?tab=form", 'role="tablist"'),
    ("/enterprise/submit/286000011?tab=declaration", 'role="tablist"'),
    ("/enterprise/batch-register?start=286000087&count=30", 'id="batch"'),
    ("/enterprise/batch-register?start=286000087&count=30&after=286000151", 'id="page-keys"'),
    ("/enterprise/batch-submit", 'id="batch"'),
    ("/enterprise/batch-submit?after=286000030", 'id="page-keys"'),
    ("/enterprise/lost?start=286000140&count=10", 'id="batch"'),
    ("/enterprise/batch-submit/all?after=286000030", 'id="rows"'),
    ("/enterprise/batch-register/all?start=286000087&count=30", 'id="rows"'),
]


def state_of(demo, number):
    with demo.session() as session:
        return session.exec(select(Form.state).where(Form.number == number)).one()


def events(demo, number, action):
    with demo.session() as session:
        return session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.form_number == number, AuditEvent.action == action)).one()


def post(client, url, headers=None, **data):
    return client.post(url, data={"csrf_token": client.csrf, **data}, headers=headers or {})


@pytest.fixture
def a(client):
    return login(client, A)


@pytest.fixture
def b(app):
    return login(app.test_client(), B)


@pytest.mark.parametrize("url, marker", FRAGMENT_GETS)
def test_fragment_or_page(a, url, marker):
    page = a.get(url)
    fragment = a.get(url, headers=HX)
    restored = a.get(url, headers=RESTORE)
    for response in (page, fragment, restored):
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
        assert marker in response.get_data(as_text=True)
    assert page.get_data(as_text=True).startswith("<!doctype html>")
    assert restored.get_data(as_text=True).startswith("<!doctype html>")
    assert "<html" not in fragment.get_data(as_text=True)
    assert "出口收汇菜单" not in fragment.get_data(as_text=True)


@pytest.mark.parametrize("url, data, marker", [
    ("/enterprise/apply", {"quantity": "0"}, 'id="apply"'),
    ("/enterprise/register/286000087", {"port": "5700", "lookup": "1"}, 'id="port-field"'),
    ("/enterprise/register/286000087", {"port": "5700", "act": "1", "confirmed": "1"}, 'id="act"'),
    ("/enterprise/batch-register?start=286000087&count=30", {"port": "0", "lookup": "1"}, 'id="port-field"'),
    ("/enterprise/batch-register?start=286000087&count=30", {"all": "1"}, 'id="batch"'),
    ("/enterprise/batch-submit", {"all": "1", "after": "286000030"}, 'id="batch"'),
    ("/enterprise/lost?start=286000140&count=5", {"number": "286000140", "act": "1", "confirmed": "1"},
     'id="batch"'),
])
def test_posts_answer_htmx_with_the_fragment(a, url, data, marker):
    fragment = post(a, url, HX, **data)
    assert "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert marker in body and "<html" not in body


def test_every_menu_entry_and_dashboard_link_exists(a):
    home = a.get("/enterprise/").get_data(as_text=True)
    for label in ("核销单申请", "口岸备案", "批量备案", "撤销备案", "企业交单", "批量交单", "核销单挂失"):
        assert f">{label}</a>" in home
    for url in ("/enterprise/register", "/enterprise/revoking", "/enterprise/submit", "/enterprise/unreceived",
                "/enterprise/register-deadlines", "/enterprise/submit-deadlines"):
        assert f'href="{url}"' in home


# ── 核销单申请 ─────────────────────────────────────────────────────────────────────────────────

def applications(demo):
    with demo.session() as session:
        return session.exec(select(func.count()).select_from(FormApplication)).one()


def test_apply_without_js_redirects_with_the_message(a, demo):
    before = applications(demo)
    response = post(a, "/enterprise/apply", quantity="5")
    assert response.status_code == 303
    page = a.get(response.headers["Location"]).get_data(as_text=True)
    assert "申请成功" in page and "申请中" in page
    assert applications(demo) == before + 1


@pytest.mark.parametrize("quantity", ["0", "-1", "101", "abc", "", "1.5", "１０１"])
def test_apply_bad_quantity(a, demo, quantity):
    before = applications(demo)
    for headers in ({}, HX):
        response = post(a, "/enterprise/apply", headers, quantity=quantity)
        assert response.status_code == 422
        assert "份数应为 1 至 100 之间的整数" in response.get_data(as_text=True)
    assert applications(demo) == before


# ── lists and why a form is not in them ──────────────────────────────────────────────────────

@pytest.mark.parametrize("url, message", [
    ("/enterprise/register?number=12", "核销单号应为 9 位数字"),
    ("/enterprise/register?number=28600008a", "核销单号应为 9 位数字"),
    ("/enterprise/register?number=286000053", "该核销单已备案，如需更改口岸请先撤销备案"),
    ("/enterprise/register?number=999999999", "未找到核销单 999999999"),
    ("/enterprise/register?number=286000111", "未找到核销单 286000111"),  # 企业B's
    ("/enterprise/revoke?number=286000011", "海关使用状态为已用，不能撤销备案"),
    ("/enterprise/revoke?number=286000078", "该核销单已申请撤销备案，等待海关确认"),
    ("/enterprise/submit?number=286000049", "请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）"),
    ("/enterprise/submit?number=286000081", "海关使用状态为未用，货物已放行的请联系海关补验"),
    ("/enterprise/submit?number=286000050", "出口报关单尚未结关，不能交单"),
    ("/enterprise/batch-submit?number=286000036", "该核销单已交单"),
])
def test_search_says_why_a_form_is_not_listed(a, url, message):
    for headers in ({}, HX):
        body = a.get(url, headers=headers).get_data(as_text=True)
        assert message in body
        assert "<tbody>" not in body


def test_list_pages_by_key_twenty_at_a_time(a):
    first = a.get("/enterprise/register", headers=HX).get_data(as_text=True)
    assert first.count('href="/enterprise/register/') == 20
    assert "after=286000151" in first and "上一页" not in first  # 087..090, then 136..151
    second = a.get("/enterprise/register?after=286000151", headers=HX).get_data(as_text=True)
    assert ">286000152<" in second and "before=286000152" in second


@pytest.mark.parametrize("url, message", [
    ("/enterprise/batch-register?start=12345&count=5", "核销单起始号：核销单号应为 9 位数字"),
    ("/enterprise/batch-register?start=286000087&count=0", "核销单份数应为 1 至 100 之间的整数"),
    ("/enterprise/batch-register?start=286000087&count=-1", "核销单份数应为 1 至 100 之间的整数"),
    ("/enterprise/batch-register?start=286000087&count=101", "核销单份数应为 1 至 100 之间的整数"),
    ("/enterprise/batch-register?start=999999990&count=20", "核销单终止号超出核销单号的位数"),
    ("/enterprise/lost?start=286000087&count=x", "核销单份数应为 1 至 100 之间的整数"),
])
def test_bad_range(a, url, message):
    body = a.get(url).get_data(as_text=True)
    assert message in body and "<tbody>" not in body


def test_range_past_the_enterprise_forms_says_which_numbers_are_not_found(a):
    body = a.get("/enterprise/batch-register?start=286000195&count=20").get_data(as_text=True)
    assert body.count('name="number"') == 11  # 286000195..205
    assert "未找到核销单 286000206 至 286000214" in body


def test_range_explains_forms_that_cannot_be_registered(a):
    body = a.get("/enterprise/lost?start=286000076&count=12").get_data(as_text=True)
    assert "该核销单撤销备案待海关确认，不能挂失" in body  # 286000078..080
    assert "该核销单已挂失" in body  # 286000082..084
    assert "该核销单已注销" in body  # 286000085..086
    assert body.count('name="number"') == 4  # 286000076, 077, 081 (已备案) and 087 (已发放)


def test_end_number_fragment(a):
    body = a.get("/enterprise/range-end?start=286000140&count=5", headers=HX).get_data(as_text=True)
    assert 'value="286000144"' in body and 'id="end-field"' in body and "<html" not in body
    bad = a.get("/enterprise/range-end?start=2860&count=5", headers=HX).get_data(as_text=True)
    assert 'value=""' in bad


# ── 口岸备案: the 关区 lookup, the confirmation, the action ──────────────────────────────────────

@pytest.mark.parametrize("typed, shows", [
    ("5700", "拱北关区"),
    ("0", "5300 深圳海关"),
    ("拱北", "5700 拱北关区"),
    ("57", "5700 拱北关区"),
])
def test_port_lookup_changes_nothing(a, demo, typed, shows):
    for headers in ({}, HX):
        response = post(a, "/enterprise/register/286000087", headers, port=typed, lookup="1")
        assert response.status_code == 200
        assert shows in response.get_data(as_text=True)
    assert state_of(demo, "286000087") == "issued"


@pytest.mark.parametrize("query, shows", [
    ("port=5700", "拱北关区"), ("port=0", "5300 深圳海关"), ("port=拱北", "5700 拱北关区"),
    ("port=0&pick=5300", 'value="5300"'),
])
def test_port_lookup_is_its_own_route(a, query, shows):
    body = a.get(f"/enterprise/port?{query}", headers=HX).get_data(as_text=True)
    assert shows in body and 'id="port-field"' in body and "<html" not in body and "使用口岸" in body
    assert "备案口岸" in a.get(f"/enterprise/port?{query}&batch=1", headers=HX).get_data(as_text=True)


def test_port_lookup_route_refuses_an_unknown_code(a):
    response = a.get("/enterprise/port?port=9999", headers=HX)
    assert response.status_code == 422 and "关区代码 9999 不存在" in response.get_data(as_text=True)


def test_zero_lists_every_port_under_its_direct_customs(a):
    body = post(a, "/enterprise/register/286000087", HX, port="0", lookup="1").get_data(as_text=True)
    assert body.count('name="pick"') == 181  # not 0000 海关总署 nor the offices such as 5326 深数统处
    assert 'value="5326"' not in body and 'value="0000"' not in body
    shenzhen = body.split("<legend>5300 深圳海关</legend>")[1].split("</fieldset>")[0]
    assert 'value="5301"' in shenzhen and 'value="5700"' not in shenzhen


def test_a_code_that_is_no_port_is_refused_as_it_is_typed(a):
    response = post(a, "/enterprise/register/286000087", HX, port="5326", lookup="1")
    assert response.status_code == 422
    assert "关区代码 5326 深数统处不是口岸，不能作为使用口岸" in response.get_data(as_text=True)


def test_pick_sets_the_port(a):
    body = post(a, "/enterprise/register/286000087", HX, port="0", pick="5300").get_data(as_text=True)
    assert 'value="5300"' in body and "深圳海关" in body and 'name="pick"' not in body


@pytest.mark.parametrize("port, message", [
    ("9999", "关区代码 9999 不存在，请输入正确的关区代码（输入 0 回车可选择）"),
    ("", "请输入关区代码（输入 0 回车可选择）"),
    ("<b>", "关区代码 &lt;b&gt; 不存在"),
])
def test_unknown_port_is_refused_before_anything(a, demo, port, message):
    for data in ({"lookup": "1"}, {"act": "1"}, {"act": "1", "confirmed": "1"}):
        response = post(a, "/enterprise/register/286000087", port=port, **data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert state_of(demo, "286000087") == "issued"


def test_register_without_js_asks_on_a_page_then_registers(a, demo):
    ask = post(a, "/enterprise/register/286000087", port="5700", act="1")
    body = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "是否进行备案" in body and "5700 拱北关区" in body
    assert 'name="confirmed" value="1"' in body and 'name="port" value="5700"' in body
    assert state_of(demo, "286000087") == "issued"
    done = post(a, "/enterprise/register/286000087", port="5700", act="1", confirmed="1")
    assert done.status_code == 303
    page = a.get(done.headers["Location"]).get_data(as_text=True)
    assert "设置成功" in page and "5700 拱北关区" in page
    assert state_of(demo, "286000087") == "registered"


def test_register_with_htmx_answers_the_action_area_and_the_tabs(a, demo):
    body = post(a, "/enterprise/register/286000087", HX, port="5700", act="1", confirmed="1").get_data(as_text=True)
    assert "设置成功" in body
    assert 'id="tab-body" hx-swap-oob="true"' in body and "已备案" in body and "拱北关区" in body


def test_double_submit_does_it_once(a, demo):
    first = post(a, "/enterprise/submit/286000011", act="1", confirmed="1")
    second = post(a, "/enterprise/submit/286000011", HX, act="1", confirmed="1")
    assert first.status_code == 303
    assert second.status_code == 422 and "该核销单已交单" in second.get_data(as_text=True)
    assert events(demo, "286000011", "交单") == 1
    again = post(a, "/enterprise/batch-register?start=286000087&count=2", port="5700", act="1",
                 number=["286000087", "286000088"])
    twice = post(a, "/enterprise/batch-register?start=286000087&count=2", port="5700", act="1",
                 number=["286000087", "286000088"])
    assert again.get_data(as_text=True).count("设置成功") == 2
    assert twice.get_data(as_text=True).count("该核销单已备案，如需更改口岸请先撤销备案") == 2
    assert events(demo, "286000087", "口岸备案") == 1


def test_a_form_changed_since_the_page_was_shown(a, demo):
    page = a.get("/enterprise/revoke/286000053").get_data(as_text=True)
    assert ">撤销备案</button>" in page
    assert post(a, "/enterprise/revoke/286000053", act="1", confirmed="1").status_code == 303
    stale = post(a, "/enterprise/revoke/286000053", HX, act="1", confirmed="1")
    assert stale.status_code == 422
    assert "该核销单已申请撤销备案，等待海关确认" in stale.get_data(as_text=True)


def test_form_page_says_why_it_cannot_act(a):
    body = a.get("/enterprise/submit/286000049").get_data(as_text=True)
    assert "请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）" in body and ">交单</button>" not in body


def test_submit_page_walks_the_list(a):
    body = a.get("/enterprise/submit/286000012").get_data(as_text=True)
    assert 'href="/enterprise/submit/286000011" rel="prev">上一单' in body
    assert 'href="/enterprise/submit/286000013" rel="next">下一单' in body


# ── batch screens ────────────────────────────────────────────────────────────────────────────

def test_select_all_marks_this_page_only(a):
    body = post(a, "/enterprise/batch-submit", all="1", after="286000030").get_data(as_text=True)
    assert body.count("checked") == 5  # 286000031..035, the second page
    assert 'name="after" value="286000030"' in body


def test_select_all_is_its_own_route_answering_the_rows(a):
    body = a.get("/enterprise/batch-submit/all?after=286000030", headers=HX).get_data(as_text=True)
    assert body.count("checked") == 5 and body.startswith('<div id="rows">') or 'id="rows"' in body[:200]
    assert 'id="batch"' not in body
    ranged = a.get("/enterprise/lost/all?start=286000140&count=3", headers=HX).get_data(as_text=True)
    assert ranged.count("checked") == 3


def test_batch_answers_row_by_row(a, demo):
    body = post(a, "/enterprise/batch-submit", HX, act="1", confirmed="1",
                number=["286000011", "286000049", "286000012", "12"]).get_data(as_text=True)
    assert body.count("交单成功") == 2
    assert "请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）" in body and "核销单号应为 9 位数字" in body
    assert state_of(demo, "286000012") == "submitted" and state_of(demo, "286000049") == "used"


def test_batch_with_nothing_marked(a):
    assert "请先标记核销单" in post(a, "/enterprise/batch-submit", act="1").get_data(as_text=True)


def test_batch_refuses_more_than_a_page(a, demo):
    numbers = [f"2860000{n}" for n in range(87, 108)]
    body = post(a, "/enterprise/batch-register?start=286000087&count=30", act="1", port="5700",
                number=numbers).get_data(as_text=True)
    assert "每次最多标记 20 份核销单" in body
    assert state_of(demo, "286000087") == "issued"


def test_lost_without_js_asks_first(a, demo):
    ask = post(a, "/enterprise/lost?start=286000140&count=5", act="1", number=["286000140", "286000141"])
    body = ask.get_data(as_text=True)
    assert "是否挂失所标记的核销单" in body and "286000140、286000141" in body
    assert 'action="/enterprise/lost?start=286000140&amp;count=5"' in body
    assert state_of(demo, "286000140") == "issued"
    done = post(a, "/enterprise/lost?start=286000140&count=5", act="1", confirmed="1",
                number=["286000140", "286000141"])
    assert done.get_data(as_text=True).count("挂失成功") == 2
    assert state_of(demo, "286000141") == "lost"


@pytest.mark.parametrize("url, data, number, question, state", [
    ("/enterprise/batch-submit", {"number": ["286000011", "286000012"]}, "286000011", "是否进行批量交单", "used"),
    ("/enterprise/revoke/286000053", {}, "286000053", "是否撤销备案", "registered"),
])
def test_irreversible_actions_ask_first_without_js(a, demo, url, data, number, question, state):
    ask = post(a, url, act="1", **data)
    body = ask.get_data(as_text=True)
    assert ask.status_code == 200 and question in body and ">确定</button>" in body and ">取消</a>" in body
    assert 'name="confirmed" value="1"' in body and 'name="csrf_token"' in body
    assert state_of(demo, number) == state
    page = a.get(url).get_data(as_text=True)
    assert f'hx-confirm="{question}"' in page


# ── enterprise B sends enterprise A's form numbers: nothing changes, a clear message ──────────

@pytest.mark.parametrize("url, data, number", [
    ("/enterprise/register/286000087", {"port": "5700", "act": "1", "confirmed": "1"}, "286000087"),
    ("/enterprise/register/286000087", {"port": "5700", "lookup": "1"}, "286000087"),
    ("/enterprise/revoke/286000053", {"act": "1", "confirmed": "1"}, "286000053"),
    ("/enterprise/submit/286000011", {"act": "1", "confirmed": "1"}, "286000011"),
])
def test_b_posts_a_form_page(b, demo, url, data, number):
    before = state_of(demo, number)
    for headers in ({}, HX):
        response = post(b, url, headers, **data)
        assert response.status_code == 404
        assert f"未找到核销单 {number}" in response.get_data(as_text=True)
    assert b.get(url).status_code == 404
    assert state_of(demo, number) == before


@pytest.mark.parametrize("url, data, number", [
    ("/enterprise/batch-register?start=286000087&count=5", {"port": "5700", "act": "1"}, "286000087"),
    ("/enterprise/batch-submit", {"act": "1", "confirmed": "1"}, "286000011"),
    ("/enterprise/lost?start=286000087&count=5", {"act": "1", "confirmed": "1"}, "286000087"),
])
def test_b_posts_a_numbers_to_batches(b, demo, url, data, number):
    before = state_of(demo, number)
    for headers in ({}, HX):
        body = post(b, url, headers, number=[number], **data).get_data(as_text=True)
        assert f"未找到核销单 {number}" in body
    assert state_of(demo, number) == before


@pytest.mark.parametrize("url", [
    "/enterprise/register?number=286000087", "/enterprise/revoke?number=286000053",
    "/enterprise/submit?number=286000011", "/enterprise/batch-submit?number=286000011",
])
def test_b_searches_a_number(b, url):
    assert "未找到核销单 2860000" in b.get(url).get_data(as_text=True)


def test_b_asks_for_a_range_of_a(b):
    body = b.get("/enterprise/batch-register?start=286000136&count=10").get_data(as_text=True)
    assert "未找到核销单 286000136 至 286000145" in body and 'name="number"' not in body


def test_other_cards_cannot_enter(app):
    for card in ("1100000000002", "2200000000001", "3300000000001"):
        assert login(app.test_client(), card).get("/enterprise/register").status_code == 404
    expired = login(app.test_client(), "1100000000004")
    assert expired.get("/enterprise/register").status_code == 403


# ── lists worked against a deadline: start date, due date, days left, most urgent first ──────

def _days_left(body):
    return [int(d) for d in re.findall(r'data-label="剩余天数">(?:<strong class="why">已超期 )?(-?\d+) 天', body)]


@pytest.mark.parametrize("url, heads", [
    ("/enterprise/submit", ("出口日期", "交单截止日期", "剩余天数")),
    ("/enterprise/submit-deadlines", ("出口日期", "交单截止日期", "剩余天数")),
    ("/enterprise/register-deadlines", ("备案日期", "使用期限", "剩余天数")),
])
def test_deadline_lists_show_the_due_date_most_urgent_first(a, url, heads):
    body = a.get(url, headers=HX).get_data(as_text=True)
    for head in heads:
        assert f"<th>{head}</th>" in body
    dues = re.findall(r'data-label="(?:交单截止日期|使用期限)">(\d{4}-\d{2}-\d{2})', body)
    assert dues and dues == sorted(dues)


def test_submit_list_pages_by_urgency_key(a):
    first = a.get("/enterprise/submit", headers=HX).get_data(as_text=True)
    after = re.search(r'after=(\d{17})"', first).group(1)
    second = a.get(f"/enterprise/submit?after={after}", headers=HX).get_data(as_text=True)
    seen = set(re.findall(r'href="/enterprise/submit/(\d+)"', first))
    later = set(re.findall(r'href="/enterprise/submit/(\d+)"', second))
    assert len(seen) == 20 and later and not seen & later and "before=" in second
    last_first = re.findall(r'data-label="交单截止日期">([\d-]+)', first)[-1]
    assert re.findall(r'data-label="交单截止日期">([\d-]+)', second)[0] >= last_first
    back = re.search(r'before=(\d{17})"', second).group(1)
    assert set(re.findall(r'href="/enterprise/submit/(\d+)"', a.get(f"/enterprise/submit?before={back}",
                                                                     headers=HX).get_data(as_text=True))) == seen
