"""Weak passwords refused at 修改密码: blank, one repeated character or run, the card's own number, or
one of the common passwords in db/data/common_passwords.txt (sources in common_passwords_sources.txt)."""
from functools import cache
from pathlib import Path

from db.words import t

LIST = Path(__file__).parent / "data" / "common_passwords.txt"
BLANK = t("新密码不能只有空格")
REPEATED = t("新密码不能是同一字符或同一段字符的重复（如 11111111、abcabcabc）")
COMMON = t("新密码过于常见，容易被猜中，请另选一个")
RUN = t("新密码不能是连续的数字或字母（如 12345678、abcdefgh）")
CARD_NO = t("新密码不能包含IC卡号")


@cache
def common() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in LIST.read_text(encoding="utf-8").splitlines() if line.strip())


def _repeated(text: str) -> bool:
    """The whole text is one piece written again and again (aaaa, 1212, abcabc)."""
    n = len(text)
    return any(n % size == 0 and text == text[:size] * (n // size) for size in range(1, n // 2 + 1))


def _run(text: str) -> bool:
    """Each character is the one after (or before) the previous one: 12345678, 87654321, abcdefgh."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return len(steps) == 1 and steps <= {1, -1}


def weakness(password: str, card_no: str = "") -> str | None:
    """Why `password` is too weak, in Chinese, or None."""
    if not password.strip():
        return BLANK
    lowered = password.lower()
    if _repeated(lowered):
        return REPEATED
    if _run(lowered):
        return RUN
    if card_no and card_no in password:
        return CARD_NO
    if lowered in common() or lowered.strip() in common():
        return COMMON
    return None
