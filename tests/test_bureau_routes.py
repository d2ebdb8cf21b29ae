"""外汇局 screens through the Flask test client: every page in full, as an htmx fragment and as a
history restore; every action with good and bad input; nothing half done."""
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from db import accounts, clock, workflow
from db.models import AuditEvent, Card, Declaration, Form, FormApplication, FormState, NumberStock, PermissionRequest
from db.rules import Policy
from tests.conftest import login
from tests.helpers import HX, RESTORE

BUREAU = "2200000000001"


@pytest.fixture
def officer(client):
    return login(client, BUREAU)


def post(client, url, data, headers=None):
    return client.post(url, data={"csrf_token": client.csrf, **data}, headers=headers or {})


def text(response) -> str:
    return response.get_data(as_text=True)


def pending_application(demo, quantity=20) -> FormApplication:
    with demo.session() as session:
        return session.exec(select(FormApplication).where(FormApplication.state == "pending",
                                                          FormApplication.quantity == quantity)).one()


def permission_request(demo) -> PermissionRequest:
    with demo.session() as session:
        return session.exec(select(PermissionRequest).where(PermissionRequest.state == "pending")).first()


def numbers(demo, state, received=None) -> list[str]:
    with demo.session() as session:
        stmt = select(Form.number).where(Form.state == state).order_by(Form.number)
        if received is not None:
            stmt = stmt.where(Form.received_at.is_not(None) if received else Form.received_at.is_(None))
        return list(session.exec(stmt).all())


def form(demo, number) -> Form:
    with demo.session() as session:
        return session.exec(select(Form).where(Form.number == number)).one()


def stock(demo) -> int:
    with demo.session() as session:
        return session.get(NumberStock, 1).next_number


def pages(demo):
    """Every bureau page, with the id of the fragment htmx swaps into it."""
    received = numbers(demo, FormState.SUBMITTED, received=True)[0]
    return [
        ("/bureau/applications", 'id="applications"'),
        ("/bureau/applications?show=uncollected", 'id="applications"'),
        (f"/bureau/applications/{pending_application(demo).id}", 'id="application"'),
        ("/bureau/permissions", 'id="permissions"'),
        (f"/bureau/permissions/{permission_request(demo).id}", 'id="permission"'),
        ("/bureau/receipts", 'id="rows"'),
        ("/bureau/unreceived", 'id="rows"'),
        ("/bureau/write_offs", 'id="rows"'),
        (f"/bureau/write_offs/{received}", 'role="tablist"'),
        (f"/bureau/lost?number={received}", 'id="close"'),
        (f"/bureau/cancel?number={received}", 'id="close"'),
    ]


def test_every_page_in_full_as_a_fragment_and_as_a_history_restore(officer, demo):
    for url, fragment in pages(demo):
        full = officer.get(url)
        assert full.status_code == 200, url
        assert "出口收汇菜单" in text(full) and fragment in text(full), url
        assert "HX-Request" in full.headers["Vary"], url
        part = officer.get(url, headers=HX)
        assert part.status_code == 200 and fragment in text(part), url
        assert "<html" not in text(part) and "出口收汇菜单" not in text(part), url
        assert "HX-Request" in part.headers["Vary"], url
        restored = officer.get(url, headers=RESTORE)
        assert "<html" in text(restored) and "出口收汇菜单" in text(restored), url


@pytest.mark.parametrize("card_no", ["1100000000001", "1100000000002", "3300000000001", "9900000000001"])
def test_other_cards_cannot_reach_the_bureau(client, demo, card_no):
    login(client, card_no)
    application = pending_application(demo)
    for url in ("/bureau/", "/bureau/applications", "/bureau/receipts", "/bureau/lost"):
        assert client.get(url).status_code == 404
    response = post(client, f"/bureau/applications/{application.id}", {"issue": "1", "count": "1"})
    assert response.status_code == 404
    assert pending_application(demo).state == "pending"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/bureau/applications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_dashboard_counts_link_to_the_bureau_lists(officer):
    page = text(officer.get("/"))
    for endpoint in ("applications", "permissions", "receipts", "unreceived", "write_offs"):
        assert f'href="/bureau/{endpoint}"' in page, endpoint


# ── 发单 ───────────────────────────────────────────────────────────────────────────────────────

