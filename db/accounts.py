"""Cards: login, password change, logout; the data centre's 入网, reset and lock; the legal person's
requests for 出口收汇 permission and the bureau's answer. Every change is audited."""
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, exists, or_, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from db import audit, clock, lockout, passwords
from db.actor import Actor
from db.engine import Database
from db.models import Card, CardKind, Enterprise, PermissionRequest, RequestState
from db.transaction import Refused, Result, as_id, writing
from db.words import t

CARD_NO_LENGTH = 13
# One answer for an unknown card, a wrong password, a locked card and a card that must wait
BAD_LOGIN = t("IC卡号或IC卡密码错误；连续输错密码后须等待一段时间再试，仍不能登录请联系电子口岸数据中心")
PASSWORD_RULE = t("新密码应为 8 至 32 位，且不能与原密码相同")


def hash_password(password: str) -> str:
    # pbkdf2 rather than werkzeug's default scrypt: a small self-hosted machine logs in quickly
    return generate_password_hash(password, method="pbkdf2:sha256:200000")


def initial_password() -> str:
    return f"{secrets.randbelow(10**8):08d}"


@dataclass
class Login:
    card: Card | None
    message: str = ""


def authenticate(*, db: Database, card_no: str, password: str) -> Login:
    """Check IC卡号 + IC卡密码. Only the failure count and the card's wait ever change.

    The hash is checked outside any transaction (a login flood never holds the write lock). Unknown,
    locked, waiting and wrong all read the same and take the same time: nothing tells which cards
    exist. A failure takes the audit head, then the card row: the order of every card writer. The
    guess that would make the card wait is counted before its hash is checked (`_claim`), so guesses
    sent at once get no more checks than guesses sent one after another."""
    card_no, password = (card_no or "").strip(), password or ""
    if not card_no:
        return Login(None, t("请输入IC卡号"))
    if not password:
        return Login(None, t("请输入IC卡密码"))
    if len(card_no) != CARD_NO_LENGTH or not card_no.isascii() or not card_no.isdigit():
        return Login(None, t("IC卡号应为 %(n)s 位数字", n=CARD_NO_LENGTH))
    if len(password) > 64:
        return Login(None, BAD_LOGIN)
    with db.session() as session:
        card = session.exec(select(Card).where(Card.card_no == card_no)).first()
    right = None if card is None else _check(db, card, password)
    if right is None:
        check_password_hash(_DUMMY_HASH, password)  # same time as a real check
    return Login(card if right else None, "" if right else BAD_LOGIN)


def _check(db: Database, card: Card, password: str) -> bool | None:
    """Is `password` the card's? None: not checked (the card is locked or waits, or a guess sent at the
    same instant claimed the card's last try); False: wrong, and counted; True: right, the count reset."""
    if card.locked or lockout.waiting(card.blocked_until):
        return None
    claimed = _claim(db, card)
    if claimed is False:
        return None
    if not check_password_hash(card.password_hash, password):
        if claimed:
            _audit_wait(db, card)
        else:
            _count_failure(db, card.id)
        return False
    if card.failed_attempts or card.blocked_until:
        with db.write() as session:  # the card row only: no other lock is taken
            session.execute(update(Card).where(Card.id == card.id).values(failed_attempts=0, blocked_until=None))
    card.failed_attempts, card.blocked_until = 0, None
    return True


def _claim(db: Database, card: Card) -> bool | None:
    """The guess that makes the card wait if it is wrong (the last before the wait, and every one after
    a wait) puts the card in its wait before its hash is checked: guesses sent at the same instant then
    find the card waiting and are never checked. True: claimed (the card's wait is on `card`); False:
    another guess moved the count first; None: a guess below the limit, counted when it fails."""
    failures = card.failed_attempts + 1
    delay = lockout.delay_after(failures, db.settings)
    if delay is None:
        return None
    now = clock.now()
    with db.write() as session:  # the card row only, as a good login's reset
        changed = session.execute(update(Card).where(
            Card.id == card.id, Card.failed_attempts == card.failed_attempts, Card.locked.is_(False),
            or_(Card.blocked_until.is_(None), Card.blocked_until <= now),
        ).values(failed_attempts=failures, blocked_until=now + delay)).rowcount
    if changed != 1:
        return False
    card.failed_attempts, card.blocked_until = failures, now + delay
    return True


