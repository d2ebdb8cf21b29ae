"""数据中心: 入网 and 发卡, IC卡管理 (重置密码, 锁定, 解锁), 代码表 (view, import), 审计 (trail, 校验).

An initial password appears once, in the response to the POST that made it: never flashed, never in
a URL or a log, and inside `hx-history="false"` so htmx keeps that page out of its history cache."""
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from blueprints._auth import actor, require
from blueprints._htmx import pressed, render, wants_fragment
from blueprints._i18n import tr
from blueprints._lists import ListArgs, page_of, whole
from blueprints.portal import dashboard_context
from db import accounts, audit, cards, codes, lockout
from db.engine import get_db, get_session
from db.models import CARD_KIND_LABELS, CardKind
from db.transaction import Result
from db.words import t

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require(CardKind.ADMIN, fx=True))


@bp.route("/")
def home():
    return render("home.html", **dashboard_context())


def _form(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "")[:120] for name in names}


# ── 入网 and 发卡 ────────────────────────────────────────────────────────────────────────────

@bp.route("/enroll", methods=["GET", "POST"])
def enroll():  # 入网: an enterprise, its 法人卡 and 操作员卡
    values = _form("name", "customs_code", "legal_holder", "operator_holder")
    result = None
    if request.method == "POST":
        result, new_cards = accounts.create_enterprise(db=get_db(), actor=actor(), **values)
        if result.ok:
            return render("admin/issued.html", "admin/_issued.html", result=result, new_cards=new_cards,
                          enterprise=values)
    return render("admin/enroll.html", "admin/_enroll.html", values=values, result=result,
                  status=422 if result else 200)


@bp.route("/cards/new", methods=["GET", "POST"])
def issue():  # 发卡: one card
    values = _form("kind", "holder", "customs_code", "district_code")
    result = None
    if request.method == "POST":
        result, new_card = cards.issue(db=get_db(), actor=actor(), **values)
        if result.ok:
            return render("admin/issued.html", "admin/_issued.html", result=result, new_cards=[new_card])
    return render("admin/issue.html", "admin/_issue.html", values=values, result=result, kinds=cards.ISSUABLE,
                  status=422 if result else 200)


# ── IC卡管理 ────────────────────────────────────────────────────────────────────────────────

@bp.route("/cards", endpoint="cards")
def cards_list():  # IC卡管理
    return _cards_page(request.args, request.full_path.rstrip("?"))


@bp.route("/cards/locked")
def locked_cards():  # the dashboard's count of locked cards links here
    return redirect(url_for("admin.cards", status="locked"))


@bp.route("/cards/unchanged")
def unchanged_cards():  # ... and its count of cards still on their initial password here
    return redirect(url_for("admin.cards", status="must_change"))


def _cards_page(args, back: str, *, result=None, shown=(), status=200):
    """The card list for `args` (filters and page key), with the outcome of an action on top."""
    filters = cards.Filters.of(args)
    session, listed = get_session(), None
    session.expire_all()  # after an action, show the cards as they are now, not as read before it
    try:
        stmt = cards.filtered(session, filters)
        listed = page_of(stmt, ListArgs.from_request(source=args), descending=True)
    except cards.FilterError as problem:
        result, status = Result(False, problem.args[0]), 422
    return render("admin/cards.html", "admin/_card_rows.html", filters=filters, listed=listed, result=result,
                  shown=shown, back=back, enterprises=cards.enterprise_names(session, listed.rows if listed else []),
                  districts=codes.names(session, "district"), kinds=list(CardKind), kind_labels=CARD_KIND_LABELS,
                  statuses=cards.STATUSES, permission_label=cards.permission_label, waiting=lockout.waiting,
                  status=status)


def _back() -> str:
    """The list an action was taken from (a local /admin/cards URL, nothing else). A line break or
    any other control character cannot go into a Location header: the request is refused whole,
    before anything is written."""
    back = request.form.get("back", "")
    if any(ch < " " or ch == "\x7f" for ch in back):
        abort(400)
    return back if back.startswith("/admin/cards?") or back == "/admin/cards" else url_for("admin.cards")


CARD_ACTIONS = {"reset": t("重置密码"), "lock": t("锁定"), "unlock": t("解锁")}


