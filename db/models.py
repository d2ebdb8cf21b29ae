"""Tables and the names of every state. The state names live here once; screens read the labels."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.money import Exact
from db.words import t


class CardKind(StrEnum):
    OPERATOR = "operator"  # 企业操作员卡
    LEGAL = "legal"  # 企业法人卡
    BUREAU = "bureau"  # 外汇局
    CUSTOMS = "customs"  # 海关
    ADMIN = "admin"  # 数据中心管理员

    @property
    def label(self) -> str:
        return CARD_KIND_LABELS[self]


CARD_KIND_LABELS = {
    CardKind.OPERATOR: t("企业操作员卡"),
    CardKind.LEGAL: t("企业法人卡"),
    CardKind.BUREAU: t("外汇局"),
    CardKind.CUSTOMS: t("海关"),
    CardKind.ADMIN: t("数据中心管理员"),
}


class FormState(StrEnum):
    ISSUED = "issued"  # 已发放
    REGISTERED = "registered"  # 已备案
    REVOKING = "revoking"  # 撤销中
    USED = "used"  # 已用
    SUBMITTED = "submitted"  # 已交单
    WRITTEN_OFF = "written_off"  # 已核销
    LOST = "lost"  # 已挂失
    CANCELLED = "cancelled"  # 已注销

    @property
    def label(self) -> str:
        return FORM_STATE_LABELS[self]


FORM_STATE_LABELS = {
    FormState.ISSUED: t("已发放"),
    FormState.REGISTERED: t("已备案"),
    FormState.REVOKING: t("撤销中"),
    FormState.USED: t("已用"),
    FormState.SUBMITTED: t("已交单"),
    FormState.WRITTEN_OFF: t("已核销"),
    FormState.LOST: t("已挂失"),
    FormState.CANCELLED: t("已注销"),
}


class Labelled(StrEnum):
    """A state stored in English with its Chinese label for the screens."""

    @property
    def label(self) -> str:
        return self._labels()[self.value]


class ApplicationState(Labelled):
    PENDING = "pending"
    ISSUED = "issued"
    REJECTED = "rejected"

    @staticmethod
    def _labels():
        return {"pending": t("申请中"), "issued": t("已发放"), "rejected": t("已驳回")}


class RequestState(Labelled):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"

    @staticmethod
    def _labels():
        return {"pending": t("待审批"), "granted": t("已批准"), "refused": t("已拒绝")}


class DeclarationStatus(Labelled):
    DECLARED = "declared"
    RELEASED = "released"
    CLOSED = "closed"

    @staticmethod
    def _labels():
        return {"declared": t("已申报"), "released": t("已放行"), "closed": t("已结关")}


def money(digits: int = 18, scale: int = 2):
    return Column(Exact(digits, scale), nullable=True)


class Enterprise(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customs_code: str = Field(sa_column=Column(String(10), unique=True, nullable=False))  # 海关编码
    name: str = Field(max_length=100)
    created_at: datetime


class Card(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    card_no: str = Field(sa_column=Column(String(13), unique=True, nullable=False))  # IC卡号
    kind: str = Field(max_length=16)
    holder: str = Field(max_length=60)  # 持卡人
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    district_code: str | None = Field(default=None, max_length=4)  # customs cards: 关区代码
    password_hash: str = Field(max_length=200)
    must_change_password: bool = True
    failed_attempts: int = 0  # wrong passwords in a row; past the limit each one makes the card wait longer
    blocked_until: datetime | None = Field(default=None, index=True)  # no login is checked before this (db.lockout)
    locked: bool = False  # locked by the data centre: only it unlocks
    session_version: int = 1  # bumped on logout and password change: old cookies stop working
    permission_expires: date | None = None  # 出口收汇 permission (enterprise cards)
    language: str | None = Field(default=None, max_length=5)  # the screens' language (None: 中文), the header's switch
    created_at: datetime


class PermissionRequest(SQLModel, table=True):
    """A legal-person card asks the bureau to open (开通) or extend (延期) an operator card's permission."""

    __table_args__ = (Index("ix_permreq_state_id", "state", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)  # the operator card concerned
    requested_by: int = Field(foreign_key="card.id")
    kind: str = Field(max_length=8)  # 开通 or 延期
    state: str = Field(default=RequestState.PENDING, max_length=16)
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="card.id")
    expires: date | None = None
    reason: str | None = Field(default=None, max_length=200)

    @property
    def is_pending(self) -> bool:  # 待审批
        return self.state == RequestState.PENDING


