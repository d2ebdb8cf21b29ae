"""报关验核: the 出口报关单 entry on a registered form (验核 → 已用). 增加商品 only re-shows the entry; 验核
checks every field and either records it all or nothing. What the officer typed is read here; the
checks are db.declarations'."""
from flask import abort, flash, request, url_for

from blueprints._auth import actor
from blueprints._htmx import go, pressed, render
from blueprints._i18n import tr
from blueprints.forms import detail_or_404, walk
from db import clock, codes, declarations, workflow
from db.engine import get_db, get_session
from db.lists import candidates
from db.rules import Action, valid_number, why_not
from db.words import t

START_LINES = 3


def detail(number: str):
    """The form if it is this 关区's; 404 otherwise (and for anything that is not a 核销单号)."""
    if not valid_number(number, get_db().settings):
        abort(404)
    return detail_or_404(number)


def show(number):
    """GET: the form with the entry (or why it cannot be verified)."""
    return _render(detail(number), *_typed_entry(), {}, None, fragment="forms/_tab.html")


def post(number):
    """POST: 增加商品 (one more goods row), or 验核 (record the declaration, then its page)."""
    form, (header, lines, rows) = detail(number), _typed_entry()
    errors, outcome, status = {}, None, 200
    if pressed("add_line"):
        rows, errors = (rows + 1, {}) if rows < declarations.MAX_LINES else (
            rows, {"lines": t("商品最多 %(n)s 项", n=declarations.MAX_LINES)})
    elif pressed("verify"):
        data, errors = declarations.parse(get_session(), header, lines)
        status = 422 if errors else 200
        if data is not None:
            outcome = workflow.record_declaration(db=get_db(), actor=actor(), number=form.form.number, data=data)
            if outcome.ok:
                flash(tr(outcome.message))
                return go(url_for("customs.form", number=form.form.number, tab="declaration"))
            status = 409
    return _render(form, header, lines, rows, errors, outcome, fragment="customs/_entry.html", status=status)


def _render(form, header, lines, rows, errors, outcome, *, fragment, status=200):
    me, settings = actor(), get_db().settings
    refusal = why_not(Action.VERIFY, me, form.form, form.declaration, settings)
    return render("customs/verify.html", fragment, status=status, detail=form, tab=request.args.get("tab", "form"),
                  refusal=refusal, outcome=outcome, show_entry=refusal is None or request.method == "POST",
                  header=header, lines=_display_lines(lines, rows), errors=errors,
                  options=_code_options(get_session()),
                  walk=walk(candidates(me, Action.VERIFY, settings), form.form.number,
                            lambda n: url_for("customs.verify_form", number=n), back=url_for("customs.verify")),
                  self_url=url_for("customs.verify_form", number=form.form.number))


def _typed_entry() -> tuple[dict, list[dict], int]:
    """What the officer typed: header fields, the goods lines that have anything in them (in order,
    empty ones dropped, so that parse()'s 第 i 项 is the i-th row shown), and how many rows to show."""
    form = request.form
    today = f"{clock.today():%Y%m%d}"
    if request.method != "POST":
        return {"declared_on": today, "exported_on": today}, [], START_LINES
    header = {name: typed(form.get(name, ""), 60) for name in declarations.HEADER_FIELDS}
    columns = {name: form.getlist(name)[:declarations.MAX_LINES + 1] for name in declarations.LINE_FIELDS}
    count = max((len(values) for values in columns.values()), default=0)
    lines = [{name: typed(values[i] if i < len(values) else "", 100) for name, values in columns.items()}
             for i in range(count)]
    lines = [line for line in lines if any(value.strip() for value in line.values())]
    try:
        rows = int(form.get("rows", START_LINES))
    except ValueError:
        rows = START_LINES
    return header, lines, min(max(rows, len(lines), 1), declarations.MAX_LINES)


def typed(text: str, limit: int) -> str:
    """One line of typed text: no control characters (PostgreSQL refuses NUL), at most `limit` long."""
    return "".join(ch for ch in text[:limit] if ch >= " " and ch != "\x7f")


def _display_lines(lines: list[dict], rows: int) -> list[dict]:
    """The goods rows to show, each with its 总价 when its 数量 and 单价 are numbers."""
    empty = {name: "" for name in declarations.LINE_FIELDS}
    shown = []
    for line in (lines + [empty] * rows)[:max(rows, len(lines))]:
        quantity = declarations.parse_amount(line["quantity"])
        price = declarations.parse_amount(line["unit_price"])
        shown.append({**line, "total": declarations.line_total(quantity, price)})
    return shown


def _code_options(session) -> dict[str, list[tuple[str, str]]]:
    return {table: sorted(codes.names(session, table).items())
            for label, table in declarations.HEADER_FIELDS.values() if table}
