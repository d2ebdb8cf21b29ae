"""Demo data (DESIGN §1): the demo cards, three enterprises, and forms in every state, made by the
real workflow functions on a moving clock, so every form carries a genuine history.

The story is planned first (what happens how many days ago), then played in date order, so the audit
trail reads in time order like a real one. Forms are claimed from the issued numbers when played."""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, update
from sqlmodel import func, select

from db import accounts, audit, clock, tally, workflow
from db.actor import SYSTEM, Actor
from db.declarations import DeclarationInput, LineInput
from db.engine import Database
from db.models import Card, CardKind, Declaration, Enterprise, Form, FormApplication

DEMO_PASSWORD = "88888888"

ENTERPRISES = {
    "A": ("4403910001", "深圳市华南进出口有限公司"),
    "B": ("4404910002", "珠海市拱北贸易有限公司"),
    "C": ("4419910003", "东莞市虎门制衣有限公司"),
}

# card number → (kind, holder, enterprise key or district)
CARDS = {
    "9900000000001": (CardKind.ADMIN, "数据中心管理员", None),
    "2200000000001": (CardKind.BUREAU, "国家外汇管理局", None),
    "3300000000001": (CardKind.CUSTOMS, "拱北关区", "5700"),
    "3300000000002": (CardKind.CUSTOMS, "深圳海关", "5300"),
    "3300000000003": (CardKind.CUSTOMS, "皇岗海关", "5301"),  # a 隶属海关 of 深圳海关
    "1100000000001": (CardKind.OPERATOR, "张伟（企业A操作员）", "A"),
    "1100000000002": (CardKind.LEGAL, "李华（企业A法人）", "A"),
    "1100000000003": (CardKind.OPERATOR, "陈静（企业B操作员）", "B"),
    "1100000000004": (CardKind.OPERATOR, "黄强（企业C操作员）", "C"),
    "1100000000005": (CardKind.LEGAL, "黄明（企业C法人）", "C"),
    "1100000000006": (CardKind.OPERATOR, "刘洋（企业B新操作员）", "B"),
    "1100000000007": (CardKind.LEGAL, "周敏（企业B法人）", "B"),
}

GOODS = [
    ("6204430090", "女式化纤连衣裙", "件", "12.50"),
    ("6109100022", "棉制针织T恤衫", "件", "3.80"),
    ("6403990090", "皮面皮鞋", "双", "18.00"),
    ("8471300000", "笔记本电脑", "台", "420.00"),
    ("8516500000", "微波炉", "台", "46.00"),
    ("9503008900", "塑料玩具", "个", "2.35"),
    ("8528721200", "液晶电视机", "台", "168.00"),
    ("9405409000", "LED灯具", "个", "7.60"),
]
DESTINATIONS = [("502", "洛杉矶"), ("502", "纽约"), ("116", "东京"), ("304", "汉堡"), ("303", "费利克斯托"),
                ("110", "香港"), ("132", "新加坡"), ("601", "悉尼")]


@dataclass
class Demo:
    db: Database
    actors: dict[str, Actor]
    rng: random.Random
    base: date
    plan: list = field(default_factory=list)  # (days ago, order, action)
    pools: dict[str, list[str]] = field(default_factory=dict)  # the numbers each pool's 发放 gave
    claimed: dict[str, int] = field(default_factory=dict)  # how many of each pool are spoken for

    def on(self, days_ago: int, act) -> None:
        self.plan.append((days_ago, len(self.plan), act))

    def play(self) -> None:
        minute = {}
        for days_ago, _, act in sorted(self.plan, key=lambda step: (-step[0], step[1])):
            if days_ago == 0:  # today's steps happen now, never in the future
                act()
                continue
            minute[days_ago] = minute.get(days_ago, -1) + 1  # steps of one day a minute apart, in order
            with clock.travel_to(self.base - timedelta(days=days_ago), hour=9, minute=minute[days_ago]):
                act()

    def claim(self, pool: str, n: int) -> "Claim":
        """The next n numbers of `pool`, in the order claims are made (known once the pool is played)."""
        offset = self.claimed.get(pool, 0)
        self.claimed[pool] = offset + n
        return Claim(self, pool, offset, n)


