"""海关: forms registered to the officer's own 关区 — 备案数据, 报关验核 (出口报关单 → 已用), 报关单
(放行, 结关, 签发结汇联, 重签结汇联), 撤销确认, 补验 (manual §10.3). The scope is db.queries': a form
of another 关区 is not in any list, its page is 404 and every action on it reads "未找到核销单"."""
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, flash, render_template, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import go, pressed, render
from blueprints._lists import ListArgs, form_names, page_of
from blueprints.forms import Walk, detail_or_404, walk
from blueprints.portal import dashboard_context
from db import clock, codes, declarations, details, lists, workflow
from db.engine import get_db, get_session
from db.lists import candidates
from db.models import CardKind
from db.queries import PAGE_SIZE, Page, neighbours
from db.rules import Action, number_message, valid_number, why_not
from db.transaction import Result

bp = Blueprint("customs", __name__, url_prefix="/customs")
bp.before_request(require(CardKind.CUSTOMS, fx=True))

# the batch functions behind each button; 驳回撤销 takes a reason, one form at a time
BATCH = {
    Action.RELEASE: workflow.release,  # 放行
    Action.CLOSE: workflow.close_declaration,  # 结关
    Action.ISSUE_SLIP: workflow.issue_slip,  # 签发结汇联
    Action.REISSUE_SLIP: workflow.reissue_slip,  # 重签结汇联
    Action.SUPPLEMENT: workflow.supplement_verify,  # 补验
    Action.CONFIRM_REVOKE: workflow.confirm_revoke,  # 确认撤销
}
FORM_PAGE_ACTIONS = (*BATCH, Action.REJECT_REVOKE)


@dataclass(frozen=True)
class Listing:
    """One of the officer's lists: what it selects, where its rows lead, what its batch button is."""

    endpoint: str
    title: str
    note: str
    action: Action  # the list's purpose: its batch button, and why a typed number is not in it
    batch: bool = False
    forms: Callable | None = None  # (actor, settings) → the forms listed; default: the action's candidates
    conditions: tuple = ()  # a list of declarations: the status conditions of its tab
    tab: str = ""  # a list of declarations: the tab's label

    @property
    def of_declarations(self) -> bool:
        return bool(self.conditions)

    @property
    def via(self) -> str:
        return self.endpoint.split(".")[1]

    def rows(self, number: str | None = None):
        """This list for the officer, or only the row of one 核销单号."""
        me, settings = actor(), get_db().settings
        if self.of_declarations:
            return lists.declarations_in(me, self.conditions, number)
        return lists.only(self.forms(me, settings) if self.forms else candidates(me, self.action, settings), number)

    def link(self, number: str) -> str:
        """A row's 核销单号 leads to the entry (报关验核) or to the form's page, which walks this list."""
        if self.endpoint == "customs.verify":
            return url_for("customs.verify_form", number=number)
        tab = {"tab": "declaration"} if self.of_declarations else {}
        return url_for("customs.form", number=number, via=self.via, **tab)


LISTINGS = {listing.endpoint: listing for listing in [
    Listing("customs.registered", "备案数据", "本关区已备案、海关使用状态为未用的核销单。", Action.VERIFY,
            forms=lists.registered),
    Listing("customs.expiring", "备案即将到期", "备案后使用期限即将届满的核销单，请及时验核。", Action.VERIFY,
            forms=lists.near_use_end),
    Listing("customs.verify", "报关验核", "点击核销单号录入出口报关单；验核后海关使用状态为已用。", Action.VERIFY),
    Listing("customs.revocations", "撤销确认",
            "企业申请撤销备案的核销单。确认撤销后核销单回到已发放，可重新备案；驳回撤销请点击核销单号填写原因。",
            Action.CONFIRM_REVOKE, batch=True),
    Listing("customs.supplements", "补验",
            "货物已放行、但海关使用状态仍为未用的核销单（常见问题 10.3）：补验后海关使用状态为已用，企业即可交单。",
            Action.SUPPLEMENT, batch=True),
    Listing("customs.declarations", "报关单", "已申报的出口报关单，货物放行后请放行。", Action.RELEASE, True,
            conditions=lists.TO_RELEASE, tab="已申报（待放行）"),
    Listing("customs.to_close", "报关单", "已放行的出口报关单，办结海关手续后请结关。", Action.CLOSE, True,
            conditions=lists.TO_CLOSE, tab="已放行（待结关）"),
    Listing("customs.to_slip", "报关单", "已结关、尚未签发结汇联的出口报关单。", Action.ISSUE_SLIP, True,
            conditions=lists.TO_SLIP, tab="待签发结汇联"),
    Listing("customs.slipped", "报关单",
            "已签发结汇联的出口报关单。企业交单时外汇局查不到结汇联的，可重签结汇联（常见问题 10.3）。",
            Action.REISSUE_SLIP, True, conditions=lists.SLIPPED, tab="已签发结汇联"),
]}
TABS = [listing for listing in LISTINGS.values() if listing.of_declarations]


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())


