"""Who may do what to a form in which state, and why not, in the manual's terms (§十).

Pure functions over a form, its declaration and the actor: the workflow enforces them, the screens
use them to say why a form is not in a list or cannot be acted on.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from db import clock
from db.actor import Actor
from db.codes import in_span
from db.models import CardKind as K
from db.models import Declaration, DeclarationStatus, Form
from db.models import FormState as S
from db.words import t


@dataclass(frozen=True)
class Policy:
    """The business policy the rules apply: periods, limits, tolerances (from the EPORTFX_* settings;
    `Database.settings` holds the one in force)."""

    form_number_width: int = 9
    first_form_number: int = 286000001
    max_apply_quantity: int = 100
    use_period_days: int = 90
    submit_period_days: int = 60
    receive_alert_days: int = 3
    deadline_warning_days: int = 15
    login_max_failures: int = 5
    login_delay_seconds: int = 60
    login_delay_max_seconds: int = 3600
    write_off_tolerance: float = 5.0  # percent: 核销 further from 总价 than this needs a 差额原因

    @classmethod
    def from_config(cls, config) -> "Policy":
        return cls(**{name: f.type(config[name.upper()]) for name, f in cls.__dataclass_fields__.items()})


class Action(StrEnum):
    """The actions on a form, named by the manual's labels."""

    REGISTER = "口岸备案"
    REVOKE = "撤销备案"
    CONFIRM_REVOKE = "确认撤销"
    REJECT_REVOKE = "驳回撤销"
    VERIFY = "验核"
    RELEASE = "放行"
    CLOSE = "结关"
    ISSUE_SLIP = "签发结汇联"
    REISSUE_SLIP = "重签结汇联"
    SUPPLEMENT = "补验"
    SUBMIT = "交单"
    RECEIVE = "接收"
    WRITE_OFF = "核销"
    ENTERPRISE_LOST = "核销单挂失"
    BUREAU_LOST = "挂失"
    CANCEL = "注销"

    @property
    def word(self):
        """The action's name on a screen (the value is the manual's label, kept as the audit trail's)."""
        return ACTION_WORDS[self]


ACTION_WORDS = {  # an action's name on a screen, in the screen's language
    Action.REGISTER: t("口岸备案"),
    Action.REVOKE: t("撤销备案"),
    Action.CONFIRM_REVOKE: t("确认撤销"),
    Action.REJECT_REVOKE: t("驳回撤销"),
    Action.VERIFY: t("验核"),
    Action.RELEASE: t("放行"),
    Action.CLOSE: t("结关"),
    Action.ISSUE_SLIP: t("签发结汇联"),
    Action.REISSUE_SLIP: t("重签结汇联"),
    Action.SUPPLEMENT: t("补验"),
    Action.SUBMIT: t("交单"),
    Action.RECEIVE: t("接收"),
    Action.WRITE_OFF: t("核销"),
    Action.ENTERPRISE_LOST: t("核销单挂失"),
    Action.BUREAU_LOST: t("挂失"),
    Action.CANCEL: t("注销"),
}


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[K]
    sources: frozenset[S]
    target: S | None  # None: the form keeps its state (a declaration step, a receipt)
    success: str


def _rule(kinds, sources, target, success):
    return Rule(frozenset(kinds), frozenset(sources), target, success)


RULES: dict[Action, Rule] = {
    Action.REGISTER: _rule({K.OPERATOR}, {S.ISSUED}, S.REGISTERED, t("设置成功")),
    Action.REVOKE: _rule({K.OPERATOR}, {S.REGISTERED}, S.REVOKING, t("撤销备案申请成功")),
    Action.CONFIRM_REVOKE: _rule({K.CUSTOMS}, {S.REVOKING}, S.ISSUED, t("确认撤销成功")),
    Action.REJECT_REVOKE: _rule({K.CUSTOMS}, {S.REVOKING}, S.REGISTERED, t("已驳回撤销")),
    Action.VERIFY: _rule({K.CUSTOMS}, {S.REGISTERED}, S.USED, t("验核成功")),
    Action.RELEASE: _rule({K.CUSTOMS}, {S.USED}, None, t("放行成功")),
    Action.CLOSE: _rule({K.CUSTOMS}, {S.USED}, None, t("结关成功")),
    Action.ISSUE_SLIP: _rule({K.CUSTOMS}, {S.USED}, None, t("签发结汇联成功")),
    Action.REISSUE_SLIP: _rule({K.CUSTOMS}, {S.USED}, None, t("重签结汇联成功")),
    Action.SUPPLEMENT: _rule({K.CUSTOMS}, {S.REGISTERED}, S.USED, t("补验成功")),
    Action.SUBMIT: _rule({K.OPERATOR}, {S.USED}, S.SUBMITTED, t("交单成功")),
    Action.RECEIVE: _rule({K.BUREAU}, {S.SUBMITTED}, None, t("接收成功")),
    Action.WRITE_OFF: _rule({K.BUREAU}, {S.SUBMITTED}, S.WRITTEN_OFF, t("核销成功")),
    Action.ENTERPRISE_LOST: _rule({K.OPERATOR}, {S.ISSUED, S.REGISTERED}, S.LOST, t("挂失成功")),
    Action.BUREAU_LOST: _rule(
        {K.BUREAU}, {S.ISSUED, S.REGISTERED, S.REVOKING, S.USED, S.SUBMITTED}, S.LOST, t("挂失成功")
    ),
    Action.CANCEL: _rule({K.BUREAU}, {S.ISSUED, S.REGISTERED, S.USED}, S.CANCELLED, t("注销成功")),
}

