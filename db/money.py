"""Exact money and quantities on both databases: NUMERIC on PostgreSQL; on SQLite, whose NUMERIC
columns keep decimals as binary floats (99999999999999.99 comes back .98), a whole number of the
smallest unit (fen for money), which SQLite stores exactly as a 64-bit integer. Every typed amount,
quantity and price stays below LIMIT, so a total always fits its column."""
from decimal import Decimal, InvalidOperation, localcontext

from sqlalchemy import Numeric
from sqlalchemy.types import TypeDecorator

from db.words import t

LIMIT = Decimal(10) ** 14
TOO_LARGE = t("不能超过 99,999,999,999,999")


class _RawNumeric(Numeric):
    """NUMERIC in the DDL, with no float conversion on the way in or out (SQLite)."""

    def bind_processor(self, dialect):
        return None

    def result_processor(self, dialect, coltype):
        return None


class Exact(TypeDecorator):
    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2):
        super().__init__(precision, scale)
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_RawNumeric(self.impl.precision, self.scale))
        return dialect.type_descriptor(Numeric(self.impl.precision, self.scale))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        return int(Decimal(value).scaleb(self.scale).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        if isinstance(value, float):  # a row written before the conversion to whole units
            return Decimal(repr(value)).quantize(Decimal(1).scaleb(-self.scale))
        return Decimal(int(value)).scaleb(-self.scale)


def product(quantity: Decimal, price: Decimal) -> Decimal | None:
    """quantity × price to the fen, or None when it reaches LIMIT."""
    with localcontext() as context:
        context.prec = 60
        try:
            total = (quantity * price).quantize(Decimal("0.01"))
        except InvalidOperation:
            return None
    return total if total < LIMIT else None
