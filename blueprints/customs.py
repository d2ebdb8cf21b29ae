"""海关: forms registered to the officer's 关区 — 备案数据, 报关验核 (出口报关单 → 已用), 报关单 (放行, 结关,
签发结汇联, 重签结汇联), 撤销确认, 补验 (manual §10.3). The scope is db.queries': a 直属海关 sees its
隶属海关's forms too, a 隶属海关 only its own; a form of another 关区 is in no list, its page is 404 and
every action on it reads "未找到核销单". The lists are blueprints/customs_lists.py, the 出口报关单 entry
blueprints/customs_entry.py; each route answers the fragment it swaps (the page without htmx)."""
from flask import Blueprint, flash, render_template, request, url_for

from blueprints import customs_entry as entry
from blueprints import customs_lists
from blueprints._auth import actor, require
from blueprints._htmx import go, pressed, render
from blueprints._i18n import tr
from blueprints.customs_lists import ACTION_WORDS, BATCH, SCREENS, Screen
from blueprints.forms import Walk, walk
from blueprints.portal import dashboard_context
from db import details, lists, workflow
from db.engine import get_db, get_session
from db.models import CardKind
from db.queries import neighbours
from db.rules import Action, allowed, why_not
from db.transaction import Result
from db.words import t

bp = Blueprint("customs", __name__, url_prefix="/customs")
bp.before_request(require(CardKind.CUSTOMS, fx=True))

FORM_PAGE_ACTIONS = (*BATCH, Action.REJECT_REVOKE)


@bp.route("/")
def home():
    return render_template("home.html", **dashboard_context())


# ── the lists: GET a page (or its rows), POST a batch list's button or 全选 ──────────────────────

URLS = {"registered": "/registered", "expiring": "/registered/expiring", "verify": "/verify",
        "revocations": "/revocations", "supplements": "/supplements", "declarations": "/declarations",
        "to_close": "/declarations/released", "to_slip": "/declarations/closed", "slipped": "/declarations/slipped"}

for _screen in SCREENS.values():
    bp.add_url_rule(URLS[_screen.name], _screen.name, lambda s=_screen: customs_lists.show_list(s), methods=["GET"])
    if _screen.batch:
        bp.add_url_rule(URLS[_screen.name], f"{_screen.name}_batch",
                        lambda s=_screen: customs_lists.run_batch(s), methods=["POST"])

bp.add_url_rule("/verify/<number>", "verify_form", entry.show, methods=["GET"])  # 报关验核: the entry
bp.add_url_rule("/verify/<number>", "verify_post", entry.post, methods=["POST"])  # 增加商品 / 验核


# ── one form: its page, an action, 驳回撤销 with its reason ──────────────────────────────────────

@bp.get("/forms/<number>")
def form(number):
    """A form of this 关区 with the customs actions it can take now."""
    return render("customs/form.html", "forms/_tab.html", **_form_page(entry.detail(number)))


@bp.post("/forms/<number>", endpoint="act")
def act_on_form(number):
    """放行 … 确认撤销 on this form (驳回撤销 has its reason); answers the form's part of the page."""
    detail = entry.detail(number)
    if pressed(Action.REJECT_REVOKE.name):
        return _reject(detail)
    chosen = pressed(*(a.name for a in BATCH))
    if chosen is None:
        return _answer(detail, Result(False, t("请选择要进行的操作"), detail.form.number), status=409)
    return _after(detail, BATCH[Action[chosen]](db=get_db(), actor=actor(), numbers=[detail.form.number])[0])


def _reject(detail: details.FormDetail):
    """驳回撤销: without a reason, the page again with the message beside the field."""
    reason = entry.typed(request.form.get("reason", ""), 500)
    outcome = workflow.reject_revoke(db=get_db(), actor=actor(), number=detail.form.number, reason=reason)
    if not outcome.ok and not reason.strip():
        return _answer(detail, None, reason_error=outcome.message, status=422)
    return _after(detail, outcome)


def _after(detail: details.FormDetail, outcome: Result):
    """The form as the action left it; 确认撤销 clears the 使用口岸, so the form has left the 关区."""
    get_session().expire_all()
    after = details.load(get_session(), actor(), detail.form.number, get_db().settings)
    if after is None:
        done = t("，已回到已发放，企业可重新备案") if outcome.ok else t("（该核销单已不属本关区）")
        flash(tr(t("核销单 %(number)s：%(message)s%(done)s", number=detail.form.number, message=outcome.message,
                   done=done)))
        return go(url_for("customs.revocations"))
    return _answer(after, outcome, status=200 if outcome.ok else 409)


def _answer(detail: details.FormDetail, outcome: Result | None, *, reason_error: str | None = None, status: int):
    return render("customs/form.html", "customs/_form.html", status=status,
                  **_form_page(detail, outcome, reason_error))


def _form_page(detail: details.FormDetail, outcome: Result | None = None, reason_error: str | None = None) -> dict:
    """The page's context: the actions possible now, and why not the one of the list it came from."""
    me, settings = actor(), get_db().settings
    screen = SCREENS.get(request.args.get("via", ""))
    why = None
    if screen and not (outcome and outcome.ok):
        refusal = why_not(screen.action, me, detail.form, detail.declaration, settings)
        why = t("不能%(action)s：%(refusal)s", action=ACTION_WORDS[screen.action], refusal=refusal) if refusal else None
    return dict(detail=detail, tab=request.args.get("tab", "form"), walk=_walk(screen, detail), outcome=outcome,
                allowed=allowed((*FORM_PAGE_ACTIONS, Action.VERIFY), me, detail.form, detail.declaration, settings),
                why=why, reason_error=reason_error,
                self_url=url_for("customs.form", number=detail.form.number,
                                 **{k: v for k, v in request.args.items() if k in ("via", "tab")}))


def _walk(screen: Screen | None, detail: details.FormDetail) -> Walk | None:
    """上一单 / 下一单 over the list the page was opened from."""
    if screen is None:
        return None
    tab = request.args.get("tab", "form")
    url = lambda n: url_for("customs.form", number=n, via=screen.name, tab=tab)  # noqa: E731
    if not screen.of_declarations:
        return walk(screen.listed(), detail.form.number, url, back=url_for(screen.endpoint))
    if detail.declaration is None:
        return None
    previous, following = neighbours(get_session(), screen.listed(), detail.declaration.number)
    forms = lists.form_numbers_of(get_session(), (previous, following))
    return Walk(forms.get(previous), forms.get(following), url, back=url_for(screen.endpoint))