@dataclass
class Claim:
    demo: Demo
    pool: str
    offset: int
    n: int

    def __call__(self) -> list[str]:
        numbers = self.demo.pools[self.pool][self.offset:self.offset + self.n]
        assert len(numbers) == self.n, f"pool {self.pool} ran out"
        return numbers


def seed_demo(db: Database, *, seed: int = 7, must_change: bool = False) -> bool:
    """Create the demo cards and data. Returns False (and does nothing) if they already exist.
    `must_change`: every demo card keeps 88888888 but must change it at its first login (the
    command line's choice unless EPORTFX_DEMO is set; tests and benchmarks log in without it)."""
    with db.session() as session:
        if session.exec(select(Card).where(Card.card_no == "9900000000001")).first():
            return False
    demo = Demo(db, {}, random.Random(seed), clock.today())
    with clock.travel_to(date(2007, 1, 4)):  # the enterprises joined the E-Port long ago
        _cards(demo)
    _january_2007(demo)
    _enterprise_a(demo)
    _enterprise_b(demo)
    _enterprise_c(demo)
    _pending(demo)
    _huanggang(demo)
    demo.play()
    with db.write() as session:  # 练习 counts what enterprise A's and B's cards do after this event
        audit.append(session, actor=SYSTEM, action=READY, detail="演示数据")
    if must_change:
        with db.write() as session:
            session.execute(update(Card).values(must_change_password=True))
    return True


def _cards(demo: Demo):
    today = demo.base
    with demo.db.write() as session:
        enterprises = {}
        for key, (code, name) in ENTERPRISES.items():
            enterprise = Enterprise(customs_code=code, name=name, created_at=clock.now())
            session.add(enterprise)
            session.flush()
            audit.append(session, actor=SYSTEM, action="入网", detail=f"{name}（海关编码 {code}）",
                         enterprise_id=enterprise.id)
            enterprises[key] = enterprise.id
    for card_no, (kind, holder, where) in CARDS.items():
        expires = None
        if kind in (CardKind.OPERATOR, CardKind.LEGAL):
            expires = today + timedelta(days=365)
            if card_no == "1100000000004":
                expires = today - timedelta(days=5)  # manual §10.1: the permission has run out
            if card_no == "1100000000006":
                expires = None  # a newly issued card: 出口收汇 not opened yet
        result, _ = accounts.create_card(
            db=demo.db, actor=SYSTEM, kind=kind, holder=holder, card_no=card_no, password=DEMO_PASSWORD,
            must_change=False, permission_expires=expires,
            enterprise_id=enterprises.get(where) if kind in (CardKind.OPERATOR, CardKind.LEGAL) else None,
            district_code=where if kind is CardKind.CUSTOMS else None,
        )
        assert result.ok, result.message
    with demo.db.session() as session:
        for card in session.exec(select(Card)).all():
            demo.actors[card.card_no] = Actor.of(card)


def _apply_and_issue(demo: Demo, days_ago: int, operator: str, quantity: int, pool: str) -> None:
    """核销单申请, 发放 and 领取纸质单证 on one day; the numbers go to `pool`."""

    def act():
        actor, bureau = demo.actors[operator], demo.actors["2200000000001"]
        assert workflow.apply_forms(db=demo.db, actor=actor, quantity=quantity).ok
        with demo.db.session() as session:
            application = session.exec(select(FormApplication).where(FormApplication.card_id == actor.card_id)
                                       .order_by(FormApplication.id.desc())).first()
        result = workflow.issue_forms(db=demo.db, actor=bureau, application_id=application.id, count=quantity)
        assert result.ok, result.message
        workflow.record_paper_collected(db=demo.db, actor=bureau, application_id=application.id)
        with demo.db.session() as session:
            demo.pools.setdefault(pool, []).extend(session.exec(
                select(Form.number).where(Form.application_id == application.id).order_by(Form.number)).all())

    demo.on(days_ago, act)