def _audit_wait(db: Database, card: Card) -> None:
    """A claimed guess was wrong: the wait it began stands, and the trail says so."""
    with writing(db) as session:
        audit.append(session, actor=Actor.of(card), action="暂停登录",
                     detail=_WAIT_DETAIL.format(card.failed_attempts, int(lockout.delay_after(
                         card.failed_attempts, db.settings).total_seconds())))


_WAIT_DETAIL = "连续输错密码 {} 次，{} 秒内不能登录"


def _count_failure(db: Database, card_id: int) -> None:
    with writing(db) as session:
        card = session.get(Card, card_id, with_for_update=True)
        card.failed_attempts += 1
        delay = lockout.delay_after(card.failed_attempts, db.settings)
        if delay:
            card.blocked_until = clock.now() + delay
            audit.append(session, actor=Actor.of(card), action="暂停登录",
                         detail=_WAIT_DETAIL.format(card.failed_attempts, int(delay.total_seconds())))


_DUMMY_HASH = hash_password("not-a-password")


def change_password(*, db: Database, actor: Actor, old: str, new: str, confirm: str) -> Result:
    """修改密码. A wrong 原密码 counts like a wrong login password (the card waits after too many);
    the new password must not be a weak one (db.passwords). Hashes are computed outside the write."""
    if not old or not new:
        return Result(False, t("请输入原密码和新密码"))
    with db.session() as session:
        card = session.get(Card, actor.card_id)
    right = _check(db, card, old)
    if right is None:
        return Result(False, WAIT_MESSAGE)
    if not right:
        return Result(False, t("原密码错误"))
    if new != confirm:
        return Result(False, t("两次输入的新密码不一致"))
    if not 8 <= len(new) <= 32 or new == old:
        return Result(False, PASSWORD_RULE)
    weak = passwords.weakness(new, card.card_no)
    if weak:
        return Result(False, weak)
    new_hash = hash_password(new)
    with writing(db) as session:
        changed = session.execute(
            update(Card).where(Card.id == card.id, Card.password_hash == card.password_hash)
            .values(password_hash=new_hash, must_change_password=False, failed_attempts=0, blocked_until=None,
                    session_version=Card.session_version + 1))
        if changed.rowcount != 1:  # reset or changed elsewhere since it was read
            return Result(False, t("原密码错误"))
        audit.append(session, actor=actor, action="修改密码")
    return Result(True, t("密码修改成功"))


WAIT_MESSAGE = t("连续输错密码次数过多，请稍后再试")


def unlock(*, db: Database, actor: Actor, card_no: str) -> Result:
    """The administrator's way back in for a card (`eportfx unlock-card`): no lock, no wait."""
    try:
        with writing(db) as session:
            card = _card_by_no(session, card_no)
            card.locked, card.failed_attempts, card.blocked_until = False, 0, None
            audit.append(session, actor=actor, action="解锁", detail=f"IC卡 {card.card_no}")
    except Refused as refused:
        return Result(False, refused.args[0])
    return Result(True, _now_unlocked(card_no.strip()))


def logout(*, db: Database, card_id: int) -> None:
    """End every session of the card: a copied cookie carries the old version and stops working."""
    with db.write() as session:
        session.execute(update(Card).where(Card.id == card_id).values(session_version=Card.session_version + 1))


def card_for_session(session: Session, card_id: int, version: int | None) -> Card | None:
    """The card if it is usable for a session of `version` (None: its current version)."""
    card = session.get(Card, card_id, populate_existing=True)
    if card is None or card.locked or (version is not None and card.session_version != version):
        return None
    return card


# what a logged-in request needs of its card (never the password hash)
SESSION_COLUMNS = ("id", "card_no", "kind", "holder", "enterprise_id", "district_code", "must_change_password",
                   "locked", "session_version", "permission_expires", "language")
_SESSION_ROW = select(*(getattr(Card, c) for c in SESSION_COLUMNS)).where(Card.id == bindparam("card_id"))


def session_row(session: Session, card_id: int, version: int):
    """The card's session columns as one plain row, read by primary key through Core (no ORM object
    is built): None when the card is gone, locked, or the session's `version` is no longer its own.
    Read on every request, so a lock, a logout elsewhere or a new permission date counts at once."""
    row = session.connection().execute(_SESSION_ROW, {"card_id": card_id}).first()
    if row is None or row.locked or row.session_version != version:
        return None
    return row


def set_language(*, db: Database, card_id: int, language: str | None) -> None:
    """The card's screens from now on in `language` (None: the default, 中文). A preference, not a
    business event: no audit entry."""
    with db.write() as session:
        session.execute(update(Card).where(Card.id == card_id).values(language=language))


