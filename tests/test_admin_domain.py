"""数据中心, the domain side: card lists and 发卡 (db.cards), code-table import (db.codes), the audit
trail's filters and its verification (db.audit)."""
from datetime import date

import pytest
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from db import accounts, audit, cards, clock, codes
from db.actor import SYSTEM
from db.models import AuditEvent, Card, CardKind, Code
from db.queries import PAGE_SIZE, page

# ── helpers shared with the route and browser tests ──────────────────────────────────────────


def drop_audit_triggers(database):
    """The triggers refuse every UPDATE and DELETE of the trail; a test of a broken chain drops them."""
    with database.write_connection() as conn:
        if database.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER auditevent_no_update")
            conn.exec_driver_sql("DROP TRIGGER auditevent_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER auditevent_append_only ON auditevent")


def tamper(database, sql: str):
    drop_audit_triggers(database)
    with database.write_connection() as conn:
        conn.exec_driver_sql(sql)


def events(database, stmt) -> list[AuditEvent]:
    with database.session() as session:
        return list(session.exec(stmt).all())


# ── IC卡管理: the card list ──────────────────────────────────────────────────────────────────

def listed(database, **filters) -> list[str]:
    with database.session() as session:
        stmt = cards.filtered(session, cards.Filters(**filters))
        return [card.card_no for card in page(session, stmt, descending=True).rows]


def test_card_list_is_every_card_newest_first(demo):
    numbers = listed(demo)
    assert numbers[0] == "1100000000007" and "9900000000001" in numbers
    assert len(numbers) == len(set(numbers))


def test_card_list_filters_by_kind_enterprise_status_and_number(demo, actors):
    assert set(listed(demo, kind="customs")) == {"3300000000001", "3300000000002", "3300000000003"}
    assert set(listed(demo, customs_code="4404910002")) == {"1100000000003", "1100000000006", "1100000000007"}
    assert set(listed(demo, kind="legal", customs_code="4404910002")) == {"1100000000007"}
    assert listed(demo, status="locked") == []
    assert accounts.set_locked(db=demo, actor=actors["admin"], card_no="1100000000003", locked=True).ok
    assert listed(demo, status="locked") == ["1100000000003"]
    assert listed(demo, card_no="2200000000001") == ["2200000000001"]


@pytest.mark.parametrize("filters, message", [
    ({"card_no": "1100000000099"}, "未找到IC卡 1100000000099"),
    ({"card_no": "12ab"}, "IC卡号应为 13 位数字"),
    ({"customs_code": "123"}, "海关编码应为 10 位数字"),
    ({"customs_code": "9999999999"}, "海关编码 9999999999 尚未入网"),
    ({"kind": "boss"}, "没有这种卡类型"),
    ({"status": "gone"}, "没有这种卡状态"),
])
def test_card_list_explains_a_bad_filter(demo, filters, message):
    with pytest.raises(cards.FilterError, match=message):
        listed(demo, **filters)


def test_card_list_pages_by_key(demo, actors):
    for i in range(PAGE_SIZE + 3):
        result, _ = cards.issue(db=demo, actor=actors["admin"], kind="bureau", holder=f"外汇局 {i}")
        assert result.ok
    with demo.session() as session:
        stmt = cards.filtered(session, cards.Filters())
        first = page(session, stmt, descending=True)
        second = page(session, stmt, after=first.after, descending=True)
        back = page(session, stmt, before=second.before, descending=True)
    assert len(first.rows) == PAGE_SIZE and first.before is None
    assert [c.id for c in back.rows] == [c.id for c in first.rows]
    assert {c.id for c in first.rows}.isdisjoint(c.id for c in second.rows)


def test_permission_label(demo):
    with demo.session() as session:
        by_no = {c.card_no: cards.permission_label(c) for c in session.exec(select(Card)).all()}
    assert by_no["1100000000006"] == "未开通"
    assert by_no["1100000000004"].endswith("（已到期）")
    assert by_no["1100000000001"].startswith("至 ") and "已到期" not in by_no["1100000000001"]
    assert by_no["2200000000001"] == ""


# ── 发卡 ────────────────────────────────────────────────────────────────────────────────────