@bp.route("/cards/reset", methods=["POST"], endpoint="reset", defaults={"action": "reset"})
@bp.route("/cards/lock", methods=["POST"], endpoint="lock", defaults={"action": "lock"})
@bp.route("/cards/unlock", methods=["POST"], endpoint="unlock", defaults={"action": "unlock"})
def card_action(action):
    """重置密码 / 锁定 / 解锁. Without JavaScript the first POST shows a confirmation page; with htmx
    the browser has asked already (hx-confirm) and says so with confirmed=1."""
    back = _back()
    list_args = MultiDict(parse_qsl(urlsplit(back).query))
    try:
        card = cards.by_no(get_session(), request.form.get("card_no", ""))
    except cards.FilterError as problem:
        return _cards_page(list_args, back, result=Result(False, problem.args[0]), status=422)
    if request.form.get("confirmed") != "1":
        return render("admin/confirm.html", action=action, label=CARD_ACTIONS[action], card=card, back=back)
    shown = ()
    if action == "reset":
        result, password = accounts.reset_password(db=get_db(), actor=actor(), card_no=card.card_no)
        if result.ok:
            shown = [accounts.NewCard(card.card_no, CardKind(card.kind), card.holder, password)]
    else:
        result = accounts.set_locked(db=get_db(), actor=actor(), card_no=card.card_no, locked=action == "lock")
        if result.ok and not wants_fragment():  # post / redirect / get: a reload does not post again
            flash(tr(result.message))
            return redirect(back, 303)
    return _cards_page(list_args, back, result=result, shown=shown, status=200 if result.ok else 422)


# ── 代码表 ──────────────────────────────────────────────────────────────────────────────────

def _table(value: str | None) -> str:
    return value if value in codes.TABLES else "district"


@bp.route("/codes", endpoint="codes")
def codes_list():  # 代码表
    kind, text = _table(request.args.get("table")), request.args.get("q", "").strip()[:60]
    rows = codes.page_of(get_session(), kind, text, after=request.args.get("after", "")[:8],
                         before=request.args.get("before", "")[:8])
    return render("admin/codes.html", "admin/_code_rows.html", kind=kind, q=text, rows=rows,
                  tables=codes.TABLES, preview=None, result=None)


@bp.route("/codes/import", methods=["POST"], endpoint="import_codes")
def codes_import():  # 导入: upload → preview; 确认导入 → write
    kind = _table(request.form.get("table"))
    if pressed("confirm"):
        result, checked = codes.import_csv(db=get_db(), actor=actor(), kind=kind,
                                           text=request.form.get("text", ""))
        if result.ok:
            flash(tr(result.message))
            return redirect(url_for("admin.codes", table=kind), 303)
    else:
        upload = request.files.get("file")
        text = codes.decode(upload.read()) if upload else ""
        checked, result = codes.preview(get_session(), request.form.get("table", ""), text), None
    rows = codes.page_of(get_session(), kind)
    return render("admin/codes.html", "admin/_import.html", kind=kind, q="", rows=rows, tables=codes.TABLES,
                  preview=checked, result=result, status=200 if checked.ok else 422)


# ── 审计 ────────────────────────────────────────────────────────────────────────────────────

TRAIL_FILTERS = ("card_no", "action", "form_number", "date_from", "date_to")


@bp.route("/audit", endpoint="audit")
def audit_trail():  # 审计
    return _audit_page(verdict=None)


@bp.route("/audit/verify", endpoint="verify")
def audit_verify():  # 校验: walk the whole hash chain
    verdict = audit.verify(get_session())
    if wants_fragment():
        return render("admin/_verdict.html", verdict=verdict)
    return _audit_page(verdict=verdict)


def _audit_page(verdict):
    filters = {name: request.args.get(name, "").strip()[:40] for name in TRAIL_FILTERS}
    session, errors, events = get_session(), {}, None
    try:
        stmt = audit.trail(session, **filters)
        events = page_of(stmt, ListArgs.from_request(source=request.args), descending=True)
    except audit.TrailFilterError as problem:
        errors = problem.errors
    return render("admin/audit.html", "admin/_audit.html", filters=filters, errors=errors, events=events,
                  pager_args={name: value for name, value in filters.items() if value}, verdict=verdict,
                  actions=audit.known_actions(), mark=whole(request.args.get("mark")),
                  status=422 if errors else 200)
