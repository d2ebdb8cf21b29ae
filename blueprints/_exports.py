"""How many exports run at once: `EXPORTS_PER_CARD` for one card across every server process (a lease
row per export, db.leases), and at most half of this process's threads in all (counted here: the
threads are this process's own), so a long export never takes every thread.

`take` takes both for the request; the response's `Slot` gives them back when the stream is read to
its end or closed, and renews the lease while it streams."""
import logging
import threading
import time

from flask import current_app, g

from db import leases
from db.engine import get_db
from db.words import t

_lock = threading.Lock()
_running: dict[int, int] = {}
log = logging.getLogger("eportfx.exports")

BUSY_CARD = t("本卡已有导出正在进行，请等其完成后再试")
BUSY_SERVER = t("导出的人较多，请稍后再试")


def take(card_id: int) -> str | None:
    """Take an export slot for the card; None when taken (the `Slot` made next holds it), else why not."""
    total = max(1, int(current_app.config["THREADS"]) // 2)
    with _lock:
        if sum(_running.values()) >= total:
            return BUSY_SERVER
        _running[card_id] = _running.get(card_id, 0) + 1
    try:
        lease = leases.take(get_db(), card_id, int(current_app.config["EXPORTS_PER_CARD"]))
    except Exception:  # the database is busy (503): the thread's slot is not kept
        _give_back(card_id)
        raise
    if lease is None:
        _give_back(card_id)
        return BUSY_CARD
    g.export_lease = lease
    return None


def _give_back(card_id: int) -> None:
    with _lock:
        _running[card_id] -= 1
        if not _running[card_id]:
            del _running[card_id]


class Slot:
    """One export's slot: given back once, when the stream is read to its end or closed."""

    def __init__(self, card_id: int):
        self.card_id, self._held = card_id, True
        self.db, self.lease = get_db(), g.pop("export_lease")
        self._renewed = time.monotonic()

    def release(self) -> None:
        with _lock:
            held, self._held = self._held, False
        if held:
            _give_back(self.card_id)
            try:
                leases.give_back(self.db, self.lease)
            except Exception:  # the lease lapses by itself; the export itself went well
                log.warning("export lease %s not given back", self.lease, exc_info=True)

    def _renew(self) -> None:
        if time.monotonic() - self._renewed > leases.LEASE.total_seconds() / 3:
            self._renewed = time.monotonic()
            leases.renew(self.db, self.lease)

    def around(self, lines):
        try:
            for line in lines:
                self._renew()
                yield line
        finally:
            self.release()
