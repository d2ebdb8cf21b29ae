"""帮助: the manual's section for a screen, as its own small page (never inside the screen's bytes).
Every screen's header links here (db.manual.SECTIONS says which section); /help/ is the manual's 目录.
Like the manual itself, help answers anyone, with or without a card or demo mode."""
from flask import Blueprint, abort, request, url_for

from blueprints._htmx import render
from db import manual

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.route("/")
def index():
    """目录: every section of the manual, its number and title, the subsections under their section."""
    top = [s for k, s in manual.sections().items() if "." not in k]
    return render("help/index.html", top=[(s, manual.children(s["key"])) for s in top], titles=manual.TITLES)


@bp.route("/<key>")
def section(key):
    found = manual.section(key)
    if found is None:
        abort(404)
    screen = request.args.get("screen", "")[:60]
    faq = [s for s in manual.faq_for(screen) if s["key"] != key]
    return render("help/section.html", section=found, blocks=manual.steps_grouped(found),
                  children=manual.children(key), faq=faq, titles=manual.TITLES, sections=manual.sections())


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def help_link():
        screen = _screen()
        key = manual.section_for(screen)
        if key is None or request.blueprint == "help":
            return {}
        return {"help_url": url_for("help.section", key=key, screen=screen)}


def _screen() -> str | None:
    """The screen whose section 帮助 opens: a customs form page opened from a list (?via=) is that list's."""
    via = f"customs.{request.args.get('via', '')[:40]}"
    return via if request.endpoint == "customs.form" and manual.section_for(via) else request.endpoint
