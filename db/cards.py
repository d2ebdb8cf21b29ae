"""The data centre's card lists (IC卡管理): every card, filtered by kind, enterprise and status, and the
lookups the 入网 / 发卡 screens need. The changes themselves are in db.accounts."""
from dataclasses import dataclass

from sqlmodel import Session, select

from db import accounts, codes, lockout
from db.actor import Actor
from db.engine import Database
from db.models import Card, CardKind, Enterprise
from db.transaction import Result
from db.words import t

STATUSES = {"locked": t("已锁定"), "must_change": t("未改初始密码")}
# kinds the data centre issues one at a time (an admin card is made from the command line)
ISSUABLE = (CardKind.OPERATOR, CardKind.LEGAL, CardKind.BUREAU, CardKind.CUSTOMS)


class FilterError(ValueError):
    """A filter value is wrong; the message says why, in Chinese."""

    def __str__(self) -> str:  # the message as given: a db.words.Text stays one (its English is kept)
        return self.args[0] if self.args else ""


@dataclass
class Filters:
    card_no: str = ""
    kind: str = ""
    customs_code: str = ""  # the enterprise, by its 海关编码
    status: str = ""

    @classmethod
    def of(cls, args) -> "Filters":
        return cls(*((args.get(name) or "").strip()[:40] for name in ("card_no", "kind", "customs_code", "status")))

    def args(self) -> dict[str, str]:
        """The filters as query parameters (for the pager and the links back to the list)."""
        return {name: value for name, value in vars(self).items() if value}


def filtered(session: Session, filters: Filters):
    """select(Card) of the cards meeting `filters`; page it by key (newest first). Raises FilterError."""
    stmt = select(Card)
    if filters.card_no:
        stmt = stmt.where(Card.card_no == by_no(session, filters.card_no).card_no)
    if filters.kind:
        if filters.kind not in {k.value for k in CardKind}:
            raise FilterError(t("没有这种卡类型"))
        stmt = stmt.where(Card.kind == filters.kind)
    if filters.customs_code:
        stmt = stmt.where(Card.enterprise_id == enterprise_by_code(session, filters.customs_code).id)
    if filters.status == "locked":
        stmt = stmt.where(lockout.held())
    elif filters.status == "must_change":
        stmt = stmt.where(Card.must_change_password.is_(True))
    elif filters.status:
        raise FilterError(t("没有这种卡状态"))
    return stmt


def by_no(session: Session, card_no: str) -> Card:
    card_no = (card_no or "").strip()
    if len(card_no) != accounts.CARD_NO_LENGTH or not card_no.isascii() or not card_no.isdigit():
        raise FilterError(t("IC卡号应为 %(length)s 位数字", length=accounts.CARD_NO_LENGTH))
    card = session.exec(select(Card).where(Card.card_no == card_no)).first()
    if card is None:
        raise FilterError(t("未找到IC卡 %(card_no)s", card_no=card_no))
    return card


def enterprise_by_code(session: Session, customs_code: str) -> Enterprise:
    code = (customs_code or "").strip()
    if len(code) != 10 or not code.isascii() or not code.isdigit():
        raise FilterError(t("海关编码应为 10 位数字"))
    enterprise = session.exec(select(Enterprise).where(Enterprise.customs_code == code)).first()
    if enterprise is None:
        raise FilterError(t("海关编码 %(code)s 尚未入网", code=code))
    return enterprise


def enterprise_names(session: Session, cards: list[Card]) -> dict[int, Enterprise]:
    """The enterprises of a page of cards, by id (one query per page)."""
    ids = {card.enterprise_id for card in cards if card.enterprise_id}
    if not ids:
        return {}
    return {e.id: e for e in session.exec(select(Enterprise).where(Enterprise.id.in_(ids))).all()}


def issue(*, db: Database, actor: Actor, kind: str, holder: str, customs_code: str = "",
          district_code: str = "") -> tuple[Result, accounts.NewCard | None]:  # 发卡
    """One card: an enterprise card for an enrolled 海关编码 (its 出口收汇 permission is opened later
    by the bureau, manual §10.1), a bureau card, or a customs card for a known 关区."""
    if kind not in ISSUABLE:
        return Result(False, t("请选择卡类型")), None
    kind = CardKind(kind)
    enterprise_id = district = None
    with db.session() as session:
        try:
            if kind in (CardKind.OPERATOR, CardKind.LEGAL):
                enterprise_id = enterprise_by_code(session, customs_code).id
            if kind is CardKind.CUSTOMS:
                district = (district_code or "").strip()
                if not district:
                    raise FilterError(t("海关卡须填写关区代码"))
                if codes.name_of(session, "district", district) is None:
                    raise FilterError(t("关区代码 %(code)s 不存在", code=district[:8]))
        except FilterError as error:
            return Result(False, str(error)), None
    if len((holder or "").strip()) > 60:
        return Result(False, t("持卡人姓名不能超过 60 个字")), None
    return accounts.create_card(db=db, actor=actor, kind=kind, holder=holder, enterprise_id=enterprise_id,
                                district_code=district)


def permission_label(card: Card) -> str:
    """出口收汇权限 as the card list shows it ('' for officers' cards, which need none)."""
    actor = Actor.of(card)
    if not actor.is_enterprise:
        return ""
    if card.permission_expires is None:
        return t("未开通")
    day = f"{card.permission_expires:%Y-%m-%d}"
    return t("至 %(day)s", day=day) if actor.has_permission() else t("至 %(day)s（已到期）", day=day)
