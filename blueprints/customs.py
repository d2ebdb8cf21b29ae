"""海关: forms registered to the officer's 关区, declarations, revocations"""
from flask import Blueprint, render_template

from blueprints._auth import require
from blueprints.portal import dashboard_context
from db.models import CardKind

bp = Blueprint("customs", __name__, url_prefix="/customs")
bp.before_request(require(CardKind.CUSTOMS, fx=True))


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())
