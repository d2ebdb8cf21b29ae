"""The queries behind the enterprise's screens: ranges, why a form is not listed, applications,
the lists the dashboard counts, and the legal person's operator cards."""
import pytest
from sqlmodel import select

from db import accounts, applications, dashboard, lists, queries, workflow
from db.lists import candidates
from db.models import FormApplication
from db.queries import QueryError
from db.rules import Action


@pytest.mark.parametrize("start, count, expected", [
    ("286000087", "1", ("286000087", "286000087")),
    ("286000087", "20", ("286000087", "286000106")),
    (" 000000001 ", "100", ("000000001", "000000100")),
])
def test_number_range(demo, start, count, expected):
    assert lists.number_range(start, count, demo.settings) == expected


@pytest.mark.parametrize("start, count, message", [
    ("28600008", "1", "核销单起始号：核销单号应为 9 位数字"),
    ("28600008x", "1", "核销单起始号：核销单号应为 9 位数字"),
    ("286000087", "0", "核销单份数应为 1 至 100 之间的整数"),
    ("286000087", "-3", "核销单份数应为 1 至 100 之间的整数"),
    ("286000087", "101", "核销单份数应为 1 至 100 之间的整数"),
    ("286000087", "", "核销单份数应为 1 至 100 之间的整数"),
    ("999999999", "2", "核销单终止号超出核销单号的位数"),
])
def test_number_range_refuses(demo, start, count, message):
    with pytest.raises(QueryError) as error:
        lists.number_range(start, count, demo.settings)
    assert str(error.value) == message


def test_check_range_says_why_and_what_is_missing(demo, actors):
    with demo.session() as session:
        check = lists.check_range(session, actors["A"], Action.ENTERPRISE_LOST, "286000125", "286000140",
                                    demo.settings)
        assert check.missing == [("286000125", "286000135")]  # 企业B and C read as missing
        assert check.refused == []
        check = lists.check_range(session, actors["A"], Action.REGISTER, "286000049", "286000053", demo.settings)
        assert [n for n, _ in check.refused] == ["286000049", "286000050", "286000051", "286000052", "286000053"]
        assert check.refused[-1][1] == "该核销单已备案，如需更改口岸请先撤销备案"
        assert check.missing == []


def test_why_missing(demo, actors):
    with demo.session() as session:
        why = lambda who, action, n: lists.why_missing(session, actors[who], action, n, demo.settings)  # noqa: E731
        assert why("A", Action.SUBMIT, "286000049") == "请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）"
        assert why("A", Action.REVOKE, "286000011") == "海关使用状态为已用，不能撤销备案"
        assert why("B", Action.SUBMIT, "286000049") == "未找到核销单 286000049"
        assert why("A", Action.SUBMIT, "000000000") == "未找到核销单 000000000"


def test_range_candidates(demo, actors):
    stmt = lists.in_range(candidates(actors["A"], Action.REGISTER, demo.settings), "286000080", "286000090")
    with demo.session() as session:
        assert [f.number for f in session.exec(stmt.order_by("number")).all()] == [
            "286000087", "286000088", "286000089", "286000090"]


def test_applications_are_scoped(demo, actors):
    assert workflow.apply_forms(db=demo, actor=actors["B"], quantity="3").ok
    with demo.session() as session:
        mine = session.exec(applications.visible_to(actors["B"])).all()
        assert {a.enterprise_id for a in mine} == {actors["B"].enterprise_id}
        assert len(session.exec(applications.visible_to(actors["bureau"])).all()) == len(
            session.exec(select(FormApplication)).all())
        newest = queries.page(session, applications.visible_to(actors["B"]), descending=True).rows[0]
        assert newest.quantity == 3 and newest.state == "pending"


@pytest.mark.parametrize("key, query", [
    ("unreceived", lists.unreceived), ("use_deadline", lists.near_use_end),
    ("submit_deadline", lists.near_submit_end),
])
def test_the_lists_match_the_dashboard_counts(demo, actors, key, query):
    with demo.session() as session:
        board = dashboard.build(session, actors["A"], demo.settings)
        count = next(c for c in board.waiting + board.deadlines if c.key == key)
        rows = session.exec(query(actors["A"], demo.settings)).all()
        assert len(rows) == count.n > 0
        assert {f.enterprise_id for f in rows} == {actors["A"].enterprise_id}


def test_operator_cards_and_their_requests(demo, actors):
    with demo.session() as session:
        cards = session.exec(accounts.operator_cards(actors["B_legal"])).all()
        assert sorted(c.card_no for c in cards) == ["1100000000003", "1100000000006"]
        latest = accounts.latest_requests(session, [c.id for c in cards])
        assert [r.kind for r in latest.values()] == ["开通"]
        assert accounts.latest_requests(session, []) == {}