# ── the lists ────────────────────────────────────────────────────────────────────────────────

def _position(source, prefix: str = "") -> ListArgs:
    """Which page of a list is shown: kept in the batch form (at_*) so that 全选 and the actions re-show it."""
    return ListArgs.from_request("number", source=source, prefix=prefix)


def _list(listing: Listing):
    """GET: a page of the list (with 查找); POST: the batch button or 全选 on the marked rows."""
    results, marked, message = None, set(), None
    if request.method == "POST":
        position = _position(request.form, "at_")
        numbers = request.form.getlist("number")
        if pressed("select_all"):
            marked = None  # every row of the page, once it is read
        elif not pressed(listing.action.name):
            message = "请选择要进行的操作"
        elif len(numbers) > PAGE_SIZE:
            message = f"每次最多标记 {PAGE_SIZE} 条"
        else:
            results = BATCH[listing.action](db=get_db(), actor=actor(), numbers=numbers)
    else:
        position = _position(request.args)
    shown, empty_message = _page(listing, position)
    context = dict(listing=listing, tabs=TABS, position=position, results=results, message=message,
                   **_rows_context(listing, shown, position, empty_message))
    context["marked"] = set(context["row_numbers"]) if marked is None else marked
    if request.method == "POST":
        return render("customs/list.html", "customs/_list.html", **context)
    return render("customs/list.html", "customs/_rows.html", **context)


def _page(listing: Listing, position: ListArgs) -> tuple[Page, str | None]:
    number = position["number"]
    if number and not valid_number(number, get_db().settings):
        return Page([]), number_message(get_db().settings)
    shown = page_of(listing.rows(number or None), position)
    if number and not shown.rows:
        return shown, lists.why_not_in(get_session(), actor(), listing.action, number, get_db().settings,
                                       listing.tab or listing.title)
    return shown, None


def _rows_context(listing: Listing, shown: Page, position: ListArgs, empty_message) -> dict:
    """What the rows partial needs; `row_numbers` are the 核销单号 of the rows, in order."""
    args = position.condition
    # `shown`, not `page`: render()'s first parameter is named page; the templates pass it on as page
    context = dict(shown=shown, mark=listing.batch, pager_endpoint=listing.endpoint, pager_args=args,
                   empty_message=empty_message, link=listing.link, **form_names(shown))
    if listing.of_declarations:
        forms = lists.forms_by_id(get_session(), {d.form_id for d in shown.rows})
        context.update(forms=forms, currencies=codes.names(get_session(), "currency"),
                       row_numbers=[forms[d.form_id].number for d in shown.rows])
    else:
        context["row_numbers"] = [f.number for f in shown.rows]
    return context


def _list_route(endpoint: str, rule: str, methods=("GET",)):
    listing = LISTINGS[endpoint]
    bp.add_url_rule(rule, endpoint.split(".")[1], lambda: _list(listing), methods=list(methods))


