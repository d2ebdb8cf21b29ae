"""The one query builder: conditions → select(), scoped to the actor, paged by key.

The operator's and officers' lists, 组合查询, CSV export and 上一单/下一单 all use it. Values are only
ever bound parameters; every condition is checked first and explained in Chinese when wrong.
"""
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, false, func, or_, true
from sqlmodel import Session, select

from db import clock, codes, status
from db.actor import Actor
from db.declarations import parse_amount
from db.models import CardKind, Declaration, DeclarationStatus, Enterprise, Form, FormApplication, FormState

PAGE_SIZE = 20
COUNT_LIMIT = 10_000
MAX_CONDITIONS = 10
MAX_VALUE_LENGTH = 100

OPS = {
    "eq": "等于", "ne": "不等于", "prefix": "以……开始", "contains": "包含", "before": "早于",
    "after": "晚于", "between": "介于", "gt": "大于", "lt": "小于",
}
OPS_BY_KIND = {
    "text": ("eq", "ne", "prefix", "contains"),
    "digits": ("eq", "ne", "prefix", "contains"),
    "date": ("eq", "prefix", "before", "after", "between"),
    "amount": ("eq", "gt", "lt", "between"),
    "code": ("eq", "ne"),
    "choice": ("eq", "ne"),
}
JOINS = {"and": "并且", "or": "或者"}


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # text, digits, date, amount, code, choice
    column: object = None  # the column compared, for plain fields
    code_table: str | None = None
    choices: dict[str, list] = field(default_factory=dict)  # choice label → the states (or values) it means
    officers_only: bool = False
    width: int | None = None  # digits fields of a fixed width page by range on the index

    @property
    def ops(self) -> tuple[str, ...]:
        return OPS_BY_KIND[self.kind]


def _status_choices(column: str) -> dict[str, list]:
    return {value: status.states_where(column, value) for value in status.values_of(column)}


FORM_FIELDS: dict[str, FieldSpec] = {
    "number": FieldSpec("核销单号", "digits", Form.number, width=9),
    "issued_on": FieldSpec("发单日期", "date", Form.issued_on),
    "port_code": FieldSpec("使用口岸", "code", Form.port_code, code_table="district"),
    "registered_on": FieldSpec("备案日期", "date", Form.registered_on),
    "register_state": FieldSpec("备案状态", "choice", choices=_status_choices("备案状态")),
    "customs_use": FieldSpec("海关使用状态", "choice", choices=_status_choices("海关使用状态")),
    "submit_state": FieldSpec("交单状态", "choice", choices=_status_choices("交单状态")),
    "write_off_state": FieldSpec("核销状态", "choice", choices=_status_choices("核销状态")),
    "closed": FieldSpec("挂失/注销", "choice", choices={"已挂失": [FormState.LOST],
                                                       "已注销": [FormState.CANCELLED]}),
    "received": FieldSpec("外汇局接收状态", "choice", choices={"已接收": [True], "未接收": [False]}),
    "declaration": FieldSpec("报关单号", "digits", Declaration.number, width=18),
    "customs_code": FieldSpec("海关编码", "digits", Enterprise.customs_code, officers_only=True, width=10),
    "enterprise": FieldSpec("企业名称", "text", Enterprise.name, officers_only=True),
}

DECLARATION_FIELDS: dict[str, FieldSpec] = {
    "number": FieldSpec("报关单号", "digits", Declaration.number, width=18),
    "unified_no": FieldSpec("统一编号", "text", Declaration.unified_no),
    "form_number": FieldSpec("核销单号", "digits", Form.number, width=9),
    "district_code": FieldSpec("出口口岸", "code", Declaration.district_code, code_table="district"),
    "exported_on": FieldSpec("出口日期", "date", Declaration.exported_on),
    "declared_on": FieldSpec("申报日期", "date", Declaration.declared_on),
    "trade_mode": FieldSpec("贸易方式", "code", Declaration.trade_mode, code_table="trade"),
    "settlement": FieldSpec("结汇方式", "code", Declaration.settlement, code_table="settlement"),
    "currency": FieldSpec("币制", "code", Declaration.currency, code_table="currency"),
    "total": FieldSpec("总价", "amount", Declaration.total),
    "status": FieldSpec("状态", "choice", Declaration.status,
                        choices={s.label: [s.value] for s in DeclarationStatus}),
    "fx_slip": FieldSpec("结汇联", "choice", Declaration.fx_slip_issued,
                         choices={"已签发": [True], "未签发": [False]}),
    "customs_code": FieldSpec("海关编码", "digits", Enterprise.customs_code, officers_only=True, width=10),
    "enterprise": FieldSpec("企业名称", "text", Enterprise.name, officers_only=True),
}

