"""核销: what the bureau types (收汇金额, 收汇日期, 差额原因), checked against the form's declaration
before anything is written. The same check answers the confirmation (是否进行核销？) and guards the
write itself, so what was confirmed is what is written."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from db import declarations
from db.models import Declaration
from db.transaction import Refused
from db.words import Text, t

AMOUNT_MESSAGE = t("收汇金额应为大于 0 的数字，最多 2 位小数，不能超过 99,999,999,999,999")
DATE_MESSAGE = t("收汇日期应为 YYYYMMDD 格式的日期")
MAX_REASON = 200


@dataclass(frozen=True)
class Collection:
    """A write-off as typed and checked: the amount collected, when, and why it differs from 总价."""

    amount: Decimal
    day: date
    reason: str = ""

    def describe(self, currency: str) -> Text:
        """The audit trail's words (and the confirmation's, translated there: the trail keeps the Chinese)."""
        values = {"currency": currency, "amount": format(self.amount, ",.2f"), "day": self.day.strftime("%Y-%m-%d")}
        if self.reason:
            return t("收汇金额 %(currency)s %(amount)s，收汇日期 %(day)s，差额原因：%(reason)s",
                     reason=self.reason, **values)
        return t("收汇金额 %(currency)s %(amount)s，收汇日期 %(day)s", **values)


def difference(amount: Decimal, total: Decimal | None) -> Decimal | None:
    """How far `amount` is from 总价, in percent of 总价 (None without a total)."""
    if not total:
        return None
    return abs(amount - total) * 100 / total


def beyond_tolerance(amount: Decimal, total: Decimal | None, tolerance: float) -> bool:
    gap = difference(amount, total)
    return gap is not None and gap > Decimal(str(tolerance))


def check(decl: Declaration | None, amount: str, collected_on: str, reason: str, *, tolerance: float,
          today: date, currency: str = "") -> Collection:
    """The write-off `amount` / `collected_on` / `reason` would make, or Refused saying what is wrong
    (in the order the officer reads the fields)."""
    value = declarations.parse_amount(amount, places=2)
    if value is None:
        raise Refused(AMOUNT_MESSAGE)
    day = declarations.parse_date(collected_on)
    if day is None:
        raise Refused(DATE_MESSAGE)
    if day > today:
        raise Refused(t("收汇日期不能晚于今天"))
    if decl is not None and day < decl.exported_on:
        raise Refused(t("收汇日期不能早于出口日期 %(day)s", day=decl.exported_on.strftime("%Y-%m-%d")))
    reason = " ".join((reason or "").split())[:MAX_REASON]
    total = decl.total if decl is not None else None
    if not reason and beyond_tolerance(value, total, tolerance):
        raise Refused(t("收汇金额与报关单总价 %(currency)s %(total)s 相差 %(gap)s%%，"
                        "超过 %(tolerance)s%%，请填写差额原因",
                        currency=currency, total=format(total, ",.2f"), gap=format(difference(value, total), ".2f"),
                        tolerance=format(Decimal(str(tolerance)).normalize(), "f")))
    return Collection(value, day, reason)