def test_issue_cards_of_each_kind(demo, actors):
    admin = actors["admin"]
    result, operator = cards.issue(db=demo, actor=admin, kind="operator", holder="新操作员", customs_code="4403910001")
    assert result.ok and operator.card_no.startswith("11") and len(operator.password) == 8
    result, officer = cards.issue(db=demo, actor=admin, kind="customs", holder="黄埔海关", district_code="5200")
    assert result.ok and officer.card_no == "3300000000004"  # after the demo's three
    with demo.session() as session:
        new = session.exec(select(Card).where(Card.card_no == operator.card_no)).one()
        customs = session.exec(select(Card).where(Card.card_no == officer.card_no)).one()
    assert new.must_change_password and new.permission_expires is None  # the bureau opens it (§10.1)
    assert customs.district_code == "5200" and customs.password_hash != officer.password


@pytest.mark.parametrize("values, message", [
    ({"kind": "", "holder": "某人"}, "请选择卡类型"),
    ({"kind": "admin", "holder": "某人"}, "请选择卡类型"),
    ({"kind": "operator", "holder": "某人", "customs_code": "4403"}, "海关编码应为 10 位数字"),
    ({"kind": "legal", "holder": "某人", "customs_code": "9999999999"}, "海关编码 9999999999 尚未入网"),
    ({"kind": "customs", "holder": "某海关"}, "海关卡须填写关区代码"),
    ({"kind": "customs", "holder": "某海关", "district_code": "9998"}, "关区代码 9998 不存在"),
    ({"kind": "bureau", "holder": "  "}, "请填写持卡人姓名"),
    ({"kind": "bureau", "holder": "长" * 61}, "持卡人姓名不能超过 60 个字"),
])
def test_issue_refuses_bad_input_and_writes_nothing(demo, actors, values, message):
    before = listed(demo)
    result, card = cards.issue(db=demo, actor=actors["admin"], **values)
    assert (result.ok, result.message, card) == (False, message, None)
    assert listed(demo) == before


def test_only_the_data_centre_issues_cards(demo, actors):
    result, card = cards.issue(db=demo, actor=actors["bureau"], kind="bureau", holder="自己发卡")
    assert not result.ok and result.message == "本卡无权进行此操作" and card is None


# ── 代码表: paging and import ─────────────────────────────────────────────────────────────────

def test_a_page_reads_only_the_codes_it_shows(demo):
    with demo.session() as session:
        shown = codes.names_for(session, "district", {"5700", "5300", "9999"})
        assert shown == {"5700": codes.name_of(session, "district", "5700"),
                         "5300": codes.name_of(session, "district", "5300")}  # 9999 is no code
        assert codes.names_for(session, "district", {"5700"}) == {"5700": shown["5700"]}  # from the whole table
        assert codes.names_for(session, "district", set()) == {}
    assert "拱北" in shown["5700"] and "深圳" in shown["5300"]


def test_code_table_pages_by_code_and_searches(demo):
    with demo.session() as session:
        first = codes.page_of(session, "district")
        second = codes.page_of(session, "district", after=first.after)
        back = codes.page_of(session, "district", before=second.before)
        last = first
        seen = [code for code, _ in first.rows]
        while last.after:
            last = codes.page_of(session, "district", after=last.after)
            seen += [code for code, _ in last.rows]
        by_name = codes.page_of(session, "district", "拱北")
        by_code = codes.page_of(session, "district", "57")
        currencies = codes.page_of(session, "currency")
    assert len(first.rows) == PAGE_SIZE and first.before is None and second.rows[0][0] > first.rows[-1][0]
    assert back.rows == first.rows
    assert len(seen) == 191 == len(set(seen)) and seen == sorted(seen)
    assert ("5700", "拱北关区") in by_name.rows and all("拱北" in name for _, name in by_name.rows)
    assert by_code.rows and all(code.startswith("57") for code, _ in by_code.rows)
    assert ("502", "美元") in currencies.rows and currencies.after is None


