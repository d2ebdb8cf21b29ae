"""企业法人卡: the enterprise's forms (read only), its operator cards, permission requests (§10.1)"""
from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import render, wants_fragment
from blueprints.forms import list_context
from blueprints.portal import dashboard_context
from db import accounts, clock
from db.engine import get_db, get_session
from db.models import CardKind, FormState, RequestState
from db.queries import Condition, Page, form_select, page
from db.rules import number_message, valid_number

bp = Blueprint("legal", __name__, url_prefix="/legal")
# card management works without a permission (manual §10.1); the forms need one
bp.before_request(require(CardKind.LEGAL, fx=False))


def needs_permission(view):
    @wraps(view)
    def checked(*args, **kwargs):
        return require(CardKind.LEGAL, fx=True)() or view(*args, **kwargs)

    return checked


def _keys() -> dict:
    return {k: request.args.get(k, "")[:20] for k in ("after", "before") if request.args.get(k)}


@bp.route("/")
@needs_permission
def home():
    return render_template("home.html", **dashboard_context())


class Search:
    """本企业核销单: one 核销单号 and/or one 核销单状态; read only."""

    def __init__(self, args):
        self.number = args.get("number", "").strip()[:20]
        state = args.get("state", "")
        self.state = state if state in FormState.__members__.values() else ""
        self.args = {k: v for k, v in (("number", self.number), ("state", self.state)) if v}
        self.message = None


@bp.route("/forms")
@needs_permission
def forms():
    me, settings = actor(), get_db().settings
    search, pg = Search(request.args), Page([])
    if search.number and not valid_number(search.number, settings):
        search.message = number_message(settings)
    else:
        conditions = [Condition("number", "eq", search.number)] if search.number else []
        stmt = form_select(me, conditions, states=[search.state] if search.state else None)
        pg = page(get_session(), stmt, after=request.args.get("after"), before=request.args.get("before"))
        if search.number and not pg.rows:
            search.message = f"未找到核销单 {search.number}"
    return render("legal/forms.html", "forms/_rows.html", page=pg, found=search, state=search.state,
                  states=[(s.value, s.label) for s in FormState], empty_message=search.message,
                  link=lambda n: url_for("forms.show", number=n), pager_endpoint="legal.forms",
                  pager_args=search.args, **list_context(pg))


@bp.route("/cards", methods=["GET", "POST"])
def cards():  # 操作员卡: 出口收汇权限, 申请开通 / 申请延期
    result = None
    if request.method == "POST":
        result = accounts.request_permission(db=get_db(), actor=actor(), card_no=request.form.get("card_no", "")[:20])
        if result.ok and not wants_fragment():
            flash(result.message)
            return redirect(url_for(".cards"), 303)
    keys = {k: int(v) for k, v in _keys().items() if v.isdigit() and len(v) < 12}
    pg = page(get_session(), accounts.operator_cards(actor()), after=keys.get("after"), before=keys.get("before"))
    requests = accounts.latest_requests(get_session(), [card.id for card in pg.rows])
    return render("legal/cards.html", "legal/_cards.html", page=pg, requests=requests, result=result,
                  today=clock.today(), request_label=lambda s: RequestState(s).label,
                  status=422 if result and not result.ok else 200)