NO_RIGHT = t("本卡无权进行此操作")
NO_PERMISSION = t("本卡没有出口收汇权限或权限已过期，请使用法人卡向外汇局申请开通或延期")
CHANGED = t("该核销单的状态已被他人改变，请重新查找后再操作")
# §10.3 case 2, in the manual's words: 已用 and 结关, but no 结汇联 reached the system
SLIP_ADVICE = t("请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）")

_USED = {S.USED, S.SUBMITTED, S.WRITTEN_OFF}

# Why a form in a given state cannot take an action, where the manual has something specific to say.
_STATE_MESSAGES: dict[Action, dict[S, str]] = {
    Action.REGISTER: {
        S.REGISTERED: t("该核销单已备案，如需更改口岸请先撤销备案"),
        S.REVOKING: t("该核销单撤销备案待海关确认，确认后可重新备案"),
        **{s: t("海关使用状态为已用，不能备案") for s in _USED},
    },
    Action.REVOKE: {
        S.ISSUED: t("该核销单未备案，无需撤销"),
        S.REVOKING: t("该核销单已申请撤销备案，等待海关确认"),
        **{s: t("海关使用状态为已用，不能撤销备案") for s in _USED},
    },
    Action.SUBMIT: {
        S.ISSUED: t("该核销单未备案，不能交单"),
        S.REGISTERED: t("海关使用状态为未用，出口报关验核后方可交单"),
        S.REVOKING: t("该核销单正在撤销备案，不能交单"),
        S.SUBMITTED: t("该核销单已交单"),
    },
    Action.ENTERPRISE_LOST: {
        S.REVOKING: t("该核销单撤销备案待海关确认，不能挂失"),
        **{s: t("海关使用状态为已用，不能挂失，请联系外汇局") for s in _USED},
    },
    Action.VERIFY: {
        S.ISSUED: t("该核销单未备案，不能验核"),
        S.REVOKING: t("该核销单正在撤销备案，不能验核"),
        **{s: t("海关使用状态为已用，不能重复验核") for s in _USED},
    },
    Action.WRITE_OFF: {S.USED: t("该核销单尚未交单，不能核销")},
    Action.RECEIVE: {S.USED: t("该核销单尚未交单")},
}

_FINAL_MESSAGES = {S.LOST: t("该核销单已挂失"), S.CANCELLED: t("该核销单已注销"), S.WRITTEN_OFF: t("该核销单已核销")}


def state_refusal(action: Action, form: Form) -> str:
    state = S(form.state)
    specific = _STATE_MESSAGES.get(action, {}).get(state)
    if specific:
        return specific
    if state in _FINAL_MESSAGES:
        return _FINAL_MESSAGES[state]
    if action in (Action.CONFIRM_REVOKE, Action.REJECT_REVOKE):
        return t("该核销单不在撤销中")
    return t("核销单状态为%(state)s，不能%(action)s", state=state.label, action=action.word)


def actor_refusal(action: Action, actor: Actor) -> str | None:
    if actor.kind not in RULES[action].kinds:
        return NO_RIGHT
    if not actor.has_permission():
        return NO_PERMISSION
    return None


def why_not(action: Action, actor: Actor, form: Form, declaration: Declaration | None,
            settings: Policy, today: date | None = None) -> str | None:
    """None when `actor` may take `action` on `form` now; otherwise the reason, in Chinese."""
    refusal = actor_refusal(action, actor)
    if refusal:
        return refusal
    if action in _CUSTOMS_ON_DECLARATION and declaration_elsewhere(actor, declaration):
        return t("该核销单的出口报关单 %(number)s 不属于本关区，不能%(action)s", number=declaration.number,
                 action=action.word)
    if S(form.state) not in RULES[action].sources:
        if action is Action.SUBMIT and awaits_supplement(form, declaration):
            return t("海关使用状态为未用，货物已放行的请联系海关补验")
        return state_refusal(action, form)
    return _extra_refusal(action, form, declaration, settings, today or clock.today())


def allowed(actions, actor: Actor, form: Form, declaration: Declaration | None, settings: Policy) -> list[Action]:
    """Those of `actions` that `actor` may take on `form` now (the buttons of a form's page)."""
    return [action for action in actions if why_not(action, actor, form, declaration, settings) is None]


_CUSTOMS_ON_DECLARATION = {Action.CONFIRM_REVOKE, Action.REJECT_REVOKE, Action.RELEASE, Action.CLOSE,
                           Action.ISSUE_SLIP, Action.REISSUE_SLIP, Action.SUPPLEMENT}
