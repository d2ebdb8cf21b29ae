"""The guards beyond the state (manual §十), batches row by row, bad input, the bureau's stock, the tally."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from db import clock, tally, workflow
from db.models import ApplicationState, AuditEvent, CardKind, Declaration, Form, FormApplication, FormState, FormTally
from db.rules import NO_PERMISSION
from tests import factories


@pytest.fixture
def w(db):
    """An enterprise with its operator, another enterprise, the bureau and the customs of 5700."""
    mine, other = factories.enterprise(db), factories.enterprise(db, "别家")

    class World:
        pass

    world = World()
    world.db, world.mine, world.other = db, mine, other
    world.op = factories.card(db, CardKind.OPERATOR, enterprise_id=mine)
    world.other_op = factories.card(db, CardKind.OPERATOR, enterprise_id=other)
    world.bureau = factories.card(db, CardKind.BUREAU)
    world.customs = factories.card(db, CardKind.CUSTOMS, district="5700")
    return world


def test_submit_without_fx_slip_says_to_ask_customs_to_reissue(w):
    n = factories.form(w.db, w.mine, FormState.USED, declaration="closed")
    r = workflow.submit(db=w.db, actor=w.op, numbers=[n])[0]
    assert (r.ok, r.message) == (False, "请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）")
    assert workflow.reissue_slip(db=w.db, actor=w.customs, numbers=[n])[0].message.startswith("结汇联尚未签发")
    assert workflow.issue_slip(db=w.db, actor=w.customs, numbers=[n])[0].ok
    assert workflow.issue_slip(db=w.db, actor=w.customs, numbers=[n])[0].message.startswith("结汇联已签发")
    assert workflow.reissue_slip(db=w.db, actor=w.customs, numbers=[n])[0].ok
    assert workflow.submit(db=w.db, actor=w.op, numbers=[n])[0].message == "交单成功"


def test_released_but_unused_form_needs_supplement_then_can_be_submitted(w):
    n = factories.form(w.db, w.mine, FormState.REGISTERED, declaration="closed", verified=False)
    r = workflow.submit(db=w.db, actor=w.op, numbers=[n])[0]
    assert r.message == "海关使用状态为未用，货物已放行的请联系海关补验"
    assert workflow.record_declaration(db=w.db, actor=w.customs, number=n,
                                       data=factories.declaration_input()).message.startswith("该核销单已有出口报关单")
    assert workflow.supplement_verify(db=w.db, actor=w.customs, numbers=[n])[0].ok
    assert factories.state_of(w.db, n) == FormState.USED
    assert workflow.issue_slip(db=w.db, actor=w.customs, numbers=[n])[0].ok
    assert workflow.submit(db=w.db, actor=w.op, numbers=[n])[0].ok


def test_submit_before_the_declaration_is_closed_is_refused(w):
    n = factories.form(w.db, w.mine, FormState.USED, declaration="released")
    assert workflow.submit(db=w.db, actor=w.op, numbers=[n])[0].message == "出口报关单尚未结关，不能交单"


def test_customs_cannot_use_a_form_past_its_use_period(w):
    n = factories.form(w.db, w.mine, FormState.REGISTERED, declaration=None, registered_days_ago=91)
    r = workflow.record_declaration(db=w.db, actor=w.customs, number=n, data=factories.declaration_input())
    assert r.message == "该核销单备案已超过 90 天使用期限，不能验核"
    fresh = factories.form(w.db, w.mine, FormState.REGISTERED, declaration=None, registered_days_ago=90)
    r = workflow.record_declaration(db=w.db, actor=w.customs, number=fresh, data=factories.declaration_input())
    assert r.ok and r.message.startswith("验核成功，出口报关单号 5700")


def test_declaration_numbers_follow_district_year_and_serial(w):
    numbers = []
    for _ in range(2):
        n = factories.form(w.db, w.mine, FormState.REGISTERED, declaration=None)
        workflow.record_declaration(db=w.db, actor=w.customs, number=n, data=factories.declaration_input())
        with w.db.session() as s:
            numbers.append(s.exec(select(Declaration.number).join(Form).where(Form.number == n)).one())
    year = clock.today().year
    assert numbers == [f"5700{year}1000000001", f"5700{year}1000000002"]


def test_write_off_needs_a_received_submission_and_good_input(w):
    n = factories.form(w.db, w.mine, FormState.SUBMITTED)
    assert workflow.write_off(db=w.db, actor=w.bureau, number=n, amount="10", collected_on="20260101").message \
        == "外汇局尚未接收该交单，不能核销"
    assert workflow.receive(db=w.db, actor=w.bureau, numbers=[n])[0].message == "接收成功"
    assert workflow.receive(db=w.db, actor=w.bureau, numbers=[n])[0].message == "该交单已接收"
    tomorrow = (clock.today() + timedelta(days=1)).strftime("%Y%m%d")
    for amount, day, message in [("abc", "20260101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
                                 ("-5", "20260101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
                                 ("1.234", "20260101", "收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999"),
                                 ("10", "2026-13-01", "收汇日期应为 YYYYMMDD 格式的日期"),
                                 ("10", tomorrow, "收汇日期不能晚于今天")]:
        assert workflow.write_off(db=w.db, actor=w.bureau, number=n, amount=amount, collected_on=day).message == message
    with w.db.session() as s:
        decl = s.exec(select(Declaration).join(Form).where(Form.number == n)).one()
    today, before = clock.today().strftime("%Y%m%d"), (decl.exported_on - timedelta(days=1)).strftime("%Y%m%d")
    assert workflow.write_off(db=w.db, actor=w.bureau, number=n, amount="10", collected_on=before).message \
        == f"收汇日期不能早于出口日期 {decl.exported_on:%Y-%m-%d}"
    far = workflow.write_off(db=w.db, actor=w.bureau, number=n, amount="0.01", collected_on=today)
    assert far.message.endswith("超过 5%，请填写差额原因") and "相差 100.00%" in far.message
    asked = workflow.check_write_off(db=w.db, actor=w.bureau, number=n, amount="0.01", collected_on=today,
                                     reason=" 部分 退货 ")
    assert asked.ok and asked.message.startswith(f"是否进行核销？核销单 {n}，收汇金额")
    assert asked.message.endswith("差额原因：部分 退货")
    assert factories.state_of(w.db, n) == FormState.SUBMITTED  # asking changes nothing
    near = f"{decl.total * Decimal('1.05'):.2f}"  # 5% exactly is within the tolerance
    assert workflow.check_write_off(db=w.db, actor=w.bureau, number=n, amount=near, collected_on=today).ok
    assert workflow.write_off(db=w.db, actor=w.bureau, number=n, amount="1,000.50", collected_on=today,
                              reason="部分退货").ok
    with w.db.session() as s:
        form = s.exec(select(Form).where(Form.number == n)).one()
        event = s.exec(select(AuditEvent).where(AuditEvent.form_id == form.id, AuditEvent.action == "核销")).one()
    assert (str(form.collected_amount), form.state) == ("1000.50", FormState.WRITTEN_OFF)
    assert form.difference_reason == "部分退货" and event.detail.endswith("差额原因：部分退货")


def test_operator_without_a_valid_permission_can_do_nothing(w):
    expired = factories.card(w.db, CardKind.OPERATOR, enterprise_id=w.mine, expires=clock.today() - timedelta(days=1))
    n = factories.form(w.db, w.mine, FormState.ISSUED)
    assert workflow.register_port(db=w.db, actor=expired, numbers=[n], port="5700")[0].message == NO_PERMISSION
    assert workflow.apply_forms(db=w.db, actor=expired, quantity=5).message == NO_PERMISSION
    assert factories.state_of(w.db, n) == FormState.ISSUED


@pytest.mark.parametrize("number", ["12345678", "1234567890", "12345678a", "２８６０００００１", "", " " * 9, "1' OR '1"])
def test_a_number_that_is_not_nine_digits_is_refused(w, number):
    r = workflow.register_port(db=w.db, actor=w.op, numbers=[number], port="5700")[0]
    assert r.message == "核销单号应为 9 位数字"


def test_unknown_port_is_refused_before_anything_happens(w):
    n = factories.form(w.db, w.mine, FormState.ISSUED)
    for port in ["9999", "", "57000", "<b>"]:
        results = workflow.register_port(db=w.db, actor=w.op, numbers=[n], port=port)
        assert len(results) == 1 and not results[0].ok and "不存在" in results[0].message
    assert factories.state_of(w.db, n) == FormState.ISSUED


def test_batch_answers_row_by_row_and_does_each_number_once(w):
    free = factories.form(w.db, w.mine, FormState.ISSUED)
    taken = factories.form(w.db, w.mine, FormState.REGISTERED)
    theirs = factories.form(w.db, w.other, FormState.ISSUED)
    results = workflow.register_port(db=w.db, actor=w.op, numbers=[free, taken, theirs, free], port="5300")
    assert [(r.number, r.ok, r.message) for r in results] == [
        (free, True, "设置成功"),
        (taken, False, "该核销单已备案，如需更改口岸请先撤销备案"),
        (theirs, False, f"未找到核销单 {theirs}"),
    ]
    assert factories.state_of(w.db, theirs) == FormState.ISSUED
    assert workflow.register_port(db=w.db, actor=w.op, numbers=[], port="5300")[0].message == "请先标记核销单"


def test_revoke_confirmed_returns_the_form_for_another_port(w):
    n = factories.form(w.db, w.mine, FormState.ISSUED)
    assert workflow.register_port(db=w.db, actor=w.op, numbers=[n], port="5700")[0].ok
    assert workflow.request_revoke(db=w.db, actor=w.op, numbers=[n])[0].message == "撤销备案申请成功"
    assert workflow.reject_revoke(db=w.db, actor=w.customs, number=n, reason=" ").message == "请填写驳回原因"
    assert workflow.confirm_revoke(db=w.db, actor=w.customs, numbers=[n])[0].ok
    with w.db.session() as s:
        form = s.exec(select(Form).where(Form.number == n)).one()
    assert (form.state, form.port_code, form.registered_on) == (FormState.ISSUED, None, None)
    assert workflow.register_port(db=w.db, actor=w.op, numbers=[n], port="5300")[0].ok


@pytest.mark.parametrize("quantity", [0, -1, 101, "abc", "", "1.5", "１０", 10**30])
def test_apply_refuses_a_bad_quantity(w, quantity):
    r = workflow.apply_forms(db=w.db, actor=w.op, quantity=quantity)
    assert (r.ok, r.message) == (False, "份数应为 1 至 100 之间的整数")
    with w.db.session() as s:
        assert s.exec(select(FormApplication)).first() is None


def test_bureau_issues_consecutive_numbers_continuing_its_stock(w):
    assert workflow.apply_forms(db=w.db, actor=w.op, quantity=5).message == "申请成功"
    assert workflow.apply_forms(db=w.db, actor=w.op, quantity=3).message == "申请成功"
    with w.db.session() as s:
        first, second = s.exec(select(FormApplication.id).order_by(FormApplication.id)).all()
    assert workflow.issue_forms(db=w.db, actor=w.bureau, application_id=first, count=6).message == \
        "发放份数应为 1 至 5 之间的整数"
    r = workflow.issue_forms(db=w.db, actor=w.bureau, application_id=first, count=4)  # fewer than asked
    assert r.message == "发放成功：核销单号 286000001 至 286000004，共 4 份"
    assert workflow.issue_forms(db=w.db, actor=w.bureau, application_id=first, count=1).message == \
        "该申请已发放，不能再发放"
    r = workflow.issue_forms(db=w.db, actor=w.bureau, application_id=second, count=3)
    assert r.message == "发放成功：核销单号 286000005 至 286000007，共 3 份"
    assert workflow.record_paper_collected(db=w.db, actor=w.bureau, application_id=first).ok
    assert workflow.record_paper_collected(db=w.db, actor=w.bureau, application_id=first).message == "纸质单证已领取"
    assert workflow.issue_forms(db=w.db, actor=w.op, application_id=second, count=1).message == "本卡无权进行此操作"
    assert workflow.issue_forms(db=w.db, actor=w.bureau, application_id="x", count=1).message == "未找到该申请"
    with w.db.session() as s:
        forms = s.exec(select(Form).where(Form.enterprise_id == w.mine).order_by(Form.number)).all()
    assert [f.state for f in forms] == [FormState.ISSUED] * 7
    assert all(f.issued_on == clock.today() for f in forms)


def test_reject_application_needs_a_reason(w):
    workflow.apply_forms(db=w.db, actor=w.op, quantity=2)
    with w.db.session() as s:
        application_id = s.exec(select(FormApplication.id)).one()
    assert workflow.reject_application(db=w.db, actor=w.bureau, application_id=application_id, reason="").message \
        == "请填写驳回原因"
    assert workflow.reject_application(db=w.db, actor=w.bureau, application_id=application_id, reason="资料不全").ok
    with w.db.session() as s:
        assert s.get(FormApplication, application_id).state == ApplicationState.REJECTED


def test_bureau_lost_and_cancel_need_a_reason(w):
    n = factories.form(w.db, w.mine, FormState.USED)
    assert workflow.cancel(db=w.db, actor=w.bureau, number=n, reason="").message == "请填写注销原因"
    assert workflow.bureau_report_lost(db=w.db, actor=w.bureau, number=n, reason="  ").message == "请填写挂失原因"
    assert workflow.cancel(db=w.db, actor=w.bureau, number=n, reason="全额退关").message == "注销成功"
    assert workflow.bureau_report_lost(db=w.db, actor=w.bureau, number=n, reason="遗失").message == "该核销单已注销"


def test_the_tally_always_equals_the_forms(w):
    numbers = [factories.form(w.db, w.mine, FormState.ISSUED) for _ in range(4)]
    workflow.register_port(db=w.db, actor=w.op, numbers=numbers[:3], port="5700")
    workflow.request_revoke(db=w.db, actor=w.op, numbers=numbers[:1])
    workflow.confirm_revoke(db=w.db, actor=w.customs, numbers=numbers[:1])
    workflow.record_declaration(db=w.db, actor=w.customs, number=numbers[1], data=factories.declaration_input())
    workflow.report_lost(db=w.db, actor=w.op, numbers=numbers[2:])
    with w.db.session() as s:
        actual = {(e, p or "", st): n for e, p, st, n in s.exec(
            select(Form.enterprise_id, Form.port_code, Form.state, func.count()).group_by(
                Form.enterprise_id, Form.port_code, Form.state)).all()}
        kept = {(t.enterprise_id, t.port_code, t.state): t.n for t in s.exec(select(FormTally)).all() if t.n}
        assert kept == actual
        per_state = {}
        for (e, _port, st), n in actual.items():
            if e == w.mine:
                per_state[st] = per_state.get(st, 0) + n
        assert {k: v for k, v in tally.by_state(s, enterprise_id=w.mine).items() if v} == per_state


@pytest.mark.parametrize("choice, note, reason", [
    ("全额退关", "", "全额退关"), ("填错", " 金额填错 ", "填错：金额填错"), ("其他原因", "企业注销", "企业注销"),
    ("伪造选项", "企业注销", "企业注销"), ("其他原因", "", ""),
])
def test_cancel_reasons_live_in_the_domain(choice, note, reason):
    assert workflow.cancel_reason(choice, note) == reason
