"""企业操作员: the manual's left menu (§四–§八), for its own enterprise only.

Every screen is a full page; htmx swaps only the part that changes, and every widget has its own
route answering the fragment it swaps (the rows, the 关区 lookup, 全选, the 终止号, the action area).
Without JavaScript a confirmation is a page, the lookup and 全选 submits that come back with the
page. The batch screens (批量备案, 批量交单, 核销单挂失) are in enterprise_batch.py, on this blueprint.
"""
from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, get_flashed_messages, redirect, render_template, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import pressed, render, wants_fragment
from blueprints._i18n import tr
from blueprints._lists import ListArgs, form_names, page_of, show
from blueprints.enterprise_port import Port, port_lookup
from blueprints.forms import walk
from blueprints.portal import dashboard_context
from db import applications, deadlines, details, lists, workflow
from db.engine import get_db, get_session
from db.lists import candidates
from db.models import ApplicationState, CardKind
from db.queries import Page
from db.rules import Action, number_message, valid_number, why_not
from db.transaction import Result
from db.words import t

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
bp.before_request(require(CardKind.OPERATOR, fx=True))


@dataclass(frozen=True)
class Screen:
    """An action's screen in the manual's words: its menu label, its button, its question."""

    action: Action
    title: str  # the left menu's label
    endpoint: str
    button: str  # the action's button
    question: str | None = None  # asked before acting (hx-confirm, or a confirmation page without JS)
    form_endpoint: str | None = None  # the list's forms open on this page
    by_range: bool = False  # found by 核销单起始号 + 核销单份数 (else by one 核销单号, or all)

    @property
    def asks_port(self) -> bool:
        """The screen sets a 使用口岸 (口岸备案, 批量备案)."""
        return self.action is Action.REGISTER


REGISTER = Screen(Action.REGISTER, t("口岸备案"), "enterprise.register_list", t("确认"), t("是否进行备案"),
                  "enterprise.register_form")
REVOKE = Screen(Action.REVOKE, t("撤销备案"), "enterprise.revoke_list", t("撤销备案"), t("是否撤销备案"),
                "enterprise.revoke_form")
SUBMIT = Screen(Action.SUBMIT, t("企业交单"), "enterprise.submit_list", t("交单"), t("是否进行交单"),
                "enterprise.submit_form")
FORM_PAGES = {s.action: s.form_endpoint for s in (REGISTER, REVOKE, SUBMIT)}


def run(action: Action, numbers: list[str], port: str = "") -> list[Result]:  # the action on these forms
    db, me = get_db(), actor()
    if action is Action.REGISTER:
        return workflow.register_port(db=db, actor=me, numbers=numbers, port=port)  # 口岸备案 / 批量备案
    act = {Action.REVOKE: workflow.request_revoke, Action.SUBMIT: workflow.submit,
           Action.ENTERPRISE_LOST: workflow.report_lost}[action]
    return act(db=db, actor=me, numbers=numbers)


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())


# ── lists: a 查找 box (one 核销单号, or empty for all) over an action's candidates ──────────────────

def by_number(action: Action, args: ListArgs) -> dict:
    """开始查找: every candidate, or the one 核销单号 typed, and why it is not listed (manual §十)."""
    me, settings = actor(), get_db().settings
    number = args["number"]
    if number and not valid_number(number, settings):
        return {"stmt": None, "empty_message": number_message(settings)}
    why = lists.why_missing(get_session(), me, action, number, settings) if number else None
    return {"stmt": candidates(me, action, settings, number=number or None), "empty_message": why}


def form_link(action: Action | None):
    """Where a 核销单号 in a list leads: the action's page, else the read-only page."""
    endpoint = FORM_PAGES.get(action)
    if endpoint:
        return lambda n: url_for(endpoint, number=n)
    return lambda n: url_for("forms.show", number=n, **({"via": action.name} if action else {}))


def _list(screen: Screen):
    args = ListArgs.from_request("number")
    if screen.action is Action.SUBMIT:  # most urgent first: the last day to 交单
        return by_urgency(deadlines.SUBMIT, args, screen=screen, link=form_link(screen.action),
                          **by_number(screen.action, args))
    return show("enterprise/list.html", "forms/_rows.html", endpoint=screen.endpoint, args=args, screen=screen,
                link=form_link(screen.action), **by_number(screen.action, args))


def by_urgency(kind: str, args: ListArgs, stmt, **context):
    """A list worked against a deadline: 出口日期 / 备案日期, the due date, the days left, most urgent first."""
    pg, dues = deadlines.page(get_session(), stmt, kind, get_db().settings, args.after, args.before) \
        if stmt is not None else (Page([]), {})
    labels = {"start_label": t("出口日期"), "due_label": t("交单截止日期")} if kind == deadlines.SUBMIT else \
        {"start_label": None, "due_label": t("使用期限")}
    return render("enterprise/list.html", "enterprise/_due_rows.html", page=pg, dues=dues,
                  rows_template="enterprise/_due_rows.html", pager_endpoint=request.endpoint,
                  pager_args=args.condition, **labels, **form_names(pg), **context)


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

def _watch(title: str, stmt, rows: str = "forms/_rows.html", advice: str | None = None):
    return show("enterprise/list.html", rows, stmt, ListArgs.from_request(), title=title, rows_template=rows,
                advice=advice, link=form_link(None))


@bp.route("/unreceived")
def unreceived():  # manual §10.4: 交单时间, and what to do
    settings = get_db().settings
    return _watch(t("交单超过 %(days)s 天外汇局未接收", days=settings.receive_alert_days),
                  lists.unreceived(actor(), settings), "enterprise/_unreceived_rows.html",
                  t("成功交单三天后外管局仍无数据，请用户联系外汇管理总局查询。"))


