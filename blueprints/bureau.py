"""外汇局: 发单 (发放 / 驳回 / 领取), 权限审批, 交单接收, 核销, 挂失, 注销, 即将到期 (manual §10.1, §10.4).
Each route parses the request, calls one domain function (db.workflow, db.accounts) and renders the page,
or for htmx only the part that changed; the domain says what went wrong, in Chinese, where the officer acted."""
from datetime import timedelta

from flask import Blueprint, abort, render_template, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import pressed, render, wants_fragment
from blueprints._i18n import tr
from blueprints._lists import ListArgs, form_names, page_of, show, typed
from blueprints.forms import detail_or_404, walk
from blueprints.portal import dashboard_context
from db import accounts, applications, clock, dashboard, deadlines, details, lists, workflow
from db import write_off as write_off_check
from db.engine import get_db, get_session
from db.lists import candidates
from db.models import ApplicationState, CardKind, RequestState
from db.queries import bounded_count
from db.rules import Action, number_message, receipt_overdue, valid_number, why_not
from db.words import t

bp = Blueprint("bureau", __name__, url_prefix="/bureau")
bp.before_request(require(CardKind.BUREAU, fx=True))

APPLICATION_LISTS = {"pending": (t("待发放"), applications.pending_applications),
                     "uncollected": (t("待领取纸质单证"), applications.uncollected_applications)}
MAX_TEXT = 200


bp.add_app_template_filter(lambda state: tr(ApplicationState(state).label), "application_state")
bp.add_app_template_filter(lambda state: tr(RequestState(state).label), "request_state")


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())


def _query(args: ListArgs) -> str | None:
    """What is wrong with the 查找 box (one 核销单号, or empty for every candidate), if anything."""
    settings = get_db().settings
    return number_message(settings) if args["q"] and not valid_number(args["q"], settings) else None


# ── 发单: 核销单申请 → 发放 / 驳回, then 领取纸质单证 ─────────────────────────────────────────────

@bp.route("/applications", endpoint="applications")
def application_list():  # 发单
    show = request.args.get("show", "pending")
    show = show if show in APPLICATION_LISTS else "pending"
    session = get_session()
    rows = page_of(APPLICATION_LISTS[show][1](), ListArgs.from_request(source=request.args))
    return render("bureau/applications.html", "bureau/_applications.html", page=rows, show=show,
                  lists=APPLICATION_LISTS, parties=applications.parties(session, rows.rows))


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
def application(application_id):  # 发放 / 驳回 / 领取
    result, db = None, get_db()
    if not applications.valid_id(application_id):
        abort(404)
    if request.method == "POST":
        which = pressed("issue", "reject", "collect")
        common = {"db": db, "actor": actor(), "application_id": application_id}
        if which == "issue":
            result = workflow.issue_forms(**common, count=typed(request.form, "count"))
        elif which == "reject":
            result = workflow.reject_application(**common, reason=typed(request.form, "reason", MAX_TEXT))
        elif which == "collect":
            result = workflow.record_paper_collected(**common)
        else:
            abort(400)
    session = get_session()
    found = applications.application(session, application_id)
    if found is None:
        abort(404)
    return render("bureau/application.html", "bureau/_application.html", application=found, result=result,
                  parties=applications.parties(session, [found]), typed=request.form,
                  next_number=applications.next_form_number(session, db.settings),
                  status=422 if result and not result.ok else 200)


# ── 权限审批 (manual §10.1) ─────────────────────────────────────────────────────────────────────

@bp.route("/permissions")
def permissions():  # 待审批的权限申请
    session = get_session()
    rows = page_of(applications.pending_permissions(), ListArgs.from_request(source=request.args))
    return render("bureau/permissions.html", "bureau/_permissions.html", page=rows,
                  parties=applications.parties(session, rows.rows))


