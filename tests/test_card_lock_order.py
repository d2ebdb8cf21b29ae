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
