"""Every transition of a form (DESIGN §2): the actor's right, the guard, the atomic update, the audit.

Each public function owns its transaction and returns what a screen shows: a `Result` ("设置成功", or
why not, in Chinese), or one `Result` per form for the batch actions. The rules themselves (who, from
which state, why not) live in db.rules; this module applies them to the database.
"""
from collections import Counter
from contextlib import nullcontext

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from db import audit, clock, codes, declarations, tally
from db import write_off as write_off_check
from db.actor import Actor
from db.declarations import DeclarationInput
from db.engine import Database
from db.models import (
    ApplicationState,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    Form,
    FormApplication,
    FormState,
    NumberStock,
)
from db.queries import scope_forms
from db.rules import CHANGED, RULES, Action, actor_refusal, number_message, valid_number, why_not
from db.transaction import Refused, Result, as_id, writing
from db.words import t


def _find_forms(session: Session, actor: Actor, numbers, settings) -> dict:
    """The forms of `numbers` (valid ones, within the actor's scope) with their declarations, read in
    two statements: {核销单号: (form, declaration or None)}."""
    wanted = [n for n in {(n or "").strip() for n in numbers} if valid_number(n, settings)]
    if not wanted:
        return {}
    forms = session.exec(scope_forms(select(Form).where(Form.number.in_(wanted)), actor)).all()
    decls = {d.form_id: d for d in session.exec(
        select(Declaration).where(Declaration.form_id.in_([f.id for f in forms])))} if forms else {}
    return {f.number: (f, decls.get(f.id)) for f in forms}


def _found(found: dict, number: str, settings) -> tuple[Form, Declaration | None]:
    """`_find_form` over what `_find_forms` read: the same refusals."""
    number = (number or "").strip()
    if not valid_number(number, settings):
        raise Refused(number_message(settings))
    if number not in found:  # missing and not yours read the same: nothing leaks about other enterprises
        raise Refused(t("未找到核销单 %(number)s", number=number))
    return found[number]


def _find_form(session: Session, actor: Actor, number: str, settings) -> tuple[Form, Declaration | None]:
    number = (number or "").strip()
    if not valid_number(number, settings):
        raise Refused(number_message(settings))
    form = session.exec(scope_forms(select(Form).where(Form.number == number), actor)).first()
    if form is None:  # missing and not yours read the same: nothing leaks about other enterprises
        raise Refused(t("未找到核销单 %(number)s", number=number))
    decl = session.exec(select(Declaration).where(Declaration.form_id == form.id)).first()
    return form, decl


_UPDATES: dict = {}


def _update_statement(names: tuple):
    """UPDATE of one form guarded by its state and version read (Core, built once per set of columns)."""
    stmt = _UPDATES.get(names)
    if stmt is None:
        table = Form.__table__
        stmt = _UPDATES[names] = (
            table.update()
            .where(table.c.id == bindparam("b_id"), table.c.state == bindparam("b_state"),
                   table.c.version == bindparam("b_version"))
            .values(state=bindparam("state"), version=table.c.version + 1, updated_at=bindparam("updated_at"),
                    **{name: bindparam(name) for name in names})
        )
    return stmt


def _move(session: Session, actor: Actor, action: Action, form: Form, detail: str = "", *,
          tallies=None, **values) -> str:
    """Apply the action's target state and `values` to the form if nobody changed it since it was
    read (same state, same version), then record the audit event. Returns the new state. With
    `tallies` (a Counter) the tally's move is counted there, for `tally.apply` at the batch's end."""
    target = RULES[action].target or FormState(form.state)
    # Core, not the ORM: `form` keeps what was read (the "before") and the statement compiles once
    changed = session.connection().execute(_update_statement(tuple(sorted(values))), {
        "b_id": form.id, "b_state": form.state, "b_version": form.version,
        "state": str(target), "updated_at": clock.now(), **values})
    if changed.rowcount != 1:
        raise Refused(CHANGED)
    new_port = values.get("port_code", form.port_code)
    tally.move(session, form.enterprise_id, (form.port_code, form.state), (new_port, target), into=tallies)
    audit.append(session, actor=actor, action=action, form=form, before=form.state, after=target,
                 detail=detail)
    return target


