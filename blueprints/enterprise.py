"""企业操作员: the manual's left menu (§四–§九), for its own enterprise only"""
from flask import Blueprint, render_template

from blueprints._auth import require
from blueprints.portal import dashboard_context
from db.models import CardKind

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
bp.before_request(require(CardKind.OPERATOR, fx=True))


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())