# ── 数据中心: 入网, reset, lock ─────────────────────────────────────────────────────────────

def _admin_only(actor: Actor):
    if actor.kind is not CardKind.ADMIN:
        raise Refused(t("本卡无权进行此操作"))


@dataclass
class NewCard:
    card_no: str
    kind: CardKind
    holder: str
    password: str


def create_enterprise(*, db: Database, actor: Actor, name: str, customs_code: str, legal_holder: str,
                      operator_holder: str, permission_days: int = 365) -> tuple[Result, list[NewCard]]:
    """入网: an enterprise with its 法人卡 and one 操作员卡, initial passwords to be changed at first login."""
    name, customs_code = (name or "").strip(), (customs_code or "").strip()
    try:
        _admin_only(actor)
        if not name or len(name) > 100:
            raise Refused(t("请填写企业名称（100 字以内）"))
        if len(customs_code) != 10 or not customs_code.isascii() or not customs_code.isdigit():
            raise Refused(t("海关编码应为 10 位数字"))
        for holder in (legal_holder, operator_holder):
            if not (holder or "").strip() or len(holder.strip()) > 60:
                raise Refused(t("请填写持卡人姓名（60 字以内）"))
        secrets_ = [_secret(None), _secret(None)]  # hashed before the write: the hash takes a while
        with writing(db) as session:
            if session.exec(select(Enterprise).where(Enterprise.customs_code == customs_code)).first():
                raise Refused(t("海关编码 %(customs_code)s 已入网", customs_code=customs_code))
            enterprise = Enterprise(customs_code=customs_code, name=name, created_at=clock.now())
            session.add(enterprise)
            session.flush()
            expires = clock.today() + timedelta(days=permission_days)
            cards = [
                _new_card(session, actor, CardKind.LEGAL, legal_holder.strip(), enterprise.id, None, expires,
                          secret=secrets_[0]),
                _new_card(session, actor, CardKind.OPERATOR, operator_holder.strip(), enterprise.id, None, expires,
                          secret=secrets_[1]),
            ]
            audit.append(session, actor=actor, action="入网", detail=f"{name}（海关编码 {customs_code}）",
                         enterprise_id=enterprise.id)
    except Refused as refused:
        return Result(False, refused.args[0]), []
    return Result(True, t("入网成功")), cards


def create_card(*, db: Database, actor: Actor, kind: CardKind, holder: str, enterprise_id: int | None = None,
                district_code: str | None = None, card_no: str | None = None, password: str | None = None,
                must_change: bool = True, permission_expires: date | None = None) -> tuple[Result, NewCard | None]:
    try:
        _admin_only(actor)
        if not (holder or "").strip():
            raise Refused(t("请填写持卡人姓名"))
        if kind in (CardKind.OPERATOR, CardKind.LEGAL) and enterprise_id is None:
            raise Refused(t("企业卡须属于一个企业"))
        if kind is CardKind.CUSTOMS and not district_code:
            raise Refused(t("海关卡须属于一个关区"))
        secret = _secret(password)  # hashed before the write: the hash takes a while
        with writing(db) as session:
            if kind in (CardKind.OPERATOR, CardKind.LEGAL) and session.get(Enterprise, enterprise_id) is None:
                raise Refused(t("未找到该企业"))
            new = _new_card(session, actor, kind, holder.strip(), enterprise_id, district_code,
                            permission_expires, card_no=card_no, secret=secret, must_change=must_change)
    except Refused as refused:
        return Result(False, refused.args[0]), None
    return Result(True, t("发卡成功：%(card_no)s", card_no=new.card_no)), new


def _secret(password: str | None) -> tuple[str, str]:
    """A card's password (the one given, or a new initial one) and its hash."""
    password = password or initial_password()
    return password, hash_password(password)


def _new_card(session, actor, kind, holder, enterprise_id, district_code, expires, *, secret: tuple[str, str],
              card_no=None, must_change=True) -> NewCard:
    """The card row and its audit event, inside the caller's write; `secret` was hashed before it."""
    card_no = card_no or _next_card_no(session, kind)
    if session.exec(select(Card).where(Card.card_no == card_no)).first():
        raise Refused(t("IC卡号 %(card_no)s 已存在", card_no=card_no))
    password, password_hash = secret
    session.add(Card(card_no=card_no, kind=kind, holder=holder, enterprise_id=enterprise_id,
                     district_code=district_code, password_hash=password_hash,
                     must_change_password=must_change, permission_expires=expires, created_at=clock.now()))
    audit.append(session, actor=actor, action="发卡", detail=f"{kind.label} {card_no} {holder}")
    return NewCard(card_no, kind, holder, password)