def _declaration(demo: Demo, exported: date) -> DeclarationInput:
    rng = demo.rng
    country, port = rng.choice(DESTINATIONS)
    lines = []
    for hs_code, name, unit, price in rng.sample(GOODS, rng.randint(1, 3)):
        lines.append(LineInput(hs_code, name, Decimal(rng.randrange(100, 5000, 50)), unit, Decimal(price)))
    return DeclarationInput(
        declared_on=exported - timedelta(days=rng.randint(0, 2)), exported_on=exported,
        transport=rng.choice(["2", "2", "5", "4"]), trade_mode=rng.choice(["0110", "0110", "0214", "0615"]),
        settlement=rng.choice(["2", "6", "4"]), deal=rng.choice(["1", "2", "3"]),
        currency="502" if country != "110" else "110", country=country, dest_port=port, lines=lines,
    )


def _ok(result):
    results = result if isinstance(result, list) else [result]
    assert all(r.ok for r in results), [r.message for r in results]


PORT_CARDS = {"5700": "3300000000001", "5300": "3300000000002", "5301": "3300000000003"}  # who verifies


def _lifecycle(demo: Demo, operator: str, claim: Claim, port: str, start: int, until: str, slip: bool = True):
    """Plan forms from 已发放 through the steps up to `until`: 备案 `start` days ago, then customs,
    the enterprise and the bureau in turn, a few days apart, never later than today."""
    db, rng, bureau = demo.db, demo.rng, demo.actors["2200000000001"]
    operator_card = demo.actors[operator]
    customs = demo.actors[PORT_CARDS[port]]
    steps = ["registered", "used", "released", "closed", "slip", "submitted", "received", "written_off"]
    last = steps.index(until)
    demo.on(start, lambda: _ok(workflow.register_port(db=db, actor=operator_card, numbers=claim(), port=port)))
    for i in range(claim.n):
        number = lambda i=i: claim()[i]  # noqa: E731  (known once the claim is played)
        day = max(0, start - rng.randint(3, 12))
        plan = [
            lambda n: workflow.record_declaration(db=db, actor=customs, number=n(),
                                                  data=_declaration(demo, clock.today())),
            lambda n: workflow.release(db=db, actor=customs, numbers=[n()]),
            lambda n: workflow.close_declaration(db=db, actor=customs, numbers=[n()]),
            lambda n: workflow.issue_slip(db=db, actor=customs, numbers=[n()]),
            lambda n: workflow.submit(db=db, actor=operator_card, numbers=[n()]),
            lambda n: workflow.receive(db=db, actor=bureau, numbers=[n()]),
            lambda n: workflow.write_off(db=db, actor=bureau, number=n(), amount=str(_total_of(db, n())),
                                         collected_on=clock.today().strftime("%Y%m%d")),
        ]
        for index, act in enumerate(plan, start=1):
            if index > last or (index == 4 and not slip):
                break
            demo.on(day, lambda act=act, number=number: _ok(act(number)))
            day = max(0, day - (3 if index == 4 else 1))


def _total_of(db, number) -> Decimal:
    with db.session() as session:
        return session.exec(select(Declaration.total).join(Form, Form.id == Declaration.form_id)
                            .where(Form.number == number)).one()


def _days_ago(day: date, base: date) -> int:
    return (base - day).days


def _january_2007(demo: Demo):
    """The manual's §9.2 example (发单日期 以……开始 200701): forms of January 2007, long written off."""
    _apply_and_issue(demo, _days_ago(date(2007, 1, 10), demo.base), "1100000000001", 10, "A2007")
    _lifecycle(demo, "1100000000001", demo.claim("A2007", 10), "5300", _days_ago(date(2007, 1, 15), demo.base),
               "written_off")