def _each(db: Database, actor: Actor, action: Action, numbers: list[str], step, *, pure: bool = False
          ) -> list[Result]:
    """Run `step(session, form, decl) -> (detail, values)` for every number: one form's refusal
    leaves the others done, and every row says what happened. The forms are read in one statement,
    the tally moved once at the end. A step that writes runs with its form in a savepoint, undone on
    a refusal; a `pure` step (it only reads) needs none: a form's only writes come after its last
    guard (the guarded UPDATE, then the tally and the audit event)."""
    results = []
    refusal = actor_refusal(action, actor)
    if refusal:
        return [Result(False, refusal, n) for n in numbers] or [Result(False, refusal)]
    if not numbers:
        return [Result(False, t("请先标记核销单"))]
    tallies = Counter()
    with writing(db) as session:
        found = _find_forms(session, actor, numbers, db.settings)
        for number in dict.fromkeys(numbers):  # a number posted twice is done once
            try:
                with nullcontext() if pure else session.begin_nested():
                    form, decl = _found(found, number, db.settings)
                    reason = why_not(action, actor, form, decl, db.settings)
                    if reason:
                        raise Refused(reason)
                    detail, values = step(session, form, decl)
                    after = _move(session, actor, action, form, detail, tallies=tallies, **values)
                results.append(Result(True, RULES[action].success, form.number, form.state, after))
            except Refused as refused:
                results.append(Result(False, str(refused), number))
        tally.apply(session, tallies)
    return results


def _one(db, actor, action, number, step) -> Result:
    return _each(db, actor, action, [number], step)[0]


def _nothing(session, form, decl):
    return "", {}


# ── 企业操作员 ──────────────────────────────────────────────────────────────────────────────

def apply_forms(*, db: Database, actor: Actor, quantity) -> Result:  # 核销单申请
    refusal = actor_refusal(Action.REGISTER, actor)  # same right as every operator action
    if refusal:
        return Result(False, refusal)
    limit = db.settings.max_apply_quantity
    text = str(quantity).strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= limit:
        return Result(False, t("份数应为 1 至 %(limit)s 之间的整数", limit=limit))
    with writing(db) as session:
        application = FormApplication(enterprise_id=actor.enterprise_id, card_id=actor.card_id,
                                      quantity=int(text), created_at=clock.now())
        session.add(application)
        session.flush()
        audit.append(session, actor=actor, action="核销单申请", detail=f"申请 {int(text)} 份，申请号 {application.id}")
    return Result(True, t("申请成功"))


def register_port(*, db: Database, actor: Actor, numbers: list[str], port: str) -> list[Result]:  # 口岸备案 / 批量备案
    port = (port or "").strip()
    with db.session() as session:
        refusal = codes.port_refusal(session, port)  # unknown, or no port (海关总署, an office)
        port_name = codes.name_of(session, "district", port)
    if refusal:
        return [Result(False, refusal)]

    def step(session, form, decl):
        return f"使用口岸 {port} {port_name}", {"port_code": port, "registered_on": clock.today()}

    return _each(db, actor, Action.REGISTER, numbers, step, pure=True)