_list_route("customs.registered", "/registered")  # 备案数据
_list_route("customs.expiring", "/registered/expiring")
_list_route("customs.verify", "/verify")  # 报关验核
_list_route("customs.revocations", "/revocations", ("GET", "POST"))  # 撤销确认
_list_route("customs.supplements", "/supplements", ("GET", "POST"))  # 补验
_list_route("customs.declarations", "/declarations", ("GET", "POST"))  # 报关单: 已申报 → 放行
_list_route("customs.to_close", "/declarations/released", ("GET", "POST"))  # 已放行 → 结关
_list_route("customs.to_slip", "/declarations/closed", ("GET", "POST"))  # 已结关 → 签发结汇联
_list_route("customs.slipped", "/declarations/slipped", ("GET", "POST"))  # 已签发 → 重签结汇联


# ── one form ─────────────────────────────────────────────────────────────────────────────────

def _detail(number: str) -> details.FormDetail:
    """The form if it is this 关区's; 404 otherwise (and for anything that is not a 核销单号)."""
    if not valid_number(number, get_db().settings):
        abort(404)
    return detail_or_404(number)


@bp.get("/forms/<number>")
def form(number):
    """A form of this 关区 with the customs actions it can take now."""
    return render("customs/form.html", "forms/_tab.html", **_form_context(_detail(number)))


@bp.post("/forms/<number>", endpoint="act")
def act_on_form(number):
    """One of the customs actions on a form; the whole page answers (the htmx form picks #main)."""
    detail = _detail(number)
    action, outcome = _act(detail.form.number)
    reason_error = None
    if action is Action.REJECT_REVOKE and not outcome.ok and not request.form.get("reason", "").strip():
        outcome, reason_error = None, outcome.message  # said beside the 驳回原因 field
    get_session().expire_all()  # show the form as the action left it
    after = details.load(get_session(), actor(), number, get_db().settings)
    if after is None:  # 确认撤销 clears the 使用口岸: the form has left this 关区
        done = "，已回到已发放，企业可重新备案" if outcome.ok else "（该核销单已不属本关区）"
        flash(f"核销单 {detail.form.number}：{outcome.message}{done}")
        return go(url_for("customs.revocations"))
    status = 422 if reason_error else 200 if outcome is None or outcome.ok else 409
    return render("customs/form.html", status=status, **_form_context(after, outcome, reason_error))


def _form_context(detail: details.FormDetail, outcome: Result | None = None, reason_error: str | None = None):
    me, settings = actor(), get_db().settings
    refusals = {a: why_not(a, me, detail.form, detail.declaration, settings)
                for a in (*FORM_PAGE_ACTIONS, Action.VERIFY)}
    listing = LISTINGS.get(f"customs.{request.args.get('via', '')}")
    why = None
    if listing and refusals[listing.action] and not (outcome and outcome.ok):
        why = f"不能{listing.action}：{refusals[listing.action]}"
    return dict(detail=detail, tab=request.args.get("tab", "form"), walk=_walk(listing, detail),
                possible=[a for a in FORM_PAGE_ACTIONS if refusals[a] is None],
                can_verify=refusals[Action.VERIFY] is None, outcome=outcome, why=why,
                reason=request.form.get("reason", "") if reason_error else "", reason_error=reason_error,
                self_url=url_for("customs.form", number=detail.form.number,
                                 **{k: v for k, v in request.args.items() if k in ("via", "tab")}))


def _act(number: str) -> tuple[Action | None, Result]:
    """The action whose button was pressed, and what the domain answered."""
    chosen = pressed(*(a.name for a in FORM_PAGE_ACTIONS))
    if chosen is None:
        return None, Result(False, "请选择要进行的操作", number)
    action = Action[chosen]
    if action is Action.REJECT_REVOKE:
        return action, workflow.reject_revoke(db=get_db(), actor=actor(), number=number,
                                              reason=_typed(request.form.get("reason", ""), 500))
    return action, BATCH[action](db=get_db(), actor=actor(), numbers=[number])[0]


def _walk(listing: Listing | None, detail: details.FormDetail) -> Walk | None:
    """上一单 / 下一单 over the list the page was opened from."""
    if listing is None:
        return None
    tab = request.args.get("tab", "form")
    url = lambda n: url_for("customs.form", number=n, via=listing.via, tab=tab)  # noqa: E731
    if not listing.of_declarations:
        return walk(listing.rows(), detail.form.number, url, back=url_for(listing.endpoint))
    if detail.declaration is None:
        return None
    previous, following = neighbours(get_session(), listing.rows(), detail.declaration.number)
    forms = lists.form_numbers_of(get_session(), (previous, following))
    return Walk(forms.get(previous), forms.get(following), url, back=url_for(listing.endpoint))


