"""A form's page, for every role: the 出口核销单 / 出口报关单 tabs and the history, with 上一单 / 下一单
over the list it was opened from. Role screens reuse `detail_or_404`, `walk` and the templates."""
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from flask import Blueprint, abort, request, url_for

from blueprints._auth import actor, require
from blueprints._htmx import render
from db import details
from db.engine import get_db, get_session
from db.lists import candidates
from db.models import CardKind
from db.queries import neighbours
from db.rules import Action

bp = Blueprint("forms", __name__, url_prefix="/forms")
bp.before_request(require(*CardKind))


def detail_or_404(number: str) -> details.FormDetail:
    """The form if this card may see it; 404 both when it does not exist and when it is not theirs."""
    detail = details.load(get_session(), actor(), number, get_db().settings)
    if detail is None:
        abort(404)
    return detail


@dataclass
class Walk:
    previous: str | None
    following: str | None
    url: Callable[[str], str]
    back: str | None = None


def walk(stmt, number: str, url: Callable[[str], str], back: str | None = None) -> Walk:
    """上一单 / 下一单: the neighbours of `number` in the list `stmt` selects, in the list's order."""
    previous, following = neighbours(get_session(), stmt, number)
    return Walk(previous, following, url, back)


def via_action() -> Action | None:
    """The list a form page was opened from, when it is an action's list (?via=SUBMIT)."""
    name = request.args.get("via", "")
    return Action[name] if name in Action.__members__ else None


def tab_query(tab: str) -> str:
    """This page's query string with another tab: the tab links keep ?via= and the rest."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "tab"]
    return urlencode(args + [("tab", tab)])


@bp.route("/<number>")
def show(number):
    detail = detail_or_404(number)
    action = via_action()
    route = None
    if action:
        stmt = candidates(actor(), action, get_db().settings)
        route = walk(stmt, detail.form.number, lambda n: url_for("forms.show", number=n, via=action.name))
    return render("forms/page.html", "forms/_tab.html", detail=detail, tab=request.args.get("tab", "form"),
                  walk=route)