class FormApplication(SQLModel, table=True):
    """核销单申请: an enterprise asks for N forms; the bureau issues (发放) or rejects (驳回) it."""

    __table_args__ = (
        Index("ix_application_state_id", "state", "id"),
        Index("ix_application_enterprise_id", "enterprise_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    card_id: int = Field(foreign_key="card.id")
    quantity: int  # 份数 asked
    state: str = Field(default=ApplicationState.PENDING, max_length=16)
    created_at: datetime
    decided_at: datetime | None = None
    issued_count: int | None = None
    first_number: str | None = Field(default=None, max_length=12)
    last_number: str | None = Field(default=None, max_length=12)
    reason: str | None = Field(default=None, max_length=200)
    paper_collected_at: datetime | None = None  # 领取纸质单证

    @property
    def is_pending(self) -> bool:  # 申请中: to 发放 or 驳回
        return self.state == ApplicationState.PENDING

    @property
    def is_issued(self) -> bool:
        return self.state == ApplicationState.ISSUED

    @property
    def is_rejected(self) -> bool:
        return self.state == ApplicationState.REJECTED

    @property
    def awaits_collection(self) -> bool:  # 已发放, 纸质单证未领取
        return self.is_issued and self.paper_collected_at is None


# The columns 组合查询 conditions test (db.queries). The indexes that serve it start with what narrows
# (the card's scope, a state, a date), then the number (a page is read in order), then these columns,
# so that whichever index the database picks, every other condition is tested inside the index.
QUERY_COLUMNS = {
    "form": ("enterprise_id", "state", "port_code", "issued_on", "registered_on"),
    "declaration": ("enterprise_id", "district_code", "exported_on", "declared_on", "currency", "trade_mode",
                    "settlement", "total", "status", "fx_slip_issued"),
}


def query_index(name: str, table: str, *leading: str) -> Index:
    return Index(name, *leading, *(c for c in QUERY_COLUMNS[table] if c not in leading))


class Form(SQLModel, table=True):
    """出口收汇核销单. `state` is the only status; the status columns are derived (db.status)."""

    __table_args__ = (
        query_index("ix_form_enterprise_state_number", "form", "enterprise_id", "state", "number"),
        query_index("ix_form_port_state_number", "form", "port_code", "state", "number"),
        query_index("ix_form_state_number", "form", "state", "number", "received_at"),
        Index("ix_form_state_registered", "state", "registered_on"),
        Index("ix_form_state_registered_number", "state", "registered_on", "number"),  # 即将到期, soonest first
        Index("ix_form_state_submitted", "state", "submitted_at"),
        query_index("ix_form_issued_number", "form", "issued_on", "number"),
        Index("ix_form_enterprise_issued_number", "enterprise_id", "issued_on", "number"),
        query_index("ix_form_registered_number", "form", "registered_on", "number"),
        query_index("ix_form_number_columns", "form", "number"),
        Index("ix_form_enterprise_state_registered", "enterprise_id", "state", "registered_on", "number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(12), unique=True, nullable=False))  # 核销单号
    enterprise_id: int = Field(foreign_key="enterprise.id")
    application_id: int | None = Field(default=None, foreign_key="formapplication.id")
    state: str = Field(max_length=16)
    issued_on: date  # 发单日期
    port_code: str | None = Field(default=None, max_length=4)  # 使用口岸 (关区代码)
    registered_on: date | None = None  # 备案日期
    submitted_at: datetime | None = None  # 交单 (发送至外汇局)
    received_at: datetime | None = None  # 外汇局接收
    written_off_on: date | None = None  # 核销日期
    collected_amount: Decimal | None = Field(default=None, sa_column=money())  # 收汇金额
    collected_on: date | None = None  # 收汇日期
    difference_reason: str | None = Field(default=None, max_length=200)  # 差额原因 (核销 beyond the tolerance)
    closed_reason: str | None = Field(default=None, max_length=200)  # why lost or cancelled
    version: int = 1  # bumped by every change: an update that finds another version lost a race
    updated_at: datetime


class Declaration(SQLModel, table=True):
    """出口报关单, recorded by customs against one form (验核)."""

    __table_args__ = (
        query_index("ix_declaration_exported_number", "declaration", "exported_on", "number"),
        query_index("ix_declaration_declared_number", "declaration", "declared_on", "number"),
        query_index("ix_declaration_district_number", "declaration", "district_code", "number"),
        query_index("ix_declaration_enterprise_number", "declaration", "enterprise_id", "number"),
        query_index("ix_declaration_number_columns", "declaration", "number"),
        Index("ix_declaration_number_unified", "number", "unified_no"),  # 统一编号 包含 / 不等于
        Index("ix_declaration_enterprise_exported", "enterprise_id", "exported_on", "form_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(18), unique=True, nullable=False))  # 报关单号
    unified_no: str = Field(sa_column=Column(String(18), unique=True, nullable=False))  # 统一编号
    form_id: int = Field(foreign_key="form.id", unique=True)
    enterprise_id: int = Field(foreign_key="enterprise.id")
    district_code: str = Field(max_length=4)  # 出口口岸
    declared_on: date  # 申报日期
    exported_on: date  # 出口日期
    transport: str = Field(max_length=4)  # 运输方式
    trade_mode: str = Field(max_length=4)  # 贸易方式
    settlement: str = Field(max_length=4)  # 结汇方式
    deal: str = Field(max_length=4)  # 成交方式
    currency: str = Field(max_length=4)  # 币制
    total: Decimal = Field(sa_column=Column(Exact(18, 2), nullable=False))  # 总价
    country: str = Field(max_length=4)  # 运抵国
    dest_port: str = Field(max_length=40)  # 指运港
    status: str = Field(default=DeclarationStatus.DECLARED, max_length=16)
    verified: bool = True  # 核销回执 uploaded; False until 补验 when the upload failed (manual §10.3)
    fx_slip_issued: bool = False  # 结汇联
    fx_slip_on: date | None = None
    fx_slip_count: int = 0  # 签发 + 重签
    created_at: datetime


class DeclarationLine(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("declaration_id", "line_no"),)
    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id")
    line_no: int
    hs_code: str = Field(max_length=10)  # 商品编号
    name: str = Field(max_length=100)  # 商品名称
    quantity: Decimal = Field(sa_column=Column(Exact(18, 4), nullable=False))
    unit: str = Field(default="", max_length=8)
    unit_price: Decimal = Field(sa_column=Column(Exact(18, 4), nullable=False))
    total: Decimal = Field(sa_column=Column(Exact(18, 2), nullable=False))


class Code(SQLModel, table=True):
    """Code tables: 关区 (district), 运输方式, 贸易方式, 结汇方式, 成交方式, 币制, 国别."""

    kind: str = Field(primary_key=True, max_length=16)  # district, transport, trade, ...
    code: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=60)


class FormTally(SQLModel, table=True):
    """Forms per (enterprise, 使用口岸, state), kept by the workflow so dashboards never count the table."""

    enterprise_id: int = Field(primary_key=True)
    port_code: str = Field(primary_key=True, max_length=4)  # '' when not registered
    state: str = Field(primary_key=True, max_length=16)
    n: int = 0


class NumberStock(SQLModel, table=True):
    """The bureau's stock of form numbers: each 发放 continues after the last number issued."""

    id: int = Field(default=1, primary_key=True)
    next_number: int


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained: hash = sha256(prev_hash + the event's canonical text)."""

    __table_args__ = (
        Index("ix_audit_form_seq", "form_id", "seq"),
        Index("ix_audit_card_seq", "card_id", "seq"),
        Index("ix_audit_action_seq", "action", "seq"),
        Index("ix_audit_enterprise_seq", "enterprise_id", "seq"),
        Index("ix_audit_at", "at"),
    )
    seq: int = Field(primary_key=True)
    at: datetime
    card_id: int | None = None
    card_no: str = Field(max_length=13)
    role: str = Field(max_length=16)
    action: str = Field(max_length=20)  # the manual's label, e.g. 口岸备案
    enterprise_id: int | None = None  # whose form or card it concerns, for the enterprise's own view
    form_id: int | None = None
    form_number: str | None = Field(default=None, max_length=12)
    state_before: str | None = Field(default=None, max_length=16)
    state_after: str | None = Field(default=None, max_length=16)
    detail: str = Field(default="", max_length=500)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class ExportLease(SQLModel, table=True):
    """One 导出 running for a card, in whichever server process (db.leases): a card's exports are counted
    across every worker. A lease the process renews while it streams; one left by a killed process lapses."""

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(index=True)
    expires_at: datetime


class AuditHead(SQLModel, table=True):
    """The chain's tip. Locking this row serialises writers, so the chain never forks."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class QueryLog(SQLModel, table=True):
    """组合查询 run by an operator card in demo mode, for 练习 (db.exercises): the business and each
    condition's 查询项目 and operator, never the values. A card keeps its newest db.exercises.KEEP_QUERIES
    rows and the newest row that did each 组合查询 task (db.exercises.record_query)."""

    __table_args__ = (Index("ix_querylog_card_id", "card_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id")
    at: datetime
    business: str = Field(max_length=16)  # form / declaration
    conditions: str = Field(max_length=400)  # "issued_on:prefix number:eq"
