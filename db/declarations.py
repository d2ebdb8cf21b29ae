"""出口报关单 input: parse what customs typed, check every code, amount and date, say what is wrong."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, func, select

from db import clock, codes, money
from db.models import Declaration
from db.words import t

MAX_LINES = 20

# field name → (label, code table or None)
HEADER_FIELDS = {
    "declared_on": (t("申报日期"), None),
    "exported_on": (t("出口日期"), None),
    "transport": (t("运输方式"), "transport"),
    "trade_mode": (t("贸易方式"), "trade"),
    "settlement": (t("结汇方式"), "settlement"),
    "deal": (t("成交方式"), "deal"),
    "currency": (t("币制"), "currency"),
    "country": (t("运抵国"), "country"),
    "dest_port": (t("指运港"), None),
}
LINE_FIELDS = {"hs_code": t("商品编号"), "name": t("商品名称"), "quantity": t("数量"), "unit": t("单位"),
               "unit_price": t("单价")}


@dataclass
class LineInput:
    hs_code: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return money.product(self.quantity, self.unit_price) or money.LIMIT  # parse refuses the latter


@dataclass
class DeclarationInput:
    declared_on: date
    exported_on: date
    transport: str
    trade_mode: str
    settlement: str
    deal: str
    currency: str
    country: str
    dest_port: str
    lines: list[LineInput] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))


def parse_date(text: str) -> date | None:
    text = (text or "").strip().replace("-", "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def parse_amount(text: str, places: int = 4) -> Decimal | None:
    """A positive decimal with at most `places` decimals, else None."""
    try:
        value = Decimal((text or "").strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value >= money.LIMIT:
        return None
    if -value.as_tuple().exponent > places:
        return None
    return value


def line_total(quantity: Decimal | None, unit_price: Decimal | None) -> Decimal | None:
    """数量 × 单价 to the cent, or None when either is missing or the product is too large."""
    return money.product(quantity, unit_price) if quantity and unit_price else None


def parse(session: Session, data: dict[str, str], lines: list[dict[str, str]]):
    """(DeclarationInput, {}) when everything is right; (None, {field: message}) otherwise."""
    errors: dict[str, str] = {}
    values = _parse_header(session, data, errors)
    parsed_lines = _parse_lines(lines, errors)
    if parsed_lines and sum((line.total for line in parsed_lines), Decimal(0)) >= money.LIMIT:
        errors["lines"] = t("报关单总价%(too_large)s", too_large=money.TOO_LARGE)
    if errors:
        return None, errors
    return DeclarationInput(**values, lines=parsed_lines), {}


def _parse_header(session: Session, data: dict[str, str], errors: dict[str, str]) -> dict:
    values: dict = {}
    for name, (label, table) in HEADER_FIELDS.items():
        text = (data.get(name) or "").strip()
        if not text:
            errors[name] = t("请填写%(label)s", label=label)
        elif name.endswith("_on"):
            values[name] = parse_date(text)
            if values[name] is None:
                errors[name] = t("%(label)s应为 YYYYMMDD 格式的日期", label=label)
            elif values[name] > clock.today():
                errors[name] = t("%(label)s不能晚于今天", label=label)
        elif table and codes.name_of(session, table, text) is None:
            errors[name] = t("%(label)s代码 %(code)s 不存在", label=label, code=text[:10])
        elif len(text) > 40:
            errors[name] = t("%(label)s不能超过 40 个字", label=label)
        else:
            values[name] = text
    if not errors and values["exported_on"] < values["declared_on"]:
        errors["exported_on"] = t("出口日期不能早于申报日期")
    return values


def _parse_lines(lines: list[dict[str, str]], errors: dict[str, str]) -> list[LineInput]:
    filled = [line for line in lines if any((v or "").strip() for v in line.values())]
    if not filled:
        errors["lines"] = t("请至少填写一项商品")
        return []
    if len(filled) > MAX_LINES:
        errors["lines"] = t("商品最多 %(n)s 项", n=MAX_LINES)
        return []
    parsed = []
    for i, line in enumerate(filled, start=1):
        hs_code = (line.get("hs_code") or "").strip()
        name = (line.get("name") or "").strip()
        quantity = parse_amount(line.get("quantity", ""))
        unit_price = parse_amount(line.get("unit_price", ""))
        problem = None
        if len(hs_code) != 10 or not hs_code.isdigit():
            problem = t("商品编号应为 10 位数字")
        elif not name or len(name) > 100:
            problem = t("请填写商品名称（100 字以内）")
        elif quantity is None:
            problem = t("数量应为大于 0 的数字，最多 4 位小数，%(too_large)s", too_large=money.TOO_LARGE)
        elif unit_price is None:
            problem = t("单价应为大于 0 的数字，最多 4 位小数，%(too_large)s", too_large=money.TOO_LARGE)
        elif money.product(quantity, unit_price) is None:
            problem = t("总价（数量×单价）%(too_large)s", too_large=money.TOO_LARGE)
        if problem:
            errors[f"line{i}"] = t("第 %(i)s 项：%(problem)s", i=i, problem=problem)
            continue
        parsed.append(LineInput(hs_code, name, quantity, (line.get("unit") or "").strip()[:8], unit_price))
    return parsed


def next_numbers(session: Session, district: str, year: int) -> tuple[str, str]:
    """报关单号 (关区 + year + 1 for export + 9-digit serial) and 统一编号 for a new declaration."""
    prefix = f"{district}{year}1"
    last = session.exec(
        select(func.max(Declaration.number)).where(
            Declaration.number >= prefix + "0" * 9, Declaration.number <= prefix + "9" * 9
        )
    ).one()
    serial = int(last[-9:]) + 1 if last else 1
    return f"{prefix}{serial:09d}", f"{district}{year}E{serial:09d}"
