"""组合查询 (manual §九): choose the business (核销单 / 报关单), build the conditions one by one
(条件设定), 开始查找; 20 a page; a number opens its page, with 上一单 / 下一单 over the result; 导出
streams the whole result as CSV. The whole query lives in the URL (a GET form), so a result can be
bookmarked, shared and reloaded; the card's scope is applied by the query builder."""
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Blueprint, Response, abort, g, redirect, request, url_for
from markupsafe import Markup

from blueprints import _exports, exercises
from blueprints._auth import actor, require
from blueprints._htmx import go, render, wants_fragment
from blueprints._i18n import DEFAULT, language, tr
from blueprints._lists import ListArgs, form_names, page_of, whole
from blueprints.forms import detail_or_404, walk
from db import codes, queries
from db import export as csv_export
from db.engine import get_db, get_session
from db.models import CardKind
from db.queries import BUSINESSES, COUNT_LIMIT, MAX_CONDITIONS, OPS, Condition, QueryError
from db.words import t

bp = Blueprint("query", __name__, url_prefix="/query")
bp.before_request(require(*CardKind))


@dataclass
class Query:
    """What the URL says: the business and its conditions."""

    business: str = "form"
    conditions: list[Condition] = field(default_factory=list)

    @classmethod
    def from_request(cls, args=None) -> "Query":
        args = request.args if args is None else args
        business = args.get("b") if args.get("b") in BUSINESSES else "form"
        # conditions belong to the business they were set for (qb): another business starts afresh
        same = args.get("qb", business) == business
        return cls(business, queries.decode(args) if same else [])

    def args(self, **extra) -> dict:
        """For url_for: the query as repeated parameters, plus `extra`."""
        args = {"b": self.business}
        for key, value in queries.encode(self.conditions):
            args.setdefault(key, []).append(value)
        return {**args, **extra}

    @property
    def label(self) -> str:
        return BUSINESSES[self.business][0]

    @property
    def detail_endpoint(self) -> str:
        return "query.declaration" if self.business == "declaration" else "query.form"


@dataclass
class Editor:
    """定义多重条件: the condition being written (nf, no, nv, nw, nj) and what is wrong with it."""

    field: str
    op: str = ""
    value: str = ""
    value2: str = ""
    join: str = "and"
    error: str | None = None

    def condition(self) -> Condition:
        return Condition(self.field, self.op, self.value, self.value2, self.join)


def _screen(query: Query, editor: Editor, *, errors=None, results=None, fragment=None, status=200,
            push_url=None, **rows):
    fields = queries.fields_for(query.business, actor())
    session = get_session()
    if errors is None:
        errors = queries.condition_errors(query.conditions, fields, session)
    spec = fields[editor.field]
    options = codes.names(session, spec.code_table) if spec.code_table and spec.code_table != "district" else {}
    return render("query/search.html", fragment, status=status, push_url=push_url, query=query, editor=editor,
                  fields=fields, spec=spec, code_options=options, errors=errors,
                  groups=queries.groups(query.conditions),
                  results=results, ops=OPS, joins=queries.JOINS, businesses=BUSINESSES, describe=_describe(fields),
                  code_name=_code_name(fields),
                  count_limit=COUNT_LIMIT, **rows)


def _describe(fields):
    """A condition in the screen's language ("使用口岸 等于 5700"); the code's name is data (_code_name)."""
    return lambda c: tr(c.describe(fields))


def _code_name(fields):
    """The name of a condition's code ("拱北关区"): data, so Chinese whatever the language (marked so in
    English)."""
    def name(c: Condition) -> str:
        spec = fields.get(c.field)
        said = codes.name_of(get_session(), spec.code_table, c.value.strip()) if spec and spec.code_table else None
        if not said or language() == DEFAULT:
            return said or ""
        return Markup('<span lang="zh-CN">{}</span>').format(said)
    return name


def _changed(query: Query, editor: Editor):
    """After 条件设定 or 删除: the conditions list alone for htmx (and the URL moves on); without
    JavaScript, the page at its new URL."""
    url = url_for("query.search", **query.args())
    if wants_fragment():
        return _screen(query, editor, fragment="query/_conditions.html", push_url=url)
    return redirect(url, 303)


