"""系统菜单 (manual 图二) with the card's dashboard, and the card's own page."""
from flask import Blueprint, current_app, render_template, url_for
from flask_login import login_required

from blueprints._auth import actor
from blueprints._nav import subsystems
from db import accounts, codes, dashboard
from db.engine import get_db, get_session
from db.models import Card, CardKind, Enterprise

bp = Blueprint("portal", __name__)

# dashboard count → the list it stands for, per role (only links whose screens exist are shown)
LINKS = {
    CardKind.OPERATOR: {"register": "enterprise.register_list", "revoking": "enterprise.revoking",
                        "submit": "enterprise.submit_list", "unreceived": "enterprise.unreceived",
                        "use_deadline": "enterprise.register_deadlines",
                        "submit_deadline": "enterprise.submit_deadlines"},
    CardKind.LEGAL: {f"cards_{key}": ("legal.cards", {"show": key}) for key in accounts.CARD_WATCHES},
    CardKind.BUREAU: {"applications": "bureau.applications", "permissions": "bureau.permissions",
                      "receipts": "bureau.receipts", "unreceived": "bureau.unreceived",
                      "write_offs": "bureau.write_offs", "use_deadline": ("bureau.deadline_list", {"kind": "use"}),
                      "submit_deadline": ("bureau.deadline_list", {"kind": "submit"})},
    CardKind.CUSTOMS: {"registered": "customs.registered", "revocations": "customs.revocations",
                       "to_release": "customs.declarations", "to_close": "customs.to_close",
                       "to_slip": "customs.to_slip", "supplement": "customs.supplements",
                       "use_deadline": "customs.expiring"},
    CardKind.ADMIN: {"locked": "admin.locked_cards", "must_change": "admin.unchanged_cards"},
}


def dashboard_context() -> dict:
    """What every dashboard template needs: the board and the links its counts go to."""
    me = actor()
    board = dashboard.build(get_session(), me, get_db().settings)
    views = current_app.view_functions
    links = {key: url_for(name, **args) for key, (name, args) in
             ((key, _endpoint(to)) for key, to in LINKS[me.kind].items()) if name in views}
    return {"board": board, "links": links}


def _endpoint(to) -> tuple[str, dict]:
    """A link: an endpoint, or (endpoint, its URL arguments)."""
    return to if isinstance(to, tuple) else (to, {})


@bp.route("/")
@login_required
def home():
    me = actor()
    context = dashboard_context() if me.has_permission() else {"grey": accounts.grey(get_session(), me)}
    return render_template("portal/home.html", subsystems=subsystems(me), fx_allowed=me.has_permission(), **context)


@bp.route("/card")
@login_required
def card():
    me = actor()
    session = get_session()
    card = session.get(Card, me.card_id)
    enterprise = session.get(Enterprise, card.enterprise_id) if card.enterprise_id else None
    district = codes.name_of(session, "district", card.district_code)
    return render_template("portal/card.html", card=card, enterprise=enterprise, district=district,
                           view_functions=current_app.view_functions)
