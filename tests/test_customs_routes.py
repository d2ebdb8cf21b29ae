"""Customs routes with the Flask test client: every page in full, as an htmx fragment and as a
history restore (with Vary); the batch lists, the form page's actions, the 报关验核 entry, bad input."""
import re

import pytest

from db.models import DeclarationStatus, FormState
from tests.conftest import login
from tests.helpers import HX, RESTORE
from tests.test_customs_workflow import LINE, form_of, forms_where, header, registered_days_ago

LISTS = {
    "/customs/registered": "备案数据",
    "/customs/registered/expiring": "备案即将到期",
    "/customs/verify": "报关验核",
    "/customs/revocations": "撤销确认",
    "/customs/supplements": "补验",
    "/customs/declarations": "已申报（待放行）",
    "/customs/declarations/released": "已放行（待结关）",
    "/customs/declarations/closed": "待签发结汇联",
    "/customs/declarations/slipped": "已签发结汇联",
}


@pytest.fixture
def officer(client):
    return login(client, "3300000000001")  # 5700 拱北关区


def text(response) -> str:
    return response.get_data(as_text=True)


def is_page(response) -> bool:
    return text(response).lstrip().startswith("<!doctype html>")


def numbers_in(html: str) -> list[str]:
    return re.findall(r'value="(\d{9})"', html) or re.findall(r">(\d{9})</a>", html)


def post(client, url, data=None, headers=None):
    return client.post(url, data={"csrf_token": client.csrf, **(data or {})}, headers=headers or {})


# ── page, fragment, history restore ────────────────────────────────────────────────────────

@pytest.mark.parametrize("url, label", LISTS.items())
def test_each_list_is_a_page_a_fragment_or_a_restored_page(officer, url, label):
    full = officer.get(url)
    assert full.status_code == 200 and is_page(full) and label in text(full)
    assert "HX-Request" in full.headers["Vary"]
    fragment = officer.get(url, headers=HX)
    assert fragment.status_code == 200 and not is_page(fragment)
    assert text(fragment).lstrip().startswith('<div id="rows">')
    assert "HX-Request" in fragment.headers["Vary"]
    assert is_page(officer.get(url, headers=RESTORE))


def test_the_dashboard_links_every_count_to_its_list(officer):
    html = text(officer.get("/customs/"))
    for url in ("/customs/registered", "/customs/revocations", "/customs/declarations",
                "/customs/declarations/released", "/customs/declarations/closed", "/customs/supplements",
                "/customs/registered/expiring"):
        assert f'href="{url}"' in html, url


def test_the_left_menu_has_every_customs_screen(officer):
    menu = text(officer.get("/customs/registered")).split('aria-label="出口收汇菜单"')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+)</a>", menu)[:6] == ["首页", "备案数据", "报关验核", "报关单", "撤销确认", "补验"]


def test_other_cards_do_not_reach_customs_screens(client):
    for card in ("1100000000001", "2200000000001", "9900000000001"):
        login(client, card)
        assert client.get("/customs/verify").status_code == 404
        client.post("/logout", data={"csrf_token": client.csrf})


# ── lists: paging, 查找 ──────────────────────────────────────────────────────────────────────

def test_registered_pages_by_key_20_at_a_time(officer, demo):
    registered = forms_where(demo, "5700", FormState.REGISTERED)
    assert len(registered) > 20
    first = numbers_in(text(officer.get("/customs/registered")))
    assert first == registered[:20]
    assert f'href="/customs/registered?after={registered[19]}"' in text(officer.get("/customs/registered"))
    second = officer.get(f"/customs/registered?after={registered[19]}", headers=HX)
    assert numbers_in(text(second)) == registered[20:40]
    assert f"before={registered[20]}" in text(second)


