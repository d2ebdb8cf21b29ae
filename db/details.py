"""One form as its page shows it: the form, its enterprise, its declaration and goods, its history."""
from dataclasses import dataclass, field

from sqlmodel import Session, select

from db import codes
from db.actor import Actor
from db.models import AuditEvent, Declaration, DeclarationLine, Enterprise, Form, FormState
from db.queries import scope_forms
from db.rules import Policy, awaits_slip, receipt_overdue, submit_deadline, use_deadline
from db.status import status_columns
from db.words import t

# §10.3 case 2's advice (db.rules.SLIP_ADVICE), as a sentence for the screen
SLIP_ADVICE = t("请拨打 010-65195656 热线，如热线查询内网无数据，请用户与申报海关联系重新签发报关单结汇联（白联）")


@dataclass
class FormDetail:
    form: Form
    enterprise: Enterprise
    declaration: Declaration | None
    lines: list[DeclarationLine] = field(default_factory=list)
    history: list[AuditEvent] = field(default_factory=list)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # code table → {code: name}
    settings: Policy | None = None

    @property
    def status(self) -> dict[str, str]:
        return status_columns(self.form.state)

    @property
    def use_deadline(self):
        return use_deadline(self.form, self.settings)

    @property
    def submit_deadline(self):
        return submit_deadline(self.declaration, self.settings)

    @property
    def open_use_deadline(self):
        """使用期限, while the form waits to be used (已备案)."""
        return self.use_deadline if self.form.state == FormState.REGISTERED else None

    @property
    def open_submit_deadline(self):
        """交单期限, while the used form waits to be submitted (已用)."""
        return self.submit_deadline if self.form.state == FormState.USED else None

    @property
    def slip_advice(self) -> str | None:
        """§10.3 case 2's advice, while the form waits for its 结汇联."""
        return SLIP_ADVICE if awaits_slip(self.form, self.declaration) else None

    @property
    def receipt_overdue(self) -> bool:
        return receipt_overdue(self.form, self.settings)

    def name(self, table: str, code: str | None) -> str:
        return self.names.get(table, {}).get(code or "", "")


def load(session: Session, actor: Actor, number: str, settings: Policy) -> FormDetail | None:
    """The form if `actor` may see it; None when it does not exist or is not theirs (both read as 404)."""
    form = session.exec(scope_forms(select(Form).where(Form.number == (number or "")[:20]), actor)).first()
    if form is None:
        return None
    declaration = session.exec(select(Declaration).where(Declaration.form_id == form.id)).first()
    lines = []
    if declaration:
        lines = list(session.exec(select(DeclarationLine).where(DeclarationLine.declaration_id == declaration.id)
                                  .order_by(DeclarationLine.line_no)).all())
    history = list(session.exec(select(AuditEvent).where(AuditEvent.form_id == form.id)
                                .order_by(AuditEvent.seq)).all())
    names = {table: codes.names(session, table) for table in codes.TABLES}
    return FormDetail(form, session.get(Enterprise, form.enterprise_id), declaration, lines, history, names,
                      settings)
