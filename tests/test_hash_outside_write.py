"""Card creation hashes the password before its write transaction begins: a slow hash never holds
SQLite's write lock (nor PostgreSQL's audit head) while other writers wait."""
import pytest
from sqlalchemy import event

from db import accounts, cards


@pytest.fixture
def order(demo, monkeypatch):
    """What happened, in order: "hash" for each password hashed, "write" for each write transaction begun."""
    seen = []
    hash_password = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda p: seen.append("hash") or hash_password(p))

    def on_begin(conn):
        if conn.get_execution_options().get("eportfx_write"):
            seen.append("write")

    event.listen(demo.engine, "begin", on_begin)
    yield seen
    event.remove(demo.engine, "begin", on_begin)


def test_issuing_a_card_hashes_before_the_write(demo, actors, order):
    result, card = cards.issue(db=demo, actor=actors["admin"], kind="bureau", holder="外汇局二")
    assert result.ok and card.password
    assert order == ["hash", "write"]


def test_enrolling_an_enterprise_hashes_both_cards_before_the_write(demo, actors, order):
    result, made = accounts.create_enterprise(db=demo, actor=actors["admin"], name="新入网企业",
                                              customs_code="3100000009", legal_holder="法人", operator_holder="操作员")
    assert result.ok and len(made) == 2
    assert order == ["hash", "hash", "write"]


def test_resetting_a_password_hashes_before_the_write(demo, actors, order):
    result, password = accounts.reset_password(db=demo, actor=actors["admin"], card_no="1100000000003")
    assert result.ok and password
    assert order == ["hash", "write"]


def test_the_card_logs_in_with_the_password_hashed_outside(demo, actors):
    _, card = cards.issue(db=demo, actor=actors["admin"], kind="bureau", holder="外汇局三")
    assert accounts.authenticate(db=demo, card_no=card.card_no, password=card.password).card is not None
