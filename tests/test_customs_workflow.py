"""Customs' domain functions on the demo data: 验核 (出口报关单 input and its checks), 放行 → 结关 →
签发结汇联 / 重签结汇联, 补验 (manual §10.3), 确认撤销 / 驳回撤销, and the 关区 scope of every one.

The helpers at the top find demo forms by state; the route and browser tests import them."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from db import clock, declarations, workflow
from db.models import AuditEvent, Declaration, DeclarationLine, DeclarationStatus, Form, FormState
from db.rules import Action, why_not

HEADER = {"declared_on": "", "exported_on": "", "transport": "2", "trade_mode": "0110", "settlement": "2",
          "deal": "3", "currency": "502", "country": "502", "dest_port": "洛杉矶"}
LINE = {"hs_code": "6204430090", "name": "女式化纤连衣裙", "quantity": "1200", "unit": "件", "unit_price": "12.50"}


def header(**changes) -> dict:
    today = f"{clock.today():%Y%m%d}"
    return {**HEADER, "declared_on": today, "exported_on": today, **changes}


def forms_where(db, port: str, state: FormState, *, decl_status=None, slip=None, verified=None,
                with_declaration: bool | None = None) -> list[str]:
    """核销单号 of demo forms registered to `port` in `state`, optionally by their declaration."""
    with db.session() as session:
        stmt = select(Form.number).where(Form.port_code == port, Form.state == state)
        has = select(Declaration.form_id)
        if decl_status is not None:
            has = has.where(Declaration.status == decl_status)
        if slip is not None:
            has = has.where(Declaration.fx_slip_issued.is_(slip))
        if verified is not None:
            has = has.where(Declaration.verified.is_(verified))
        if with_declaration is False:
            stmt = stmt.where(Form.id.not_in(select(Declaration.form_id)))
        elif with_declaration or decl_status or slip is not None or verified is not None:
            stmt = stmt.where(Form.id.in_(has))
        return list(session.exec(stmt.order_by(Form.number)).all())


def form_of(db, number: str) -> tuple[Form, Declaration | None]:
    with db.session() as session:
        form = session.exec(select(Form).where(Form.number == number)).one()
        return form, session.exec(select(Declaration).where(Declaration.form_id == form.id)).first()


def parse(db, data: dict, lines: list[dict]):
    with db.session() as session:
        return declarations.parse(session, data, lines)


def registered_days_ago(db, actors, days: int, port: str = "5700") -> str:
    """An issued form of 企业A registered `days` days ago (the demo has none past the use period)."""
    number = forms_where_issued(db)[0]
    with clock.travel_to(clock.today() - timedelta(days=days)):
        assert workflow.register_port(db=db, actor=actors["A"], numbers=[number], port=port)[0].ok
    return number


def forms_where_issued(db) -> list[str]:
    with db.session() as session:
        return list(session.exec(select(Form.number).where(Form.state == FormState.ISSUED)
                                 .order_by(Form.number)).all())


# ── 验核 ───────────────────────────────────────────────────────────────────────────────────

def test_verify_records_the_declaration_and_the_form_is_used(demo, actors):
    number = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    second = {**LINE, "hs_code": "6109100022", "quantity": "10", "unit_price": "3.8"}
    data, errors = parse(demo, header(), [LINE, second])
    assert errors == {}
    result = workflow.record_declaration(db=demo, actor=actors["customs5700"], number=number, data=data)
    assert result.ok and result.message.startswith("验核成功，出口报关单号 5700")
    form, decl = form_of(demo, number)
    assert form.state == FormState.USED
    assert len(decl.number) == 18 and decl.number.startswith(f"5700{clock.today().year}1")
    assert decl.district_code == "5700" and decl.status == DeclarationStatus.DECLARED
    assert decl.total == Decimal("15038.00")  # 1200 × 12.50 + 10 × 3.8
    with demo.session() as session:
        lines = session.exec(select(DeclarationLine).where(DeclarationLine.declaration_id == decl.id)
                             .order_by(DeclarationLine.line_no)).all()
        event = session.exec(select(AuditEvent).where(AuditEvent.form_id == form.id)
                             .order_by(AuditEvent.seq.desc())).first()
    assert [(line.line_no, line.total) for line in lines] == [(1, Decimal("15000.00")), (2, Decimal("38.00"))]
    assert (event.action, event.card_no, event.state_before, event.state_after) == (
        "验核", "3300000000001", "registered", "used")


def test_verify_of_another_districts_form_reads_as_not_found(demo, actors):
    number = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    data, _ = parse(demo, header(), [LINE])
    result = workflow.record_declaration(db=demo, actor=actors["customs5300"], number=number, data=data)
    assert not result.ok and result.message == f"未找到核销单 {number}"
    assert form_of(demo, number)[0].state == FormState.REGISTERED


def test_verify_past_the_use_period_is_refused_with_the_reason(demo, actors):
    number = registered_days_ago(demo, actors, 91)
    form, decl = form_of(demo, number)
    reason = why_not(Action.VERIFY, actors["customs5700"], form, decl, demo.settings)
    assert reason == "该核销单备案已超过 90 天使用期限，不能验核"
    data, _ = parse(demo, header(), [LINE])
    result = workflow.record_declaration(db=demo, actor=actors["customs5700"], number=number, data=data)
    assert (result.ok, result.message) == (False, reason)
    assert form_of(demo, number)[1] is None


def test_verify_on_the_last_day_of_the_use_period_is_allowed(demo, actors):
    number = registered_days_ago(demo, actors, 90)
    data, _ = parse(demo, header(), [LINE])
    assert workflow.record_declaration(db=demo, actor=actors["customs5700"], number=number, data=data).ok


@pytest.mark.parametrize("state, message", [
    (FormState.USED, "海关使用状态为已用，不能重复验核"),
    (FormState.REVOKING, "该核销单正在撤销备案，不能验核"),
])
def test_verify_of_a_form_not_registered_says_why(demo, actors, state, message):
    number = forms_where(demo, "5700", state)[0]
    data, _ = parse(demo, header(), [LINE])
    result = workflow.record_declaration(db=demo, actor=actors["customs5700"], number=number, data=data)
    assert (result.ok, result.message) == (False, message)


def test_an_enterprise_card_cannot_verify(demo, actors):
    number = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    data, _ = parse(demo, header(), [LINE])
    result = workflow.record_declaration(db=demo, actor=actors["A"], number=number, data=data)
    assert (result.ok, result.message) == (False, "本卡无权进行此操作")


# ── 出口报关单 input ─────────────────────────────────────────────────────────────────────────

TOMORROW = lambda: f"{clock.today() + timedelta(days=1):%Y%m%d}"  # noqa: E731


@pytest.mark.parametrize("changes, lines, field, message", [
    ({"currency": "999"}, [LINE], "currency", "币制代码 999 不存在"),
    ({"transport": "X"}, [LINE], "transport", "运输方式代码 X 不存在"),
    ({"country": "000"}, [LINE], "country", "运抵国代码 000 不存在"),
    ({"trade_mode": ""}, [LINE], "trade_mode", "请填写贸易方式"),
    ({"declared_on": "2024-02-30"}, [LINE], "declared_on", "申报日期应为 YYYYMMDD 格式的日期"),
    ({"exported_on": "tomorrow"}, [LINE], "exported_on", "出口日期应为 YYYYMMDD 格式的日期"),
    ({"dest_port": "港" * 41}, [LINE], "dest_port", "指运港不能超过 40 个字"),
    ({}, [{**LINE, "quantity": "一千"}], "line1", "第 1 项：数量应为大于 0 的数字，最多 4 位小数，不能超过 99,999,999,999,999"),
    ({}, [LINE, {**LINE, "unit_price": "12.5.0"}], "line2", "第 2 项：单价应为大于 0 的数字，最多 4 位小数，不能超过 99,999,999,999,999"),
    ({}, [{**LINE, "unit_price": "-3"}], "line1", "第 1 项：单价应为大于 0 的数字，最多 4 位小数，不能超过 99,999,999,999,999"),
    ({}, [{**LINE, "hs_code": "62044300"}], "line1", "第 1 项：商品编号应为 10 位数字"),
    ({}, [{**LINE, "name": ""}], "line1", "第 1 项：请填写商品名称（100 字以内）"),
    ({}, [], "lines", "请至少填写一项商品"),
    ({}, [LINE] * 21, "lines", "商品最多 20 项"),
])
def test_declaration_input_says_what_is_wrong_field_by_field(demo, changes, lines, field, message):
    data, errors = parse(demo, header(**changes), lines)
    assert data is None
    assert errors[field] == message


def test_dates_in_the_future_and_in_the_wrong_order_are_refused(demo):
    _, errors = parse(demo, header(declared_on=TOMORROW(), exported_on=TOMORROW()), [LINE])
    assert errors == {"declared_on": "申报日期不能晚于今天", "exported_on": "出口日期不能晚于今天"}
    yesterday = f"{clock.today() - timedelta(days=1):%Y%m%d}"
    _, errors = parse(demo, header(exported_on=yesterday), [LINE])
    assert errors == {"exported_on": "出口日期不能早于申报日期"}


def test_every_error_is_reported_at_once(demo):
    _, errors = parse(demo, header(currency="999", deal=""), [{**LINE, "quantity": "x"}, {**LINE, "hs_code": "1"}])
    assert set(errors) == {"currency", "deal", "line1", "line2"}


# ── 放行, 结关, 签发结汇联, 重签结汇联 ─────────────────────────────────────────────────────────────

def test_release_close_and_issue_the_slip_in_order(demo, actors):
    officer = actors["customs5300"]
    number = forms_where(demo, "5300", FormState.USED, decl_status=DeclarationStatus.DECLARED)[0]
    for step, wrong in [(workflow.close_declaration, "出口报关单状态为已申报，不能结关"),
                        (workflow.issue_slip, "出口报关单状态为已申报，不能签发结汇联")]:
        assert step(db=demo, actor=officer, numbers=[number])[0].message == wrong
    assert workflow.release(db=demo, actor=officer, numbers=[number])[0].message == "放行成功"
    assert workflow.release(db=demo, actor=officer, numbers=[number])[0].message == "出口报关单状态为已放行，不能放行"
    assert workflow.close_declaration(db=demo, actor=officer, numbers=[number])[0].message == "结关成功"
    assert workflow.reissue_slip(db=demo, actor=officer, numbers=[number])[0].message == "结汇联尚未签发，请用签发结汇联"
    assert workflow.issue_slip(db=demo, actor=officer, numbers=[number])[0].message == "签发结汇联成功"
    form, decl = form_of(demo, number)
    assert form.state == FormState.USED  # the declaration moves; the form stays 已用, ready for 交单
    assert (decl.status, decl.fx_slip_issued, decl.fx_slip_on, decl.fx_slip_count) == (
        DeclarationStatus.CLOSED, True, clock.today(), 1)
    assert why_not(Action.SUBMIT, actors["A"], form, decl, demo.settings) is None


def test_reissue_slip_for_a_used_closed_form(demo, actors):
    """Manual §10.3 case 2: 已用 and 结关, but the bureau has no 结汇联: customs signs it again."""
    officer = actors["customs5700"]
    number = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.CLOSED, slip=True)[0]
    assert workflow.issue_slip(db=demo, actor=officer, numbers=[number])[0].message == "结汇联已签发，如需重新签发请用重签结汇联"
    result = workflow.reissue_slip(db=demo, actor=officer, numbers=[number])[0]
    assert (result.ok, result.message) == (True, "重签结汇联成功")
    assert form_of(demo, number)[1].fx_slip_count == 2


def test_a_batch_answers_row_by_row(demo, actors):
    officer = actors["customs5300"]
    declared = forms_where(demo, "5300", FormState.USED, decl_status=DeclarationStatus.DECLARED)
    other = forms_where(demo, "5700", FormState.USED, decl_status=DeclarationStatus.DECLARED)[0]
    results = workflow.release(db=demo, actor=officer, numbers=[*declared, other, "12"])
    assert [r.ok for r in results] == [True] * len(declared) + [False, False]
    assert results[-2].message == f"未找到核销单 {other}"
    assert results[-1].message == "核销单号应为 9 位数字"
    assert workflow.release(db=demo, actor=officer, numbers=[])[0].message == "请先标记核销单"


# ── 补验 (manual §10.3 case 1) ─────────────────────────────────────────────────────────────

def test_supplement_makes_a_released_unused_form_used(demo, actors):
    number = forms_where(demo, "5700", FormState.REGISTERED, verified=False)[0]
    form, decl = form_of(demo, number)
    assert why_not(Action.SUBMIT, actors["A"], form, decl, demo.settings) == "海关使用状态为未用，货物已放行的请联系海关补验"
    assert workflow.supplement_verify(db=demo, actor=actors["customs5300"], numbers=[number])[0].message == \
        f"未找到核销单 {number}"
    result = workflow.supplement_verify(db=demo, actor=actors["customs5700"], numbers=[number])[0]
    assert (result.ok, result.message, result.after) == (True, "补验成功", FormState.USED)
    form, decl = form_of(demo, number)
    assert form.state == FormState.USED and decl.verified
    again = workflow.supplement_verify(db=demo, actor=actors["customs5700"], numbers=[number])[0]
    assert not again.ok


def test_supplement_of_a_form_without_a_released_declaration_is_refused(demo, actors):
    number = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    result = workflow.supplement_verify(db=demo, actor=actors["customs5700"], numbers=[number])[0]
    assert (result.ok, result.message) == (False, "该核销单没有已放行待补验的出口报关单")


# ── 撤销确认 ─────────────────────────────────────────────────────────────────────────────────

def test_confirm_revoke_returns_the_form_to_issued_and_it_can_be_registered_again(demo, actors):
    number = forms_where(demo, "5300", FormState.REVOKING)[0]
    assert workflow.confirm_revoke(db=demo, actor=actors["customs5700"], numbers=[number])[0].message == \
        f"未找到核销单 {number}"
    result = workflow.confirm_revoke(db=demo, actor=actors["customs5300"], numbers=[number])[0]
    assert (result.ok, result.message) == (True, "确认撤销成功")
    form, _ = form_of(demo, number)
    assert (form.state, form.port_code, form.registered_on) == (FormState.ISSUED, None, None)
    assert workflow.register_port(db=demo, actor=actors["A"], numbers=[number], port="5700")[0].ok
    assert form_of(demo, number)[0].port_code == "5700"


def test_reject_revoke_needs_a_reason_and_keeps_the_form_registered(demo, actors):
    number = forms_where(demo, "5300", FormState.REVOKING)[0]
    officer = actors["customs5300"]
    result = workflow.reject_revoke(db=demo, actor=officer, number=number, reason="  ")
    assert (result.ok, result.message) == (False, "请填写驳回原因")
    assert form_of(demo, number)[0].state == FormState.REVOKING
    result = workflow.reject_revoke(db=demo, actor=officer, number=number, reason="货物已申报出口")
    assert (result.ok, result.message) == (True, "已驳回撤销")
    form, _ = form_of(demo, number)
    assert (form.state, form.port_code) == (FormState.REGISTERED, "5300")
    with demo.session() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.form_id == form.id)
                             .order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.detail) == ("驳回撤销", "驳回原因：货物已申报出口")
    again = workflow.confirm_revoke(db=demo, actor=officer, numbers=[number])[0]
    assert (again.ok, again.message) == (False, "该核销单不在撤销中")


def test_an_action_on_a_form_someone_just_changed_is_refused_cleanly(demo, actors):
    """Two officers on one form: the second finds it moved on, and nothing of his is written."""
    number = forms_where(demo, "5300", FormState.REVOKING)[0]
    officer = actors["customs5300"]
    assert workflow.confirm_revoke(db=demo, actor=officer, numbers=[number])[0].ok
    late = workflow.reject_revoke(db=demo, actor=officer, number=number, reason="晚了一步")
    assert (late.ok, late.message) == (False, f"未找到核销单 {number}")  # it has left the 关区
    assert form_of(demo, number)[0].state == FormState.ISSUED
