"""Every screen in English: each GET route of the URL map, as each card kind, whole page and htmx fragment,
with the card's language set to English. No Chinese may be left in the chrome: every Chinese character
on the page (text, or a title, label, placeholder, confirmation or button) must sit inside an element
marked `lang="zh-CN"`, which only data is (names, codes, the audit trail, the manual's text).

Run one area: `pytest tests/test_english.py -k enterprise`.
"""
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import update

from db.models import Card
from tests.helpers import HX, text
from tests.routemap import allowed_kinds, methods
from tests.test_access_matrix import CELL_KINDS, PUBLIC, RULES, world  # noqa: F401 (the matrix's world)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SAID = {"title", "aria-label", "placeholder", "alt", "hx-confirm", "data-label"}  # attributes a person reads


class Chinese(HTMLParser):
    """The Chinese left outside `lang="zh-CN"` elements, as (where, what)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [("", "en")], []

    def lang(self) -> str:
        return self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or self.lang()
        said = [name for name in SAID if attrs.get(name)]
        if tag == "button" or tag == "input" and attrs.get("type") in ("submit", "button"):
            said.append("value")
        for name in said:
            if attrs.get(name) and CJK.search(attrs[name]) and not lang.startswith("zh"):
                self.found.append((f"<{tag} {name}>", attrs[name]))
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if CJK.search(data) and not self.lang().startswith("zh") and self.stack[-1][0] not in ("script", "style"):
            self.found.append((f"<{self.stack[-1][0]}>", data.strip()))


def chinese_left(html: str) -> list[tuple[str, str]]:
    parser = Chinese()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def english(world):  # noqa: F811
    """The matrix's world with every card's screens set to English (before any client logs in)."""
    with world.db.write() as session:
        session.execute(update(Card).values(language="en"))
    return world


def test_the_finder_sees_chinese_outside_data():
    assert chinese_left('<p>Port registration</p><td lang="zh-CN">深圳海关</td>') == []
    assert chinese_left('<html lang="en"><p>口岸备案</p></html>') == [("<p>", "口岸备案")]
    assert chinese_left('<button title="确定">OK</button>') == [("<button title>", "确定")]
    assert chinese_left('<html lang="zh-CN"><p>口岸备案</p></html>') == []


@pytest.mark.parametrize("kind", CELL_KINDS)
@pytest.mark.parametrize("key", [k for k, r in RULES.items() if "GET" in methods(r)])
def test_every_screen_is_english(english, key, kind):
    rule = RULES[key]
    allowed = allowed_kinds(rule.endpoint)
    if kind == "customs_subordinate" and not english.subordinate:
        pytest.skip("the demo seed has no 隶属 customs card")
    client, t = english.client(kind)
    if t.kind is None:
        client.set_cookie("lang", "en")
    if rule.endpoint not in PUBLIC and (t.kind is None or t.kind not in allowed):
        pytest.skip("not this card's screen (the matrix proves it answers 404 or the login)")
    left = {}
    urls = english.urls(rule, t, True)[:2] + english.urls(rule, t, False)[:1]
    for url in urls:
        for headers in ({}, HX):
            response = client.get(url, headers=headers)
            body = text(response)
            response.close()
            if response.status_code >= 300 and response.status_code != 404 or "html" not in response.mimetype:
                continue
            for where, what in chinese_left(body):
                left.setdefault(what, f"{url} {where}")
    assert not left, f"{rule.rule} as {kind}: Chinese left in English: " + "; ".join(
        f"{what!r} ({where})" for what, where in sorted(left.items())[:40])