def test_preview_lists_every_row_with_what_it_would_do(demo):
    text = "code,name\n5700,拱北关区\n0100,北京新名\n9901,新关区\n12,短代码\n9902,\n9901,重复\n"
    with demo.session() as session:
        checked = codes.preview(session, "district", text)
    assert [(r.line, r.code, r.error) for r in checked.rows] == [
        (2, "5700", None), (3, "0100", None), (4, "9901", None), (5, "12", "代码应为 4 位数字"),
        (6, "9902", "名称不能为空，且不超过 60 个字"), (7, "9901", "代码在文件中重复")]
    assert checked.effects["5700"] == "不变" and checked.effects["9901"] == "新增"
    assert checked.effects["0100"].startswith("修改（原名称：")
    assert checked.errors == 3 and not checked.ok


@pytest.mark.parametrize("data, message", [
    ("代码,名称\n5700,拱北关区\n".encode("gbk"), "文件不是 UTF-8 编码"),
    (b"", "请选择要导入的 CSV 文件"),
    (b"\n\n", "请选择要导入的 CSV 文件"),
    (b"code,name\n", "文件中没有代码"),
    (b"5700,\"" + b"x" * 200_000 + b"\"\n", "文件不是有效的 CSV"),  # a field past the csv module's limit
])
def test_preview_refuses_a_bad_file(demo, data, message):
    with demo.session() as session:
        checked = codes.preview(session, "district", codes.decode(data))
    assert checked.message.startswith(message) and not checked.ok


def test_preview_of_an_unknown_table(demo):
    with demo.session() as session:
        assert codes.preview(session, "planets", "1,x").message == "请选择代码表"


def test_import_writes_every_row_in_one_audited_transaction(demo, actors):
    text = "\ufeffcode,name\n5700,拱北关区\n0100,北京新名\n9901,新关区\n"
    result, checked = codes.import_csv(db=demo, actor=actors["admin"], kind="district", text=text)
    assert result.ok and result.message == "导入成功。关区代码：新增 1，修改 1，不变 1"
    with demo.session() as session:
        assert codes.names(session, "district")["9901"] == "新关区"
        assert codes.names(session, "district")["0100"] == "北京新名"
        event = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert audit.verify(session).ok
    assert (event.action, event.card_no, event.detail) == ("代码表导入", "9900000000001", "关区代码：新增 1，修改 1，不变 1")


def test_import_with_a_bad_row_writes_nothing(demo, actors):
    with demo.session() as session:
        before = len(session.exec(select(Code)).all())
        tip = session.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).first()
    result, checked = codes.import_csv(db=demo, actor=actors["admin"], kind="district", text="9901,新关区\n99,坏\n")
    assert not result.ok and result.message == "文件中有 1 行错误，未导入任何代码" and checked.errors == 1
    with demo.session() as session:
        assert len(session.exec(select(Code)).all()) == before
        assert session.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).first() == tip


def test_only_the_data_centre_imports_codes(demo, actors):
    result, _ = codes.import_csv(db=demo, actor=actors["customs5700"], kind="currency", text="999,贝壳\n")
    assert not result.ok and result.message == "本卡无权进行此操作"


# ── 审计: the trail's filters ────────────────────────────────────────────────────────────────

def trail(database, **filters) -> list[AuditEvent]:
    with database.session() as session:
        return page(session, audit.trail(session, **filters), descending=True).rows


def test_trail_is_newest_first_twenty_a_page(demo):
    rows = trail(demo)
    assert len(rows) == PAGE_SIZE and [e.seq for e in rows] == sorted((e.seq for e in rows), reverse=True)
    with demo.session() as session:
        assert rows[0].seq == session.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).first()


def test_trail_filters_by_card_action_and_form(demo):
    assert {e.card_no for e in trail(demo, card_no="3300000000001")} == {"3300000000001"}
    assert {e.action for e in trail(demo, action="口岸备案")} == {"口岸备案"}
    form = trail(demo, action="口岸备案")[0].form_number
    history = trail(demo, form_number=form)
    assert history and {e.form_number for e in history} == {form}
    assert {e.action for e in history} >= {"发放", "口岸备案"}
    assert trail(demo, card_no="3300000000001", action="发放") == []


