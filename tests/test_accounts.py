"""Login, passwords, locks, permission requests."""
from datetime import timedelta

import pytest
from sqlmodel import select

from db import accounts, clock, passwords
from db.actor import SYSTEM
from db.models import Card, CardKind, PermissionRequest


def _card(db, card_no):
    with db.session() as session:
        return session.exec(select(Card).where(Card.card_no == card_no)).one()


def test_unknown_card_and_wrong_password_read_the_same(demo):
    unknown = accounts.authenticate(db=demo, card_no="1100000000099", password="88888888")
    wrong = accounts.authenticate(db=demo, card_no="1100000000001", password="nope1234")
    assert unknown.card is None and wrong.card is None
    assert unknown.message == wrong.message == accounts.BAD_LOGIN
    assert accounts.BAD_LOGIN.startswith("IC卡号或IC卡密码错误")


def test_wrong_passwords_make_the_card_wait_longer_each_time_never_lock_it(demo):
    before = _card(demo, "1100000000001")
    for i in range(1, 5):
        assert accounts.authenticate(db=demo, card_no="1100000000001", password="bad").message == accounts.BAD_LOGIN
        after = _card(demo, "1100000000001")
        assert after.failed_attempts == i and after.blocked_until is None
        assert (after.password_hash, after.session_version, after.locked) == \
            (before.password_hash, before.session_version, False)
    waits = []
    for _ in range(4):
        moment = clock.now()
        assert accounts.authenticate(db=demo, card_no="1100000000001", password="bad").message == accounts.BAD_LOGIN
        card = _card(demo, "1100000000001")
        waits.append(round((card.blocked_until - moment).total_seconds() / 60))
        # waiting: even the right password reads like a wrong one, and nothing is counted
        assert accounts.authenticate(db=demo, card_no="1100000000001", password="88888888").message == \
            accounts.BAD_LOGIN
        assert _card(demo, "1100000000001").failed_attempts == card.failed_attempts
        _end_wait(demo, "1100000000001")
    assert waits == [1, 2, 4, 8]
    assert not _card(demo, "1100000000001").locked
    assert accounts.authenticate(db=demo, card_no="1100000000001", password="88888888").card  # after the wait


def _end_wait(db, card_no):
    from sqlalchemy import update
    with db.write() as session:
        session.execute(update(Card).where(Card.card_no == card_no).values(blocked_until=clock.now()))


def test_the_wait_is_capped(demo):
    from db.lockout import delay_after
    assert [delay_after(n, demo.settings) for n in (4,)] == [None]
    assert delay_after(5, demo.settings).total_seconds() == 60
    assert delay_after(500, demo.settings).total_seconds() == 3600


def test_unknown_locked_and_waiting_cards_answer_alike(demo, actors):
    assert accounts.set_locked(db=demo, actor=actors["admin"], card_no="1100000000003", locked=True).ok
    for _ in range(5):
        accounts.authenticate(db=demo, card_no="1100000000001", password="bad")
    answers = {accounts.authenticate(db=demo, card_no=no, password=pw).message
               for no, pw in [("1100000000099", "88888888"), ("1100000000003", "88888888"),
                              ("1100000000001", "88888888"), ("1100000000002", "bad")]}
    assert answers == {accounts.BAD_LOGIN}


def test_unlock_ends_the_lock_and_the_wait(demo, actors):
    for _ in range(6):
        accounts.authenticate(db=demo, card_no="1100000000001", password="bad")
    assert accounts.set_locked(db=demo, actor=actors["admin"], card_no="1100000000001", locked=True).ok
    assert accounts.unlock(db=demo, actor=SYSTEM, card_no="1100000000001").ok
    card = _card(demo, "1100000000001")
    assert (card.locked, card.failed_attempts, card.blocked_until) == (False, 0, None)
    assert accounts.authenticate(db=demo, card_no="1100000000001", password="88888888").card


def test_a_good_login_resets_the_count(demo):
    accounts.authenticate(db=demo, card_no="1100000000001", password="bad")
    assert accounts.authenticate(db=demo, card_no="1100000000001", password="88888888").card
    assert _card(demo, "1100000000001").failed_attempts == 0


def test_logout_and_password_change_end_old_sessions(demo, actors):
    version = _card(demo, "1100000000001").session_version
    accounts.logout(db=demo, card_id=actors["A"].card_id)
    with demo.session() as session:
        assert accounts.card_for_session(session, actors["A"].card_id, version) is None
    r = accounts.change_password(db=demo, actor=actors["A"], old="88888888", new="kx7-ofn2Rq", confirm="kx7-ofn2Rq")
    assert r.ok and _card(demo, "1100000000001").session_version == version + 2


@pytest.mark.parametrize("old, new, confirm, message", [
    ("88888888", "short", "short", accounts.PASSWORD_RULE),
    ("88888888", "88888888", "88888888", accounts.PASSWORD_RULE),
    ("88888888", "abcdefgh9", "abcdefgh0", "两次输入的新密码不一致"),
    ("wrong-old", "abcdefgh9", "abcdefgh9", "原密码错误"),
    ("", "abcdefgh9", "abcdefgh9", "请输入原密码和新密码"),
])
def test_password_change_rules(demo, actors, old, new, confirm, message):
    assert accounts.change_password(db=demo, actor=actors["A"], old=old, new=new, confirm=confirm).message == message


