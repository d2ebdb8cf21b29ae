"""The one query builder: conditions → select(), scoped to the actor, paged by key.

The operator's and officers' lists, 组合查询, CSV export and 上一单/下一单 all use it. Values are only
ever bound parameters; every condition is checked first and explained in Chinese when wrong.

Text matching is exact and case-sensitive on both databases (SQLite's LIKE ignores ASCII case, so
SQLite gets byte ranges and instr() instead), and every supported condition can use an index:
核销单号 / 报关单号 prefixes are ranges on the number, dates are ranges, codes and states are
equalities on (column, number) indexes. 包含 and 不等于 scan in key order and stop at a page.
"""
import calendar
import operator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from sqlalchemy import Boolean, and_, exists, false, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session, select

from db import codes, status
from db.actor import Actor
from db.declarations import parse_amount
from db.models import CardKind, Declaration, DeclarationStatus, Enterprise, Form, FormState
from db.words import Text, t

PAGE_SIZE = 20
COUNT_LIMIT = 10_000
MAX_CONDITIONS = 10
MAX_VALUE_LENGTH = 100

OPS = {
    "eq": t("等于"), "ne": t("不等于"), "prefix": t("以……开始"), "contains": t("包含"), "before": t("早于"),
    "after": t("晚于"), "between": t("介于"), "gt": t("大于"), "lt": t("小于"),
}
OPS_BY_KIND = {
    "text": ("eq", "ne", "prefix", "contains"),
    "digits": ("eq", "ne", "prefix", "contains"),
    "date": ("eq", "prefix", "before", "after", "between"),
    "amount": ("eq", "gt", "lt", "between"),
    "code": ("eq", "ne"),
    "choice": ("eq", "ne"),
}
JOINS = {"and": t("并且"), "or": t("或者")}


def listed(words: list) -> Text | str:
    """Words as one list, 、 between them in Chinese (and each said in the screen's language)."""
    if len(words) < 2:
        return words[0] if words else ""
    return t("%(first)s、%(rest)s", first=words[0], rest=listed(words[1:]))


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # text, digits, date, amount, code, choice
    column: object = None  # the column compared (for choices: None, each choice has its clause)
    code_table: str | None = None
    # choice label → what makes the SQL clause it means (a new clause each time: a clause kept and put
    # into several statements shares its bound values between them, which the statement cache mixes up)
    choices: dict[str, object] = field(default_factory=dict)
    officers_only: bool = False
    via: str | None = None  # the column lives on another table: "form", "declaration" or "enterprise"
    hint: str = ""

    @property
    def ops(self) -> tuple[str, ...]:
        return OPS_BY_KIND[self.kind]


def _status_choices(column: str) -> dict[str, object]:
    """A status column shown on screen (备案状态, ...) is derived from the form's state: each value
    it can show means a set of states."""
    return {value: partial(_state_in, tuple(str(s) for s in status.states_where(column, value)))
            for value in status.values_of(column)}


def _state_in(states: tuple[str, ...]):
    return Form.state.in_(states)


DATE_HINT = t("YYYYMMDD，以……开始 / 介于 可只填开头，如 200701")
FORM_FIELDS: dict[str, FieldSpec] = {
    "number": FieldSpec(t("核销单号"), "digits", Form.number),
    "issued_on": FieldSpec(t("发单日期"), "date", Form.issued_on, hint=DATE_HINT),
    "port_code": FieldSpec(t("使用口岸"), "code", Form.port_code, code_table="district", hint=t("关区代码，如 5700")),
    "registered_on": FieldSpec(t("备案日期"), "date", Form.registered_on, hint=DATE_HINT),
    "register_state": FieldSpec(t("备案状态"), "choice", choices=_status_choices("备案状态")),
    "customs_use": FieldSpec(t("海关使用状态"), "choice", choices=_status_choices("海关使用状态")),
    "submit_state": FieldSpec(t("交单状态"), "choice", choices=_status_choices("交单状态")),
    "write_off_state": FieldSpec(t("核销状态"), "choice", choices=_status_choices("核销状态")),
    "closed": FieldSpec(t("挂失/注销"), "choice", choices={t("已挂失"): lambda: Form.state == FormState.LOST,
                                                       t("已注销"): lambda: Form.state == FormState.CANCELLED}),
    "received": FieldSpec(t("外汇局接收状态"), "choice", choices={
        t("已接收"): lambda: Form.received_at.is_not(None),
        t("未接收"): lambda: and_(Form.state == FormState.SUBMITTED, Form.received_at.is_(None))}),
    "declaration": FieldSpec(t("报关单号"), "digits", Declaration.number, via="declaration"),
    "customs_code": FieldSpec(t("海关编码"), "digits", Enterprise.customs_code, officers_only=True, via="enterprise"),
    "enterprise": FieldSpec(t("企业名称"), "text", Enterprise.name, officers_only=True, via="enterprise"),
}

