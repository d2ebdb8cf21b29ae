"""帮助: every screen links to its section of the manual, taken from the manual word for word."""
import json
import re
import sys
from pathlib import Path

import pytest

from db import manual
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent
NOT_SCREENS = {"static", "query.export", "exercises.export", "healthz"}  # files and the health probe, not screens


@pytest.fixture
def app_config():
    return {"DEMO": True}  # the demo screens need their sections too


def test_every_screen_has_a_section(app):
    screens = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods} - NOT_SCREENS
    missing = sorted(e for e in screens if manual.section_for(e) is None)
    assert not missing, f"screens without a 帮助 section in db/manual.py SECTIONS: {missing}"
    for endpoint in screens:
        assert manual.section(manual.section_for(endpoint)), endpoint
    for keys in manual.FAQ.values():
        assert all(key.startswith("10.") and manual.section(key) for key in keys)


def test_sections_are_the_manuals_words():
    source = re.sub(r"\s", "", (ROOT / "db" / "data" / "manual.txt").read_text(encoding="utf-8"))
    sections = manual.sections()
    assert [k for k in sections if "." not in k] == [str(n) for n in range(1, 11)]
    for section in sections.values():
        for block in section["blocks"]:
            assert re.sub(r"\s", "", block["text"]) in source, block["text"]
    five = sections["5.1"]
    assert "是否进行备案" in json.dumps(five, ensure_ascii=False)
    assert [b["text"] for b in five["blocks"] if b["kind"] == "figure"] == ["图四", "图五", "图六", "图七"]


def test_the_data_is_what_the_script_makes():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import manual_sections
    finally:
        sys.path.pop(0)
    made = manual_sections.parse((ROOT / "db" / "data" / "manual.txt").read_text(encoding="utf-8"))
    assert made == list(manual.sections().values())


def test_help_is_linked_and_separate(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/help/3?screen=auth.login"' in page and "用户登录互联网" not in page
    help_page = client.get("/help/3?screen=auth.login").get_data(as_text=True)
    assert "三、登录操作" in help_page and "<li>点击“出口收汇”进入子系统</li>" in help_page and "（图一）" in help_page
    assert client.get("/help/99").status_code == 404


def test_faq_where_its_situations_arise(client):
    login(client, "1100000000001")
    page = client.get("/enterprise/submit").get_data(as_text=True)
    assert 'href="/help/7.1?screen=enterprise.submit_list"' in page and "10.3" not in page
    help_page = client.get("/help/7.1?screen=enterprise.submit_list").get_data(as_text=True)
    assert "7.1 企业交单" in help_page and "10.3 核销单无法交单" in help_page and "10.4 " in help_page
    assert "10.1 无出口收汇系统权限" in client.get("/help/10").get_data(as_text=True)


def test_the_contents_list_every_section(client):
    """/help/ is the manual's 目录: each section's number and title, linking to its page; §十 with its questions."""
    page = client.get("/help/").get_data(as_text=True)
    assert "<h1>目录</h1>" in page
    for key, section in manual.sections().items():
        joined = "、" if "." not in key else " "
        assert f'<a href="/help/{key}">{section["number"]}{joined}{section["title"]}</a>' in page, key
    assert page.index("十、常见问题解答") < page.index("10.1 无出口收汇系统权限")
    assert 'href="/help/"' in client.get("/help/5.1").get_data(as_text=True)  # and back from a section


def test_the_contents_in_english(client):
    client.set_cookie("lang", "en")
    page = client.get("/help/").get_data(as_text=True)
    assert "<h1>Contents</h1>" in page and '<a href="/help/10">10 ' in page and '<a href="/help/5.2">5.2 ' in page
    assert "目录" not in page


def test_help_without_demo_mode(demo):
    """Help is the manual, for anyone: with demo mode off too, with or without a card."""
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": demo, "SECRET_KEY": "x", "DATABASE_URL": demo.url,
                      "LOGIN_RATE_PER_MINUTE": 10_000})
    client = app.test_client()
    assert client.get("/help/").status_code == 200 and client.get("/help/9.2").status_code == 200
    login(client, "1100000000001")
    assert client.get("/help/").status_code == 200