@bp.route("/permissions/<int:request_id>", methods=["GET", "POST"])
def permission(request_id):  # 批准 (with an expiry date) / 拒绝 (with a reason)
    result = None
    if not applications.valid_id(request_id):
        abort(404)
    if request.method == "POST":
        which = pressed("grant", "refuse")
        if which is None:
            abort(400)
        result = accounts.decide_permission(db=get_db(), actor=actor(), request_id=request_id, grant=which == "grant",
                                            expires=typed(request.form, "expires"),
                                            reason=typed(request.form, "reason", MAX_TEXT))
    session = get_session()
    found = applications.permission_request(session, request_id)
    if found is None:
        abort(404)
    suggested = (clock.today() + timedelta(days=365)).strftime("%Y%m%d")
    return render("bureau/permission.html", "bureau/_permission.html", permission=found, result=result,
                  parties=applications.parties(session, [found]), typed=request.form, suggested=suggested,
                  status=422 if result and not result.ok else 200)


# ── 交单接收: batch 接收; submissions not received in time are flagged (manual §10.4) ─────────────

@bp.route("/receipts", methods=["GET", "POST"])
def receipts():  # 交单接收
    return _receipts(overdue=False)


@bp.route("/unreceived", methods=["GET", "POST"])
def unreceived():  # 交单超过 3 天未接收
    return _receipts(overdue=True)


def _receipts(overdue: bool):
    me, db, session = actor(), get_db(), get_session()
    endpoint = "bureau.unreceived" if overdue else "bureau.receipts"
    source = request.form if request.method == "POST" else request.args
    args = ListArgs.from_request("q", source=source)
    q, bad_query = args["q"], _query(args)
    results, which = None, None
    if request.method == "POST":
        which = pressed("select_all", "receive")
        if which == "receive":
            results = workflow.receive(db=db, actor=me, numbers=request.form.getlist("number")[:100])
    stmt = (lists.unreceived(me, db.settings, q) if overdue
            else candidates(me, Action.RECEIVE, db.settings, q))
    rows = page_of(stmt, args)
    marked = {f.number for f in rows.rows} if which == "select_all" else set(request.form.getlist("number"))
    late, late_exact = (0, True) if overdue else bounded_count(session, lists.unreceived(me, db.settings))
    fragment = "bureau/_receipts.html" if request.method == "POST" else "bureau/_receipt_rows.html"
    return render(
        "bureau/receipts.html", fragment, overdue=overdue, endpoint=endpoint, q=q, results=results,
        page=rows, mark=True, marked=marked, empty_message=bad_query, late=late, late_exact=late_exact,
        link=lambda n: url_for("forms.show", number=n, via=Action.RECEIVE.name),
        pager_endpoint=endpoint, pager_args={"q": q} if q else {}, keys=source,
        overdue_of=lambda form: receipt_overdue(form, db.settings), alert_days=db.settings.receive_alert_days,
        oob=wants_fragment() and request.method == "GET", **form_names(rows),
    )


# ── 即将到期: the dashboard's deadline counts, each a list of its own, the soonest first ───────────

DEADLINES = {"use": (deadlines.use_ending, 0, t("备案日期")), "submit": (deadlines.submit_ending, 1, t("出口日期"))}


@bp.route("/deadlines/<kind>")
def deadline_list(kind):  # 备案 / 交单 15 天内到期
    if kind not in DEADLINES:
        abort(404)
    (of, which, start), settings = DEADLINES[kind], get_db().settings
    page = ListArgs.from_request(source=request.args)
    return show("bureau/deadlines.html", "bureau/_deadline_rows.html", of(actor(), settings),
                ListArgs({"kind": kind}, page.after, page.before),  # 上一页 / 下一页 stay on this list
                title=dashboard.deadline_labels(settings)[which], start_label=start)


# ── 核销: a received submission, its declaration, 收汇金额 and 收汇日期 ─────────────────────────────

@bp.route("/write_offs")
def write_offs():  # 已接收待核销
    args = ListArgs.from_request("q", source=request.args)
    stmt = candidates(actor(), Action.WRITE_OFF, get_db().settings, args["q"])
    return show("bureau/write_offs.html", "forms/_rows.html", stmt, args, q=args["q"],
                empty_message=_query(args), link=lambda n: url_for("bureau.write_off", number=n))