BUSINESSES = {"form": ("核销单", FORM_FIELDS), "declaration": ("报关单", DECLARATION_FIELDS)}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str = ""
    value2: str = ""  # the upper bound of 介于
    join: str = "and"  # how it joins the conditions before it: 并且 binds before 或者

    def describe(self, fields: dict[str, FieldSpec]) -> str:
        spec = fields.get(self.field)
        label = spec.label if spec else self.field
        value = f"{self.value} 至 {self.value2}" if self.op == "between" else self.value
        return f"{label} {OPS.get(self.op, self.op)} {value}"


class QueryError(ValueError):
    """Some conditions are wrong: `errors[i]` says why condition i is, in Chinese (None if fine)."""

    def __init__(self, errors: list[str | None], message: str = ""):
        super().__init__(message or next((e for e in errors if e), ""))
        self.errors = errors
        self.message = message


# ── scope: applied here, never by the callers ─────────────────────────────────────────────────

def scope_forms(stmt, actor: Actor):
    if actor.is_enterprise:
        return stmt.where(Form.enterprise_id == actor.enterprise_id)
    if actor.kind is CardKind.CUSTOMS:
        return stmt.where(Form.port_code == actor.district_code)
    return stmt


def scope_declarations(stmt, actor: Actor):
    if actor.is_enterprise:
        return stmt.where(Declaration.enterprise_id == actor.enterprise_id)
    if actor.kind is CardKind.CUSTOMS:
        return stmt.where(Declaration.district_code == actor.district_code)
    return stmt


# ── conditions → SQL ─────────────────────────────────────────────────────────────────────────

def fields_for(business: str, actor: Actor) -> dict[str, FieldSpec]:
    fields = BUSINESSES[business][1]
    if actor.is_enterprise:
        return {k: v for k, v in fields.items() if not v.officers_only}
    return fields


def form_select(actor: Actor, conditions: list[Condition] = (), *, states=None, session: Session | None = None):
    """select(Form) of the forms `actor` may see that meet `conditions` (and are in `states`)."""
    stmt = scope_forms(select(Form), actor)
    if states is not None:
        stmt = stmt.where(Form.state.in_([str(s) for s in states]))
    return stmt.where(_where(conditions, fields_for("form", actor), session, "form"))


def declaration_select(actor: Actor, conditions: list[Condition] = (), *, session: Session | None = None):
    stmt = scope_declarations(select(Declaration), actor)
    return stmt.where(_where(conditions, fields_for("declaration", actor), session, "declaration"))


def check(conditions: list[Condition], fields: dict[str, FieldSpec], session: Session | None) -> None:
    """Raise QueryError if any condition is wrong."""
    errors = [_condition_error(c, fields, session) for c in conditions]
    if len(conditions) > MAX_CONDITIONS:
        raise QueryError(errors, f"条件最多 {MAX_CONDITIONS} 个，请删除一些条件")
    if any(errors):
        raise QueryError(errors)


def _where(conditions, fields, session, business):
    conditions = list(conditions)
    check(conditions, fields, session)
    if not conditions:
        return true()
    groups, current = [], []
    for i, condition in enumerate(conditions):
        if i and condition.join == "or":
            groups.append(current)
            current = []
        current.append(_clause(condition, fields[condition.field], business))
    groups.append(current)
    return or_(*(and_(*group) for group in groups))


def _condition_error(c: Condition, fields: dict[str, FieldSpec], session) -> str | None:
    spec = fields.get(c.field)
    if spec is None:
        return "没有这个查询项目"
    if c.op not in spec.ops:
        return f"{spec.label}不能用“{OPS.get(c.op, c.op[:10])}”查询"
    if c.join not in JOINS:
        return "条件之间只能用“并且”或“或者”连接"
    values = [c.value, c.value2] if c.op == "between" else [c.value]
    for value in values:
        if len(value) > MAX_VALUE_LENGTH:
            return f"值不能超过 {MAX_VALUE_LENGTH} 个字"
        if not value.strip():
            return "介于需要填写两个值" if c.op == "between" else "请填写值"
        problem = _value_error(spec, c.op, value.strip(), session)
        if problem:
            return problem
    return None