_CARD_PREFIX = {CardKind.OPERATOR: "11", CardKind.LEGAL: "11", CardKind.BUREAU: "22",
                CardKind.CUSTOMS: "33", CardKind.ADMIN: "99"}


def _next_card_no(session, kind: CardKind) -> str:
    prefix = _CARD_PREFIX[kind]
    last = session.exec(
        select(Card.card_no).where(Card.card_no.between(prefix + "0" * 11, prefix + "9" * 11))
        .order_by(Card.card_no.desc()).limit(1)
    ).first()
    return f"{int(last) + 1:013d}" if last else prefix + "0" * 10 + "1"


def _card_by_no(session, card_no: str) -> Card:
    card_no = (card_no or "").strip()
    card = session.exec(select(Card).where(Card.card_no == card_no).with_for_update()).first()
    if card is None:
        raise Refused(t("未找到IC卡 %(card_no)s", card_no=card_no[:20]))
    return card


def reset_password(*, db: Database, actor: Actor, card_no: str) -> tuple[Result, str | None]:
    try:
        _admin_only(actor)
        password = initial_password()
        password_hash = hash_password(password)  # before the write: the hash takes a while
        with writing(db) as session:
            card = _card_by_no(session, card_no)
            card.password_hash = password_hash
            card.must_change_password = True
            card.failed_attempts, card.blocked_until = 0, None
            card.session_version += 1
            audit.append(session, actor=actor, action="重置密码", detail=f"IC卡 {card.card_no}")
    except Refused as refused:
        return Result(False, refused.args[0]), None
    return Result(True, t("IC卡 %(card_no)s 的密码已重置，初始密码只显示这一次", card_no=card_no)), password


def _now_locked(card_no):
    return t("IC卡 %(card_no)s 已锁定", card_no=card_no)


def _now_unlocked(card_no):
    return t("IC卡 %(card_no)s 已解锁", card_no=card_no)


def set_locked(*, db: Database, actor: Actor, card_no: str, locked: bool) -> Result:
    action = "锁定" if locked else "解锁"
    done = _now_locked if locked else _now_unlocked
    try:
        _admin_only(actor)
        if actor.card_no == (card_no or "").strip():
            raise Refused(t("不能锁定本卡"))
        with writing(db) as session:
            card = _card_by_no(session, card_no)
            if card.locked == locked and (locked or not lockout.waiting(card.blocked_until)):
                raise Refused(done(card.card_no))  # 解锁 also ends a wait after wrong passwords
            card.locked = locked
            card.failed_attempts, card.blocked_until = 0, None
            card.session_version += 1
            audit.append(session, actor=actor, action=action, detail=f"IC卡 {card.card_no}")
    except Refused as refused:
        return Result(False, refused.args[0])
    return Result(True, done(card_no))


# ── 出口收汇 permission: the legal person asks, the bureau decides (manual §10.1) ──────────────

def request_permission(*, db: Database, actor: Actor, card_no: str) -> Result:  # 申请开通 / 申请延期
    try:
        if actor.kind is not CardKind.LEGAL:
            raise Refused(t("只有企业法人卡可以申请开通或延期"))
        with writing(db) as session:
            card = _card_by_no(session, card_no)
            if card.enterprise_id != actor.enterprise_id or card.kind != CardKind.OPERATOR:
                raise Refused(t("未找到IC卡 %(card_no)s", card_no=card_no[:20]))
            pending = session.exec(select(PermissionRequest).where(
                PermissionRequest.card_id == card.id, PermissionRequest.state == RequestState.PENDING)).first()
            if pending:
                raise Refused(t("该卡已有待外汇局审批的申请"))
            kind = "开通" if card.permission_expires is None else "延期"
            session.add(PermissionRequest(card_id=card.id, requested_by=actor.card_id, kind=kind,
                                          created_at=clock.now()))
            audit.append(session, actor=actor, action=f"申请{kind}", detail=f"IC卡 {card.card_no}")
    except Refused as refused:
        return Result(False, refused.args[0])
    return Result(True, t("申请开通已提交，等待外汇局审批") if kind == "开通" else t("申请延期已提交，等待外汇局审批"))


