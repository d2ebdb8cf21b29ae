"""中文 / English around the screens every card shares: the switch before and after login (kept per card),
the login, password, portal, error, busy and help pages, and the demo pages, in English with no Chinese
left outside data; in Chinese as before."""
import pytest
from sqlmodel import select

from db import manual, passwords, seed
from db.models import Card
from tests.conftest import csrf_of, login
from tests.helpers import HX, post, text
from tests.test_english import chinese_left
from tests.test_pool import _tight


@pytest.fixture
def app_config() -> dict:
    return {"DEMO": True}


def english(client):
    """Press the header's English: on the card once logged in, in the cookie before."""
    token = getattr(client, "csrf", None) or csrf_of(text(client.get("/login")))
    answer = client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    assert answer.status_code == 303
    return client


def language_of(demo, card_no):
    with demo.session() as session:
        return session.exec(select(Card.language).where(Card.card_no == card_no)).one()


def test_the_login_page_in_english_before_login(client):
    english(client)
    page = text(client.get("/login"))
    assert '<html lang="en">' in page and "IC card No." in page and "Demo IC cards" in page
    assert chinese_left(page) == []
    assert 'value="zh" lang="zh-CN">中文</button>' in page


def test_logging_in_keeps_the_login_pages_language_on_a_card_that_never_chose(app, demo):
    first = english(app.test_client())
    login(first, "1100000000001")
    assert language_of(demo, "1100000000001") == "en"
    assert "System menu" in text(first.get("/"))
    fresh = login(app.test_client(), "1100000000001")  # another browser, no cookie: the card's choice
    assert "System menu" in text(fresh.get("/"))
    other = login(app.test_client(), "2200000000001")  # another card stays Chinese
    assert "系统菜单" in text(other.get("/")) and language_of(demo, "2200000000001") is None


def test_a_card_that_chose_chinese_stays_chinese_from_an_english_login_page(app, demo):
    client = login(app.test_client(), "1100000000001")
    assert language_of(demo, "1100000000001") is None
    english(client)
    assert language_of(demo, "1100000000001") == "en"
    post(client, "/language", {"language": "zh", "next": "/"})
    assert language_of(demo, "1100000000001") is None
    assert "系统菜单" in text(client.get("/"))


@pytest.mark.parametrize("card_no", ["1100000000001", "1100000000002", "1100000000004", "1100000000006",
                                     "2200000000001", "3300000000001", "9900000000001"])
def test_the_menu_and_card_page_in_english(client, card_no):
    english(login(client, card_no))
    for url in ("/", "/card", "/password"):
        for headers in ({}, HX):
            page = text(client.get(url, headers=headers))
            left = [what for _, what in chinese_left(page)
                    if "操作员卡" not in what]  # the legal card's counts are the legal screens' words
            assert left == [], (url, left)


def test_the_grey_menu_in_english(client):
    english(login(client, "1100000000004"))
    page = text(client.get("/"))
    assert "Export Forex Receipts is grey and cannot be entered" in page
    assert "IC card management and Change password can still be used." in page


def test_a_weak_password_refused_in_english_then_changed(client):
    english(login(client, "1100000000001"))
    refused = post(client, "/password", {"old": seed.DEMO_PASSWORD, "new": "12345678", "confirm": "12345678"})
    assert refused.status_code == 422
    page = text(refused)
    assert "The new password must not be consecutive digits or letters" in page and passwords.RUN not in page
    assert chinese_left(page) == []


def test_error_pages_in_english(client):
    english(login(client, "1100000000004"))  # no permission: the fx screens answer 403
    forbidden = client.get("/enterprise/apply")
    assert forbidden.status_code == 403 and "This card has no Export Forex Receipts permission" in text(forbidden)
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "Page or document not found" in text(missing)
    assert chinese_left(text(missing)) == []
    fragment = client.get("/nowhere", headers=HX)
    assert "Page or document not found" in text(fragment) and chinese_left(text(fragment)) == []


def test_the_busy_page_in_the_cookies_language(demo, tmp_path):
    from app import create_app

    database = _tight(demo, 1)
    app = create_app({"TESTING": True, "DATABASE": database, "SECRET_KEY": "t", "INSTANCE": str(tmp_path),
                      "LOGIN_RATE_PER_MINUTE": 10_000})
    client = english(login(app.test_client(), "1100000000001"))
    held = database.engine.connect()
    try:
        page = client.get("/enterprise/submit")
    finally:
        held.close()
        database.dispose()
    assert page.status_code == 503 and "The system is busy" in text(page)
    assert '<html lang="en">' in text(page) and chinese_left(text(page)) == []


@pytest.mark.parametrize("key", list(manual.sections()))
def test_every_help_section_has_its_heading_in_english_and_the_manuals_text(client, key):
    english(client)
    page = text(client.get(f"/help/{key}?screen=query.search"))
    assert chinese_left(page) == [], key
    assert f"<h1>{key} " in page and 'lang="zh-CN"' in page


def test_help_in_chinese_as_the_manual_says(client):
    page = text(client.get("/help/10"))
    assert "<h1>十、常见问题解答</h1>" in page and "十、常见问题解答</a>" in page
    assert page.count('lang="zh-CN"') == 1  # the page's own: in Chinese no element is marked


def test_the_demo_and_exercise_pages_in_english(app, demo):
    seed.seed_trainees(demo, 1)
    admin = english(login(app.test_client(), "9900000000001"))
    for url in ("/demo/reset", "/exercises/trainer"):
        page = text(admin.get(url))
        assert chinese_left(page) == [], (url, chinese_left(page))
    asked = post(admin, "/demo/reset")
    assert "Reset the demo data?" in text(asked) and chinese_left(text(asked)) == []
    trainee = english(login(app.test_client(), "1200000001001"))
    page = text(trainee.get("/exercises/"))
    assert "Apply for forms: apply for 5 forms" in page and chinese_left(page) == []
