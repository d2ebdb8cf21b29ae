"""企业操作员: the manual's left menu (§四–§八), for its own enterprise only.

Every screen is a full page; htmx swaps only the part that changes (the rows, the 关区 lookup, a batch's
report, a form's action area) and the same steps work with JavaScript off: a confirmation is a page,
the lookup a submit, 全选 a submit that comes back with this page's rows marked.
"""
from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import pressed, render, wants_fragment
from blueprints._lists import ListArgs, form_names, page_of
from blueprints.forms import walk
from blueprints.portal import dashboard_context
from db import applications, codes, details, lists, workflow
from db.engine import get_db, get_session
from db.lists import candidates
from db.models import ApplicationState, CardKind
from db.queries import PAGE_SIZE, Page, QueryError
from db.rules import Action, number_message, valid_number, why_not
from db.transaction import Result

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
bp.before_request(require(CardKind.OPERATOR, fx=True))


@dataclass(frozen=True)
class Screen:
    action: Action
    title: str  # the left menu's label
    endpoint: str
    button: str  # the action's button
    question: str | None = None  # asked before acting (hx-confirm, or a confirmation page without JS)
    form_endpoint: str | None = None  # the list's forms open on this page


REGISTER = Screen(Action.REGISTER, "口岸备案", "enterprise.register_list", "确认", "是否进行备案",
                  "enterprise.register_form")
REVOKE = Screen(Action.REVOKE, "撤销备案", "enterprise.revoke_list", "撤销备案", None, "enterprise.revoke_form")
SUBMIT = Screen(Action.SUBMIT, "企业交单", "enterprise.submit_list", "交单", "是否进行交单", "enterprise.submit_form")
BATCH_REGISTER = Screen(Action.REGISTER, "批量备案", "enterprise.batch_register", "设置口岸")
BATCH_SUBMIT = Screen(Action.SUBMIT, "批量交单", "enterprise.batch_submit", "交单")
LOST = Screen(Action.ENTERPRISE_LOST, "核销单挂失", "enterprise.lost", "挂失", "是否挂失所标记的核销单")
FORM_PAGES = {s.action: s.form_endpoint for s in (REGISTER, REVOKE, SUBMIT)}


def _run(action: Action, numbers: list[str], port: str = "") -> list[Result]:
    db, me = get_db(), actor()
    if action is Action.REGISTER:
        return workflow.register_port(db=db, actor=me, numbers=numbers, port=port)  # 口岸备案 / 批量备案
    run = {Action.REVOKE: workflow.request_revoke, Action.SUBMIT: workflow.submit,
           Action.ENTERPRISE_LOST: workflow.report_lost}[action]
    return run(db=db, actor=me, numbers=numbers)


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())


# ── 使用口岸: a 关区代码 turns into its name; 0 (or part of a code or name) lists 关区 to pick ─────────

UNKNOWN_PORT = "关区代码 {} 不存在，请输入正确的关区代码（输入 0 回车可选择）"


@dataclass
class Port:
    code: str = ""
    name: str = ""
    error: str = ""
    choices: list[codes.PortGroup] | None = None  # the picker (valid ports by 直属海关), when shown


def port_lookup(form, quiet: bool = False) -> Port:
    """What the 使用口岸 field shows after Enter (or a pick). `quiet`: no complaint about an empty or
    unknown code (a re-render after 全选 or an action keeps what was typed)."""
    code = (form.get("pick") or form.get("port") or "").strip()[:20]
    session = get_session()
    name = codes.name_of(session, "district", code)
    if name or quiet:  # a known code that is no port (海关总署, an office) is refused as it is typed
        return Port(code, name or "", error="" if quiet or not name else codes.port_refusal(session, code) or "")
    if not code:
        return Port(error="请输入关区代码（输入 0 回车可选择）")
    choices = codes.ports(session, code, limit=1000)
    if code == "0":
        return Port(code, choices=choices)
    return Port(code, error="" if choices else UNKNOWN_PORT.format(code), choices=choices or None)


# ── lists: a 查找 box (one 核销单号, or empty for all) over an action's candidates ──────────────────

def _keys() -> ListArgs:
    """The page this list was asked for (a POST carries its keys as hidden fields)."""
    return ListArgs.from_request()


@dataclass
class Found:
    stmt: object = None  # the list's statement; None when the search is wrong or not made yet
    message: str | None = None
    args: dict = field(default_factory=dict)  # the search, as URL parameters
    number: str = ""  # the 核销单号 looked for
    check: lists.RangeCheck | None = None  # why forms of a range are not listed
    end: str = ""  # 核销单终止号


def find_number(action: Action) -> Found:
    """开始查找: every candidate, or the one 核销单号 typed."""
    me, settings = actor(), get_db().settings
    number = request.args.get("number", "").strip()[:20]
    args = {"number": number} if number else {}
    if number and not valid_number(number, settings):
        return Found(message=number_message(settings), args=args, number=number)
    return Found(candidates(me, action, settings, number=number or None), args=args, number=number)


