"""海关's lists (备案数据, 即将到期, 报关验核, 撤销确认, 补验, and the 报关单 tabs), each in the one list
shape of blueprints/_lists.py: the 查找 box and paging key from `ListArgs.from_request`, a page of a
statement from db/lists.py by `page_of`, the page or its rows fragment. A batch list's POST runs its
button (or 全选) on the marked rows and answers the list it swaps."""
from dataclasses import dataclass
from typing import Callable

from flask import request, url_for

from blueprints._auth import actor
from blueprints._htmx import pressed, render
from blueprints._lists import ListArgs, form_names, page_of
from db import codes, lists, workflow
from db.engine import get_db, get_session
from db.queries import PAGE_SIZE, Page
from db.rules import Action, number_message, use_days_left, use_deadline, valid_number
from db.words import Text, t

# the batch functions behind each button; 驳回撤销 takes a reason, one form at a time
BATCH = {
    Action.RELEASE: workflow.release,  # 放行
    Action.CLOSE: workflow.close_declaration,  # 结关
    Action.ISSUE_SLIP: workflow.issue_slip,  # 签发结汇联
    Action.REISSUE_SLIP: workflow.reissue_slip,  # 重签结汇联
    Action.SUPPLEMENT: workflow.supplement_verify,  # 补验
    Action.CONFIRM_REVOKE: workflow.confirm_revoke,  # 确认撤销
}

# the officer's actions as the screen says them (their buttons, and "不能放行：…"): the manual's words
ACTION_WORDS = {
    Action.RELEASE: t("放行"),
    Action.CLOSE: t("结关"),
    Action.ISSUE_SLIP: t("签发结汇联"),
    Action.REISSUE_SLIP: t("重签结汇联"),
    Action.SUPPLEMENT: t("补验"),
    Action.CONFIRM_REVOKE: t("确认撤销"),
    Action.REJECT_REVOKE: t("驳回撤销"),
    Action.VERIFY: t("验核"),
}


@dataclass(frozen=True)
class Screen:
    """One of the officer's list screens: what it selects (a db.lists function), its batch button."""

    name: str  # the endpoint's name, and ?via= on the form pages it opens
    title: Text
    note: Text
    action: Action  # the list's purpose: its batch button, and why a typed number is not in it
    batch: bool = False
    forms: Callable | None = None  # (actor, settings) → the forms listed; default: the action's candidates
    conditions: tuple = ()  # a list of declarations: the status conditions of its tab
    tab: Text | str = ""  # a list of declarations: the tab's label
    urgent: bool = False  # a deadline list: the most urgent first, with the due date and the days left

    @property
    def of_declarations(self) -> bool:
        return bool(self.conditions)

    @property
    def rows_template(self) -> str:
        if self.of_declarations:
            return "customs/_declaration_rows.html"
        return "customs/_urgent_rows.html" if self.urgent else "forms/_rows.html"

    @property
    def endpoint(self) -> str:
        return f"customs.{self.name}"

    def listed(self, number: str | None = None):
        """This list for the officer, or only the row of one 核销单号."""
        me, settings = actor(), get_db().settings
        if self.of_declarations:
            return lists.declarations_in(me, self.conditions, number)
        if self.forms is None:
            return lists.candidates(me, self.action, settings, number)
        return lists.only(self.forms(me, settings), number)

    def link(self, number: str) -> str:
        """A row's 核销单号 leads to the entry (报关验核) or to the form's page, which walks this list."""
        if self.name == "verify":
            return url_for("customs.verify_form", number=number)
        tab = {"tab": "declaration"} if self.of_declarations else {}
        return url_for("customs.form", number=number, via=self.name, **tab)


