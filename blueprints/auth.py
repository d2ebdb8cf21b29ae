"""登录 (manual §三): IC卡号 + IC卡密码; change of the initial password; logout."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from blueprints import _i18n, _ratelimit
from blueprints._auth import CardUser, actor, log_in, safe_next
from blueprints._htmx import render
from db import accounts
from db.engine import get_db, get_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    back = safe_next(request.values.get("next"))  # the page the session ended on
    if current_user.is_authenticated and request.method == "GET":
        return redirect(back or url_for("portal.home"))
    card_no, message = "", None
    if request.method == "POST":
        card_no = request.form.get("card_no", "")[:40]
        if not _ratelimit.allow("login", card_no):
            abort(429)
        result = accounts.authenticate(db=get_db(), card_no=card_no, password=request.form.get("password", ""))
        if result.card:
            log_in(result.card)
            return redirect(back or url_for("portal.home"), 303)
        message = result.message
    return render("auth/login.html", card_no=card_no, message=message, back=back,
                  max_failures=get_db().settings.login_max_failures,
                  delay_minutes=max(1, get_db().settings.login_delay_seconds // 60), status=200 if not message else 422)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.logout(db=get_db(), card_id=current_user.card.id)
        logout_user()
    return redirect(url_for("auth.login"), 303)


@bp.route("/language", methods=["POST"])
def language():
    """The header's 中文 / English: kept on the card when one is logged in (every later session shows it),
    in a cookie before login. Back to the page it was pressed on."""
    chosen = request.form.get("language", "")
    if chosen not in _i18n.LANGUAGES:
        abort(400)
    back = safe_next(request.form.get("next")) or url_for("portal.home")
    answer = redirect(back, 303)
    if current_user.is_authenticated:
        kept = None if chosen == _i18n.DEFAULT else chosen
        accounts.set_language(db=get_db(), card_id=actor().card_id, language=kept)
    answer.set_cookie(_i18n.COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                      secure=request.is_secure)
    return answer


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    result = None
    if request.method == "POST":
        if not _ratelimit.allow("password", current_user.card.card_no):
            abort(429)
        form = request.form
        result = accounts.change_password(db=get_db(), actor=actor(), old=form.get("old", ""),
                                          new=form.get("new", ""), confirm=form.get("confirm", ""))
        if result.ok:
            # the change ended every session of the card (its version moved on): start a new one here
            login_user(CardUser(accounts.card_for_session(get_session(), actor().card_id, None)))
            flash(_i18n.tr(result.message))
            return redirect(url_for("portal.home"), 303)
    return render("auth/password.html", result=result, status=422 if result else 200)
