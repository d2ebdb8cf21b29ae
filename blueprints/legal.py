"""企业法人卡: the enterprise's forms (read only), its operator cards, permission requests (§10.1)"""
from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import render, wants_fragment
from blueprints._i18n import tr
from blueprints._lists import ListArgs, page_of, show
from blueprints.portal import dashboard_context
from db import accounts, clock, lists
from db.engine import get_db, get_session
from db.models import CardKind, FormState, RequestState
from db.rules import number_message, valid_number
from db.words import t

bp = Blueprint("legal", __name__, url_prefix="/legal")
# card management works without a permission (manual §10.1); the forms need one
bp.before_request(require(CardKind.LEGAL, fx=False))


def needs_permission(view):
    @wraps(view)
    def checked(*args, **kwargs):
        return require(CardKind.LEGAL, fx=True)() or view(*args, **kwargs)

    return checked


@bp.route("/")
@needs_permission
def home():
    return render_template("home.html", **dashboard_context())


@bp.route("/forms")
@needs_permission
def forms():  # 本企业核销单: one 核销单号 and/or one 核销单状态; read only
    settings, args = get_db().settings, ListArgs.from_request("number", "state")
    state = args["state"] if args["state"] in FormState.__members__.values() else ""
    args = ListArgs({"number": args["number"], "state": state}, args.after, args.before)
    stmt, message = None, None
    if args["number"] and not valid_number(args["number"], settings):
        message = number_message(settings)
    else:
        stmt = lists.by_number_and_state(actor(), args["number"], state)
        message = t("未找到核销单 %(number)s", number=args["number"]) if args["number"] else None
    return show("legal/forms.html", "forms/_rows.html", stmt, args, number=args["number"], state=state,
                states=[(s.value, tr(s.label)) for s in FormState], empty_message=message,
                link=lambda n: url_for("forms.show", number=n))


@bp.route("/cards", methods=["GET", "POST"])
def cards():  # 操作员卡: 出口收汇权限, 申请开通 / 申请延期
    result = None
    if request.method == "POST":
        result = accounts.request_permission(db=get_db(), actor=actor(), card_no=request.form.get("card_no", "")[:20])
        if result.ok and not wants_fragment():
            flash(tr(result.message))
            return redirect(url_for(".cards"), 303)
    args = ListArgs.from_request("show", source=request.args)
    show = args["show"] if args["show"] in accounts.CARD_WATCHES else ""
    pg = page_of(accounts.operator_cards(actor(), show), args)
    requests = accounts.latest_requests(get_session(), [card.id for card in pg.rows])
    return render("legal/cards.html", "legal/_cards.html", page=pg, requests=requests, result=result,
                  show=show, shown_label=accounts.CARD_WATCHES.get(show, ""),
                  today=clock.today(), request_label=lambda s: tr(RequestState(s).label),
                  status=422 if result and not result.ok else 200)