def listed(action: Action, found: Found, keys: ListArgs) -> Page:
    """The page of the list, and why the 核销单号 looked for is not on it (manual §十)."""
    pg = page_of(found.stmt, keys) if found.stmt is not None else Page([])
    if found.number and not pg.rows and not found.message:
        found.message = lists.why_missing(get_session(), actor(), action, found.number, get_db().settings)
    return pg


def find_range(action: Action) -> Found:
    """确认: the candidates from 核销单起始号 for 核销单份数, and why the others of the range are not listed."""
    me, settings = actor(), get_db().settings
    start, count = (request.args.get(k, "").strip()[:20] for k in ("start", "count"))
    found = Found(args={"start": start, "count": count})
    if not start and not count:
        found.args = {}
        return found
    try:
        first, last = lists.number_range(start, count, settings)
    except QueryError as error:
        found.message = str(error)
        return found
    found.end = last
    found.stmt = lists.in_range(candidates(me, action, settings), first, last)
    found.check = lists.check_range(get_session(), me, action, first, last, settings)
    return found


def form_link(action: Action | None):
    """Where a 核销单号 in a list leads: the action's page, else the read-only page."""
    endpoint = FORM_PAGES.get(action)
    if endpoint:
        return lambda n: url_for(endpoint, number=n)
    return lambda n: url_for("forms.show", number=n, **({"via": action.name} if action else {}))


def range_end() -> str:
    try:
        return lists.number_range(request.args.get("start", ""), request.args.get("count", ""),
                                    get_db().settings)[1]
    except QueryError:
        return ""


def rows_context(endpoint: str, found: Found, pg: Page, link, **extra) -> dict:
    """What templates/forms/_rows.html needs for one of this blueprint's lists."""
    return {"page": pg, "empty_message": found.message, "link": link, "pager_endpoint": endpoint,
            "pager_args": found.args, "found": found, "number": found.number, **form_names(pg), **extra}


def _list(screen: Screen):
    found = find_number(screen.action)
    pg = listed(screen.action, found, _keys())
    return render("enterprise/list.html", "forms/_rows.html", screen=screen,
                  **rows_context(screen.endpoint, found, pg, form_link(screen.action)))


@bp.route("/register")
def register_list():  # 口岸备案
    return _list(REGISTER)


@bp.route("/revoke")
def revoke_list():  # 撤销备案
    return _list(REVOKE)


@bp.route("/submit")
def submit_list():  # 企业交单
    return _list(SUBMIT)


# ── what the dashboard points at: small read-only lists ───────────────────────────────────────────

def _watch(title: str, stmt):
    found = Found(stmt)
    pg = page_of(stmt, _keys())
    return render("enterprise/list.html", "forms/_rows.html", title=title,
                  **rows_context(request.endpoint, found, pg, form_link(None)))


@bp.route("/unreceived")
def unreceived():  # manual §10.4
    settings = get_db().settings
    return _watch(f"交单超过 {settings.receive_alert_days} 天外汇局未接收", lists.unreceived(actor(), settings))


@bp.route("/register-deadlines")
def register_deadlines():
    settings = get_db().settings
    return _watch(f"备案 {settings.deadline_warning_days} 天内到期（{settings.use_period_days} 天使用期）",
                  lists.near_use_end(actor(), settings))


@bp.route("/submit-deadlines")
def submit_deadlines():
    settings = get_db().settings
    return _watch(f"交单 {settings.deadline_warning_days} 天内到期（出口后 {settings.submit_period_days} 天）",
                  lists.near_submit_end(actor(), settings))


@bp.route("/revoking")
def revoking():  # 撤销中: waiting for customs
    return _watch("撤销备案待海关确认", lists.revoking(actor()))


# ── §四 核销单申请 ─────────────────────────────────────────────────────────────────────────────────

@bp.route("/apply", methods=["GET", "POST"])
def apply():  # 核销单申请
    result, quantity = None, ""
    if request.method == "POST":
        quantity = request.form.get("quantity", "")[:20]
        result = workflow.apply_forms(db=get_db(), actor=actor(), quantity=quantity)
        if result.ok and not wants_fragment():
            flash(result.message)
            return redirect(url_for(".apply"), 303)
        quantity = "" if result.ok else quantity
    pg = page_of(applications.visible_to(actor()), _keys(), descending=True)
    return render("enterprise/apply.html", "enterprise/_apply.html", page=pg, result=result, quantity=quantity,
                  limit=get_db().settings.max_apply_quantity, application_label=lambda s: ApplicationState(s).label,
                  status=422 if result and not result.ok else 200)


# ── a form's page: 口岸备案, 撤销备案, 企业交单 ───────────────────────────────────────────────────────

