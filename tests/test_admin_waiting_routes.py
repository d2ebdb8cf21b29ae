"""已锁定 (IC卡管理, status=locked) shows the cards waiting after wrong passwords too, with the moment
their wait ends; 解锁 ends the wait; the dashboard's 已锁定 count counts them."""
import re

import pytest

from db import accounts, clock
from tests.conftest import csrf_of, login
from tests.helpers import HX
from tests.test_admin_routes import card, post, text_of

ADMIN, GUESSED = "9900000000001", "1100000000003"


@pytest.fixture
def waiting(app, demo):
    """Enterprise B's operator card, after more wrong passwords than the limit: it waits."""
    for _ in range(demo.settings.login_max_failures):
        assert accounts.authenticate(db=demo, card_no=GUESSED, password="wrong-pass").card is None
    until = card(demo, GUESSED).blocked_until
    assert until is not None and until > clock.now()
    return until


def _rows(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'<td data-label="IC卡号">(\d{13})</td>.*?</tr>', html, re.S)}


@pytest.mark.parametrize("headers", [{}, HX])
def test_the_locked_list_shows_waiting_cards_with_their_wait(client, waiting, headers):
    admin = login(client, ADMIN)
    rows = _rows(text_of(admin.get("/admin/cards?status=locked", headers=headers)))
    assert list(rows) == [GUESSED]
    assert f"密码输错，等待至 {clock.local(waiting):%Y-%m-%d %H:%M}" in rows[GUESSED]
    assert "解锁" in rows[GUESSED] and ">锁定<" not in rows[GUESSED]


def test_a_card_whose_wait_ended_is_not_listed(client, demo, waiting):
    admin = login(client, ADMIN)
    with clock.travel_to(clock.today().replace(year=clock.today().year + 1)):
        assert _rows(text_of(admin.get("/admin/cards?status=locked"))) == {}


def test_unlock_ends_the_wait_and_the_card_logs_in(client, app, demo, waiting):
    admin = login(client, ADMIN)
    response = post(admin, "/admin/cards/unlock", HX, card_no=GUESSED, confirmed="1",
                    back="/admin/cards?status=locked")
    assert response.status_code == 200 and f"IC卡 {GUESSED} 已解锁" in text_of(response)
    assert card(demo, GUESSED).blocked_until is None and _rows(text_of(response)) == {}
    other = app.test_client()
    token = csrf_of(text_of(other.get("/login")))
    assert other.post("/login", data={"card_no": GUESSED, "password": "88888888",
                                      "csrf_token": token}).status_code == 303


def test_the_dashboard_counts_waiting_cards_as_locked(client, waiting):
    admin = login(client, ADMIN)
    html = text_of(admin.get("/admin/"))
    link = re.search(r'href="/admin/cards/locked"[^>]*>.*?(\d+)', html, re.S)
    assert link and link.group(1) == "1", html[:3000]