def test_trail_filters_by_china_dates(demo, actors):
    admin = actors["admin"]
    with clock.travel_to(date(2030, 1, 1), hour=23):  # 15:00 UTC: still 1 January in China
        accounts.set_locked(db=demo, actor=admin, card_no="1100000000003", locked=True)
    with clock.travel_to(date(2030, 1, 2), hour=0):  # 16:00 UTC on 1 January: 2 January in China
        accounts.set_locked(db=demo, actor=admin, card_no="1100000000003", locked=False)
    assert [e.action for e in trail(demo, date_from="20300101", date_to="20300101")] == ["锁定"]
    assert [e.action for e in trail(demo, date_from="20300102")] == ["解锁"]
    assert [e.action for e in trail(demo, date_from="203001", date_to="203001")] == ["解锁", "锁定"]
    assert [e.action for e in trail(demo, date_from="2030-01-01", date_to="2030-01-02")] == ["解锁", "锁定"]
    assert "锁定" not in {e.action for e in trail(demo, date_to="20291231")}


@pytest.mark.parametrize("filters, errors", [
    ({"card_no": "1100000000099"}, {"card_no": "未找到IC卡 1100000000099"}),
    ({"form_number": "28600x"}, {"form_number": "核销单号只能是数字"}),
    ({"date_from": "20241301x"}, {"date_from": "“20241301x”不是日期（YYYYMMDD）"}),
    ({"date_from": "昨天", "date_to": "20240230"},
     {"date_from": "“昨天”不是日期（YYYYMMDD）", "date_to": "“20240230”不是日期（YYYYMMDD）"}),
    ({"date_from": "20240301", "date_to": "20240229"}, {"date_to": "终止日期不能早于起始日期"}),
])
def test_trail_explains_bad_filters(demo, filters, errors):
    with pytest.raises(audit.TrailFilterError) as raised:
        trail(demo, **filters)
    assert raised.value.errors == errors


def test_unknown_form_number_is_an_empty_trail(demo):
    assert trail(demo, form_number="999999999") == []


# ── 校验: the chain, whole and broken ────────────────────────────────────────────────────────

def test_the_database_refuses_to_change_the_trail(demo):
    with pytest.raises(DatabaseError):
        with demo.write_connection() as conn:
            conn.exec_driver_sql("UPDATE auditevent SET detail = 'x' WHERE seq = 5")
    with pytest.raises(DatabaseError):
        with demo.write_connection() as conn:
            conn.exec_driver_sql("DELETE FROM auditevent WHERE seq = 5")


def test_verify_finds_a_changed_event(demo):
    tamper(demo, "UPDATE auditevent SET detail = '改过' WHERE seq = 40")
    with demo.session() as session:
        verdict = audit.verify(session)
    assert (verdict.ok, verdict.broken_at, verdict.checked) == (False, 40, 39)
    assert verdict.message == "第 40 条记录被改动"


def test_verify_finds_a_missing_event(demo):
    tamper(demo, "DELETE FROM auditevent WHERE seq = 7")
    with demo.session() as session:
        verdict = audit.verify(session)
    assert (verdict.ok, verdict.broken_at, verdict.message) == (False, 7, "第 7 条记录缺失")


def test_verify_finds_a_cut_tail(demo):
    with demo.session() as session:
        tip = session.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).first()
    tamper(demo, f"DELETE FROM auditevent WHERE seq = {tip}")
    with demo.session() as session:
        verdict = audit.verify(session)
    assert not verdict.ok and verdict.broken_at == tip and "实际只有" in verdict.message


def test_verify_a_whole_chain(demo):
    with demo.session() as session:
        verdict = audit.verify(session)
    assert verdict.ok and verdict.message == f"审计链完整，共 {verdict.checked} 条记录" and verdict.checked > 100


def test_system_events_have_no_card(db):
    result, _ = accounts.create_card(db=db, actor=SYSTEM, kind=CardKind.BUREAU, holder="外汇局")
    assert result.ok
    assert [e.card_no for e in trail(db, action="发卡")] == ["系统"]
    with pytest.raises(audit.TrailFilterError):
        trail(db, card_no="系统")


def test_preview_checks_a_country_codes_length(demo):
    """国别（地区） codes are 3 digits, on the screen's 导入 as on the command line."""
    with demo.session() as session:
        checked = codes.preview(session, "country", "502,美国\n50,短代码\n5021,长代码\n")
    assert [(r.code, r.error) for r in checked.rows] == [("502", None), ("50", "代码应为 3 位数字"),
                                                         ("5021", "代码应为 3 位数字")]
    assert not checked.ok