DECLARATION_FIELDS: dict[str, FieldSpec] = {
    "number": FieldSpec(t("报关单号"), "digits", Declaration.number),
    "unified_no": FieldSpec(t("统一编号"), "text", Declaration.unified_no),
    "form_number": FieldSpec(t("核销单号"), "digits", Form.number, via="form"),
    "district_code": FieldSpec(t("出口口岸"), "code", Declaration.district_code, code_table="district",
                               hint=t("关区代码，如 5700")),
    "exported_on": FieldSpec(t("出口日期"), "date", Declaration.exported_on, hint=DATE_HINT),
    "declared_on": FieldSpec(t("申报日期"), "date", Declaration.declared_on, hint=DATE_HINT),
    "trade_mode": FieldSpec(t("贸易方式"), "code", Declaration.trade_mode, code_table="trade"),
    "settlement": FieldSpec(t("结汇方式"), "code", Declaration.settlement, code_table="settlement"),
    "currency": FieldSpec(t("币制"), "code", Declaration.currency, code_table="currency"),
    "total": FieldSpec(t("总价"), "amount", Declaration.total, hint=t("金额，最多 2 位小数")),
    "status": FieldSpec(t("报关单状态"), "choice", choices={s.label: partial(operator.eq, Declaration.status, s.value)
                                                       for s in DeclarationStatus}),
    "fx_slip": FieldSpec(t("结汇联"), "choice", choices={t("已签发"): lambda: Declaration.fx_slip_issued.is_(True),
                                                      t("未签发"): lambda: Declaration.fx_slip_issued.is_(False)}),
    "customs_code": FieldSpec(t("海关编码"), "digits", Enterprise.customs_code, officers_only=True, via="enterprise"),
    "enterprise": FieldSpec(t("企业名称"), "text", Enterprise.name, officers_only=True, via="enterprise"),
}

BUSINESSES = {"form": (t("核销单"), FORM_FIELDS), "declaration": (t("报关单"), DECLARATION_FIELDS)}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str = ""
    value2: str = ""  # the upper bound of 介于
    join: str = "and"  # how it joins the conditions before it: 并且 binds before 或者

    def describe(self, fields: dict[str, FieldSpec], name_of=None) -> str:
        """"使用口岸 等于 5700 拱北关区": `name_of(table, code)` names a code where one is known."""
        spec = fields.get(self.field)
        label = spec.label if spec else t("未知项目")
        value = t("%(low)s 至 %(high)s", low=self.value, high=self.value2) if self.op == "between" else self.value
        if spec and spec.kind == "choice":  # a choice is a word of the screen: said in its language
            value = next((choice for choice in spec.choices if choice == value), value)
        if spec and spec.code_table and name_of:
            value = f"{value} {name_of(spec.code_table, self.value.strip()) or ''}".strip()
        return t("%(label)s %(op)s %(value)s", label=label, op=OPS.get(self.op, "？"), value=value)


class QueryError(ValueError):
    """Some conditions are wrong: `errors[i]` says why condition i is, in Chinese (None if fine)."""

    def __init__(self, errors: list[str | None], message: str = ""):
        super().__init__(message or next((e for e in errors if e), ""))
        self.errors = errors
        self.message = message


# ── scope: applied here, never by the callers ─────────────────────────────────────────────────

def within(column, district: str):
    """A customs card's 关区 on a 关区 column, as one index range: a 直属海关's whole 关区 (5300: 5300 to
    5399, its 隶属海关 included), a 隶属海关's own port (db.codes.span)."""
    low, high = codes.span(district or "")
    return column == low if low == high else column.between(low, high)


def scope_forms(stmt, actor: Actor):
    if actor.is_enterprise:
        return stmt.where(Form.enterprise_id == actor.enterprise_id)
    if actor.kind is CardKind.CUSTOMS:
        return stmt.where(within(Form.port_code, actor.district_code))
    return stmt


def scope_declarations(stmt, actor: Actor):
    if actor.is_enterprise:
        return stmt.where(Declaration.enterprise_id == actor.enterprise_id)
    if actor.kind is CardKind.CUSTOMS:
        return stmt.where(within(Declaration.district_code, actor.district_code))
    return stmt