def _confirmation(screen: Screen, numbers: list[str], port: Port | None, back: str, action_url: str):
    """Without JavaScript the confirm step is a page: the same POST again, with confirmed=1."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "confirmed", "act")]
    return render("enterprise/confirm.html", screen=screen, numbers=numbers, port=port, fields=fields,
                  back=back, action_url=action_url)


def _detail_or_404(number: str) -> details.FormDetail:
    detail = details.load(get_session(), actor(), number, get_db().settings)
    if detail is None:  # missing and not yours read the same, and nothing is done
        g.forbidden_reason = f"未找到核销单 {number[:20]}"
        abort(404)
    return detail


def _form_page(screen: Screen, number: str):
    me, settings = actor(), get_db().settings
    detail = _detail_or_404(number)
    fragment, result, port, status = "forms/_tab.html", None, Port(), 200
    if request.method == "POST":
        fragment = "enterprise/_act.html"
        looking = screen.action is Action.REGISTER and pressed("lookup", "pick")
        if screen.action is Action.REGISTER:
            port = port_lookup(request.form)
            fragment = "enterprise/_port.html" if looking else fragment
            status = 422 if port.error else 200
        if looking or port.error or port.choices is not None:
            pass  # show the 关区 name or the list to pick from; nothing else happens
        elif screen.question and not request.form.get("confirmed"):
            return _confirmation(screen, [number], port if port.code else None, request.path, request.path)
        else:
            result = _run(screen.action, [number], port.code)[0]
            status = 200 if result.ok else 422
            if result.ok and not wants_fragment():
                flash(result.message)
                return redirect(request.path, 303)
            get_session().expire_all()  # read the form again as the action left it
            detail = _detail_or_404(number)
    reason = why_not(screen.action, me, detail.form, detail.declaration, settings)
    route = walk(candidates(me, screen.action, settings), detail.form.number,
                 lambda n: url_for(screen.form_endpoint, number=n), back=url_for(screen.endpoint))
    return render("enterprise/form.html", fragment, screen=screen, detail=detail, reason=reason, result=result,
                  port=port, walk=route, tab=request.args.get("tab", "form"), oob=bool(result and result.ok),
                  status=status)


@bp.route("/register/<number>", methods=["GET", "POST"])
def register_form(number):  # 口岸备案: 使用口岸, 确认
    return _form_page(REGISTER, number)


@bp.route("/revoke/<number>", methods=["GET", "POST"])
def revoke_form(number):  # 撤销备案
    return _form_page(REVOKE, number)


@bp.route("/submit/<number>", methods=["GET", "POST"])
def submit_form(number):  # 企业交单: 出口核销单 / 出口报关单, 交单, 上一单 / 下一单
    return _form_page(SUBMIT, number)


# ── batch screens: 批量备案, 批量交单, 核销单挂失 ─────────────────────────────────────────────────────

def _batch(screen: Screen, find):
    """GET: the 查找 panel and the list with 标记. POST: 全选 (this page again, all marked), the 关区
    lookup, or the action, which answers row by row and shows the list again from its first page."""
    results, port, marked, status = None, Port(), set(), 200
    fragment = "enterprise/_batch_rows.html" if _keys().keys else "enterprise/_batch.html"  # paging: the rows
    if request.method == "POST":
        fragment = "enterprise/_batch.html"
        numbers = request.form.getlist("number")
        button = pressed("lookup", "pick", "all", "act")
        port = port_lookup(request.form, quiet=button not in ("lookup", "pick"))
        marked = set(numbers)
        if button in ("lookup", "pick"):
            fragment, status = "enterprise/_port.html", 422 if port.error else 200
        elif len(numbers) > PAGE_SIZE:
            results = [Result(False, f"每次最多标记 {PAGE_SIZE} 份核销单")]
        elif button == "act" and screen.question and numbers and not request.form.get("confirmed"):
            args = {k: request.args[k][:20] for k in ("number", "start", "count") if request.args.get(k)}
            return _confirmation(screen, numbers, None, url_for(screen.endpoint, **args, **_keys().keys),
                                 url_for(screen.endpoint, **args))
        elif button == "act":
            results, marked = _run(screen.action, numbers, port.code), set()
            get_session().expire_all()
    # after the action the list starts again: what was done has left it, the rest moved up
    keys = _keys() if results is None else ListArgs()
    found = find(screen.action)
    pg = listed(screen.action, found, keys)
    if request.method == "POST" and pressed("all") and results is None:
        marked = {f.number for f in pg.rows}  # 全选: this page, at most 20
    return render("enterprise/batch.html", fragment, screen=screen, results=results, port=port, keys=keys.keys,
                  url=url_for(screen.endpoint, **found.args), port_label="备案口岸", status=status,
                  **rows_context(screen.endpoint, found, pg, form_link(screen.action), mark=True, marked=marked))


@bp.route("/range-end")
def range_end_field():  # 核销单终止号, shown as 核销单起始号 and 核销单份数 are typed (a widget of 批量备案 and 挂失)
    return render("enterprise/_end.html", found=Found(end=range_end()))


@bp.route("/batch-register", methods=["GET", "POST"])
def batch_register():  # 批量备案: 核销单起始号 + 核销单份数, 标记 / 全选, 备案口岸, 设置口岸
    return _batch(BATCH_REGISTER, find_range)


@bp.route("/batch-submit", methods=["GET", "POST"])
def batch_submit():  # 批量交单: 开始查找, 标记 / 全选, 交单
    return _batch(BATCH_SUBMIT, find_number)


@bp.route("/lost", methods=["GET", "POST"])
def lost():  # 核销单挂失: 核销单起始号 + 核销单份数, 标记 / 全选, 挂失
    return _batch(LOST, find_range)