@bp.route("/register-deadlines")
def register_deadlines():
    settings = get_db().settings
    return by_urgency(deadlines.REGISTER, ListArgs.from_request(), lists.near_use_end(actor(), settings),
                      title=t("备案 %(days)s 天内到期（%(period)s 天使用期）", days=settings.deadline_warning_days,
                              period=settings.use_period_days),
                      link=form_link(None))


@bp.route("/submit-deadlines")
def submit_deadlines():
    settings = get_db().settings
    days, period = settings.deadline_warning_days, settings.submit_period_days
    return by_urgency(deadlines.SUBMIT, ListArgs.from_request(), lists.near_submit_end(actor(), settings),
                      title=t("交单 %(days)s 天内到期（出口后 %(period)s 天）", days=days, period=period),
                      link=form_link(None))


@bp.route("/revoking")
def revoking():  # 撤销中: waiting for customs
    return _watch(t("撤销备案待海关确认"), lists.revoking(actor()),
                  advice=t("海关确认撤销后，待综合查询中海关使用状态为“未用”即可再重新备案。"))


# ── §四 核销单申请 ─────────────────────────────────────────────────────────────────────────────────

@bp.route("/apply", methods=["GET", "POST"])
def apply():  # 核销单申请
    result, quantity = None, ""
    if request.method == "POST":
        quantity = request.form.get("quantity", "")[:20]
        result = workflow.apply_forms(db=get_db(), actor=actor(), quantity=quantity)
        if result.ok and not wants_fragment():
            flash(tr(result.message))
            return redirect(url_for(".apply"), 303)
        quantity = "" if result.ok else quantity
    pg = page_of(applications.visible_to(actor()), ListArgs.from_request(), descending=True)
    return render("enterprise/apply.html", "enterprise/_apply.html", page=pg, result=result, quantity=quantity,
                  limit=get_db().settings.max_apply_quantity, application_label=lambda s: tr(ApplicationState(s).label),
                  status=422 if result and not result.ok else 200)


# ── a form's page: 口岸备案, 撤销备案, 企业交单 ───────────────────────────────────────────────────────

def confirmation(screen: Screen, numbers: list[str], port: Port | None, back: str, action_url: str):
    """Without JavaScript the confirm step is a page: the same POST again, with confirmed=1."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "confirmed", "act")]
    return render("enterprise/confirm.html", screen=screen, numbers=numbers, port=port, fields=fields,
                  back=back, action_url=action_url)


def _detail_or_404(number: str) -> details.FormDetail:
    detail = details.load(get_session(), actor(), number, get_db().settings)
    if detail is None:  # missing and not yours read the same, and nothing is done
        g.forbidden_reason = t("未找到核销单 %(number)s", number=number[:20])
        abort(404)
    return detail


def _form_page(screen: Screen, number: str, result: Result | None = None, port: Port | None = None,
               fragment: str = "forms/_tab.html", done: bool = False):
    """The form's page. `done`: the action has just succeeded (its message is flashed): the page says
    so, with the form's new status and the next step, and not what the form can no longer do."""
    me, settings = actor(), get_db().settings
    detail = _detail_or_404(number)
    reason = None if done else why_not(screen.action, me, detail.form, detail.declaration, settings)
    route = walk(candidates(me, screen.action, settings), detail.form.number,
                 lambda n: url_for(screen.form_endpoint, number=n), back=url_for(screen.endpoint))
    failed = bool(result and not result.ok) or bool(port and port.error)
    return render("enterprise/form.html", fragment, screen=screen, detail=detail, reason=reason, result=result,
                  port=port or Port(), walk=route, tab=request.args.get("tab", "form"), done=done,
                  oob=bool(result and result.ok), status=422 if failed else 200)


def _act(screen: Screen, number: str):
    """POST: the action (asked first where the manual asks); without JavaScript, the 关区 lookup too."""
    _detail_or_404(number)
    port = port_lookup(request.form) if screen.asks_port else Port()
    if port.error or port.choices is not None or pressed("lookup", "pick"):
        return _form_page(screen, number, port=port, fragment="enterprise/_act.html")  # nothing else happens
    if screen.question and not request.form.get("confirmed"):
        return confirmation(screen, [number], port if port.code else None, request.path, request.path)
    result = run(screen.action, [number], port.code)[0]
    if result.ok and not wants_fragment():
        flash(tr(result.message), "done")
        return redirect(request.path, 303)
    get_session().expire_all()  # read the form again as the action left it
    return _form_page(screen, number, result, port, "enterprise/_act.html")


def _form(screen: Screen, number: str):
    if request.method == "POST":
        return _act(screen, number)
    done = bool(get_flashed_messages(category_filter=["done"]))  # after 确定 without JavaScript: the success, once
    return _form_page(screen, number, port=port_lookup(request.args, quiet=True), done=done)


@bp.route("/register/<number>", methods=["GET", "POST"])
def register_form(number):  # 口岸备案: 使用口岸, 确认
    return _form(REGISTER, number)


@bp.route("/revoke/<number>", methods=["GET", "POST"])
def revoke_form(number):  # 撤销备案
    return _form(REVOKE, number)


@bp.route("/submit/<number>", methods=["GET", "POST"])
def submit_form(number):  # 企业交单: 出口核销单 / 出口报关单, 交单, 上一单 / 下一单
    return _form(SUBMIT, number)


from blueprints import enterprise_batch  # noqa: E402,F401  (its routes are this blueprint's)