def _enterprise_a(demo: Demo, a: str = "1100000000001", pool: str = "A"):
    """Enterprise A's story; a trainee's enterprise plays the same story with its own card and pool."""
    bureau = demo.actors["2200000000001"]
    _apply_and_issue(demo, 130, a, 80, pool)
    _apply_and_issue(demo, 45, a, 70, pool)
    take = lambda n: demo.claim(pool, n)  # noqa: E731
    _lifecycle(demo, a, take(15), "5700", 50, "slip")  # 已用, 结汇联 issued: ready for 交单
    _lifecycle(demo, a, take(10), "5300", 20, "slip")
    _lifecycle(demo, a, take(3), "5300", 40, "submitted")  # 交单 weeks ago, never received (§10.4)
    _lifecycle(demo, a, take(2), "5700", 6, "submitted")  # 交单 in the last days
    _lifecycle(demo, a, take(3), "5300", 90, "received")
    _lifecycle(demo, a, take(5), "5700", 120, "written_off")
    _lifecycle(demo, a, take(1), "5700", 60, "closed", slip=False)  # §10.3 case 2: needs 重签结汇联
    _lifecycle(demo, a, take(2), "5300", 30, "used")  # declared, waiting for release
    _lifecycle(demo, a, take(1), "5300", 30, "released")
    _lifecycle(demo, a, take(8), "5700", 80, "registered")  # near the end of the use period
    _lifecycle(demo, a, take(7), "5700", 20, "registered")
    _lifecycle(demo, a, take(10), "5300", 10, "registered")
    revoking = take(3)
    _lifecycle(demo, a, revoking, "5300", 15, "registered")
    demo.on(3, lambda: _ok(workflow.request_revoke(db=demo.db, actor=demo.actors[a], numbers=revoking())))
    supplement = take(1)  # §10.3 case 1: goods released but the form still shows 未用
    _lifecycle(demo, a, supplement, "5700", 25, "registered")
    demo.on(18, lambda: _released_without_receipt(demo, supplement()[0], "3300000000001"))
    lost = take(3)
    demo.on(12, lambda: _ok(workflow.report_lost(db=demo.db, actor=demo.actors[a], numbers=lost())))
    cancelled = take(2)
    demo.on(8, lambda: [_ok(workflow.cancel(db=demo.db, actor=bureau, number=n, reason="填错")) for n in cancelled()])
    demo.on(0, lambda: _check_left(demo, pool, 45))  # the rest stay 已发放 (paging past 20 shows)


def _check_left(demo: Demo, pool: str, at_least: int):
    left = len(demo.pools[pool]) - demo.claimed[pool]
    assert left >= at_least, left


def _released_without_receipt(demo: Demo, number: str, customs: str):
    """A declaration whose 核销回执 never reached the system: recorded, released, the form still 未用."""
    r = workflow.record_declaration(db=demo.db, actor=demo.actors[customs], number=number,
                                    data=_declaration(demo, clock.today()))
    assert r.ok, r.message
    assert workflow.release(db=demo.db, actor=demo.actors[customs], numbers=[number])[0].ok
    with demo.db.write() as session:
        # the receipt upload failed: undo the form's use the way the failure left it (demo data only)
        form = session.exec(select(Form).where(Form.number == number)).one()
        decl = session.exec(select(Declaration).where(Declaration.form_id == form.id)).one()
        decl.verified = False
        tally.move(session, form.enterprise_id, (form.port_code, form.state), (form.port_code, "registered"))
        form.state = "registered"
        form.version += 1
        audit.append(session, actor=SYSTEM, action="回执上传失败", form=form, before="used", after="registered",
                     detail=f"出口报关单 {decl.number} 已放行，核销回执未上传（演示常见问题 10.3）")


def _enterprise_b(demo: Demo):
    b = "1100000000003"
    _apply_and_issue(demo, 70, b, 40, "B")
    take = lambda n: demo.claim("B", n)  # noqa: E731
    _lifecycle(demo, b, take(6), "5700", 60, "slip")
    _lifecycle(demo, b, take(2), "5700", 50, "submitted")
    _lifecycle(demo, b, take(2), "5700", 65, "written_off")
    _lifecycle(demo, b, take(2), "5700", 20, "used")
    _lifecycle(demo, b, take(6), "5700", 15, "registered")
    revoking = take(1)
    _lifecycle(demo, b, revoking, "5700", 10, "registered")
    demo.on(2, lambda: _ok(workflow.request_revoke(db=demo.db, actor=demo.actors[b], numbers=revoking())))
    lost = take(1)
    demo.on(5, lambda: _ok(workflow.report_lost(db=demo.db, actor=demo.actors[b], numbers=lost())))


