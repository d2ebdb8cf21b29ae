"""Who is acting: a plain snapshot of the card, passed to every domain function."""
from dataclasses import dataclass
from datetime import date

from db import clock
from db.models import Card, CardKind


@dataclass(frozen=True)
class Actor:
    card_id: int | None
    card_no: str
    kind: CardKind
    enterprise_id: int | None = None
    district_code: str | None = None
    permission_expires: date | None = None

    @classmethod
    def of(cls, card: Card) -> "Actor":
        return cls(
            card_id=card.id,
            card_no=card.card_no,
            kind=CardKind(card.kind),
            enterprise_id=card.enterprise_id,
            district_code=card.district_code,
            permission_expires=card.permission_expires,
        )

    @property
    def role(self) -> str:
        return self.kind.label

    @property
    def is_enterprise(self) -> bool:
        return self.kind in (CardKind.OPERATOR, CardKind.LEGAL)

    def has_permission(self) -> bool:
        """出口收汇 permission: enterprise cards need a valid one; officers always have it."""
        if not self.is_enterprise:
            return True
        return self.permission_expires is not None and self.permission_expires >= clock.today()


# Demo seeding and command-line imports act as the data centre itself.
SYSTEM = Actor(card_id=None, card_no="系统", kind=CardKind.ADMIN)