# ── conditions → SQL ─────────────────────────────────────────────────────────────────────────

def fields_for(business: str, actor: Actor) -> dict[str, FieldSpec]:
    fields = BUSINESSES[business][1]
    if actor.is_enterprise:
        return {k: v for k, v in fields.items() if not v.officers_only}
    return fields


def form_select(actor: Actor, conditions: list[Condition] = (), *, states=None, session: Session | None = None):
    """select(Form) of the forms `actor` may see that meet `conditions` (and are in `states`).
    Raises QueryError if a condition is wrong (with `session`, codes are checked against the tables)."""
    stmt = scope_forms(select(Form), actor)
    if states is not None:
        stmt = stmt.where(Form.state.in_([str(s) for s in states]))
    return _filtered(stmt, conditions, fields_for("form", actor), session, "form")


def declaration_select(actor: Actor, conditions: list[Condition] = (), *, session: Session | None = None):
    """select(Declaration) of the declarations `actor` may see that meet `conditions`."""
    stmt = scope_declarations(select(Declaration), actor)
    return _filtered(stmt, conditions, fields_for("declaration", actor), session, "declaration")


def combined(business: str, actor: Actor, conditions: list[Condition], session: Session):
    """组合查询: the select of the chosen business (核销单 or 报关单)."""
    if business == "declaration":
        return declaration_select(actor, conditions, session=session)
    return form_select(actor, conditions, session=session)


def declaration_form_number(session: Session, actor: Actor, number: str) -> str | None:
    """The 核销单号 of the declaration `number`, if `actor` may see that declaration."""
    stmt = scope_declarations(select(Form.number).join(Declaration, Declaration.form_id == Form.id), actor)
    return session.exec(stmt.where(Declaration.number == (number or "")[:20])).first()


def form_numbers(session: Session, form_ids) -> dict[int, str]:
    """{form id: 核销单号} for a page of declarations."""
    ids = list(form_ids)
    return dict(session.exec(select(Form.id, Form.number).where(Form.id.in_(ids))).all()) if ids else {}


def condition_errors(conditions: list[Condition], fields: dict[str, FieldSpec], session=None) -> list[str | None]:
    """What is wrong with each condition, in Chinese (None where it is fine)."""
    errors = [condition_error(c, fields, session) for c in conditions]
    for i in range(MAX_CONDITIONS, len(conditions)):
        errors[i] = t("条件最多 %(n)s 个，请删除此条件", n=MAX_CONDITIONS)
    return errors


def check(conditions: list[Condition], fields: dict[str, FieldSpec], session: Session | None) -> None:
    """Raise QueryError if any condition is wrong."""
    errors = condition_errors(conditions, fields, session)
    if len(conditions) > MAX_CONDITIONS:
        raise QueryError(errors, t("条件最多 %(n)s 个，请删除一些条件", n=MAX_CONDITIONS))
    if any(errors):
        raise QueryError(errors)


def groups(conditions: list) -> list[list[int]]:
    """The indexes of the conditions as 或者-separated groups of 并且-joined ones: how they bind (并且
    before 或者), and how the screen shows them."""
    result = []
    for i, condition in enumerate(conditions):
        if not result or condition.join == "or":
            result.append([])
        result[-1].append(i)
    return result


def _filtered(stmt, conditions, fields, session, business):
    conditions = list(conditions)
    check(conditions, fields, session)
    if not conditions:
        return stmt
    clauses = [and_(*(_clause(conditions[i], fields[conditions[i].field], business) for i in group))
               for group in groups(conditions)]
    return stmt.where(or_(*clauses))


def condition_error(c: Condition, fields: dict[str, FieldSpec], session=None) -> str | None:
    """Why condition `c` cannot be used, in Chinese; None when it is fine."""
    spec = fields.get(c.field)
    if spec is None:
        return t("没有这个查询项目")
    if c.op not in spec.ops:
        if c.op not in OPS:
            return t("没有这个比较方式")
        return t("%(label)s不能用“%(op)s”查询", label=spec.label, op=OPS[c.op])
    if c.join not in JOINS:
        return t("条件之间只能用“并且”或“或者”连接")
    problem = _values_error(spec, c, session)
    if problem:
        return problem
    if c.op == "between":
        low, high = _bounds(spec, c)
        if low > high:
            return t("介于的第一个值不能大于第二个值")
    return None