def test_find_one_number_or_say_why_it_is_not_there(officer, demo):
    mine = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    used = forms_where(demo, "5700", FormState.USED)[0]
    theirs = forms_where(demo, "5300", FormState.REGISTERED)[0]
    assert numbers_in(text(officer.get(f"/customs/verify?number={mine}", headers=HX))) == [mine]
    assert f"核销单 {used}：海关使用状态为已用，不能重复验核" in text(officer.get(f"/customs/verify?number={used}"))
    assert f"未找到核销单 {theirs}" in text(officer.get(f"/customs/verify?number={theirs}", headers=HX))
    assert "核销单号应为 9 位数字" in text(officer.get("/customs/verify?number=12ab"))
    released = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.CLOSED)[0]
    assert "出口报关单状态为已结关，不能放行" in text(officer.get(f"/customs/declarations?number={released}"))


# ── batch lists ─────────────────────────────────────────────────────────────────────────────

def test_release_marked_rows_and_report_row_by_row(officer, demo):
    declared = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.DECLARED)
    theirs = forms_where(demo, "5300", FormState.USED, decl_status=DeclarationStatus.DECLARED)[0]
    response = post(officer, "/customs/declarations", {"number": [*declared, theirs], "RELEASE": ""}, HX)
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="list"')
    assert html.count("放行成功") == len(declared)
    assert f"未找到核销单 {theirs}" in html
    assert all(form_of(demo, n)[1].status == DeclarationStatus.RELEASED for n in declared)
    assert form_of(demo, theirs)[1].status == DeclarationStatus.DECLARED
    full = post(officer, "/customs/declarations/released", {"number": declared, "CLOSE": ""})
    assert is_page(full) and text(full).count("结关成功") == len(declared)


def test_select_all_marks_every_row_of_the_page_shown(officer, demo):
    slipped = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.CLOSED, slip=True)
    response = post(officer, "/customs/declarations/slipped", {"select_all": ""})
    html = text(response)
    checked = re.findall(r'name="number" value="(\d{9})" aria-label="[^"]+" checked', html)
    assert len(checked) == 20 and set(slipped) & set(checked)
    assert "重签结汇联成功" not in html  # 全选 only marks
    shown_after = re.search(r'name="at_after" value="(\d+)"', text(officer.get("/customs/declarations/slipped")))
    assert shown_after is None  # the first page has no position to keep
    page2 = text(officer.get("/customs/declarations/slipped?after=1", headers=HX))
    assert 'id="position" hx-swap-oob="true"' in page2 and 'name="at_after" value="1"' in page2
    second = post(officer, "/customs/declarations/slipped", {"select_all": "", "at_after": "1"})
    assert re.findall(r'value="(\d{9})" aria-label="[^"]+" checked', text(second)) == \
        re.findall(r'value="(\d{9})" aria-label', page2)


def test_batch_without_marks_too_many_or_without_a_token(officer, demo):
    assert "请先标记核销单" in text(post(officer, "/customs/supplements", {"SUPPLEMENT": ""}))
    assert "每次最多标记 20 条" in text(post(officer, "/customs/supplements",
                                             {"SUPPLEMENT": "", "number": [f"{n:09d}" for n in range(21)]}))
    assert "请选择要进行的操作" in text(post(officer, "/customs/revocations", {"RELEASE": ""}))
    response = officer.post("/customs/revocations", data={"CONFIRM_REVOKE": ""})
    assert response.status_code == 400 and "页面已过期" in text(response)
    assert officer.post("/customs/verify").status_code == 405


def test_confirm_revoke_in_a_batch(officer, demo):
    number = forms_where(demo, "5700", FormState.REVOKING)[0]
    html = text(post(officer, "/customs/revocations", {"number": number, "CONFIRM_REVOKE": ""}, HX))
    assert "确认撤销成功" in html and f'value="{number}"' not in html
    assert form_of(demo, number)[0].state == FormState.ISSUED


# ── a form's page ─────────────────────────────────────────────────────────────────────────

def test_form_page_full_tab_fragment_and_restore(officer, demo):
    number = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.DECLARED)[0]
    url = f"/customs/forms/{number}?via=declarations"
    full = officer.get(url)
    assert full.status_code == 200 and is_page(full)
    assert 'name="RELEASE"' in text(full) and "上一单" in text(full)
    tab = officer.get(url + "&tab=declaration", headers=HX)
    assert not is_page(tab) and "报关单号" in text(tab) and "HX-Request" in tab.headers["Vary"]
    assert is_page(officer.get(url + "&tab=declaration", headers=RESTORE))


