"""核销单申请 and 出口收汇 permission requests: the ones a card may see, those waiting to be issued
(发放) or rejected (驳回), issued ones whose paper forms are not collected yet (领取), and permission
requests waiting for a decision (待审批).

Each list is a select() the route pages by key (db.queries.page); `parties` fetches the names a page
shows, one query per table for the whole page.
"""
from dataclasses import dataclass

from sqlmodel import Session, select

from db.actor import Actor
from db.models import (
    ApplicationState,
    Card,
    Enterprise,
    FormApplication,
    NumberStock,
    PermissionRequest,
    RequestState,
)
from db.rules import Policy
from db.transaction import as_id


def valid_id(value: int | None) -> bool:
    """Within an id column's range on every backend: larger numbers are nobody's id."""
    return value is not None and as_id(value) is not None


def visible_to(actor: Actor):
    """核销单申请: the applications `actor` may see (an enterprise its own), keyed by id."""
    stmt = select(FormApplication)
    if actor.is_enterprise:
        stmt = stmt.where(FormApplication.enterprise_id == actor.enterprise_id)
    return stmt


def pending_applications():  # 申请中: to 发放 or 驳回
    return select(FormApplication).where(FormApplication.state == ApplicationState.PENDING)


def uncollected_applications():  # 已发放, 纸质单证未领取
    return select(FormApplication).where(FormApplication.state == ApplicationState.ISSUED,
                                         FormApplication.paper_collected_at.is_(None))


def pending_permissions():  # 待审批
    return select(PermissionRequest).where(PermissionRequest.state == RequestState.PENDING)


def next_form_number(session: Session, settings: Policy) -> str:
    """The number the next 发放 starts from (the bureau's stock continues after the last one issued)."""
    stock = session.get(NumberStock, 1)
    first = stock.next_number if stock else settings.first_form_number
    return f"{first:0{settings.form_number_width}d}"


@dataclass
class Parties:
    """Who the rows of a page are about: enterprises and cards by id."""

    enterprises: dict[int, Enterprise]
    cards: dict[int, Card]

    def enterprise(self, enterprise_id: int | None) -> Enterprise | None:
        return self.enterprises.get(enterprise_id)

    def card(self, card_id: int | None) -> Card | None:
        return self.cards.get(card_id)


def parties(session: Session, rows) -> Parties:
    """The enterprises and cards that a page of applications or permission requests refers to."""
    card_ids = {r.card_id for r in rows} | {getattr(r, "requested_by", None) for r in rows}
    card_ids.discard(None)
    cards = {c.id: c for c in session.exec(select(Card).where(Card.id.in_(card_ids))).all()} if card_ids else {}
    enterprise_ids = {getattr(r, "enterprise_id", None) for r in rows} | {c.enterprise_id for c in cards.values()}
    enterprise_ids.discard(None)
    enterprises = ({e.id: e for e in session.exec(select(Enterprise).where(Enterprise.id.in_(enterprise_ids))).all()}
                   if enterprise_ids else {})
    return Parties(enterprises, cards)


def application(session: Session, application_id: int) -> FormApplication | None:
    if not valid_id(application_id):
        return None
    return session.get(FormApplication, application_id, populate_existing=True)


def permission_request(session: Session, request_id: int) -> PermissionRequest | None:
    if not valid_id(request_id):
        return None
    return session.get(PermissionRequest, request_id, populate_existing=True)
