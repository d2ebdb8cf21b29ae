"""Odd request values answer in Chinese on the same page, never with a 500, and nothing is written
before an answer that could still fail: paging keys in other scripts or beyond 64 bits, impossible
dates, amounts whose product overflows, a line break in a return address."""
import pytest
from sqlmodel import select

from db.models import Card, FormState
from tests.conftest import login
from tests.helpers import HX, post, text
from tests.test_customs_routes import entry
from tests.test_customs_workflow import forms_where

HUGE = str(2**63)
CARDS = {"legal": "1100000000002", "operator": "1100000000001", "admin": "9900000000001",
         "customs": "3300000000001", "bureau": "2200000000001"}


@pytest.mark.parametrize("card, url", [
    ("legal", "/legal/cards?after=²"),
    ("legal", "/legal/cards?before=" + HUGE),
    ("legal", "/legal/forms?after=²"),
    ("operator", "/enterprise/apply?after=²"),
    ("operator", "/enterprise/apply?before=" + HUGE),
    ("operator", "/enterprise/submit?after=²"),
    ("operator", "/query/?remove=²"),
    ("operator", "/query/?remove=" + HUGE),
    ("operator", "/query/?run=1&after=²"),
    ("admin", "/admin/cards?after=" + HUGE),
    ("admin", "/admin/cards?before=" + HUGE),
    ("admin", "/admin/cards?after=²"),
    ("admin", "/admin/audit?after=" + HUGE),
    ("admin", "/admin/audit?before=" + HUGE),
    ("admin", "/admin/audit?mark=" + HUGE),
    ("bureau", "/bureau/applications?after=" + HUGE),
    ("bureau", "/bureau/permissions?before=²"),
    ("bureau", "/bureau/receipts?after=²"),
    ("customs", "/customs/revocations?after=²"),
])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_odd_paging_keys_show_the_first_page(client, card, url, headers):
    login(client, CARDS[card])
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 303), text(response)


@pytest.mark.parametrize("value", ["0001", "00010101", "99999999", "2026-13-01", "²"])
def test_an_impossible_audit_date_is_said_in_chinese(client, value):
    login(client, CARDS["admin"])
    response = client.get(f"/admin/audit?date_from={value}")
    assert response.status_code in (200, 422), text(response)
    assert "系统出错" not in text(response)


@pytest.mark.parametrize("press", ["verify", "add_line"])
def test_a_goods_line_whose_total_overflows_is_refused(client, demo, press):
    login(client, CARDS["customs"])
    number = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    data = entry()
    data["quantity"] = ["10000000000000", "", ""]
    data["unit_price"] = ["10000000000000", "", ""]
    response = post(client, f"/customs/verify/{number}", {**data, "rows": "3", press: ""}, HX)
    assert response.status_code in (200, 422), text(response)
    if press == "verify":
        assert response.status_code == 422
        assert forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0] == number


@pytest.mark.parametrize("action", ["lock", "unlock", "reset"])
@pytest.mark.parametrize("back", ["/admin/cards?x=1\r\nSet-Cookie: a=b", "/admin/cards\n", "/admin/cards?\r"])
def test_a_return_address_with_a_line_break_is_refused_before_anything_is_written(client, demo, action, back):
    login(client, CARDS["admin"])
    before = card(demo, "1100000000003")
    response = post(client, f"/admin/cards/{action}", {"card_no": "1100000000003", "confirmed": "1", "back": back})
    assert response.status_code == 400, text(response)
    after = card(demo, "1100000000003")
    assert (after.locked, after.password_hash) == (before.locked, before.password_hash)


def card(database, card_no) -> Card:
    with database.session() as session:
        return session.exec(select(Card).where(Card.card_no == card_no)).one()
