"""Every writer of a card takes the audit head before the card row, so failing logins and the data
centre's lock, reset and password change never deadlock (PostgreSQL: EPORTFX_TEST_DB=postgresql)."""
from sqlalchemy import update

from db import accounts
from db.models import Card
from tests.test_race import _race

ROUNDS = 8


def test_failing_logins_and_admin_changes_on_one_card_never_deadlock(demo, actors):
    admin, card_no, errors = actors["admin"], "1100000000003", []

    def guarded(call):
        def run():
            try:
                return call()
            except Exception as error:  # a deadlock surfaces here as an OperationalError
                errors.append(repr(error))
                raise
        return run

    for round_no in range(ROUNDS):
        _one_failure_from_the_limit(demo, card_no)
        attempts = [lambda: accounts.authenticate(db=demo, card_no=card_no, password="wrong-pass")] * 4 + [
            lambda: accounts.set_locked(db=demo, actor=admin, card_no=card_no, locked=True),
            lambda: accounts.reset_password(db=demo, actor=admin, card_no=card_no),
            lambda: accounts.change_password(db=demo, actor=actors["B"], old="88888888", new="kx7-ofn2Rq",
                                             confirm="kx7-ofn2Rq"),
            lambda: accounts.set_locked(db=demo, actor=admin, card_no=card_no, locked=False),
        ]
        _race([guarded(a) for a in attempts])
        assert not errors, errors
        assert accounts.unlock(db=demo, actor=admin, card_no=card_no).ok


def _one_failure_from_the_limit(db, card_no):
    """The next wrong password is the one that audits (the case that took the locks in reverse)."""
    with db.write() as session:
        session.execute(update(Card).where(Card.card_no == card_no).values(
            failed_attempts=db.settings.login_max_failures - 1, locked=False))


def test_guesses_sent_at_once_get_no_more_checks_than_one_at_a_time(demo, monkeypatch):
    """One wrong password from the wait: of many guesses sent at the same instant only one is checked
    against the card's hash (the others find the card waiting), and the right one among them gets
    no way in while the card waits. Each check is slowed, so all of them start before any ends."""
    import time

    card_no, checked = "1100000000003", []
    real_check = accounts.check_password_hash

    def slow_check(stored, password):
        if stored != accounts._DUMMY_HASH:
            checked.append(password)
            time.sleep(0.3)
        return real_check(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", slow_check)
    _one_failure_from_the_limit(demo, card_no)
    guesses = [f"wrong-{n}" for n in range(5)] + ["88888888"]
    logins = _race([lambda p=p: accounts.authenticate(db=demo, card_no=card_no, password=p) for p in guesses])
    assert len(checked) == 1
    assert sum(login.card is not None for login in logins) <= 1
    if checked[0] != "88888888":
        assert all(login.card is None for login in logins)


def test_old_passwords_sent_at_once_get_no_more_checks_than_one_at_a_time(demo, actors, monkeypatch):
    """修改密码's 原密码 counts as a login's password does, guesses sent at once included."""
    import time

    checked, real_check = [], accounts.check_password_hash

    def slow_check(stored, password):
        checked.append(password)
        time.sleep(0.3)
        return real_check(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", slow_check)
    _one_failure_from_the_limit(demo, actors["B"].card_no)
    results = _race([lambda p=p: accounts.change_password(db=demo, actor=actors["B"], old=p, new="kx7-ofn2Rq",
                                                          confirm="kx7-ofn2Rq") for p in ("wrong-1", "wrong-2", "wrong-3")])
    assert len(checked) == 1 and not any(result.ok for result in results)
