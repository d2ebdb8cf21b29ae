"""The query builder on the demo data: conditions, their Chinese errors, 并且 before 或者, scope by role,
paging by key, 上一单/下一单, bounded counts, the query in the URL."""
from datetime import date

import pytest
from sqlmodel import select

from db import queries
from db.models import Declaration, Enterprise, Form
from db.queries import MAX_CONDITIONS, Condition, QueryError


@pytest.fixture(autouse=True)
def _close_databases(request):
    """Close this test's connections when it ends (PostgreSQL has few to share)."""
    used = [request.getfixturevalue(name) for name in ("demo", "db") if name in request.fixturenames]
    yield
    for database in used:
        database.dispose()


def numbers(session, stmt):
    return [row.number for row in session.exec(stmt.order_by(queries.key_of(stmt))).all()]


def errors_of(actor, conditions, session, business="form"):
    with pytest.raises(QueryError) as caught:
        queries.combined(business, actor, conditions, session)
    return caught.value.errors


def test_manual_9_1_one_form_by_number(demo, actors):
    with demo.session() as session:
        stmt = queries.form_select(actors["A"], [Condition("number", "eq", "286000001")], session=session)
        assert numbers(session, stmt) == ["286000001"]


def test_manual_9_2_forms_issued_in_january_2007(demo, actors):
    with demo.session() as session:
        stmt = queries.form_select(actors["A"], [Condition("issued_on", "prefix", "200701")], session=session)
        found = session.exec(stmt).all()
        assert len(found) == 10
        assert all(f.issued_on.strftime("%Y%m") == "200701" for f in found)


@pytest.mark.parametrize("prefix, first, last", [
    ("200701", date(2007, 1, 1), date(2007, 1, 31)),
    ("2008022", date(2008, 2, 20), date(2008, 2, 29)),
    ("20071", date(2007, 10, 1), date(2007, 12, 31)),
    ("2007", date(2007, 1, 1), date(2007, 12, 31)),
    ("20070115", date(2007, 1, 15), date(2007, 1, 15)),
])
def test_date_prefixes(prefix, first, last):
    assert queries.date_range(prefix) == (first, last)


@pytest.mark.parametrize("text", ["200700", "200713", "20071300", "20070230", "0000", "2007-01", "２００７", "",
                                  "200701011"])
def test_what_is_not_a_date_prefix(text):
    assert queries.date_range(text) is None


def test_and_binds_before_or(demo, actors):
    """A 并且 B 或者 C 并且 D means (A and B) or (C and D)."""
    c = [Condition("issued_on", "prefix", "200701"), Condition("number", "eq", "286000003"),
         Condition("number", "eq", "286000011", join="or"), Condition("customs_use", "eq", "未用")]
    assert queries.groups(c) == [[0, 1], [2, 3]]
    with demo.session() as session:
        found = numbers(session, queries.form_select(actors["A"], c, session=session))
        form_11 = session.exec(select(Form).where(Form.number == "286000011")).one()
    assert found[0] == "286000003"
    assert ("286000011" in found) == (form_11.state in ("issued", "registered", "revoking"))


def test_text_is_exact_and_case_sensitive_with_wildcards_taken_literally(demo, actors):
    with demo.write() as session:
        a = session.exec(select(Enterprise).where(Enterprise.customs_code == "4403910001")).one()
        a.name = "ABC 100%_贸易"
    with demo.session() as session:
        def found(op, value):
            stmt = queries.form_select(actors["bureau"], [Condition("enterprise", op, value)], session=session)
            return bool(session.exec(stmt.limit(1)).first())
        assert found("contains", "100%_") and found("prefix", "ABC") and found("eq", "ABC 100%_贸易")
        assert not found("contains", "abc") and not found("prefix", "abc")
        assert found("contains", "%") and not found("contains", "10_%") and not found("contains", "100__")


def test_values_are_only_parameters(demo, actors):
    """Quotes and SQL in a value are just characters: no error for text, no effect on the query."""
    with demo.session() as session:
        for value in ["' OR '1'='1", "1; DROP TABLE form; --", "\"", "\\", "%'--"]:
            stmt = queries.form_select(actors["bureau"], [Condition("enterprise", "contains", value)], session=session)
            assert session.exec(stmt).all() == []
        assert session.exec(select(Form).limit(1)).first() is not None