# ── 报关验核: the 出口报关单 entry ───────────────────────────────────────────────────────────

START_LINES = 3


@bp.route("/verify/<number>", methods=["GET", "POST"])
def verify_form(number):
    """Record an 出口报关单 against a registered form (验核 → 已用). 增加商品 and 计算总价 only re-show
    the entry; 验核 checks every field and either records it all or nothing."""
    detail = _detail(number)
    me, settings, session = actor(), get_db().settings, get_session()
    refusal = why_not(Action.VERIFY, me, detail.form, detail.declaration, settings)
    header, lines, rows = _typed_entry()
    errors, outcome, status = {}, None, 200
    if request.method == "POST":
        if pressed("add_line"):
            if rows < declarations.MAX_LINES:
                rows += 1
            else:
                errors["lines"] = f"商品最多 {declarations.MAX_LINES} 项"
        elif pressed("verify"):
            data, errors = declarations.parse(session, header, lines)
            status = 422 if errors else 200
            if data is not None:
                outcome = workflow.record_declaration(db=get_db(), actor=me, number=detail.form.number, data=data)
                if outcome.ok:
                    flash(outcome.message)
                    return go(url_for("customs.form", number=detail.form.number, tab="declaration"))
                status = 409
    context = dict(detail=detail, tab=request.args.get("tab", "form"), refusal=refusal, outcome=outcome,
                   show_entry=refusal is None or request.method == "POST", header=header,
                   lines=_display_lines(lines, rows), errors=errors, options=_code_options(session),
                   walk=walk(candidates(me, Action.VERIFY, settings), detail.form.number,
                             lambda n: url_for("customs.verify_form", number=n), back=url_for("customs.verify")),
                   self_url=url_for("customs.verify_form", number=detail.form.number))
    fragment = "customs/_entry.html" if request.method == "POST" else "forms/_tab.html"
    return render("customs/verify.html", fragment, status=status, **context)


def _typed_entry() -> tuple[dict, list[dict], int]:
    """What the officer typed: header fields, the goods lines that have anything in them (in order,
    empty ones dropped, so that parse()'s 第 i 项 is the i-th row shown), and how many rows to show."""
    form = request.form
    today = f"{clock.today():%Y%m%d}"
    if request.method != "POST":
        return {"declared_on": today, "exported_on": today}, [], START_LINES
    header = {name: _typed(form.get(name, ""), 60) for name in declarations.HEADER_FIELDS}
    columns = {name: form.getlist(name)[:declarations.MAX_LINES + 1] for name in declarations.LINE_FIELDS}
    count = max((len(values) for values in columns.values()), default=0)
    lines = [{name: _typed(values[i] if i < len(values) else "", 100) for name, values in columns.items()}
             for i in range(count)]
    lines = [line for line in lines if any(value.strip() for value in line.values())]
    try:
        rows = int(form.get("rows", START_LINES))
    except ValueError:
        rows = START_LINES
    return header, lines, min(max(rows, len(lines), 1), declarations.MAX_LINES)


def _typed(text: str, limit: int) -> str:
    """One line of typed text: no control characters (PostgreSQL refuses NUL), at most `limit` long."""
    return "".join(ch for ch in text[:limit] if ch >= " " and ch != "\x7f")


def _display_lines(lines: list[dict], rows: int) -> list[dict]:
    """The goods rows to show, each with its 总价 when its 数量 and 单价 are numbers."""
    empty = {name: "" for name in declarations.LINE_FIELDS}
    shown = []
    for line in (lines + [empty] * rows)[:max(rows, len(lines))]:
        quantity = declarations.parse_amount(line["quantity"])
        price = declarations.parse_amount(line["unit_price"])
        total = declarations.line_total(quantity, price)
        shown.append({**line, "total": total})
    return shown


def _code_options(session) -> dict[str, list[tuple[str, str]]]:
    return {table: sorted(codes.names(session, table).items())
            for label, table in declarations.HEADER_FIELDS.values() if table}
