"""法人卡 screens through the test client: the enterprise's forms (read only), its operator cards and
申请开通 / 申请延期 (manual §10.1)."""
import pytest
from sqlmodel import func, select

from db.models import PermissionRequest
from tests.conftest import login
from tests.helpers import HX, RESTORE

A_LEGAL, B_LEGAL, C_LEGAL = "1100000000002", "1100000000007", "1100000000005"


def requests(demo):
    with demo.session() as session:
        return session.exec(select(func.count()).select_from(PermissionRequest)).one()


def post(client, url, headers=None, **data):
    return client.post(url, data={"csrf_token": client.csrf, **data}, headers=headers or {})


@pytest.mark.parametrize("card, url, marker", [
    (A_LEGAL, "/legal/forms", 'id="rows"'),
    (A_LEGAL, "/legal/forms?state=lost", 'id="rows"'),
    (A_LEGAL, "/legal/forms?after=286000030", 'id="rows"'),
    (C_LEGAL, "/legal/cards", 'id="cards"'),
])
def test_fragment_or_page(app, card, url, marker):
    client = login(app.test_client(), card)
    page, fragment, restored = (client.get(url, headers=h) for h in ({}, HX, RESTORE))
    for response in (page, fragment, restored):
        assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
        assert marker in response.get_data(as_text=True)
    assert page.get_data(as_text=True).startswith("<!doctype html>")
    assert restored.get_data(as_text=True).startswith("<!doctype html>")
    assert "<html" not in fragment.get_data(as_text=True)


def test_forms_are_the_enterprise_own_read_only(app):
    client = login(app.test_client(), A_LEGAL)
    body = client.get("/legal/forms?state=lost").get_data(as_text=True)
    assert body.count('href="/forms/2860000') == 3  # 286000082..084
    assert "<button" not in body.split('id="rows"')[1]
    assert "未找到核销单 286000111" in client.get("/legal/forms?number=286000111").get_data(as_text=True)
    assert "核销单号应为 9 位数字" in client.get("/legal/forms?number=1").get_data(as_text=True)
    assert "已挂失" in client.get("/forms/286000082").get_data(as_text=True)


def test_cards_show_the_permission_and_ask_for_an_extension(app, demo):
    client = login(app.test_client(), C_LEGAL)
    body = client.get("/legal/cards").get_data(as_text=True)
    assert "1100000000004" in body and "（已到期）" in body and ">申请延期</button>" in body
    before = requests(demo)
    done = post(client, "/legal/cards", HX, card_no="1100000000004")
    text = done.get_data(as_text=True)
    assert "申请延期已提交，等待外汇局审批" in text and "待外汇局审批" in text
    assert 'disabled aria-label="申请延期 1100000000004"' in text
    again = post(client, "/legal/cards", card_no="1100000000004")
    assert again.status_code == 422 and "该卡已有待外汇局审批的申请" in again.get_data(as_text=True)
    assert requests(demo) == before + 1


def test_without_js_the_request_redirects_with_the_message(app):
    client = login(app.test_client(), A_LEGAL)
    response = post(client, "/legal/cards", card_no="1100000000001")
    assert response.status_code == 303
    assert "申请延期已提交，等待外汇局审批" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_new_card_waits_for_its_opening(app):
    body = login(app.test_client(), B_LEGAL).get("/legal/cards").get_data(as_text=True)
    assert "1100000000006" in body and "未开通" in body and "申请开通" in body and "待外汇局审批" in body


@pytest.mark.parametrize("card_no", ["1100000000001", "1100000000002", "2200000000001", "x" * 50, ""])
def test_b_asks_for_a_card_that_is_not_its_operator_card(app, demo, card_no):
    client = login(app.test_client(), B_LEGAL)
    before = requests(demo)
    for headers in ({}, HX):
        response = post(client, "/legal/cards", headers, card_no=card_no)
        assert response.status_code == 422 and "未找到IC卡" in response.get_data(as_text=True)
    assert requests(demo) == before


def test_cards_work_without_a_permission_but_forms_do_not(app, demo):
    from datetime import timedelta

    from db import clock
    from db.models import Card

    with demo.write() as session:
        card = session.exec(select(Card).where(Card.card_no == C_LEGAL)).one()
        card.permission_expires = clock.today() - timedelta(days=1)
    client = login(app.test_client(), C_LEGAL)
    assert client.get("/legal/cards").status_code == 200
    assert client.get("/legal/forms").status_code == 403
    assert client.get("/legal/").status_code == 403


def test_other_cards_cannot_enter(app):
    for card in ("1100000000001", "2200000000001"):
        assert login(app.test_client(), card).get("/legal/cards").status_code == 404


# ── the 法人卡's dashboard: its operator cards, each count the list it opens ─────────────────────

@pytest.mark.parametrize("legal, expected", [
    ("1100000000005", {"expired": ["1100000000004"], "expiring": [], "unopened": [], "pending": []}),
    ("1100000000007", {"expired": [], "expiring": [], "unopened": ["1100000000006"], "pending": ["1100000000006"]}),
])
def test_dashboard_counts_the_operator_cards_it_lists(app, demo, legal, expected):
    from db import accounts
    from tests.helpers import text

    client = login(app.test_client(), legal)
    home = text(client.get("/legal/"))
    assert "可备案的核销单" not in home and "核销单状态分布" not in home
    for key, cards in expected.items():
        label = accounts.CARD_WATCHES[key]
        assert f'<a href="/legal/cards?show={key}"><b>{len(cards)}</b>{label}</a>' in home
        listing = text(client.get(f"/legal/cards?show={key}"))
        assert listing.count('data-label="IC卡号"') == len(cards)
        assert all(card in listing for card in cards)
    assert "请使用法人卡" not in home


def test_expiring_within_thirty_days(app, demo):
    from datetime import timedelta

    from db import clock
    from db.models import Card
    from tests.helpers import text

    with demo.write() as session:
        card = session.exec(select(Card).where(Card.card_no == "1100000000001")).one()
        card.permission_expires = clock.today() + timedelta(days=30)
    client = login(app.test_client(), "1100000000002")
    assert '<a href="/legal/cards?show=expiring"><b>1</b>' in text(client.get("/legal/"))
    assert "1100000000001" in text(client.get("/legal/cards?show=expiring"))
    assert "1100000000001" not in text(client.get("/legal/cards?show=expired"))


@pytest.mark.parametrize("card_no, says", [
    ("1100000000004", ["出口收汇权限已于", "到期", "请使用法人卡通过电子口岸向外汇管理局申请延期"]),
    ("1100000000006", ["出口收汇权限尚未开通", "申请开通，等待外汇局审批"]),
])
def test_a_grey_card_is_told_why(app, demo, card_no, says):
    from tests.helpers import text

    home = text(login(app.test_client(), card_no).get("/"))
    assert all(words in home for words in says), home