def test_enrolment_gives_cards_that_must_change_their_password(demo, actors):
    r, cards = accounts.create_enterprise(db=demo, actor=actors["admin"], name="新入网企业", customs_code="3100000001",
                                          legal_holder="王法人", operator_holder="赵操作")
    assert r.ok and [c.kind for c in cards] == [CardKind.LEGAL, CardKind.OPERATOR]
    login = accounts.authenticate(db=demo, card_no=cards[1].card_no, password=cards[1].password)
    assert login.card.must_change_password
    again, _ = accounts.create_enterprise(db=demo, actor=actors["admin"], name="重复", customs_code="3100000001",
                                          legal_holder="a", operator_holder="b")
    assert again.message == "海关编码 3100000001 已入网"
    denied, _ = accounts.create_enterprise(db=demo, actor=actors["bureau"], name="x", customs_code="3100000002",
                                           legal_holder="a", operator_holder="b")
    assert denied.message == "本卡无权进行此操作"


def test_reset_and_lock(demo, actors):
    r, password = accounts.reset_password(db=demo, actor=actors["admin"], card_no="1100000000003")
    assert r.ok and len(password) == 8
    assert accounts.authenticate(db=demo, card_no="1100000000003", password=password).card.must_change_password
    assert accounts.set_locked(db=demo, actor=actors["admin"], card_no="1100000000003", locked=True).ok
    assert accounts.authenticate(db=demo, card_no="1100000000003", password=password).message == accounts.BAD_LOGIN
    assert accounts.set_locked(db=demo, actor=actors["admin"], card_no="9900000000001", locked=True).message == \
        "不能锁定本卡"


def test_permission_request_and_grant_open_the_subsystem(demo, actors):
    c_legal = actors["C_legal"]
    assert not actors["C"].has_permission()
    r = accounts.request_permission(db=demo, actor=c_legal, card_no="1100000000004")
    assert r.message == "申请延期已提交，等待外汇局审批"
    assert accounts.request_permission(db=demo, actor=c_legal, card_no="1100000000004").message == \
        "该卡已有待外汇局审批的申请"
    assert accounts.request_permission(db=demo, actor=c_legal, card_no="1100000000001").message == \
        "未找到IC卡 1100000000001"  # another enterprise's card
    with demo.session() as session:
        request_id = session.exec(select(PermissionRequest.id).where(PermissionRequest.state == "pending")
                                  .order_by(PermissionRequest.id.desc())).first()
    assert accounts.decide_permission(db=demo, actor=actors["bureau"], request_id=request_id, grant=True,
                                      expires=clock.today().strftime("%Y%m%d")).message.startswith("有效期应为")
    too_far = clock.today() + timedelta(days=3 * 366 + 1)
    assert accounts.decide_permission(db=demo, actor=actors["bureau"], request_id=request_id, grant=True,
                                      expires=too_far.strftime("%Y%m%d")).message.startswith("有效期最长 3 年")
    until = clock.today().replace(year=clock.today().year + 1)
    r = accounts.decide_permission(db=demo, actor=actors["bureau"], request_id=request_id, grant=True,
                                   expires=until.strftime("%Y%m%d"))
    assert r.ok
    from tests.conftest import actor_of

    assert actor_of(demo, "1100000000004").has_permission()


def test_create_card_checks_its_input(db):
    r, _ = accounts.create_card(db=db, actor=SYSTEM, kind=CardKind.OPERATOR, holder="x")
    assert r.message == "企业卡须属于一个企业"
    r, _ = accounts.create_card(db=db, actor=SYSTEM, kind=CardKind.CUSTOMS, holder="x")
    assert r.message == "海关卡须属于一个关区"
    r, card = accounts.create_card(db=db, actor=SYSTEM, kind=CardKind.BUREAU, holder="外汇局二")
    assert r.ok and card.card_no == "2200000000001"


@pytest.mark.parametrize("new, message", [
    ("        ", passwords.BLANK),
    ("11111111", passwords.REPEATED),
    ("abcabcabc", passwords.REPEATED),
    ("12345678", passwords.RUN),
    ("87654321", passwords.RUN),
    ("88888888x", None),
    ("woaini1314", passwords.COMMON),
    ("Password1", passwords.COMMON),
    ("qwertyuiop", passwords.COMMON),
    ("x1100000000001", passwords.CARD_NO),
])
def test_weak_new_passwords_are_refused(demo, actors, new, message):
    result = accounts.change_password(db=demo, actor=actors["A"], old="88888888", new=new, confirm=new)
    assert result.message == (message or "密码修改成功")


def test_wrong_old_passwords_make_the_card_wait_like_the_login(demo, actors):
    for _ in range(5):
        assert accounts.change_password(db=demo, actor=actors["A"], old="wrong-old", new="kx7-ofn2Rq",
                                        confirm="kx7-ofn2Rq").message == "原密码错误"
    right = accounts.change_password(db=demo, actor=actors["A"], old="88888888", new="kx7-ofn2Rq", confirm="kx7-ofn2Rq")
    assert not right.ok and right.message == accounts.WAIT_MESSAGE
    assert accounts.authenticate(db=demo, card_no="1100000000001", password="88888888").card is None


def test_seeded_demo_cards_must_change_their_password_when_asked(db):
    from db import seed

    assert seed.seed_demo(db, must_change=True)
    login = accounts.authenticate(db=db, card_no="1100000000001", password=seed.DEMO_PASSWORD)
    assert login.card.must_change_password