def _huanggang(demo: Demo):
    """Enterprise B's forms at 皇岗海关 5301, a 隶属海关 of 深圳海关 5300: its own card and 5300's see them,
    5700's does not. Claimed after the rest of B's story, so that keeps its numbers and days."""
    b = "1100000000003"
    _lifecycle(demo, b, demo.claim("B", 3), "5301", 12, "registered")
    _lifecycle(demo, b, demo.claim("B", 2), "5301", 25, "used")  # declared at 5301, waiting for release


def _enterprise_c(demo: Demo):
    _apply_and_issue(demo, 60, "1100000000004", 5, "C")


def _pending(demo: Demo):
    """Work waiting for the bureau: applications to issue, a permission to open."""
    demo.on(1, lambda: _ok(workflow.apply_forms(db=demo.db, actor=demo.actors["1100000000001"], quantity=20)))
    demo.on(1, lambda: _ok(workflow.apply_forms(db=demo.db, actor=demo.actors["1100000000003"], quantity=10)))
    demo.on(0, lambda: _ok(accounts.request_permission(db=demo.db, actor=demo.actors["1100000000007"],
                                                       card_no="1100000000006")))


# ── trainees: copies of enterprise A, one per trainee (学员01 …) ─────────────────────────────────

TRAINEE_PREFIX = "学员"


def trainee_cards(number: int) -> dict[str, tuple[CardKind, str]]:
    """A trainee's two cards, as enterprise A has them: card number → (kind, holder)."""
    return {f"12{number:08d}001": (CardKind.OPERATOR, f"{TRAINEE_PREFIX}{number:02d}（企业操作员）"),
            f"12{number:08d}002": (CardKind.LEGAL, f"{TRAINEE_PREFIX}{number:02d}（企业法人）")}


def trainee_enterprise(number: int) -> tuple[str, str]:
    code, name = ENTERPRISES["A"]
    return f"44039{number:05d}", f"{TRAINEE_PREFIX}{number:02d} {name}"


def trainee_card(kinds=(CardKind.OPERATOR, CardKind.LEGAL)):
    """The condition on Card for the trainees' cards: by their numbers (12…, which 发卡 never gives out),
    never by a holder's or enterprise's name, which the data centre may give anyone."""
    return and_(Card.card_no.between("1200000000000", "1299999999999"), Card.kind.in_([str(k) for k in kinds]))


def count_trainees(db: Database) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(Card).where(trainee_card([CardKind.OPERATOR]))).one()


def seed_trainees(db: Database, count: int, *, seed: int = 7, must_change: bool = False) -> int:
    """Make enterprises 学员01 … 学员{count} (those missing), each with its cards and enterprise A's
    story on its own forms. Returns how many were made. `must_change` as for seed_demo."""
    have = count_trainees(db)
    if count <= have:
        return 0
    demo = Demo(db, {}, random.Random(seed + have), clock.today())
    with demo.db.session() as session:
        for card in session.exec(select(Card).where(Card.enterprise_id.is_(None))).all():
            demo.actors[card.card_no] = Actor.of(card)
    for number in range(have + 1, count + 1):
        code, name = trainee_enterprise(number)
        with clock.travel_to(date(2007, 1, 4)):
            with db.write() as session:
                enterprise = Enterprise(customs_code=code, name=name, created_at=clock.now())
                session.add(enterprise)
                session.flush()
                audit.append(session, actor=SYSTEM, action="入网", detail=f"{name}（海关编码 {code}）",
                             enterprise_id=enterprise.id)
                enterprise_id = enterprise.id
            for card_no, (kind, holder) in trainee_cards(number).items():
                result, _ = accounts.create_card(
                    db=db, actor=SYSTEM, kind=kind, holder=holder, card_no=card_no, password=DEMO_PASSWORD,
                    must_change=must_change, permission_expires=demo.base + timedelta(days=365),
                    enterprise_id=enterprise_id)
                assert result.ok, result.message
        with db.session() as session:
            for card in session.exec(select(Card).where(Card.enterprise_id == enterprise_id)).all():
                demo.actors[card.card_no] = Actor.of(card)
        _enterprise_a(demo, f"12{number:08d}001", f"T{number}")
    demo.play()
    with db.write() as session:  # the trainees' 练习 count what their cards do after this event
        audit.append(session, actor=SYSTEM, action=READY, detail=f"{count} 名学员")
    return count - have


READY = "练习开始"