def test_form_page_actions_then_the_reason_why_not(officer, demo):
    number = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.DECLARED)[0]
    url = f"/customs/forms/{number}?via=declarations"
    done = post(officer, url, {"RELEASE": ""}, HX)
    assert done.status_code == 200 and text(done).lstrip().startswith('<div id="form-page">')  # what it swaps
    assert "放行成功" in text(done) and 'name="CLOSE"' in text(done) and "HX-Request" in done.headers["Vary"]
    assert "hx-select" not in text(done)
    stale = post(officer, url, {"RELEASE": ""})
    assert stale.status_code == 409 and "出口报关单状态为已放行，不能放行" in text(stale)
    assert "不能放行：出口报关单状态为已放行，不能放行" in text(officer.get(url))
    assert post(officer, url, {}).status_code == 409


def test_reject_revoke_needs_a_reason_shown_beside_the_field(officer, demo):
    number = forms_where(demo, "5700", FormState.REVOKING)[0]
    url = f"/customs/forms/{number}?via=revocations"
    empty = post(officer, url, {"REJECT_REVOKE": "", "reason": " "})
    assert empty.status_code == 422
    assert re.search(r'id="f-reason"[^>]*aria-invalid="true"', text(empty))
    assert '<em class="why">请填写驳回原因</em>' in text(empty)
    done = post(officer, url, {"REJECT_REVOKE": "", "reason": "货物已申报"})
    assert "已驳回撤销" in text(done) and form_of(demo, number)[0].state == FormState.REGISTERED


def test_confirm_revoke_from_the_page_goes_back_to_the_list(officer, demo):
    number = forms_where(demo, "5700", FormState.REVOKING)[0]
    url = f"/customs/forms/{number}?via=revocations"
    response = post(officer, url, {"CONFIRM_REVOKE": ""})
    assert response.status_code == 303 and response.headers["Location"] == "/customs/revocations"
    assert "确认撤销成功，已回到已发放" in text(officer.get("/customs/revocations"))
    assert officer.get(url).status_code == 404  # no longer this 关区's


def test_supplement_from_the_page(officer, demo):
    number = forms_where(demo, "5700", FormState.REGISTERED, verified=False)[0]
    html = text(officer.get(f"/customs/forms/{number}?via=supplements"))
    assert 'name="SUPPLEMENT"' in html and f"/customs/verify/{number}" not in html
    assert "补验成功" in text(post(officer, f"/customs/forms/{number}?via=supplements", {"SUPPLEMENT": ""}))
    assert form_of(demo, number)[0].state == FormState.USED


# ── 报关验核 entry ───────────────────────────────────────────────────────────────────────────

def entry(**changes) -> dict:
    data = header(**changes)
    for name in LINE:
        data[name] = [LINE[name], "", ""]
    return data


@pytest.fixture
def fresh(demo):
    return forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]


def test_verify_page_full_fragment_restore(officer, fresh):
    full = officer.get(f"/customs/verify/{fresh}")
    html = text(full)
    assert is_page(full) and 'form="entry-form"' in html and html.count('name="hs_code"') == 3
    assert '<option value="502">502 美元</option>' in html
    tab = officer.get(f"/customs/verify/{fresh}?tab=declaration", headers=HX)
    assert not is_page(tab) and "该核销单尚无出口报关单" in text(tab)
    assert is_page(officer.get(f"/customs/verify/{fresh}", headers=RESTORE))


def test_add_a_goods_line_keeps_what_was_typed(officer, fresh):
    response = post(officer, f"/customs/verify/{fresh}", {**entry(dest_port="纽约"), "rows": "3", "add_line": ""}, HX)
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="entry">')
    assert html.count('name="hs_code"') == 4 and 'value="纽约"' in html and 'value="6204430090"' in html
    assert "15,000.00" in html  # 1200 × 12.50, computed
    full = post(officer, f"/customs/verify/{fresh}", {**entry(), "rows": "20", "add_line": ""})
    assert "商品最多 20 项" in text(full) and text(full).count('name="hs_code"') == 20