@bp.route("/write_offs/<number>", methods=["GET", "POST"])
def write_off(number):  # 核销: 收汇金额 / 收汇日期 (/ 差额原因), 是否进行核销？, 确定
    me, db = actor(), get_db()
    if not valid_number(number, db.settings):
        abort(404)
    result, question = _write_off_answer(number) if request.method == "POST" else (None, None)
    detail = detail_or_404(number)
    if question:  # what the question asks, value by value, as the check just read it (its data stays Chinese)
        question = write_off_check.check(detail.declaration, typed(request.form, "amount", 30),
                                         typed(request.form, "collected_on"), typed(request.form, "reason", MAX_TEXT),
                                         tolerance=db.settings.write_off_tolerance, today=clock.today())
    done = bool(result and result.ok)
    refusal = None if done else why_not(Action.WRITE_OFF, me, detail.form, detail.declaration, db.settings)
    route = walk(candidates(me, Action.WRITE_OFF, db.settings), detail.form.number,
                 lambda n: url_for("bureau.write_off", number=n), back=url_for("bureau.write_offs"))
    tab = "form" if done else request.args.get("tab", "declaration")  # the declaration beside the amounts
    fragment = "bureau/_write_off.html" if request.method == "POST" else "forms/_tab.html"
    return render("bureau/write_off.html", fragment, detail=detail, walk=route, tab=tab, result=result,
                  question=question, refusal=refusal, typed=request.form, oob=done and wants_fragment(),
                  tolerance=db.settings.write_off_tolerance, status=422 if result and not result.ok else 200)


def _write_off_answer(number):
    """(result, question): 是否进行核销？ first (also without JavaScript); 确定 writes; 取消 changes nothing."""
    which = pressed("confirmed", "edit") or "write_off"
    if which == "edit":
        return None, None
    act = workflow.write_off if which == "confirmed" else workflow.check_write_off
    answer = act(db=get_db(), actor=actor(), number=number, amount=typed(request.form, "amount", 30),
                 collected_on=typed(request.form, "collected_on"), reason=typed(request.form, "reason", MAX_TEXT))
    return (None, answer) if answer.ok and which == "write_off" else (answer, None)


# ── 挂失 / 注销: any enterprise's form, by its 核销单号, with a reason ─────────────────────────────

# 注销's reasons as the radio buttons offer them: each posts the manual's word (db.workflow), shown translated
CANCEL_CHOICES = (t("全额退关"), t("填错"), t("其他原因"))
assert CANCEL_CHOICES[:-1] == workflow.CANCEL_REASONS
CLOSINGS = {"lost": (Action.BUREAU_LOST, workflow.bureau_report_lost),
            "cancel": (Action.CANCEL, workflow.cancel)}


@bp.route("/lost", methods=["GET", "POST"])
def lost():  # 挂失
    return _close("lost")


@bp.route("/cancel", methods=["GET", "POST"])
def cancel():  # 注销
    return _close("cancel")


def _reason(kind: str, source) -> str:
    """挂失: the reason typed; 注销: 全额退关 / 填错 (with a note) or 其他原因 typed (db.workflow)."""
    text = typed(source, "reason", MAX_TEXT)
    return workflow.cancel_reason(source.get("reason_choice", ""), text) if kind == "cancel" else text


def _close(kind: str):
    action, act = CLOSINGS[kind]
    me, db = actor(), get_db()
    source = request.form if request.method == "POST" else request.args
    number, reason = typed(source, "number"), _reason(kind, source)
    result, confirming = None, False
    if request.method == "POST":
        # without JavaScript the confirmation is a page; with htmx, hx-confirm already asked
        confirming = source.get("confirmed") != "1" and bool(reason) and valid_number(number, db.settings)
        if not confirming:
            result = act(db=db, actor=me, number=number, reason=reason)
    detail, message = None, None
    if number and not valid_number(number, db.settings):
        message = number_message(db.settings)
    elif number:
        detail = details.load(get_session(), me, number, db.settings)
        message = None if detail else t("未找到核销单 %(number)s", number=number)
    refusal = None
    if detail and not (result and result.ok):
        refusal = why_not(action, me, detail.form, detail.declaration, db.settings)
    return render("bureau/close.html", "bureau/_close.html", kind=kind, action=action, number=number,
                  detail=detail, message=message, refusal=refusal, result=result, confirming=confirming,
                  reason=reason, typed=source, reasons=CANCEL_CHOICES,
                  status=422 if result and not result.ok else 200)
