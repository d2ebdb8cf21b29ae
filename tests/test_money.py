"""Money, quantities and prices are exact on both databases, and bounded with a clear message."""
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from db import migrate, money, workflow
from db.declarations import LineInput, parse
from db.engine import Database
from db.models import AuditEvent, CardKind, Declaration, DeclarationLine, Form, FormState
from tests import factories
from tests.conftest import BACKEND

BIG = Decimal("99999999999999.99")


def test_the_largest_amount_is_stored_and_audited_exactly(db):
    mine = factories.enterprise(db)
    customs = factories.card(db, CardKind.CUSTOMS, district="5700")
    bureau = factories.card(db, CardKind.BUREAU)
    number = factories.form(db, mine, FormState.REGISTERED, declaration=None)
    data = factories.declaration_input(lines=[LineInput("6109100022", "货物", Decimal("1"), "件", BIG)])
    assert workflow.record_declaration(db=db, actor=customs, number=number, data=data).ok
    submitted = factories.form(db, mine, FormState.SUBMITTED, received=True)
    assert workflow.write_off(db=db, actor=bureau, number=submitted, amount="99999999999999.99",
                              collected_on=factories.clock.today().strftime("%Y%m%d"), reason="溢收").ok
    with db.session() as session:
        decl = session.exec(select(Declaration).join(Form, Form.id == Declaration.form_id)
                            .where(Form.number == number)).one()
        line = session.exec(select(DeclarationLine).where(DeclarationLine.declaration_id == decl.id)).one()
        assert decl.total == line.total == line.unit_price == BIG
        assert session.exec(select(Form.collected_amount).where(Form.number == submitted)).one() == BIG
        # the query builder compares exactly too
        assert session.exec(select(Declaration.id).where(Declaration.total == BIG)).all() == [decl.id]
        details = session.exec(select(AuditEvent.detail).where(AuditEvent.form_number.in_([number, submitted]))
                               .order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert any("99,999,999,999,999.99" in d for d in details)


@pytest.mark.parametrize("quantity, price, message", [
    ("10000000000000", "10000000000000", "第 1 项：总价（数量×单价）不能超过 99,999,999,999,999"),
    ("100000000000000", "1", "第 1 项：数量应为大于 0 的数字，最多 4 位小数，不能超过 99,999,999,999,999"),
    ("1", "1e14", "第 1 项：单价应为大于 0 的数字，最多 4 位小数，不能超过 99,999,999,999,999"),
])
def test_amounts_beyond_the_bound_are_refused_with_a_message(db, quantity, price, message):
    header = {"declared_on": "20260101", "exported_on": "20260101", "transport": "2", "trade_mode": "0110",
              "settlement": "2", "deal": "3", "currency": "502", "country": "502", "dest_port": "洛杉矶"}
    line = {"hs_code": "6109100022", "name": "货物", "quantity": quantity, "unit": "件", "unit_price": price}
    with db.session() as session:
        data, errors = parse(session, header, [line])
    assert data is None and errors["line1"] == message


def test_the_sum_of_lines_is_bounded_too(db):
    header = {"declared_on": "20260101", "exported_on": "20260101", "transport": "2", "trade_mode": "0110",
              "settlement": "2", "deal": "3", "currency": "502", "country": "502", "dest_port": "洛杉矶"}
    line = {"hs_code": "6109100022", "name": "货物", "quantity": "1", "unit": "件", "unit_price": "60000000000000"}
    with db.session() as session:
        _, errors = parse(session, header, [line, line])
    assert errors["lines"] == "报关单总价不能超过 99,999,999,999,999"
    assert money.product(Decimal("1e13"), Decimal("1e13")) is None


@pytest.mark.skipif(BACKEND != "sqlite", reason="PostgreSQL's NUMERIC was exact already")
def test_the_migration_turns_stored_floats_into_exact_amounts(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = Database(url)
    with database.write_connection() as connection:
        command.upgrade(migrate._config(connection), "0002_query_indexes")
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.execute(text("INSERT INTO enterprise (id, customs_code, name, created_at) "
                          "VALUES (1, '4403910001', 'x', '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO form (id, number, enterprise_id, state, issued_on, version, updated_at, "
                          "collected_amount) VALUES (1, '286000001', 1, 'written_off', '2026-01-01', 1, "
                          "'2026-01-01 00:00:00', 1234567.89)"))
    migrate.upgrade(database)
    with database.session() as session:
        assert session.exec(select(Form.collected_amount)).one() == Decimal("1234567.89")
    with raw.connect() as conn:
        assert conn.execute(text("SELECT typeof(collected_amount) FROM form")).scalar() == "integer"
    raw.dispose()
    database.dispose()