def test_bad_input_is_shown_beside_each_field_and_nothing_is_recorded(officer, demo, fresh):
    data = entry(currency="999", exported_on="20991231")
    data["quantity"] = ["一千", "", ""]
    response = post(officer, f"/customs/verify/{fresh}", {**data, "rows": "3", "verify": ""}, HX)
    html = text(response)
    assert response.status_code == 422
    assert "币制代码 999 不存在" in html and "出口日期不能晚于今天" in html and "第 1 项：数量应为大于 0 的数字" in html
    assert 'value="一千"' in html and 'value="20991231"' in html and 'value="洛杉矶"' in html
    form, decl = form_of(demo, fresh)
    assert form.state == FormState.REGISTERED and decl is None


def test_verify_records_and_goes_to_the_declaration(officer, demo, fresh):
    response = post(officer, f"/customs/verify/{fresh}", {**entry(), "rows": "3", "verify": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/customs/forms/{fresh}?tab=declaration"
    page = text(officer.get(response.headers["Location"]))
    assert "验核成功，出口报关单号 5700" in page and "洛杉矶" in page
    form, decl = form_of(demo, fresh)
    assert form.state == FormState.USED and decl.total == 15000


def test_verify_with_htmx_loads_the_declaration_page(officer, fresh):
    response = post(officer, f"/customs/verify/{fresh}", {**entry(), "rows": "3", "verify": ""}, HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/customs/forms/{fresh}?tab=declaration"


def test_verify_a_form_past_its_use_period_shows_why_and_no_entry(officer, demo, actors):
    number = registered_days_ago(demo, actors, 95)
    html = text(officer.get(f"/customs/verify/{number}"))
    assert "该核销单备案已超过 90 天使用期限，不能验核" in html and 'id="entry-form"' not in html
    response = post(officer, f"/customs/verify/{number}", {**entry(), "rows": "3", "verify": ""})
    assert response.status_code == 409 and "该核销单备案已超过 90 天使用期限，不能验核" in text(response)
    assert form_of(demo, number)[1] is None


def test_verify_a_form_another_officer_just_used(officer, demo, actors, fresh):
    from db import workflow

    page = text(officer.get(f"/customs/verify/{fresh}"))
    assert 'id="entry-form"' in page
    assert workflow.request_revoke(db=demo, actor=actors["A"], numbers=[fresh])[0].ok  # meanwhile
    response = post(officer, f"/customs/verify/{fresh}", {**entry(dest_port="汉堡"), "rows": "3", "verify": ""})
    html = text(response)
    assert response.status_code == 409 and "该核销单正在撤销备案，不能验核" in html and 'value="汉堡"' in html
    assert form_of(demo, fresh)[1] is None


@pytest.mark.parametrize("url", ["/customs/forms/{n}?number=1&via=%00&tab=x", "/customs/verify/{n}?after=x",
                                 "/customs/forms/28600%00053", "/customs/verify/abc",
                                 "/customs/declarations?after=%00&number=286000053",
                                 "/customs/registered?before=%27%20OR%201=1"])
def test_odd_urls_get_a_page_or_a_404_never_an_error(officer, fresh, url):
    response = officer.get(url.format(n=fresh))
    assert response.status_code in (200, 400, 404) and "系统出错" not in text(response)  # 400: a NUL byte


def test_control_characters_are_dropped_from_typed_text(officer, demo):
    number = forms_where(demo, "5700", FormState.REVOKING)[0]
    refused = post(officer, f"/customs/forms/{number}?via=revocations", {"REJECT_REVOKE": "", "reason": "错\x00误"})
    assert refused.status_code == 400 and form_of(demo, number)[0].state == FormState.REVOKING  # NUL: refused whole
    done = post(officer, f"/customs/forms/{number}?via=revocations", {"REJECT_REVOKE": "", "reason": "错\x07误"})
    assert done.status_code == 200 and "已驳回撤销" in text(done) and "驳回原因：错误" in text(done)