def request_revoke(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:  # 撤销备案
    return _each(db, actor, Action.REVOKE, numbers, _nothing, pure=True)


def submit(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:  # 企业交单 / 批量交单
    def step(session, form, decl):
        return f"报关单 {decl.number} 发送至外汇局", {"submitted_at": clock.now()}

    return _each(db, actor, Action.SUBMIT, numbers, step, pure=True)


def report_lost(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:  # 核销单挂失
    def step(session, form, decl):
        return "企业挂失", {"closed_reason": "企业挂失"}

    return _each(db, actor, Action.ENTERPRISE_LOST, numbers, step, pure=True)


# ── 海关 ──────────────────────────────────────────────────────────────────────────────────

def confirm_revoke(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:  # 确认撤销
    def step(session, form, decl):
        return f"原使用口岸 {form.port_code}", {"port_code": None, "registered_on": None}

    return _each(db, actor, Action.CONFIRM_REVOKE, numbers, step, pure=True)


def reject_revoke(*, db: Database, actor: Actor, number: str, reason: str) -> Result:  # 驳回撤销
    reason = (reason or "").strip()
    if not reason:
        return Result(False, t("请填写驳回原因"), number)
    return _one(db, actor, Action.REJECT_REVOKE, number, lambda s, f, d: (f"驳回原因：{reason[:200]}", {}))


def record_declaration(*, db: Database, actor: Actor, number: str, data: DeclarationInput) -> Result:  # 验核
    def step(session, form, decl):
        today = clock.today()
        # 出口口岸: the port the form is registered to (a 直属海关 verifies for its 隶属海关 too)
        decl_number, unified = declarations.next_numbers(session, form.port_code, today.year)
        declaration = Declaration(
            number=decl_number, unified_no=unified, form_id=form.id, enterprise_id=form.enterprise_id,
            district_code=form.port_code, declared_on=data.declared_on, exported_on=data.exported_on,
            transport=data.transport, trade_mode=data.trade_mode, settlement=data.settlement,
            deal=data.deal, currency=data.currency, total=data.total, country=data.country,
            dest_port=data.dest_port, created_at=clock.now(),
        )
        session.add(declaration)
        session.flush()
        session.add_all(
            DeclarationLine(declaration_id=declaration.id, line_no=i, hs_code=line.hs_code, name=line.name,
                            quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
                            total=line.total)
            for i, line in enumerate(data.lines, start=1)
        )
        currency = codes.name_of(session, "currency", data.currency) or data.currency
        return f"出口报关单 {decl_number}，总价 {currency} {data.total:,.2f}", {}

    result = _one(db, actor, Action.VERIFY, number, step)
    if result.ok:
        with db.session() as session:
            decl_number = session.exec(
                select(Declaration.number).join(Form, Form.id == Declaration.form_id).where(Form.number == number)
            ).one()
        result.message = t("验核成功，出口报关单号 %(number)s", number=decl_number)
    return result


def _declaration_step(action: Action, guard, values):
    """A step that changes the form's declaration, guarded in the same UPDATE statement."""

    def step(session, form, decl):
        changed = session.execute(
            update(Declaration).where(Declaration.id == decl.id, *guard(decl)).values(**values(decl))
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise Refused(CHANGED)
        return f"出口报关单 {decl.number}", {}

    return step


def _declaration_action(action: Action, status_from: DeclarationStatus, values):
    def run(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:
        step = _declaration_step(
            action, lambda decl: (Declaration.status == status_from,
                                  Declaration.fx_slip_count == decl.fx_slip_count), values=values
        )
        return _each(db, actor, action, numbers, step)

    run.__name__ = action.name.lower()
    return run


release = _declaration_action(Action.RELEASE, DeclarationStatus.DECLARED,  # 放行
                              lambda d: {"status": DeclarationStatus.RELEASED})
close_declaration = _declaration_action(Action.CLOSE, DeclarationStatus.RELEASED,  # 结关
                                        lambda d: {"status": DeclarationStatus.CLOSED})
issue_slip = _declaration_action(Action.ISSUE_SLIP, DeclarationStatus.CLOSED,  # 签发结汇联
                                 lambda d: {"fx_slip_issued": True, "fx_slip_on": clock.today(),
                                            "fx_slip_count": d.fx_slip_count + 1})
reissue_slip = _declaration_action(Action.REISSUE_SLIP, DeclarationStatus.CLOSED,  # 重签结汇联
                                   lambda d: {"fx_slip_issued": True, "fx_slip_on": clock.today(),
                                              "fx_slip_count": d.fx_slip_count + 1})


def supplement_verify(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:  # 补验
    step = _declaration_step(Action.SUPPLEMENT, lambda decl: (Declaration.verified.is_(False),),
                             values=lambda d: {"verified": True})
    return _each(db, actor, Action.SUPPLEMENT, numbers, step)


# ── 外汇局 ────────────────────────────────────────────────────────────────────────────────

def receive(*, db: Database, actor: Actor, numbers: list[str]) -> list[Result]:  # 接收
    return _each(db, actor, Action.RECEIVE, numbers, lambda s, f, d: ("", {"received_at": clock.now()}),
                 pure=True)


def _collection(session, form, decl, settings, amount, collected_on, reason) -> write_off_check.Collection:
    currency = codes.name_of(session, "currency", decl.currency) if decl else ""
    return write_off_check.check(decl, amount, collected_on, reason, tolerance=settings.write_off_tolerance,
                                 today=clock.today(), currency=currency or "")


def check_write_off(*, db: Database, actor: Actor, number: str, amount: str, collected_on: str,
                    reason: str = "") -> Result:  # 核销, before 确定
    """What 核销 would write, as the confirmation asks it (是否进行核销？…), or why it cannot be done.
    Reads only: nothing changes until the officer confirms and `write_off` runs the same checks."""
    with db.session() as session:
        try:
            form, decl = _find_form(session, actor, number, db.settings)
            refusal = why_not(Action.WRITE_OFF, actor, form, decl, db.settings)
            if refusal:
                raise Refused(refusal)
            collection = _collection(session, form, decl, db.settings, amount, collected_on, reason)
        except Refused as refused:
            return Result(False, str(refused), number)
        currency = codes.name_of(session, "currency", decl.currency) if decl else ""
    return Result(True, t("是否进行核销？核销单 %(number)s，%(collection)s", number=form.number,
                           collection=collection.describe(currency or "")), form.number)


def write_off(*, db: Database, actor: Actor, number: str, amount: str, collected_on: str,
              reason: str = "") -> Result:  # 核销
    def step(session, form, decl):
        collection = _collection(session, form, decl, db.settings, amount, collected_on, reason)
        values = {"collected_amount": collection.amount, "collected_on": collection.day,
                  "written_off_on": clock.today(), "difference_reason": collection.reason or None}
        currency = codes.name_of(session, "currency", decl.currency) if decl else ""
        return collection.describe(currency or ""), values

    return _one(db, actor, Action.WRITE_OFF, number, step)


def _with_reason(action: Action):
    def run(*, db: Database, actor: Actor, number: str, reason: str) -> Result:
        reason = (reason or "").strip()
        if not reason:
            return Result(False, t("请填写%(action)s原因", action=action.word), number)
        return _one(db, actor, action, number,
                    lambda s, f, d: (f"{action}原因：{reason[:200]}", {"closed_reason": reason[:200]}))

    run.__name__ = action.name.lower()
    return run


bureau_report_lost = _with_reason(Action.BUREAU_LOST)  # 挂失
cancel = _with_reason(Action.CANCEL)  # 注销

CANCEL_REASONS = ("全额退关", "填错")  # 注销 (DESIGN §2); anything else is typed in full as 其他原因


def cancel_reason(choice: str, note: str) -> str:
    """注销's reason: 全额退关 or 填错 (with an optional note, 填错：金额填错), or a reason typed in full."""
    note = (note or "").strip()
    if choice in CANCEL_REASONS:
        return f"{choice}：{note}" if note else choice
    return note


def _application(session: Session, application_id) -> FormApplication:
    key = as_id(application_id)
    application = session.get(FormApplication, key, with_for_update=True) if key else None
    if application is None:
        raise Refused(t("未找到该申请"))
    return application


def _on_application(db: Database, actor: Actor, application_id, change) -> Result:
    """The bureau acts on one application: `change(session, application)` returns the message or
    raises Refused; the whole change happens in one transaction or not at all."""
    refusal = actor_refusal(Action.RECEIVE, actor)  # the bureau's right, as for its form actions
    if refusal:
        return Result(False, refusal)
    try:
        with writing(db) as session:
            return Result(True, change(session, _application(session, application_id)))
    except Refused as refused:
        return Result(False, str(refused))


def _pending(application: FormApplication, issue: bool) -> None:
    """Only an application 申请中 is issued (发放) or rejected (驳回)."""
    if application.state != ApplicationState.PENDING:
        state = ApplicationState(application.state).label
        raise Refused(t("该申请%(state)s，不能再发放", state=state) if issue
                      else t("该申请%(state)s，不能驳回", state=state))


def issue_forms(*, db: Database, actor: Actor, application_id, count) -> Result:  # 发放
    def change(session, application):
        _pending(application, issue=True)
        text = str(count).strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= application.quantity:
            raise Refused(t("发放份数应为 1 至 %(quantity)s 之间的整数", quantity=application.quantity))
        numbers = _take_numbers(session, db.settings, int(text))
        _create_forms(session, actor, application, numbers)
        application.state, application.decided_at = ApplicationState.ISSUED, clock.now()
        application.issued_count = len(numbers)
        application.first_number, application.last_number = numbers[0], numbers[-1]
        return t("发放成功：核销单号 %(first)s 至 %(last)s，共 %(count)s 份", first=numbers[0], last=numbers[-1],
                 count=len(numbers))

    return _on_application(db, actor, application_id, change)


def _take_numbers(session: Session, settings, count: int) -> list[str]:
    stock = session.get(NumberStock, 1, with_for_update=True)
    if stock is None:
        stock = NumberStock(id=1, next_number=settings.first_form_number)
        session.add(stock)
    first = stock.next_number
    if first + count - 1 >= 10 ** settings.form_number_width:
        raise Refused(t("核销单号已用完，请联系数据中心"))
    stock.next_number = first + count
    return [f"{n:0{settings.form_number_width}d}" for n in range(first, first + count)]


def _create_forms(session: Session, actor: Actor, application: FormApplication, numbers: list[str]):
    today, now = clock.today(), clock.now()
    forms = [Form(number=n, enterprise_id=application.enterprise_id, application_id=application.id,
                  state=FormState.ISSUED, issued_on=today, updated_at=now) for n in numbers]
    session.add_all(forms)
    session.flush()
    tally.add(session, application.enterprise_id, "", FormState.ISSUED, len(forms))
    for form in forms:
        audit.append(session, actor=actor, action="发放", form=form, after=FormState.ISSUED,
                     detail=f"申请号 {application.id}")


def reject_application(*, db: Database, actor: Actor, application_id, reason: str) -> Result:  # 驳回
    reason = (reason or "").strip()[:200]
    if not reason:
        return Result(False, t("请填写驳回原因"))

    def change(session, application):
        _pending(application, issue=False)
        application.state, application.decided_at, application.reason = ApplicationState.REJECTED, clock.now(), reason
        audit.append(session, actor=actor, action="驳回", enterprise_id=application.enterprise_id,
                     detail=f"申请号 {application.id}，驳回原因：{reason}")
        return t("已驳回")

    return _on_application(db, actor, application_id, change)


def record_paper_collected(*, db: Database, actor: Actor, application_id) -> Result:  # 领取纸质单证
    def change(session, application):
        if application.state != ApplicationState.ISSUED:
            raise Refused(t("该申请尚未发放，不能领取"))
        if application.paper_collected_at is not None:
            raise Refused(t("纸质单证已领取"))
        application.paper_collected_at = clock.now()
        audit.append(session, actor=actor, action="领取纸质单证", enterprise_id=application.enterprise_id,
                     detail=f"申请号 {application.id}，{application.first_number} 至 {application.last_number}")
        return t("已登记领取纸质单证")

    return _on_application(db, actor, application_id, change)