def _value_error(spec: FieldSpec, op: str, value: str, session) -> str | None:
    if spec.kind == "digits" and not (value.isascii() and value.isdigit()):
        return f"{spec.label}只能是数字"
    if spec.kind == "date":
        if op == "prefix" or op == "between":
            return None if date_range(value) else f"“{value}”不是日期或日期的开头（YYYYMMDD）"
        return None if len(value) == 8 and date_range(value) else f"“{value}”不是 YYYYMMDD 格式的日期"
    if spec.kind == "amount" and parse_amount(value, places=2) is None:
        return f"{spec.label}应为大于 0 的数字，最多 2 位小数"
    if spec.kind == "choice" and value not in spec.choices:
        return f"{spec.label}只能是：{'、'.join(spec.choices)}"
    if spec.kind == "code" and session is not None and codes.name_of(session, spec.code_table, value) is None:
        return f"{codes.TABLES[spec.code_table]} {value} 不存在"
    return None


def _clause(c: Condition, spec: FieldSpec, business: str):
    value = c.value.strip()
    if c.field in ("declaration", "form_number", "customs_code", "enterprise"):
        return _related(c, spec, business)
    if spec.kind == "choice":
        return _choice_clause(c, spec)
    col = spec.column
    if spec.kind == "date":
        return _date_clause(col, c.op, value, c.value2.strip())
    if spec.kind == "amount":
        low, high = Decimal(value), Decimal(c.value2.strip() or value)
        return {"eq": col == low, "gt": col > low, "lt": col < low, "between": col.between(low, high)}[c.op]
    return _text_clause(col, c.op, value, spec)


def _text_clause(col, op: str, value: str, spec: FieldSpec):
    if op == "eq":
        return col == value
    if op == "ne":  # a form with no 使用口岸 is "not 5700" too
        return or_(col != value, col.is_(None))
    if op == "prefix" and spec.width and len(value) <= spec.width:
        # fixed-width digits: a prefix is a range on the index, whatever the collation
        return col.between(value.ljust(spec.width, "0"), value.ljust(spec.width, "9"))
    if op == "prefix":
        return col.like(_escape(value) + "%", escape="\\")
    if op == "contains":
        return col.like("%" + _escape(value) + "%", escape="\\")
    raise AssertionError(op)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _choice_clause(c: Condition, spec: FieldSpec):
    meant = spec.choices[c.value.strip()]
    if c.field == "received":
        clause = and_(Form.state == FormState.SUBMITTED,
                      Form.received_at.is_not(None) if meant[0] else Form.received_at.is_(None))
    elif spec.column is None:  # a status column derived from the form's state
        clause = Form.state.in_([str(s) for s in meant])
    else:
        clause = spec.column.in_(meant)
    return clause if c.op == "eq" else ~clause


def _date_clause(col, op: str, value: str, value2: str):
    low, high = date_range(value)
    if op == "eq":
        return col == low
    if op == "prefix":
        return col.between(low, high)
    if op == "before":
        return col < low
    if op == "after":
        return col > high
    low2, high2 = date_range(value2)
    return col.between(low, high2) if low <= high2 else false()


def _related(c: Condition, spec: FieldSpec, business: str):
    """A condition on another table becomes an indexed IN over that table (NOT IN for 不等于, so a
    form without a declaration is "not equal" to every 报关单号)."""
    op = "eq" if c.op == "ne" else c.op
    other = _text_clause(spec.column, op, c.value.strip(), spec)
    if c.field == "declaration":
        owner, inner = Form.id, select(Declaration.form_id).where(other)
    elif c.field == "form_number":
        owner, inner = Declaration.form_id, select(Form.id).where(other)
    else:
        owner = Form.enterprise_id if business == "form" else Declaration.enterprise_id
        inner = select(Enterprise.id).where(other)
    return ~owner.in_(inner) if c.op == "ne" else owner.in_(inner)


def date_range(text: str) -> tuple[date, date] | None:
    """The first and last day whose YYYYMMDD starts with `text` ("200701" → 2007-01-01..2007-01-31),
    or None if no day does."""
    if not (1 <= len(text) <= 8 and text.isascii() and text.isdigit()):
        return None
    low = _first_day_from(text.ljust(8, "0"))
    high = _last_day_to(text.ljust(8, "9"))
    if low is None or high is None or low > high:
        return None
    return low, high


def _first_day_from(s: str) -> date | None:
    year, month, day = int(s[:4]), int(s[4:6]), int(s[6:8])
    year, month, day = max(year, 1), max(month, 1), max(day, 1)
    if month > 12:
        year, month, day = year + 1, 1, 1
    if year > 9999:
        return None
    if day > _month_days(year, month):
        year, month, day = (year + 1, 1, 1) if month == 12 else (year, month + 1, 1)
    return date(year, month, day) if year <= 9999 else None


def _last_day_to(s: str) -> date | None:
    year, month, day = int(s[:4]), int(s[4:6]), int(s[6:8])
    if month == 0 or (month <= 12 and day == 0):
        if month == 0:
            year, month = year - 1, 12
        else:
            month -= 1
            if month == 0:
                year, month = year - 1, 12
        day = 99
    month = min(month, 12)
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