SCREENS = {screen.name: screen for screen in [
    Screen("registered", t("备案数据"), t("本关区已备案、海关使用状态为未用的核销单。"), Action.VERIFY,
           forms=lists.registered),
    Screen("expiring", t("备案即将到期"), t("备案后使用期限即将届满的核销单，请及时验核。最先到期的排在最前。"),
           Action.VERIFY, forms=lists.near_use_end, urgent=True),
    Screen("verify", t("报关验核"), t("点击核销单号录入出口报关单；验核后海关使用状态为已用。"), Action.VERIFY),
    Screen("revocations", t("撤销确认"),
           t("企业申请撤销备案的核销单。确认撤销后核销单回到已发放，可重新备案；驳回撤销请点击核销单号填写原因。"),
           Action.CONFIRM_REVOKE, batch=True),
    Screen("supplements", t("补验"),
           t("货物已放行、但海关使用状态仍为未用的核销单（常见问题 10.3）：补验后海关使用状态为已用，企业即可交单。"),
           Action.SUPPLEMENT, batch=True),
    Screen("declarations", t("报关单"), t("已申报的出口报关单，货物放行后请放行。"), Action.RELEASE, True,
           conditions=lists.TO_RELEASE, tab=t("已申报（待放行）")),
    Screen("to_close", t("报关单"), t("已放行的出口报关单，办结海关手续后请结关。"), Action.CLOSE, True,
           conditions=lists.TO_CLOSE, tab=t("已放行（待结关）")),
    Screen("to_slip", t("报关单"), t("已结关、尚未签发结汇联的出口报关单。"), Action.ISSUE_SLIP, True,
           conditions=lists.TO_SLIP, tab=t("待签发结汇联")),
    Screen("slipped", t("报关单"),
           t("已签发结汇联的出口报关单。企业交单时外汇局查不到结汇联的，可重签结汇联（常见问题 10.3）。"),
           Action.REISSUE_SLIP, True, conditions=lists.SLIPPED, tab=t("已签发结汇联")),
]}
TABS = [screen for screen in SCREENS.values() if screen.of_declarations]


def show_list(screen: Screen):
    """GET: a page of the list, whole or (htmx) its rows and where the batch form stands."""
    args = ListArgs.from_request("number")
    return render("customs/list.html", "customs/_rows.html", **_context(screen, args))


def run_batch(screen: Screen):
    """POST: the list's button on the marked rows, or 全选; answers the list (#list) on the page it was."""
    args = ListArgs.from_request("number", source=request.form, prefix="at_")
    numbers = request.form.getlist("number")
    results, message = None, None
    if pressed("select_all"):
        pass
    elif not pressed(screen.action.name):
        message = t("请选择要进行的操作")
    elif len(numbers) > PAGE_SIZE:
        message = t("每次最多标记 %(n)s 条", n=PAGE_SIZE)
    else:
        results = BATCH[screen.action](db=get_db(), actor=actor(), numbers=numbers)
    context = _context(screen, args, results=results, message=message)
    if pressed("select_all"):
        context["marked"] = set(context["row_numbers"])
    return render("customs/list.html", "customs/_list.html", **context)


def _context(screen: Screen, args: ListArgs, **more) -> dict:
    """What the list's templates need; `row_numbers` are the 核销单号 of the rows, in order."""
    page, empty = _page(screen, args)
    context = dict(screen=screen, tabs=TABS, args=args, page=page, empty_message=empty, mark=screen.batch,
                   marked=set(), link=screen.link, pager_endpoint=screen.endpoint, pager_args=args.condition,
                   **form_names(page), **more)
    if screen.urgent:
        settings = get_db().settings
        context.update(due=lambda f: use_deadline(f, settings), days_left=lambda f: use_days_left(f, settings))
    if screen.of_declarations:
        forms = lists.forms_by_id(get_session(), {d.form_id for d in page.rows})
        context.update(forms=forms, currencies=codes.names(get_session(), "currency"),
                       row_numbers=[forms[d.form_id].number for d in page.rows])
    else:
        context["row_numbers"] = [f.number for f in page.rows]
    return context


def _page(screen: Screen, args: ListArgs) -> tuple[Page, str | None]:
    """The page asked for, and why the one 核销单号 typed is not in it (manual §十)."""
    number, settings = args["number"], get_db().settings
    if number and not valid_number(number, settings):
        return Page([]), number_message(settings)
    stmt = screen.listed(number or None)
    if screen.urgent:
        page = lists.by_urgency(get_session(), stmt, after=args.after, before=args.before)
    else:
        page = page_of(stmt, args)
    if number and not page.rows:
        return page, lists.why_not_in(get_session(), actor(), screen.action, number, settings,
                                      screen.tab or screen.title)
    return page, None
