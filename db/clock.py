"""Time in one place: business dates are China dates; timestamps are aware, stored in UTC.

`travel_to()` moves the clock for the demo seed (a realistic history, in order) and for tests of
deadlines; nothing else sets it.
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def today() -> date:
    return now().astimezone(CHINA).date()


def local(moment: datetime | None) -> datetime | None:
    """A stored timestamp as China time, for display."""
    if moment is None:
        return None
    return moment.astimezone(CHINA).replace(tzinfo=None)


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


@contextmanager
def travel_to(day: date, hour: int = 10, minute: int = 0):
    """Run the block as if it were `day` at `hour` o'clock (plus `minute` minutes) China time."""
    global _offset
    saved = _offset
    target = datetime.combine(day, time(hour), CHINA) + timedelta(minutes=minute)
    _offset = target - datetime.now(UTC)
    try:
        yield
    finally:
        _offset = saved
