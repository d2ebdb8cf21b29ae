"""外汇局: 发单, permissions, 交单接收, 核销, 挂失, 注销"""
from flask import Blueprint, render_template

from blueprints._auth import require
from blueprints.portal import dashboard_context
from db.models import CardKind

bp = Blueprint("bureau", __name__, url_prefix="/bureau")
bp.before_request(require(CardKind.BUREAU, fx=True))


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())