def _values_error(spec: FieldSpec, c: Condition, session) -> str | None:
    """What is wrong with the value (or the two of 介于) typed for `c`."""
    for value in [c.value, c.value2] if c.op == "between" else [c.value]:
        if len(value) > MAX_VALUE_LENGTH:
            return t("值不能超过 %(n)s 个字", n=MAX_VALUE_LENGTH)
        if not value.strip():
            return t("介于需要填写两个值") if c.op == "between" else t("请填写值")
        if not value.strip().isprintable():
            return t("值含有不能识别的字符")
        problem = _value_error(spec, c.op, value.strip(), session)
        if problem:
            return problem
    return None


def _value_error(spec: FieldSpec, op: str, value: str, session) -> str | None:
    if spec.kind == "digits" and not (value.isascii() and value.isdigit()):
        return t("%(label)s只能是数字", label=spec.label)
    if spec.kind == "date":
        if op in ("prefix", "between"):
            return None if date_range(value) else t("“%(value)s”不是日期或日期的开头（YYYYMMDD，如 200701）",
                                                    value=value)
        return None if len(value) == 8 and date_range(value) else t("“%(value)s”不是 YYYYMMDD 格式的日期", value=value)
    if spec.kind == "amount" and parse_amount(value, places=2) is None:
        return t("%(label)s应为大于 0 的数字，最多 2 位小数", label=spec.label)
    if spec.kind == "choice" and value not in spec.choices:
        return t("%(label)s只能是：%(choices)s", label=spec.label, choices=listed(list(spec.choices)))
    if spec.kind == "code" and session is not None and codes.name_of(session, spec.code_table, value) is None:
        return t("%(table)s %(value)s 不存在", table=codes.TABLES[spec.code_table], value=value)
    return None


def _bounds(spec: FieldSpec, c: Condition):
    """介于: the lowest and highest value meant (dates: the first day of the first prefix, the last of
    the second)."""
    if spec.kind == "date":
        return date_range(c.value.strip())[0], date_range(c.value2.strip())[1]
    return Decimal(c.value.strip().replace(",", "")), Decimal(c.value2.strip().replace(",", ""))


def _clause(c: Condition, spec: FieldSpec, business: str):
    if spec.via:
        return _via(c, spec, business)
    if spec.kind == "choice":
        clause = spec.choices[c.value.strip()]()  # made anew: no bound value is shared between statements
        return clause if c.op == "eq" else ~clause
    value, col = c.value.strip(), spec.column
    if spec.kind == "date":
        low, high = date_range(value)
        if c.op == "between":
            return col.between(*_bounds(spec, c))
        return {"eq": col == low, "prefix": col.between(low, high), "before": col < low, "after": col > high}[c.op]
    if spec.kind == "amount":
        if c.op == "between":
            return col.between(*_bounds(spec, c))
        amount = Decimal(value.replace(",", ""))
        return {"eq": col == amount, "gt": col > amount, "lt": col < amount}[c.op]
    return _text_clause(col, c.op, value, spec.kind)


def _text_clause(col, op: str, value: str, kind: str):
    if op == "eq":
        return col == value
    if op == "ne":  # a form with no 使用口岸 is "not 5700" too
        return or_(col != value, col.is_(None)) if col.expression.nullable else col != value
    if op == "prefix" and kind == "digits":
        # a number is digits only: its prefix is a range on the index, whatever the collation
        width = col.type.length
        return and_(col >= value, col <= value + "9" * (width - len(value))) if len(value) <= width else false()
    if op == "prefix":
        return _Dialectal(and_(col >= value, col < _successor(value)),
                          col.like(_escape(value) + "%", escape="\\"))
    if op == "contains":
        return _Dialectal(func.instr(col, value) > 0, col.like("%" + _escape(value) + "%", escape="\\"))
    raise AssertionError(op)