# A form with a declaration on it stays at its port: the declaration belongs to that 关区 (§10.3).
_NOT_WITH_DECLARATION = {
    Action.REVOKE: t("该核销单已有出口报关单，不能撤销备案，货物已放行的请联系海关补验"),
    Action.CONFIRM_REVOKE: t("该核销单已有出口报关单，不能确认撤销，请驳回撤销"),
    Action.REGISTER: t("该核销单已有出口报关单，不能备案"),
}


def declaration_elsewhere(actor: Actor, decl: Declaration | None) -> bool:
    """A customs officer acting on a form whose declaration another 关区 made: never allowed."""
    return actor.kind is K.CUSTOMS and decl is not None and not in_span(actor.district_code, decl.district_code)


def _extra_refusal(action, form, decl, settings, today) -> str | None:
    status = DeclarationStatus(decl.status) if decl else None
    if decl is not None and action in _NOT_WITH_DECLARATION:
        return _NOT_WITH_DECLARATION[action]
    if action is Action.VERIFY:
        return _verify_refusal(form, decl, settings, today)
    elif action is Action.SUPPLEMENT:
        if not awaits_supplement(form, decl):
            return t("该核销单没有已放行待补验的出口报关单")
    elif action in (Action.RELEASE, Action.CLOSE, Action.ISSUE_SLIP, Action.REISSUE_SLIP):
        return _declaration_refusal(action, status, decl)
    elif action is Action.SUBMIT:
        return _submit_refusal(status, decl)
    elif action is Action.RECEIVE and form.received_at is not None:
        return t("该交单已接收")
    elif action is Action.WRITE_OFF and form.received_at is None:
        return t("外汇局尚未接收该交单，不能核销")
    return None


def _verify_refusal(form, decl, settings, today) -> str | None:
    if decl is not None:
        return t("该核销单已有出口报关单，货物已放行的请补验")
    if use_deadline(form, settings) < today:
        return t("该核销单备案已超过 %(days)s 天使用期限，不能验核", days=settings.use_period_days)
    return None


def _submit_refusal(status, decl) -> str | None:
    if status is not DeclarationStatus.CLOSED:
        return t("出口报关单尚未结关，不能交单")
    if not decl.fx_slip_issued:
        return SLIP_ADVICE
    return None


def awaits_slip(form: Form, decl: Declaration | None) -> bool:
    """Manual §10.3 case 2: 已用 and 结关, but the 结汇联 was never issued, so the form cannot be submitted."""
    return (S(form.state) is S.USED and decl is not None and not decl.fx_slip_issued
            and DeclarationStatus(decl.status) is DeclarationStatus.CLOSED)


def _declaration_refusal(action, status, decl) -> str | None:
    needs = {
        Action.RELEASE: DeclarationStatus.DECLARED,
        Action.CLOSE: DeclarationStatus.RELEASED,
        Action.ISSUE_SLIP: DeclarationStatus.CLOSED,
        Action.REISSUE_SLIP: DeclarationStatus.CLOSED,
    }[action]
    if decl is None:
        return t("该核销单没有出口报关单")
    if status is not needs:
        return t("出口报关单状态为%(status)s，不能%(action)s", status=status.label, action=action.word)
    if action is Action.ISSUE_SLIP and decl.fx_slip_issued:
        return t("结汇联已签发，如需重新签发请用重签结汇联")
    if action is Action.REISSUE_SLIP and not decl.fx_slip_issued:
        return t("结汇联尚未签发，请用签发结汇联")
    return None


def awaits_supplement(form: Form, decl: Declaration | None) -> bool:
    """Manual §10.3 case 1: goods released but the form still shows 未用 (the receipt never arrived)."""
    return (
        S(form.state) is S.REGISTERED
        and decl is not None
        and not decl.verified
        and DeclarationStatus(decl.status) in (DeclarationStatus.RELEASED, DeclarationStatus.CLOSED)
    )


def use_deadline(form: Form, settings: Policy) -> date | None:
    """The last day customs may use a registered form."""
    if form.registered_on is None:
        return None
    return form.registered_on + timedelta(days=settings.use_period_days)


def use_days_left(form: Form, settings: Policy, today: date | None = None) -> int | None:
    """Days from today to the last day customs may use a registered form (negative: past it)."""
    end = use_deadline(form, settings)
    return None if end is None else (end - (today or clock.today())).days


def submit_deadline(decl: Declaration | None, settings: Policy) -> date | None:
    if decl is None:
        return None
    return decl.exported_on + timedelta(days=settings.submit_period_days)


def receipt_overdue(form: Form, settings: Policy) -> bool:
    """Manual §10.4: submitted, and the bureau has not received it after three days."""
    return (
        S(form.state) is S.SUBMITTED
        and form.received_at is None
        and form.submitted_at is not None
        and form.submitted_at < clock.now() - timedelta(days=settings.receive_alert_days)
    )


def valid_number(number: str, settings: Policy) -> bool:
    return len(number) == settings.form_number_width and number.isascii() and number.isdigit()


def number_message(settings: Policy) -> str:
    return t("核销单号应为 %(width)s 位数字", width=settings.form_number_width)