@bp.route("/")
def search():  # 组合查询
    me, args = actor(), request.args
    query = Query.from_request()
    fields = queries.fields_for(query.business, me)
    first = next(iter(fields))
    editor = Editor(args.get("nf") if args.get("nf") in fields else first, join=args.get("nj", "and")[:10])
    if "remove" in args:
        index = whole(args.get("remove"))
        if index is not None and index < len(query.conditions):
            del query.conditions[index]
            if query.conditions:
                query.conditions[0] = Condition(**{**query.conditions[0].__dict__, "join": "and"})
        return _changed(query, Editor(first))
    if "pick" in args:  # another 查询项目 (or business) chosen: its operators and value box
        return _screen(query, editor, fragment="query/_conditions.html")
    if "add" in args:  # 条件设定
        _write(query, editor, fields)
        if editor.error is None:
            query.conditions.append(editor.condition())
            return _changed(query, Editor(editor.field, join=editor.join))
        return _screen(query, editor, fragment="query/_conditions.html", status=422)
    if "run" in args:  # 开始查找
        return _run(query, editor, fields)
    return _screen(query, editor, fragment="query/_screen.html")


@bp.route("/", methods=["POST"])
def run():
    """开始查找 where runs are recorded (a trainee's card in demo mode: the 练习 query log). The run is a
    POST, so that no GET writes; it is recorded with the conditions it will run (a value typed without
    条件设定 included, when it is right), then answered by the GET of the same query (303)."""
    form = request.form
    query = Query.from_request(form)
    fields = queries.fields_for(query.business, actor())
    editor = Editor(form.get("nf") if form.get("nf") in fields else next(iter(fields)), join=form.get("nj", "and")[:10])
    conditions = list(query.conditions)
    if form.get("nv", "").strip() and _typed(fields[editor.field]):
        _write(query, editor, fields, form)
        conditions += [editor.condition()] if editor.error is None else []
    if conditions and not any(queries.condition_errors(conditions, fields, get_session())):
        exercises.note_query(query.business, conditions)
    typed = {key: form[key][:1000] for key in ("nf", "no", "nv", "nw", "nj") if form.get(key)}
    return redirect(url_for("query.search", **query.args(run=1), **typed), 303)


def _write(query: Query, editor: Editor, fields, args=None) -> None:
    """The condition typed in 定义多重条件 (运算符, 值), checked: `editor.error` says what is wrong."""
    args = request.args if args is None else args
    editor.op, editor.value, editor.value2 = (args.get(k, "")[:1000] for k in ("no", "nv", "nw"))
    if not query.conditions:
        editor.join = "and"
    wanted = Condition(args.get("nf", "")[:40], editor.op, editor.value, editor.value2, editor.join)
    editor.error = queries.condition_error(wanted, fields, get_session())
    if len(query.conditions) >= MAX_CONDITIONS:
        editor.error = t("条件最多 %(n)s 个，请删除一些条件", n=MAX_CONDITIONS)


def _typed(spec) -> bool:
    """A 值 typed by hand (a text box), not a choice a list always holds."""
    return not (spec.kind == "choice" or (spec.code_table and spec.code_table != "district"))


def _run(query: Query, editor: Editor, fields):
    """开始查找. A 值 typed without 条件设定 is never dropped: it becomes a condition (the screen
    shows it in 查询条件), or, when it is wrong, the screen says it was not set and why."""
    if not (request.args.get("nv", "").strip() and _typed(fields[editor.field])):
        return _results(query, editor)
    _write(query, editor, fields)
    if editor.error is None:
        query.conditions.append(editor.condition())
        return go(url_for("query.search", **query.args(run=1)))
    unset = t("所填的值“%(value)s”未设为条件：%(error)s。请改正后按条件设定，或清空值再开始查找",
              value=editor.value[:40], error=editor.error)
    return _screen(query, editor, results={"unset": unset}, fragment="query/_results.html", status=422)