@pytest.mark.parametrize("condition, message", [
    (Condition("colour", "eq", "red"), "没有这个查询项目"),
    (Condition("number", "sounds_like", "1"), "没有这个比较方式"),
    (Condition("number", "before", "1"), "核销单号不能用“早于”查询"),
    (Condition("issued_on", "eq", "20070231"), "“20070231”不是 YYYYMMDD 格式的日期"),
    (Condition("issued_on", "eq", "200701"), "“200701”不是 YYYYMMDD 格式的日期"),
    (Condition("issued_on", "prefix", "200713"), "“200713”不是日期或日期的开头（YYYYMMDD，如 200701）"),
    (Condition("issued_on", "between", "200701", ""), "介于需要填写两个值"),
    (Condition("issued_on", "between", "", "200701"), "介于需要填写两个值"),
    (Condition("issued_on", "between", "200703", "200701"), "介于的第一个值不能大于第二个值"),
    (Condition("number", "eq", "2" * 10_000), "值不能超过 100 个字"),
    (Condition("number", "eq", "28600' OR 1=1"), "核销单号只能是数字"),
    (Condition("number", "eq", "   "), "请填写值"),
    (Condition("number", "eq", "286\x00"), "值含有不能识别的字符"),
    (Condition("port_code", "eq", "9999"), "关区代码 9999 不存在"),
    (Condition("customs_use", "eq", "用过"), "海关使用状态只能是：已用、撤销中、未用"),
    (Condition("number", "eq", "1", join="xor"), "条件之间只能用“并且”或“或者”连接"),
])
def test_each_wrong_condition_is_explained_in_chinese(demo, actors, condition, message):
    with demo.session() as session:
        errors = errors_of(actors["A"], [Condition("number", "prefix", "286"), condition], session)
    assert errors == [None, message]


def test_amounts_and_declaration_fields(demo, actors):
    with demo.session() as session:
        stmt = queries.declaration_select(actors["bureau"], [
            Condition("total", "between", "1000", "200000"), Condition("currency", "eq", "502"),
            Condition("fx_slip", "eq", "已签发")], session=session)
        rows = session.exec(stmt).all()
        assert rows and all(1000 <= d.total <= 200000 and d.currency == "502" and d.fx_slip_issued for d in rows)
        assert errors_of(actors["bureau"], [Condition("total", "gt", "-5")], session, "declaration") == \
            ["总价应为大于 0 的数字，最多 2 位小数"]
        assert errors_of(actors["bureau"], [Condition("total", "between", "10")], session, "declaration") == \
            ["介于需要填写两个值"]


def test_too_many_conditions_are_refused_beside_each_extra_one(demo, actors):
    conditions = [Condition("number", "prefix", "286")] * 40
    with demo.session() as session:
        errors = errors_of(actors["A"], conditions, session)
    assert errors[:MAX_CONDITIONS] == [None] * MAX_CONDITIONS
    assert set(errors[MAX_CONDITIONS:]) == {f"条件最多 {MAX_CONDITIONS} 个，请删除此条件"}


def test_officers_fields_are_not_an_enterprises(demo, actors):
    with demo.session() as session:
        assert errors_of(actors["A"], [Condition("customs_code", "eq", "4404910002")], session) == ["没有这个查询项目"]
        stmt = queries.form_select(actors["bureau"], [Condition("customs_code", "eq", "4404910002")], session=session)
        b_id = session.exec(select(Enterprise.id).where(Enterprise.customs_code == "4404910002")).one()
        assert {f.enterprise_id for f in session.exec(stmt).all()} == {b_id}


def test_scope_by_role(demo, actors):
    with demo.session() as session:
        def ids(actor, business="form"):
            stmt = queries.combined(business, actor, [], session)
            return session.exec(stmt).all()
        a_id = actors["A"].enterprise_id
        assert {f.enterprise_id for f in ids(actors["A"])} == {a_id}
        assert {f.enterprise_id for f in ids(actors["A_legal"])} == {a_id}
        assert {f.port_code for f in ids(actors["customs5700"])} == {"5700"}
        assert {d.district_code for d in ids(actors["customs5300"], "declaration")} == {"5300", "5301"}  # 直属
        assert {d.district_code for d in ids(actors["customs5301"], "declaration")} == {"5301"}  # 隶属: its own
        everything = session.exec(select(Form)).all()
        assert len(ids(actors["bureau"])) == len(ids(actors["admin"])) == len(everything)
        # a declaration's page goes through its form only for those who may see it
        theirs = session.exec(select(Declaration).where(Declaration.enterprise_id != a_id)).first()
        assert queries.declaration_form_number(session, actors["A"], theirs.number) is None
        assert queries.declaration_form_number(session, actors["bureau"], theirs.number) is not None


