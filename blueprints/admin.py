"""数据中心: 入网, cards, code tables, audit"""
from flask import Blueprint, render_template

from blueprints._auth import require
from blueprints.portal import dashboard_context
from db.models import CardKind

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require(CardKind.ADMIN, fx=True))


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())
