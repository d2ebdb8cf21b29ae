"""Demo mode (EPORTFX_DEMO): the 演示环境 banner, one-click login with the demo cards, and
重置演示数据 for the data centre. Registered only when the setting is on: otherwise none of it exists."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints import _ratelimit
from blueprints._auth import log_in, require
from blueprints._htmx import go, render
from blueprints._i18n import tr
from db import accounts, demo, seed
from db.engine import get_db
from db.models import CardKind
from db.words import t

bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.route("/login", methods=["POST"])
def login():
    """A demo card's 登录 button: the card and the demo password, through the real login checks."""
    if not _ratelimit.allow("login"):
        abort(429)
    card_no = request.form.get("card_no", "")[:40]
    if card_no not in {card.card_no for card in demo.demo_cards(get_db())}:
        abort(404)
    result = accounts.authenticate(db=get_db(), card_no=card_no, password=seed.DEMO_PASSWORD)
    if not result.card:
        flash(tr(t("%(card_no)s：%(message)s", card_no=card_no, message=tr(result.message))))
        return redirect(url_for("auth.login"), 303)
    log_in(result.card)
    return redirect(url_for("portal.home"), 303)


@bp.route("/reset", methods=["GET", "POST"])
def reset():
    """重置演示数据: the page asks first; without JavaScript the POST asks again unless confirmed
    (with htmx, hx-confirm has asked and the button says confirmed=1)."""
    check = require(CardKind.ADMIN, fx=True)()
    if check is not None:
        return check
    if request.method == "POST" and request.form.get("confirmed") == "1":
        counts = demo.reset(get_db())
        flash(tr(t("演示数据已重置：%(cards)s 张IC卡，%(forms)s 份核销单", cards=counts.get("card", 0),
                   forms=counts.get("form", 0))))
        return go(url_for("admin.home"))
    return render("demo/reset.html", asking=request.method == "POST")


def init_app(app):
    from blueprints import exercises

    app.register_blueprint(bp)
    app.register_blueprint(exercises.bp)

    @app.context_processor
    def demo_context():
        kind = current_user.actor.kind if current_user.is_authenticated else None
        context = {"demo_mode": True, "demo_admin": kind is CardKind.ADMIN, "demo_trainee": kind is CardKind.OPERATOR}
        if request.endpoint == "auth.login":
            context["demo_cards"] = demo.demo_cards(get_db())
        return context
