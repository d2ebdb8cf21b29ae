"""Wrong passwords make a card wait, longer each time, instead of locking it: nobody can lock another
person's card by guessing, and a guesser gets a few tries an hour at most. The data centre's lock
(Card.locked) stays the only lock; `eportfx unlock-card` and 解锁 clear both."""
from datetime import datetime, timedelta

from sqlalchemy import or_

from db import clock
from db.models import Card
from db.rules import Policy


def delay_after(failures: int, settings: Policy) -> timedelta | None:
    """How long the card waits after `failures` wrong passwords in a row: none below the limit, then
    `login_delay_seconds`, doubling with every further failure up to `login_delay_max_seconds`."""
    over = failures - settings.login_max_failures
    if over < 0:
        return None
    seconds = settings.login_delay_seconds * 2 ** min(over, 30)
    return timedelta(seconds=min(seconds, settings.login_delay_max_seconds))


def waiting(blocked_until: datetime | None, now: datetime | None = None) -> bool:
    return blocked_until is not None and blocked_until > (now or clock.now())


def held():
    """The condition on Card for the data centre's 已锁定 list: locked by it, or waiting after wrong passwords."""
    return or_(Card.locked.is_(True), Card.blocked_until > clock.now())