def page(session: Session, stmt, *, after=None, before=None, size: int = PAGE_SIZE,
         descending: bool = False) -> Page:
    """One page in key order (newest first if `descending`), found by key (WHERE key > ?), never by
    OFFSET. `after` / `before` are the keys the previous page handed out."""
    key = key_of(stmt)
    forward, backward = (key.desc(), key.asc()) if descending else (key.asc(), key.desc())
    beyond = (lambda k: key < k) if descending else (lambda k: key > k)
    behind = (lambda k: key > k) if descending else (lambda k: key < k)
    if before is not None and before != "":
        rows = list(session.exec(stmt.where(behind(before)).order_by(backward).limit(size + 1)).all())
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        more_after = _exists(session, stmt.where(~behind(before)))
    else:
        query = stmt.where(beyond(after)) if after not in (None, "") else stmt
        rows = list(session.exec(query.order_by(forward).limit(size + 1)).all())
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after not in (None, "") and _exists(session, stmt.where(~beyond(after)))
    return Page(
        rows=rows,
        after=_key_value(rows[-1], key) if rows and more_after else None,
        before=_key_value(rows[0], key) if rows and more_before else None,
    )


def _exists(session: Session, stmt) -> bool:
    return session.exec(stmt.with_only_columns(key_of(stmt)).limit(1)).first() is not None


def neighbours(session: Session, stmt, number: str) -> tuple[str | None, str | None]:
    """上一单 / 下一单: the numbers before and after `number` in the same result, in order."""
    key = key_of(stmt)
    only_key = stmt.with_only_columns(key)
    previous = session.exec(only_key.where(key < number).order_by(key.desc()).limit(1)).first()
    following = session.exec(only_key.where(key > number).order_by(key).limit(1)).first()
    return previous, following


def bounded_count(session: Session, stmt, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, exact): counts at most `limit` + 1 rows, so it stays cheap on a million forms."""
    inner = stmt.with_only_columns(key_of(stmt)).limit(limit + 1).subquery()
    n = session.exec(select(func.count()).select_from(inner)).one()
    return (min(n, limit), n <= limit)


def iterate(session: Session, stmt, chunk: int = 1000):
    """Every row of the result in key order, a chunk at a time (CSV export in constant memory)."""
    key, after = key_of(stmt), None
    while True:
        query = stmt.where(key > after) if after is not None else stmt
        rows = session.exec(query.order_by(key).limit(chunk)).all()
        yield from rows
        if len(rows) < chunk:
            return
        after = _key_value(rows[-1], key)


# ── the query in the URL ─────────────────────────────────────────────────────────────────────

def encode(conditions: list[Condition]) -> list[tuple[str, str]]:
    """Conditions as repeated query parameters (f, o, v, w, j), so a result page is a URL."""
    pairs = []
    for c in conditions:
        pairs += [("f", c.field), ("o", c.op), ("v", c.value), ("w", c.value2), ("j", c.join)]
    return pairs


def decode(args) -> list[Condition]:
    """The inverse of encode(), from a Flask/Werkzeug MultiDict or a dict of lists."""
    get = args.getlist if hasattr(args, "getlist") else (lambda k: args.get(k, []))
    fields, ops, values, values2, joins = (get(k) for k in ("f", "o", "v", "w", "j"))
    n = min(len(fields), len(ops), MAX_CONDITIONS * 5)

    def at(seq, i, default=""):
        return seq[i] if i < len(seq) else default

    return [Condition(fields[i][:40], ops[i][:20], at(values, i)[:1000], at(values2, i)[:1000],
                      at(joins, i, "and")[:10] or "and") for i in range(n)]


# ── the lists behind each action's screen ────────────────────────────────────────────────────

def candidates(actor: Actor, action, settings=None, number: str | None = None):
    """The forms `actor` could take `action` on now: the list a screen such as 口岸备案 or 企业交单
    shows (and walks with 上一单/下一单). `number` narrows it to one 核销单号 (the 查找 box)."""
    from db.rules import RULES, Action

    stmt = form_select(actor, states=RULES[action].sources)
    closed_with_slip = select(Declaration.form_id).where(
        Declaration.status == DeclarationStatus.CLOSED, Declaration.fx_slip_issued.is_(True))
    extra = {
        Action.SUBMIT: lambda s: s.where(Form.id.in_(closed_with_slip)),
        Action.RECEIVE: lambda s: s.where(Form.received_at.is_(None)),
        Action.WRITE_OFF: lambda s: s.where(Form.received_at.is_not(None)),
        Action.VERIFY: lambda s: s.where(Form.id.not_in(select(Declaration.form_id))),
        Action.SUPPLEMENT: lambda s: s.where(Form.id.in_(select(Declaration.form_id).where(
            Declaration.verified.is_(False)))),
    }.get(action)
    if extra:
        stmt = extra(stmt)
    if number:
        stmt = stmt.where(Form.number == number)
    return stmt


# ── the enterprise's screens: number ranges, why a form is not listed, applications, watch lists ─

def number_range(start: str, count: str, settings) -> tuple[str, str]:
    """核销单起始号 + 核销单份数 → (起始号, 终止号), or QueryError saying what is wrong (批量备案, 挂失)."""
    from db.rules import number_message, valid_number

    start, count = (start or "").strip(), (count or "").strip()
    limit = settings.max_apply_quantity
    if not valid_number(start, settings):
        raise QueryError([], "核销单起始号：" + number_message(settings))
    if not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= limit:
        raise QueryError([], f"核销单份数应为 1 至 {limit} 之间的整数")
    last = int(start) + int(count) - 1
    if last >= 10 ** settings.form_number_width:
        raise QueryError([], "核销单终止号超出核销单号的位数")
    return start, f"{last:0{settings.form_number_width}d}"


def in_range(stmt, first: str, last: str):
    """Narrow a select() of forms to the 核销单号 first..last."""
    return stmt.where(Form.number.between(first, last))


@dataclass
class RangeCheck:
    """Why the forms of a range are not in an action's list (manual §十)."""

    missing: list[tuple[str, str]] = field(default_factory=list)  # runs with no form of the actor's: 未找到
    refused: list[tuple[str, str]] = field(default_factory=list)  # (核销单号, why not) of the actor's forms