def test_issue_fewer_than_asked_shows_the_consecutive_numbers(officer, demo):
    application, first = pending_application(demo), stock(demo)
    response = post(officer, f"/bureau/applications/{application.id}", {"issue": "1", "count": "3"}, HX)
    assert response.status_code == 200
    body = text(response)
    expected = [f"{n:09d}" for n in range(first, first + 3)]
    assert f"发放成功：核销单号 {expected[0]} 至 {expected[-1]}，共 3 份" in body
    assert "<html" not in body and "领取" in body
    assert all(form(demo, n).state == FormState.ISSUED for n in expected)
    assert stock(demo) == first + 3
    listed = text(officer.get("/bureau/applications?show=uncollected"))
    assert f"{expected[0]} 至 {expected[-1]}" in listed


@pytest.mark.parametrize("count, message", [
    ("0", "发放份数应为 1 至 20 之间的整数"), ("21", "发放份数应为 1 至 20 之间的整数"),
    ("abc", "发放份数应为 1 至 20 之间的整数"), ("", "发放份数应为 1 至 20 之间的整数"),
    ("-3", "发放份数应为 1 至 20 之间的整数"), ("2.5", "发放份数应为 1 至 20 之间的整数"),
])
def test_bad_counts_issue_nothing(officer, demo, count, message):
    application, first = pending_application(demo), stock(demo)
    response = post(officer, f"/bureau/applications/{application.id}", {"issue": "1", "count": count})
    assert response.status_code == 422
    body = text(response)
    assert message in body and "出口收汇菜单" in body  # the full page, without JavaScript
    assert f'value="{count}"' in body  # what was typed stays in the field
    assert pending_application(demo).state == "pending" and stock(demo) == first


def test_reject_needs_a_reason_then_the_application_cannot_be_issued(officer, demo):
    url = f"/bureau/applications/{pending_application(demo, 10).id}"
    missing = post(officer, url, {"reject": "1", "reason": "  "}, HX)
    assert missing.status_code == 422 and "请填写驳回原因" in text(missing)
    assert pending_application(demo, 10).state == "pending"
    done = post(officer, url, {"reject": "1", "reason": "资料不全"}, HX)
    assert done.status_code == 200 and "已驳回" in text(done) and "资料不全" in text(done)
    late = post(officer, url, {"issue": "1", "count": "1"})  # another officer's page still showed 发放
    assert late.status_code == 422 and "该申请已驳回，不能再发放" in text(late)


def test_paper_collection_is_recorded_once(officer, demo, actors):
    application = pending_application(demo)
    assert workflow.issue_forms(db=demo, actor=actors["bureau"], application_id=application.id, count=5).ok
    url = f"/bureau/applications/{application.id}"
    assert "待领取纸质单证" in text(officer.get("/bureau/applications?show=uncollected"))
    assert f'/bureau/applications/{application.id}"' in text(officer.get("/bureau/applications?show=uncollected"))
    done = post(officer, url, {"collect": "1"}, HX)
    assert done.status_code == 200 and "已登记领取纸质单证" in text(done) and "已领取" in text(done)
    again = post(officer, url, {"collect": "1"})
    assert again.status_code == 422 and "纸质单证已领取" in text(again)
    assert "没有待领取纸质单证的申请" in text(officer.get("/bureau/applications?show=uncollected"))


def test_application_edge_requests(officer, demo):
    assert officer.get("/bureau/applications/999999").status_code == 404
    url = f"/bureau/applications/{pending_application(demo).id}"
    assert post(officer, url, {"count": "1"}).status_code == 400  # no button: nothing to do
    no_token = officer.post(url, data={"issue": "1", "count": "1"})
    assert no_token.status_code == 400 and "页面已过期" in text(no_token)
    assert pending_application(demo).state == "pending"


def test_applications_page_by_id(officer, demo, actors):
    for _ in range(22):
        assert workflow.apply_forms(db=demo, actor=actors["B"], quantity="1").ok
    first = text(officer.get("/bureau/applications"))
    after = re.search(r'href="/bureau/applications\?after=(\d+)[^"]*"', first.replace("&amp;", "&")).group(1)
    assert first.count('data-label="申请号"') == 20
    second = officer.get(f"/bureau/applications?after={after}&show=pending", headers=HX)
    assert text(second).count('data-label="申请号"') == 4 and "上一页" in text(second)
    assert officer.get("/bureau/applications?after=abc").status_code == 200  # a bad key is the first page


# ── 权限审批 ───────────────────────────────────────────────────────────────────────────────────

def card(demo, card_no) -> Card:
    with demo.session() as session:
        return session.exec(select(Card).where(Card.card_no == card_no)).one()