def _via(c: Condition, spec: FieldSpec, business: str):
    """A condition on another table becomes an indexed IN over that table (NOT IN for 不等于, so a
    form without a declaration is "not equal" to every 报关单号)."""
    other = _text_clause(spec.column, "eq" if c.op == "ne" else c.op, c.value.strip(), spec.kind)
    if c.op == "contains" and spec.via in ("declaration", "form"):
        # no index narrows 包含: asked of each row's own form or declaration (by key) as the rows
        # are read, rather than testing every number of the other table for an IN list
        return exists().where(Declaration.form_id == Form.id, other)
    if spec.via == "declaration":
        owner, inner = Form.id, select(Declaration.form_id).where(other)
    elif spec.via == "form":
        owner, inner = Declaration.form_id, select(Form.id).where(other)
    else:
        owner = Form.enterprise_id if business == "form" else Declaration.enterprise_id
        inner = select(Enterprise.id).where(other)
    return ~owner.in_(inner) if c.op == "ne" else owner.in_(inner)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _successor(value: str) -> str:
    """The smallest string above every string that starts with `value` (in code point order)."""
    last = ord(value[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters
        last = 0xE000
    return value[:-1] + chr(min(last, 0x10FFFF))


class _Dialectal(ColumnElement):
    """One condition written for SQLite and for the others: SQLite's LIKE ignores ASCII case, so it
    gets byte ranges (which also use the index) and instr(); PostgreSQL's LIKE respects case."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # no "= 1" appended where SQLite has no boolean type
    _traverse_internals = [("sqlite", InternalTraversal.dp_clauseelement),
                           ("other", InternalTraversal.dp_clauseelement)]

    def __init__(self, sqlite, other):
        self.sqlite, self.other = sqlite, other


@compiles(_Dialectal)
def _compile_other(element, compiler, **kw):
    return "(%s)" % compiler.process(element.other, **kw)


@compiles(_Dialectal, "sqlite")
def _compile_sqlite(element, compiler, **kw):
    return "(%s)" % compiler.process(element.sqlite, **kw)


# ── dates: YYYYMMDD, or its first digits ─────────────────────────────────────────────────────

def date_range(text: str) -> tuple[date, date] | None:
    """The first and last day whose YYYYMMDD starts with `text` ("200701" → 2007-01-01..2007-01-31),
    or None if no day does. Days in YYYYMMDD order are in date order, so they are all the days between."""
    if not (1 <= len(text) <= 8 and text.isascii() and text.isdigit()):
        return None
    low, high = _first_on_or_after(text.ljust(8, "0")), _last_on_or_before(text.ljust(8, "9"))
    if low is None or high is None or low > high:
        return None
    return low, high


def _first_on_or_after(s: str) -> date | None:
    """The first real day whose YYYYMMDD is ≥ s."""
    year, month, day = int(s[:4]), int(s[4:6]), int(s[6:8])
    if year == 0:
        year, month, day = 1, 1, 1
    if month == 0:
        month, day = 1, 1
    if month > 12:
        year, month, day = year + 1, 1, 1
    if year > 9999:
        return None
    if max(day, 1) > _month_days(year, month):
        year, month, day = (year + 1, 1, 1) if month == 12 else (year, month + 1, 1)
    return date(year, month, max(day, 1)) if year <= 9999 else None


def _last_on_or_before(s: str) -> date | None:
    """The last real day whose YYYYMMDD is ≤ s."""
    year, month, day = int(s[:4]), int(s[4:6]), int(s[6:8])
    if month == 0:
        year, month, day = year - 1, 12, 31
    elif month > 12:
        month, day = 12, 31
    elif day == 0:
        year, month, day = (year - 1, 12, 31) if month == 1 else (year, month - 1, 31)
    if year < 1:
        return None
    return date(year, month, min(day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# ── paging by key, counting with a bound ─────────────────────────────────────────────────────

@dataclass
class Page:
    rows: list
    after: object = None  # the key to pass as ?after= for 下一页 (None: no next page)
    before: object = None  # the key to pass as ?before= for 上一页 (None: no previous page)


def key_of(stmt):
    """The paging key of a select(): the number of what it selects (forms, declarations), else its
    primary key (applications, cards, audit events)."""
    entity = stmt.column_descriptions[0]["entity"]
    return getattr(entity, "number", None) or entity.__table__.primary_key.columns[0]


def _key_value(row, key):
    return getattr(row, key.key)


def _given(value) -> bool:
    # a key from a URL: "" means none, and a NUL (which PostgreSQL refuses in text) cannot be a key
    return value is not None and value != "" and not (isinstance(value, str) and "\x00" in value)


def page(session: Session, stmt, *, after=None, before=None, size: int = PAGE_SIZE,
         descending: bool = False) -> Page:
    """One page in key order (newest first if `descending`), found by key (WHERE key > ?), never by
    OFFSET. `after` / `before` are the keys the previous page handed out."""
    key = key_of(stmt)
    forward, backward = (key.desc(), key.asc()) if descending else (key.asc(), key.desc())
    beyond = (lambda k: key < k) if descending else (lambda k: key > k)
    behind = (lambda k: key > k) if descending else (lambda k: key < k)
    if _given(before):
        rows = _first(session, stmt.where(behind(before)), backward, size + 1)
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        more_after = _exists(session, stmt.where(~behind(before)))
    else:
        after = after if _given(after) else None
        rows = _first(session, stmt.where(beyond(after)) if after is not None else stmt, forward, size + 1)
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after is not None and _exists(session, stmt.where(~beyond(after)))
    return Page(
        rows=rows,
        after=_key_value(rows[-1], key) if rows and more_after else None,
        before=_key_value(rows[0], key) if rows and more_before else None,
    )


def _first(session: Session, stmt, order, n: int) -> list:
    """The first `n` rows in `order`: their keys first (from an index that carries the filtered
    columns, sorting only keys), then just those rows by key. Sorting whole rows of a large range
    would read every one of them; the conditions are not repeated on the rows, where they would lead
    the database to start from them again."""
    key = key_of(stmt)
    keys = stmt.with_only_columns(key).order_by(order).limit(n)
    described = stmt.column_descriptions
    entity = described[0]["entity"] if len(described) == 1 else None
    if entity is not None and entity.__tablename__ in PLAIN_ROWS:
        # plain rows through Core: the same columns and values, without building ORM objects
        rows = select(*entity.__table__.columns).where(key.in_(keys)).order_by(order)
        return list(session.connection().execute(rows).all())
    rows = select(entity) if entity is not None else stmt
    return list(session.exec(rows.where(key.in_(keys)).order_by(order)).all())


# tables whose list rows are read as plain Core rows (attribute access by column name, as on the
# models; these models have no properties or methods a list could need)
PLAIN_ROWS = {"form", "declaration"}


def _exists(session: Session, stmt) -> bool:
    return session.connection().execute(stmt.with_only_columns(key_of(stmt)).limit(1)).first() is not None


def neighbours(session: Session, stmt, number: str) -> tuple[str | None, str | None]:
    """上一单 / 下一单: the keys before and after `number` in the same result, in key order (across
    page boundaries: it asks the database, not the page)."""
    key = key_of(stmt)
    only_key = stmt.with_only_columns(key)
    previous = session.exec(only_key.where(key < number).order_by(key.desc()).limit(1)).first()
    following = session.exec(only_key.where(key > number).order_by(key).limit(1)).first()
    return previous, following


def bounded_count(session: Session, stmt, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, exact): counts at most `limit` + 1 rows, so it stays cheap on a million forms."""
    inner = stmt.with_only_columns(key_of(stmt)).limit(limit + 1).subquery()
    n = session.connection().execute(select(func.count()).select_from(inner)).scalar_one()  # Core: no ORM step
    return (min(n, limit), n <= limit)


def chunks(session: Session, stmt, size: int = 1000):
    """The whole result in key order, `size` rows at a time, each chunk its own query by key: memory
    stays that of one chunk whatever the result's size (CSV export)."""
    key, after = key_of(stmt), None
    while True:
        rows = _first(session, stmt.where(key > after) if after is not None else stmt, key.asc(), size)
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = _key_value(rows[-1], key)


def iterate(session: Session, stmt, chunk: int = 1000):
    """Every row of the result in key order, a chunk at a time."""
    for rows in chunks(session, stmt, chunk):
        yield from rows


# ── the query in the URL ─────────────────────────────────────────────────────────────────────

def encode(conditions: list[Condition]) -> list[tuple[str, str]]:
    """Conditions as repeated query parameters (f, o, v, w, j), so a result page is a URL."""
    pairs = []
    for c in conditions:
        pairs += [("f", c.field), ("o", c.op), ("v", c.value), ("w", c.value2), ("j", c.join)]
    return pairs


def decode(args) -> list[Condition]:
    """The inverse of encode(), from a Flask/Werkzeug MultiDict or a dict of lists. Keeps at most
    a few more than MAX_CONDITIONS, so that too many are reported, not silently dropped."""
    get = args.getlist if hasattr(args, "getlist") else (lambda k: args.get(k, []))
    fields, ops, values, values2, joins = (get(k) for k in ("f", "o", "v", "w", "j"))
    n = min(len(fields), len(ops), MAX_CONDITIONS * 5)

    def at(seq, i, default=""):
        return seq[i] if i < len(seq) else default

    return [Condition(fields[i][:40], ops[i][:20], at(values, i)[:1000], at(values2, i)[:1000],
                      at(joins, i, "and")[:10] or "and") for i in range(n)]
