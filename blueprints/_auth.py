"""Who is logged in, and the role checks written once for every blueprint."""
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user

from blueprints._htmx import client_redirect, current_url, is_htmx
from db.accounts import session_row, set_language
from db.actor import Actor
from db.engine import get_db, get_session
from db.models import Card, CardKind
from db.words import t

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = t("请先登录")
login_manager.session_protection = "strong"

NO_PERMISSION = t("本卡没有出口收汇权限或权限已过期，请使用法人卡向外汇局申请开通或延期（常见问题 10.1）")


class CardUser(UserMixin):
    def __init__(self, card: Card):
        self.card = card
        self.actor = Actor.of(card)

    def get_id(self) -> str:
        # the version changes on logout and password change, so an old cookie no longer loads a user;
        # the number, because 重置演示数据 may give this id to another card
        return f"{self.card.id}:{self.card.session_version}:{self.card.card_no}"


# The user object per distinct card row, per process: the row is read on every request (one lookup by
# primary key); only building the card and its Actor again is saved. A changed row is another key.
_users: dict = {}
USERS_KEPT = 1000


@login_manager.user_loader
def load_user(user_id: str):
    try:
        card_id, version, card_no = user_id.split(":")
        card_id, version = int(card_id), int(version)
    except ValueError:
        return None
    row = session_row(get_session(), card_id, version)
    if row is None or row.card_no != card_no:
        return None
    user = _users.get(row)
    if user is None:
        if len(_users) >= USERS_KEPT:
            _users.clear()
        user = _users[row] = CardUser(Card(**row._mapping))
    return user


def log_in(card: Card) -> None:
    """Log `card` in. A card that has never chosen a language takes the one its login page was shown
    in (the header's switch before login): pressing English there and logging in keeps English."""
    from blueprints import _i18n, _lifetime

    chosen = request.cookies.get(_i18n.COOKIE)
    if card.language is None and chosen in _i18n.LANGUAGES and chosen != _i18n.DEFAULT:
        set_language(db=get_db(), card_id=card.id, language=chosen)
    session.pop("csrf_token", None)  # a new CSRF token for the new session: the one shown before login is void
    g.pop("csrf_token", None)
    login_user(CardUser(card))
    _lifetime.begin()


def actor() -> Actor:
    return current_user.actor


def safe_next(target: str | None) -> str | None:
    """A path on this site to come back to after login, or None: never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 1000:
        return None
    return path


@login_manager.unauthorized_handler
def to_login():
    """Not logged in, or the session ended: to the login page, and back to this page afterwards.
    For htmx the page is the one the browser shows, and the whole page goes to the login (not a
    login form inside a fragment)."""
    from blueprints._i18n import tr

    flash(tr(login_manager.login_message))
    if is_htmx():
        return client_redirect(url_for("auth.login", next=safe_next(current_url())))
    here = request.full_path if request.method == "GET" else request.referrer
    if request.method != "GET" and request.referrer and urlsplit(request.referrer).netloc != request.host:
        here = None
    return redirect(url_for("auth.login", next=safe_next(here)))


OPEN_ENDPOINTS = {"auth.login", "auth.logout", "auth.password", "static"}


def init_app(app):
    login_manager.init_app(app)

    @app.before_request
    def initial_password_first():
        """A card with its initial password changes it before anything else (manual §三)."""
        if (current_user.is_authenticated and current_user.card.must_change_password
                and request.endpoint not in OPEN_ENDPOINTS):
            return redirect(url_for("auth.password"))
        return None


def require(*kinds: CardKind, fx: bool = True):
    """A before_request hook: logged in, one of `kinds`, and (if `fx`) a valid 出口收汇 permission.
    Anyone else gets 404 for role areas that are not theirs, 403 for an expired permission."""

    def check():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.actor.kind not in kinds:
            abort(404)
        if fx and not current_user.actor.has_permission():
            g.forbidden_reason = NO_PERMISSION
            abort(403)
        return None

    return check