def test_grant_with_an_expiry_date_opens_the_card(officer, demo):
    request = permission_request(demo)
    until = clock.today() + timedelta(days=200)
    response = post(officer, f"/bureau/permissions/{request.id}", {"grant": "1", "expires": until.strftime("%Y%m%d")},
                    HX)
    assert response.status_code == 200 and f"已批准，有效期至 {until:%Y-%m-%d}" in text(response)
    assert card(demo, "1100000000006").permission_expires == until
    assert "没有待审批的权限申请" in text(officer.get("/bureau/permissions"))


@pytest.mark.parametrize("expires", ["", "abc", "20250231", "2024-01-01", "19990101", "0"])
def test_bad_expiry_dates_grant_nothing(officer, demo, expires):
    request = permission_request(demo)
    response = post(officer, f"/bureau/permissions/{request.id}", {"grant": "1", "expires": expires})
    assert response.status_code == 422 and "有效期应为今天以后的日期（YYYYMMDD）" in text(response)
    assert permission_request(demo).state == "pending"
    assert card(demo, "1100000000006").permission_expires is None


def test_refuse_needs_a_reason(officer, demo):
    url = f"/bureau/permissions/{permission_request(demo).id}"
    missing = post(officer, url, {"refuse": "1", "reason": ""}, HX)
    assert missing.status_code == 422 and "请填写拒绝原因" in text(missing)
    done = post(officer, url, {"refuse": "1", "reason": "未提交延期材料"}, HX)
    assert done.status_code == 200 and "已拒绝" in text(done) and "未提交延期材料" in text(done)
    late = post(officer, url, {"grant": "1", "expires": (clock.today() + timedelta(days=9)).strftime("%Y%m%d")})
    assert late.status_code == 422 and "该申请已拒绝" in text(late)
    assert card(demo, "1100000000006").permission_expires is None


# ── 交单接收 ───────────────────────────────────────────────────────────────────────────────────

def test_select_all_marks_this_page_and_receive_answers_row_by_row(officer, demo, actors):
    waiting = numbers(demo, FormState.SUBMITTED, received=False)
    marked = post(officer, "/bureau/receipts", {"select_all": "1"}, HX)
    assert marked.status_code == 200 and 'id="batch"' in text(marked)
    assert text(marked).count("checked") == len(waiting)
    assert workflow.receive(db=demo, actor=actors["bureau"], numbers=[waiting[0]])[0].ok  # another officer
    response = post(officer, "/bureau/receipts", {"receive": "1", "number": waiting[:2]}, HX)
    body = text(response)
    assert "该交单已接收" in body and "接收成功" in body
    assert form(demo, waiting[1]).received_at is not None
    assert waiting[1] not in body.split("处理结果")[1].split("</table>", 1)[1]  # gone from the rows


def test_receive_with_nothing_marked(officer):
    response = post(officer, "/bureau/receipts", {"receive": "1"})
    assert "请先标记核销单" in text(response) and "出口收汇菜单" in text(response)


def test_receipts_search_flags_and_paging_fragment(officer, demo):
    late = text(officer.get("/bureau/unreceived"))
    recent = text(officer.get("/bureau/receipts"))
    assert late.count('class="why"') == late.count('data-label="标记"') > 0
    assert recent.count('data-label="标记"') > late.count('data-label="标记"')
    assert "份交单已超过 3 天未接收" in recent
    one = numbers(demo, FormState.SUBMITTED, received=False)[0]
    found = officer.get(f"/bureau/receipts?q={one}", headers=HX)
    body = text(found)
    assert body.count('data-label="标记"') == 1 and 'hx-swap-oob="true"' in body
    assert f'name="q" value="{one}"' in body  # 全选 and 接收 keep the search
    bad = text(officer.get("/bureau/receipts?q=12ab"))
    assert "核销单号应为 9 位数字" in bad and 'data-label="标记"' not in bad