def check_range(session: Session, actor: Actor, action, first: str, last: str, settings) -> RangeCheck:
    """Explain first..last for `action`: at most `max_apply_quantity` forms (number_range's bound)."""
    from db.rules import why_not

    forms = session.exec(in_range(form_select(actor), first, last).order_by(Form.number)
                         .limit(settings.max_apply_quantity)).all()
    ids = [f.id for f in forms]
    declarations = {d.form_id: d for d in session.exec(
        select(Declaration).where(Declaration.form_id.in_(ids))).all()} if ids else {}
    check = RangeCheck()
    for form in forms:
        reason = why_not(action, actor, form, declarations.get(form.id), settings)
        if reason:
            check.refused.append((form.number, reason))
    found, width, run = {f.number for f in forms}, len(first), None
    for n in range(int(first), int(last) + 2):
        number = f"{n:0{width}d}"
        if n <= int(last) and number not in found:
            run = (run[0], number) if run else (number, number)
        elif run:
            check.missing.append(run)
            run = None
    return check


def why_missing(session: Session, actor: Actor, action, number: str, settings) -> str:
    """Why 核销单 `number` is not in `action`'s list: 未找到 when it is not the actor's (missing and not
    yours read the same), else the rule's reason."""
    check = check_range(session, actor, action, number, number, settings)
    if check.missing:
        return f"未找到核销单 {number}"
    return check.refused[0][1] if check.refused else ""


def applications_select(actor: Actor):
    """核销单申请: the applications `actor` may see (an enterprise its own), keyed by id."""
    stmt = select(FormApplication)
    if actor.is_enterprise:
        stmt = stmt.where(FormApplication.enterprise_id == actor.enterprise_id)
    return stmt


def unreceived(actor: Actor, settings):
    """交单 more than `receive_alert_days` ago and still not received by the bureau (manual §10.4)."""
    cutoff = clock.now() - timedelta(days=settings.receive_alert_days)
    return form_select(actor, states=[FormState.SUBMITTED]).where(Form.received_at.is_(None),
                                                                  Form.submitted_at < cutoff)


def near_use_end(actor: Actor, settings):
    """已备案 forms within `deadline_warning_days` of the end of their use period."""
    cutoff = clock.today() - timedelta(days=settings.use_period_days - settings.deadline_warning_days)
    return form_select(actor, states=[FormState.REGISTERED]).where(Form.registered_on <= cutoff)


def near_submit_end(actor: Actor, settings):
    """已用 forms within `deadline_warning_days` of the last day to submit them (出口日期 + period)."""
    cutoff = clock.today() - timedelta(days=settings.submit_period_days - settings.deadline_warning_days)
    return form_select(actor, states=[FormState.USED]).where(Form.id.in_(
        select(Declaration.form_id).where(Declaration.exported_on <= cutoff)))