def _results(query: Query, editor: Editor):
    session = get_session()
    keys = ListArgs.from_request(source=request.args)
    try:
        stmt = queries.combined(query.business, actor(), query.conditions, session)
    except QueryError as error:
        return _screen(query, editor, errors=error.errors, results={"error": error}, status=422,
                       fragment="query/_results.html")
    page = page_of(stmt, keys)
    context = {"page": page, "link": _link(query, keys.keys), "pager_endpoint": "query.search",
               "pager_args": query.args(run=1), **list_context_for(query, page)}
    if wants_fragment() and keys.keys:  # 下一页 / 上一页 swap the rows only
        return render("query/search.html", _rows_template(query), **context)
    count, exact = queries.bounded_count(session, stmt)
    results = {"count": count, "exact": exact, "export": url_for("query.export", **query.args())}
    return _screen(query, editor, results=results, fragment="query/_results.html",
                   push_url=url_for("query.search", **query.args(run=1)), **context)


def _rows_template(query: Query) -> str:
    return "query/_declarations.html" if query.business == "declaration" else "forms/_rows.html"


def list_context_for(query: Query, page) -> dict:
    context = form_names(page)
    if query.business == "declaration":
        session = get_session()
        context["numbers"] = queries.form_numbers(session, [d.form_id for d in page.rows])
        context["code_names"] = lambda table, code: codes.name_of(session, table, code) or ""
    return context


def _link(query: Query, keys: dict):
    """A row's page, carrying the result's page (its key), so that 返回列表 returns to it."""
    return lambda number: url_for(query.detail_endpoint, number=number, **query.args(**keys))


@bp.route("/forms/<number>")
def form(number):
    """A form from the result: 出口核销单 / 出口报关单, its history, 上一单 / 下一单 in the result's order."""
    detail = detail_or_404(number)
    query = Query.from_request()
    query.business = "form"
    return _detail(query, detail, detail.form.number, "form")


@bp.route("/declarations/<number>")
def declaration(number):
    """A declaration from the result: its form's page, opened on 出口报关单."""
    form_number = queries.declaration_form_number(get_session(), actor(), number)
    if form_number is None:
        abort(404)
    query = Query.from_request()
    query.business = "declaration"
    return _detail(query, detail_or_404(form_number), number, "declaration")


def _detail(query: Query, detail, key: str, default_tab: str):
    tab = request.args.get("tab") if request.args.get("tab") in ("form", "declaration") else default_tab
    route = None
    try:
        stmt = queries.combined(query.business, actor(), query.conditions, get_session())
    except QueryError:
        stmt = None  # a hand-edited URL: the page still shows, without 上一单 / 下一单
    if stmt is not None:
        keys = ListArgs.from_request(source=request.args).keys  # the result's page it came from
        keep = {"tab": tab, **keys} if tab != default_tab else keys
        route = walk(stmt, key, lambda n: url_for(query.detail_endpoint, number=n, **query.args(**keep)),
                     back=url_for("query.search", **query.args(run=1, **keys)))
    return render("query/detail.html", "query/_tab.html", detail=detail, tab=tab, route=route)


def _streamed(db, business: str, stmt):
    session = db.session()
    try:
        yield from csv_export.csv_lines(business, session, stmt)
    finally:
        session.close()


@bp.route("/export.csv")
def export():  # 导出
    query = Query.from_request()
    session = get_session()
    try:
        stmt = queries.combined(query.business, actor(), query.conditions, session)
    except QueryError as error:
        return _screen(query, Editor(next(iter(queries.fields_for(query.business, actor())))),
                       errors=error.errors, results={"error": error}, status=422)
    filename = f"组合查询_{query.label}.csv"
    busy = _exports.take(actor().card_id)
    if busy:
        g.busy_reason = busy
        abort(429)
    slot = _exports.Slot(actor().card_id)
    # the stream reads on a session of its own, closed when it ends: it needs no request context, so the
    # request's own session goes back to the pool at once instead of when the stream's frames are collected
    response = Response(slot.around(_streamed(get_db(), query.business, stmt)), mimetype="text/csv")
    response.call_on_close(slot.release)  # the client went away before the end
    response.headers["Content-Disposition"] = f"attachment; filename=query.csv; filename*=UTF-8''{quote(filename)}"
    return response

