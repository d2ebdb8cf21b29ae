"""企业法人卡: the enterprise's forms (read only), its operator cards, permission requests (§10.1)"""
from flask import Blueprint, render_template

from blueprints._auth import require
from blueprints.portal import dashboard_context
from db.models import CardKind

bp = Blueprint("legal", __name__, url_prefix="/legal")
# card management works without a permission (manual §10.1); the forms need one
bp.before_request(require(CardKind.LEGAL, fx=False))


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())
