"""The batch screens of the enterprise's menu: 批量备案 and 核销单挂失 (a range: 核销单起始号 +
核销单份数), 批量交单 (开始查找); the rows with 标记, 全选 (this page) and the action, which answers row
by row. Routes of the enterprise blueprint, one per widget: the page (GET, and the action as POST),
全选 (GET, the rows), the 终止号 (GET). Without JavaScript 全选 and the 关区 lookup are submits of
the batch's form: the page comes back with the marks kept.
"""
from flask import request, url_for

from blueprints._auth import actor
from blueprints._htmx import pressed, render
from blueprints._lists import ListArgs, show
from blueprints.enterprise import Screen, bp, by_number, confirmation, form_link, run
from blueprints.enterprise_port import Port, port_lookup
from db import lists
from db.engine import get_db, get_session
from db.lists import candidates
from db.queries import PAGE_SIZE, QueryError
from db.rules import Action
from db.transaction import Result
from db.words import t

SCREENS = {
    "batch-register": Screen(Action.REGISTER, t("批量备案"), "enterprise.batch_register", t("设置口岸"), by_range=True),
    "batch-submit": Screen(Action.SUBMIT, t("批量交单"), "enterprise.batch_submit", t("交单"), t("是否进行批量交单")),
    "lost": Screen(Action.ENTERPRISE_LOST, t("核销单挂失"), "enterprise.lost", t("挂失"), t("是否挂失所标记的核销单"),
                   by_range=True),
}


def by_range(action: Action, args: ListArgs) -> dict:
    """确认: the candidates from 核销单起始号 for 核销单份数, and why the others of the range are not listed."""
    me, settings = actor(), get_db().settings
    if not args["start"] and not args["count"]:
        return {"stmt": None}
    try:
        first, last = lists.number_range(args["start"], args["count"], settings)
    except QueryError as error:
        return {"stmt": None, "empty_message": error.args[0]}  # a Text, said in the screen's language
    return {"stmt": lists.in_range(candidates(me, action, settings), first, last), "end": last,
            "check": lists.check_range(get_session(), me, action, first, last, settings)}


def _searched(screen: Screen, args: ListArgs) -> dict:
    return by_range(screen.action, args) if screen.by_range else by_number(screen.action, args)


class Every:
    """全选: every row of the page shown is marked."""

    def __contains__(self, number) -> bool:
        return True


def _name(screen: Screen) -> str:
    return next(name for name, s in SCREENS.items() if s is screen)


def _args(screen: Screen) -> ListArgs:
    """The search from the URL (the form's own "number" fields are the marks), the page from either
    (a POST carries its page as hidden fields)."""
    search = ListArgs.from_request(*(("start", "count") if screen.by_range else ("number",)), source=request.args)
    page = ListArgs.from_request()
    return ListArgs(search.values, page.after, page.before)


def _screen(screen: Screen, args: ListArgs, fragment: str, *, results=None, marked=(), port=None, **context):
    """The batch page (or `fragment` of it for htmx) over the page of the list `args` asks for."""
    searched = _searched(screen, args)
    stmt = searched.pop("stmt")
    return show("enterprise/batch.html", fragment, stmt, args, endpoint=screen.endpoint,
                screen=screen, results=results, port=port or Port(), keys=args.keys,
                url=url_for(screen.endpoint, **args.condition), port_label=t("备案口岸"), link=form_link(screen.action),
                all_url=url_for("enterprise.select_all", name=_name(screen), **args.condition),
                mark=True, marked=marked, listed=stmt is not None or bool(searched.get("empty_message")),
                **searched, **context)


def _page(name: str):
    screen = SCREENS[name]
    args = _args(screen)
    if request.method == "GET":
        return _screen(screen, args, "enterprise/_batch_rows.html" if args.keys else "enterprise/_batch.html")
    numbers = request.form.getlist("number")
    if pressed("act"):
        return _act(screen, args, numbers)
    # without JavaScript: the 关区 lookup or 全选 came as a submit; the page again, marks kept
    port = port_lookup(request.form, quiet=not pressed("lookup", "pick"))
    return _screen(screen, args, "enterprise/_batch.html", marked=Every() if pressed("all") else set(numbers),
                   port=port, status=422 if port.error else 200)


def _act(screen: Screen, args: ListArgs, numbers: list[str]):
    """The action on the marked forms (asked first where the manual asks); the list then starts again:
    what was done has left it, the rest moved up."""
    port = port_lookup(request.form, quiet=True)
    if len(numbers) > PAGE_SIZE:
        refused = [Result(False, t("每次最多标记 %(n)s 份核销单", n=PAGE_SIZE))]
        return _screen(screen, args, "enterprise/_batch.html", results=refused, marked=set(numbers), port=port)
    if screen.question and numbers and not request.form.get("confirmed"):
        return confirmation(screen, numbers, None, url_for(screen.endpoint, **args.condition, **args.keys),
                            url_for(screen.endpoint, **args.condition))
    results = run(screen.action, numbers, port.code)
    get_session().expire_all()
    if not any(r.ok for r in results):  # nothing done (a wrong 备案口岸): the same page, marks kept, to correct
        return _screen(screen, args, "enterprise/_batch.html", results=results, marked=set(numbers), port=port)
    return _screen(screen, args.first_page(), "enterprise/_batch.html", results=results, port=port)


@bp.route("/batch-register", methods=["GET", "POST"])
def batch_register():  # 批量备案: 核销单起始号 + 核销单份数, 标记 / 全选, 备案口岸, 设置口岸
    return _page("batch-register")


@bp.route("/batch-submit", methods=["GET", "POST"])
def batch_submit():  # 批量交单: 开始查找, 标记 / 全选, 交单
    return _page("batch-submit")


@bp.route("/lost", methods=["GET", "POST"])
def lost():  # 核销单挂失: 核销单起始号 + 核销单份数, 标记 / 全选, 挂失
    return _page("lost")


@bp.route("/batch-register/all", defaults={"name": "batch-register"})
@bp.route("/batch-submit/all", defaults={"name": "batch-submit"})
@bp.route("/lost/all", defaults={"name": "lost"})
def select_all(name):  # 全选: this page's rows, every one marked (at most 20)
    screen = SCREENS[name]
    return _screen(screen, _args(screen), "forms/_rows.html", marked=Every())


@bp.route("/port")
def port():  # the 关区 lookup of 口岸备案 / 批量备案: the 使用口岸 field with the name or the list to pick
    found = port_lookup(request.args)
    label = t("备案口岸") if request.args.get("batch") else t("使用口岸")
    return render("enterprise/_port.html", port=found, port_label=label, status=422 if found.error else 200)


@bp.route("/range-end")
def range_end_field():  # 核销单终止号, shown as 核销单起始号 and 核销单份数 are typed (批量备案, 挂失)
    try:
        end = lists.number_range(request.args.get("start", ""), request.args.get("count", ""),
                                 get_db().settings)[1]
    except QueryError:
        end = ""
    return render("enterprise/_end.html", end=end)