def test_pages_by_key_and_neighbours_cross_page_boundaries(demo, actors):
    with demo.session() as session:
        stmt = queries.form_select(actors["A"], [Condition("customs_use", "eq", "未用")], session=session)
        everything = numbers(session, stmt)
        assert len(everything) > 2 * queries.PAGE_SIZE
        first = queries.page(session, stmt)
        assert [f.number for f in first.rows] == everything[:20] and first.before is None
        second = queries.page(session, stmt, after=first.after)
        assert [f.number for f in second.rows] == everything[20:40]
        back = queries.page(session, stmt, before=second.before)
        assert [f.number for f in back.rows] == everything[:20]
        # 下一单 from the last of page 1 is the first of page 2
        assert queries.neighbours(session, stmt, everything[19]) == (everything[18], everything[20])
        assert queries.neighbours(session, stmt, everything[0])[0] is None
        # keys from a URL that are not keys are ignored, never an error
        assert [f.number for f in queries.page(session, stmt, after="28\x00").rows] == everything[:20]


def test_bounded_count(demo, actors):
    with demo.session() as session:
        stmt = queries.form_select(actors["bureau"], session=session)
        total = len(session.exec(stmt).all())
        assert queries.bounded_count(session, stmt) == (total, True)
        assert queries.bounded_count(session, stmt, limit=10) == (10, False)


def test_the_query_in_the_url_round_trips():
    conditions = [Condition("issued_on", "between", "200701", "200703"),
                  Condition("enterprise", "contains", "a&b=c d", join="or")]
    pairs = queries.encode(conditions)
    as_lists = {}
    for key, value in pairs:
        as_lists.setdefault(key, []).append(value)
    assert queries.decode(as_lists) == conditions


def test_decode_keeps_enough_to_report_too_many_and_cuts_long_values():
    args = {"f": ["number"] * 100, "o": ["eq"] * 100, "v": ["1" * 10_000] * 100}
    decoded = queries.decode(args)
    assert len(decoded) == MAX_CONDITIONS * 5
    assert len(decoded[0].value) == 1000 and decoded[0].join == "and"


def test_describe_names_codes():
    fields = queries.FORM_FIELDS
    names = {"district": {"5700": "拱北关区"}}
    c = Condition("port_code", "eq", "5700")
    assert c.describe(fields, lambda table, code: names[table].get(code)) == "使用口岸 等于 5700 拱北关区"
    assert Condition("issued_on", "between", "200701", "200703").describe(fields) == "发单日期 介于 200701 至 200703"


def test_chunks_walk_everything_once_in_order(demo, actors):
    with demo.session() as session:
        stmt = queries.form_select(actors["bureau"], session=session)
        walked = [f.number for chunk in queries.chunks(session, stmt, size=7) for f in chunk]
        assert walked == numbers(session, stmt)


def test_the_same_choice_twice_means_what_it_says_whatever_ran_before(demo, actors):
    """备案状态 不等于 撤销中, twice, 并且 等于 已备案: the forms 已备案, also right after a statement of
    the same shape ran (不等于 撤销中, 不等于 已备案, 等于 已备案). A choice's clause was once kept and
    reused, so one statement held the same bound value twice and the statement cache mixed up whose
    value went where: the second statement found nothing (SQLite and PostgreSQL alike)."""
    bureau = actors["bureau"]

    def ne(value):
        return Condition("register_state", "ne", value)

    def eq(value):
        return Condition("register_state", "eq", value)

    with demo.session() as session:
        expected = numbers(session, queries.form_select(bureau, [eq("已备案")], session=session))
        assert expected
        before = queries.form_select(bureau, [ne("撤销中"), ne("已备案"), eq("已备案")], session=session)
        assert numbers(session, before) == []
        again = queries.form_select(bureau, [ne("撤销中"), ne("撤销中"), eq("已备案")], session=session)
        assert numbers(session, again) == expected