# ── 核销 ───────────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("amount, day, message", [
    ("abc", "20240101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
    ("-5", "20240101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
    ("0", "20240101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
    ("12.345", "20240101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
    ("", "20240101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
    ("1000", "abc", "收汇日期应为 YYYYMMDD 格式的日期"),
    ("1000", "20241301", "收汇日期应为 YYYYMMDD 格式的日期"),
    ("1000", "", "收汇日期应为 YYYYMMDD 格式的日期"),
    ("1000", "tomorrow", "收汇日期应为 YYYYMMDD 格式的日期"),
])
def test_bad_write_off_input_changes_nothing(officer, demo, amount, day, message):
    number = numbers(demo, FormState.SUBMITTED, received=True)[0]
    response = post(officer, f"/bureau/write_offs/{number}", {"amount": amount, "collected_on": day}, HX)
    assert response.status_code == 422 and message in text(response)
    assert f'value="{amount}"' in text(response)
    assert form(demo, number).state == FormState.SUBMITTED


def test_a_future_collection_date_is_refused(officer, demo):
    number = numbers(demo, FormState.SUBMITTED, received=True)[0]
    tomorrow = (clock.today() + timedelta(days=1)).strftime("%Y%m%d")
    response = post(officer, f"/bureau/write_offs/{number}", {"amount": "100", "collected_on": tomorrow})
    assert response.status_code == 422 and "收汇日期不能晚于今天" in text(response)
    assert form(demo, number).state == FormState.SUBMITTED


def declaration_of(demo, number) -> Declaration:
    with demo.session() as session:
        return session.exec(select(Declaration).join(Form, Form.id == Declaration.form_id)
                            .where(Form.number == number)).one()


def test_write_off_asks_first_then_shows_the_written_off_form(officer, demo):
    number = numbers(demo, FormState.SUBMITTED, received=True)[0]
    total = declaration_of(demo, number).total
    page = text(officer.get(f"/bureau/write_offs/{number}"))
    assert "报关单总价" in page and "商品名称" in page and 'aria-selected="true">出口报关单' in page
    assert f"报关单总价 美元 {total:,.2f}" in page and "<dd>美元</dd>" in page and "502 美元" not in page
    today = clock.today().strftime("%Y%m%d")
    typed = {"amount": f"{total:,.2f}", "collected_on": today}
    asked = post(officer, f"/bureau/write_offs/{number}", {**typed, "write_off": "1"}, HX)
    assert asked.status_code == 200 and f"是否进行核销？核销单 {number}，收汇金额 美元 {total:,.2f}" in text(asked)
    assert 'name="confirmed"' in text(asked) and form(demo, number).state == FormState.SUBMITTED
    back = post(officer, f"/bureau/write_offs/{number}", {**typed, "edit": "1"}, HX)
    assert f'value="{total:,.2f}"' in text(back) and "是否进行核销" not in text(back)
    response = post(officer, f"/bureau/write_offs/{number}", {**typed, "confirmed": "1"}, HX)
    body = text(response)
    assert response.status_code == 200 and "核销成功" in body
    assert 'id="tab-body" hx-swap-oob="true"' in body and "已核销" in body and f"美元 {total:,.2f}" in body
    written = form(demo, number)
    assert written.state == FormState.WRITTEN_OFF and written.collected_amount == total
    assert written.difference_reason is None
    again = post(officer, f"/bureau/write_offs/{number}", {"amount": "1", "collected_on": today, "confirmed": "1"})
    assert again.status_code == 422 and "该核销单已核销" in text(again)
    assert number not in text(officer.get("/bureau/write_offs"))


def test_write_off_refuses_a_date_before_export_and_a_far_amount_without_reason(officer, demo):
    number = numbers(demo, FormState.SUBMITTED, received=True)[0]
    decl = declaration_of(demo, number)
    before = (decl.exported_on - timedelta(days=1)).strftime("%Y%m%d")
    today = clock.today().strftime("%Y%m%d")
    early = post(officer, f"/bureau/write_offs/{number}", {"amount": "1", "collected_on": before, "confirmed": "1"})
    assert early.status_code == 422 and f"收汇日期不能早于出口日期 {decl.exported_on:%Y-%m-%d}" in text(early)
    far = post(officer, f"/bureau/write_offs/{number}", {"amount": "0.01", "collected_on": today, "confirmed": "1"})
    assert far.status_code == 422 and "超过 5%，请填写差额原因" in text(far)
    assert form(demo, number).state == FormState.SUBMITTED
    near = f"{decl.total * Decimal('0.96'):.2f}"  # within 5%: no reason asked
    assert "是否进行核销" in text(post(officer, f"/bureau/write_offs/{number}", {"amount": near, "collected_on": today}))
    typed = {"amount": "0.01", "collected_on": today, "reason": "部分退货"}
    asked = post(officer, f"/bureau/write_offs/{number}", typed)
    assert "差额原因：部分退货" in text(asked) and form(demo, number).state == FormState.SUBMITTED
    done = post(officer, f"/bureau/write_offs/{number}", {**typed, "confirmed": "1"})
    assert done.status_code == 200 and "核销成功" in text(done) and "部分退货" in text(done)
    written = form(demo, number)
    assert written.difference_reason == "部分退货" and str(written.collected_amount) == "0.01"
    with demo.session() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.form_number == number,
                                                      AuditEvent.action == "核销")).one()
    assert event.detail.endswith("差额原因：部分退货") and "美元 0.01" in event.detail


def test_write_off_tolerance_is_a_setting(officer, demo, monkeypatch):
    assert Policy.from_config({**{k.upper(): 1 for k in Policy.__dataclass_fields__},
                                 "WRITE_OFF_TOLERANCE": "2.5"}).write_off_tolerance == 2.5
    assert Policy().write_off_tolerance == 5
    monkeypatch.setattr(demo, "settings", replace(demo.settings, write_off_tolerance=50))
    number = numbers(demo, FormState.SUBMITTED, received=True)[0]
    today = clock.today().strftime("%Y%m%d")
    page = text(officer.get(f"/bureau/write_offs/{number}"))
    assert "收汇金额与报关单总价相差超过 50% 时必填" in page
    half = f"{declaration_of(demo, number).total * Decimal('0.6'):.2f}"
    assert "是否进行核销" in text(post(officer, f"/bureau/write_offs/{number}", {"amount": half, "collected_on": today}))
    low = f"{declaration_of(demo, number).total * Decimal('0.4'):.2f}"
    assert "超过 50%，请填写差额原因" in text(post(officer, f"/bureau/write_offs/{number}",
                                                   {"amount": low, "collected_on": today}))


def test_write_off_page_says_why_not(officer, demo):
    unreceived = numbers(demo, FormState.SUBMITTED, received=False)[0]
    page = text(officer.get(f"/bureau/write_offs/{unreceived}"))
    assert "不能核销：外汇局尚未接收该交单，不能核销" in page and 'name="amount"' not in page
    assert officer.get("/bureau/write_offs/999999999").status_code == 404
    assert officer.get("/bureau/write_offs/abc").status_code == 404


def test_write_off_list_walks_and_searches(officer, demo):
    received = numbers(demo, FormState.SUBMITTED, received=True)
    listing = text(officer.get("/bureau/write_offs"))
    assert all(f'href="/bureau/write_offs/{n}"' in listing for n in received)
    page = text(officer.get(f"/bureau/write_offs/{received[0]}"))
    assert f'href="/bureau/write_offs/{received[1]}" rel="next">下一单' in page
    one = text(officer.get(f"/bureau/write_offs?q={received[1]}", headers=HX))
    assert one.count('data-label="核销单号"') == 1


# ── 挂失 / 注销 ────────────────────────────────────────────────────────────────────────────────

def test_lookup_messages(officer, demo):
    assert "核销单号应为 9 位数字" in text(officer.get("/bureau/lost?number=12"))
    assert "未找到核销单 999999999" in text(officer.get("/bureau/lost?number=999999999"))
    written_off = numbers(demo, FormState.WRITTEN_OFF)[0]
    page = text(officer.get(f"/bureau/cancel?number={written_off}", headers=HX))
    assert "不能注销：该核销单已核销" in page and 'name="reason"' not in page
    used = numbers(demo, FormState.SUBMITTED)[0]
    assert "不能注销：核销单状态为已交单，不能注销" in text(officer.get(f"/bureau/cancel?number={used}"))


def test_lost_without_javascript_asks_for_confirmation_first(officer, demo):
    number = numbers(demo, FormState.REGISTERED)[0]
    asked = post(officer, "/bureau/lost", {"number": number, "reason": "纸质单证遗失"})
    assert asked.status_code == 200 and f"是否挂失核销单 {number}？挂失原因：纸质单证遗失" in text(asked)
    assert form(demo, number).state == FormState.REGISTERED
    done = post(officer, "/bureau/lost", {"number": number, "reason": "纸质单证遗失", "confirmed": "1"})
    assert done.status_code == 200 and "挂失成功" in text(done)
    lost = form(demo, number)
    assert lost.state == FormState.LOST and lost.closed_reason == "纸质单证遗失"


def test_lost_needs_a_reason_and_another_officer_may_be_first(officer, demo, actors):
    number = numbers(demo, FormState.USED)[0]
    missing = post(officer, "/bureau/lost", {"number": number, "reason": " ", "confirmed": "1"}, HX)
    assert missing.status_code == 422 and "请填写挂失原因" in text(missing)
    assert form(demo, number).state == FormState.USED
    assert workflow.cancel(db=demo, actor=actors["bureau"], number=number, reason="填错").ok
    late = post(officer, "/bureau/lost", {"number": number, "reason": "遗失", "confirmed": "1"}, HX)
    assert late.status_code == 422 and "该核销单已注销" in text(late)


@pytest.mark.parametrize("choice, note, stored", [
    ("全额退关", "", "全额退关"), ("填错", "金额填错", "填错：金额填错"), ("其他原因", "企业注销", "企业注销"),
])
def test_cancel_reasons(officer, demo, choice, note, stored):
    number = numbers(demo, FormState.ISSUED)[0]
    response = post(officer, "/bureau/cancel", {"number": number, "reason_choice": choice, "reason": note,
                                                "confirmed": "1"}, HX)
    assert response.status_code == 200 and "注销成功" in text(response) and "<html" not in text(response)
    cancelled = form(demo, number)
    assert cancelled.state == FormState.CANCELLED and cancelled.closed_reason == stored


def test_cancel_other_without_text_is_refused(officer, demo):
    number = numbers(demo, FormState.ISSUED)[0]
    response = post(officer, "/bureau/cancel", {"number": number, "reason_choice": "其他原因", "reason": ""})
    assert response.status_code == 422 and "请填写注销原因" in text(response)
    assert form(demo, number).state == FormState.ISSUED


def test_permission_request_from_the_legal_card_reaches_the_list(officer, demo, actors):
    assert accounts.request_permission(db=demo, actor=actors["C_legal"], card_no="1100000000004").ok
    listing = text(officer.get("/bureau/permissions"))
    assert "申请延期" in listing and "1100000000004" in listing and "申请开通" in listing


# ── whatever is typed or put in the URL: a page or a message, never a stack trace ────────────

@pytest.mark.parametrize("url, status", [
    ("/bureau/applications/99999999999999999999", 404), ("/bureau/permissions/99999999999999999999", 404),
    ("/bureau/applications?after=99999999999999999999", 200), ("/bureau/permissions?before=-1", 200),
    ("/bureau/receipts?after=%00%01", 400), ("/bureau/receipts?q=%00", 400), ("/bureau/write_offs?before=1%00", 400),
    ("/bureau/write_offs/28600%0041", 400), ("/bureau/write_offs/" + "9" * 300, 404), ("/bureau/lost?number=%00", 400),
])
def test_odd_urls(officer, url, status):
    assert officer.get(url).status_code == status


def test_odd_posts(officer, demo):
    application = pending_application(demo)
    assert post(officer, "/bureau/applications/99999999999999999999", {"issue": "1", "count": "1"}).status_code == 404
    assert post(officer, "/bureau/permissions/99999999999999999999", {"refuse": "1", "reason": "x"}).status_code == 404
    # a NUL byte anywhere is refused before anything is read, and nothing changes
    rejected = post(officer, f"/bureau/applications/{application.id}", {"reject": "1", "reason": "\x00资料不全"})
    assert rejected.status_code == 400 and "请求有误" in text(rejected)
    with demo.session() as session:
        assert session.get(FormApplication, application.id).state == "pending"
    number = numbers(demo, FormState.SUBMITTED, received=False)[0]
    received = post(officer, "/bureau/receipts", {"receive": "1", "number": ["\x00", number]})
    assert received.status_code == 400
    assert numbers(demo, FormState.SUBMITTED, received=False)[0] == number
    lost = post(officer, "/bureau/lost", {"number": "2860\x00", "reason": "x", "confirmed": "1"})
    assert lost.status_code == 400


def test_receipts_page_by_number_and_select_all_keeps_the_page(officer, demo):
    waiting = numbers(demo, FormState.SUBMITTED, received=False)
    later = text(officer.get(f"/bureau/receipts?after={waiting[0]}"))
    assert f"标记 {waiting[0]}" not in later and f"标记 {waiting[1]}" in later and "上一页" in later
    assert f'name="after" value="{waiting[0]}"' in later
    marked = text(post(officer, "/bureau/receipts", {"select_all": "1", "after": waiting[0]}, HX))
    assert marked.count("checked") == len(waiting) - 1 and f"标记 {waiting[0]}" not in marked