MAX_PERMISSION_YEARS = 3  # the bureau grants 出口收汇 for a few years at most, then the card asks again


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def decide_permission(*, db: Database, actor: Actor, request_id, grant: bool, expires: str = "",
                      reason: str = "") -> Result:
    from db.declarations import parse_date

    try:
        if actor.kind is not CardKind.BUREAU:
            raise Refused(t("本卡无权进行此操作"))
        until = parse_date(expires) if grant else None
        if grant and (until is None or until <= clock.today()):
            raise Refused(t("有效期应为今天以后的日期（YYYYMMDD）"))
        if grant and until > _years_on(clock.today(), MAX_PERMISSION_YEARS):
            raise Refused(t("有效期最长 %(years)s 年，应不晚于 %(last)s", years=MAX_PERMISSION_YEARS,
                            last=_years_on(clock.today(), MAX_PERMISSION_YEARS).strftime("%Y%m%d")))
        if not grant and not (reason or "").strip():
            raise Refused(t("请填写拒绝原因"))
        with writing(db) as session:
            key = as_id(request_id)
            request = session.get(PermissionRequest, key, with_for_update=True) if key else None
            if request is None:
                raise Refused(t("未找到该申请"))
            if request.state != RequestState.PENDING:
                raise Refused(t("该申请%(state)s", state=RequestState(request.state).label))
            request.state = RequestState.GRANTED if grant else RequestState.REFUSED
            request.decided_at, request.decided_by = clock.now(), actor.card_id
            request.expires, request.reason = until, (reason or "").strip()[:200] or None
            card = session.get(Card, request.card_id, with_for_update=True)
            if grant:
                card.permission_expires = until
            audit.append(session, actor=actor, action="权限审批" if grant else "权限拒绝",
                         detail=f"IC卡 {card.card_no} {request.kind}" + (f" 至 {until:%Y-%m-%d}" if grant else
                                                                        f"，原因：{request.reason}"))
    except Refused as refused:
        return Result(False, refused.args[0])
    return Result(True, t("已批准，有效期至 %(day)s", day=until.strftime("%Y-%m-%d")) if grant else t("已拒绝"))


EXPIRING_DAYS = 30
# 法人卡's own work: which of its operator cards need a 开通 / 延期, or wait for the bureau
CARD_WATCHES = {"expired": t("出口收汇权限已到期的操作员卡"),
                "expiring": t("出口收汇权限 %(days)s 天内到期的操作员卡", days=EXPIRING_DAYS),
                "unopened": t("出口收汇权限未开通的操作员卡"),
                "pending": t("申请待外汇局审批的操作员卡")}


def _pending_request():
    return exists().where(PermissionRequest.card_id == Card.id, PermissionRequest.state == RequestState.PENDING)


def operator_cards(actor: Actor, show: str = ""):
    """The operator cards of the legal person's enterprise (法人卡: 操作员卡 and their permission), by id;
    `show` (a key of CARD_WATCHES) keeps only those in that case: the list its dashboard count opens."""
    stmt = select(Card).where(Card.enterprise_id == actor.enterprise_id, Card.kind == CardKind.OPERATOR)
    today = clock.today()
    narrow = {"expired": lambda: Card.permission_expires < today,
              "expiring": lambda: Card.permission_expires.between(today, today + timedelta(days=EXPIRING_DAYS)),
              "unopened": lambda: Card.permission_expires.is_(None),
              "pending": _pending_request}.get(show)
    return stmt.where(narrow()) if narrow else stmt


@dataclass(frozen=True)
class Grey:
    """Why an enterprise card's 出口收汇 is grey: never opened, or expired on a day; and the request
    that already waits for the bureau, if one does."""

    expired_on: date | None
    pending: PermissionRequest | None

    @property
    def never_opened(self) -> bool:
        return self.expired_on is None


def grey(session: Session, actor: Actor) -> Grey | None:
    """None when the card's 出口收汇 works."""
    if actor.has_permission():
        return None
    pending = session.exec(select(PermissionRequest).where(
        PermissionRequest.card_id == actor.card_id, PermissionRequest.state == RequestState.PENDING)).first()
    return Grey(actor.permission_expires, pending)


def latest_requests(session: Session, card_ids: list[int]) -> dict[int, PermissionRequest]:
    """Each card's latest 开通 / 延期 request, for one page of cards."""
    if not card_ids:
        return {}
    rows = session.exec(select(PermissionRequest).where(PermissionRequest.card_id.in_(card_ids))
                        .order_by(PermissionRequest.id)).all()
    return {request.card_id: request for request in rows}
