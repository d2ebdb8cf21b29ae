"""How many exports run at once: a few per card and a share of the server's threads in all, so a
long export never takes every thread (in this process; each instance counts its own)."""
import threading

from flask import current_app

_lock = threading.Lock()
_running: dict[int, int] = {}

BUSY_CARD = "本卡已有导出正在进行，请等其完成后再试"
BUSY_SERVER = "导出的人较多，请稍后再试"


def take(card_id: int) -> str | None:
    """Take an export slot for the card; None when taken, else why not (in Chinese)."""
    per_card = int(current_app.config["EXPORTS_PER_CARD"])
    total = max(1, int(current_app.config["THREADS"]) // 2)
    with _lock:
        if _running.get(card_id, 0) >= per_card:
            return BUSY_CARD
        if sum(_running.values()) >= total:
            return BUSY_SERVER
        _running[card_id] = _running.get(card_id, 0) + 1
    return None


def give_back(card_id: int) -> None:
    with _lock:
        _running[card_id] -= 1
        if not _running[card_id]:
            del _running[card_id]


class Slot:
    """One export's slot: given back once, when the stream is read to its end or closed."""

    def __init__(self, card_id: int):
        self.card_id, self._held = card_id, True

    def release(self) -> None:
        with _lock:
            held, self._held = self._held, False
        if held:
            give_back(self.card_id)

    def around(self, lines):
        try:
            yield from lines
        finally:
            self.release()
