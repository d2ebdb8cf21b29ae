"""Accessibility: axe-core (vendored for the tests only, tests/e2e/vendor/, `make axe` fetches it again)
run on every GET screen of every role, JavaScript on, in demo mode. The screens come from the app's URL
map, their parameters filled with the demo data; none may have a serious or critical violation. Each
screen is walked in 中文 and again in English (the header's switch), where no Chinese may be left
outside the data (tests/test_english.py's finder, on the page as the browser holds it)."""
import collections
import json
import os
from pathlib import Path

import pytest
from sqlmodel import select

from db.models import (
    ApplicationState,
    Card,
    Declaration,
    Form,
    FormApplication,
    FormState,
    PermissionRequest,
    RequestState,
)
from tests.test_english import chinese_left

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BAD = ("serious", "critical")
REPORT = os.environ.get("EPORTFX_AXE_REPORT")  # a folder: each role's figures as JSON (for the README)

# the areas (blueprints, or single endpoints) each card may open
ROLES = {
    "1100000000001": ("portal", "auth.password", "enterprise", "forms", "query", "exercises.mine", "help"),
    "1100000000002": ("portal", "legal", "forms", "query"),
    "2200000000001": ("portal", "bureau", "forms", "query"),
    "3300000000001": ("portal", "customs", "forms", "query"),
    "9900000000001": ("portal", "admin", "demo", "exercises.trainer", "forms", "query"),
}
NOT_SCREENS = {"static", "healthz", "exercises.export", "query.export", "enterprise.range_end_field",
               "enterprise.port"}  # the last two: a field's own widget route, not a screen

# a form in the state the screen acts on (enterprise screens: enterprise A's; customs: at 5700)
FORM_FOR = {
    "enterprise.register_form": FormState.ISSUED, "enterprise.revoke_form": FormState.REGISTERED,
    "enterprise.submit_form": FormState.USED, "bureau.write_off": FormState.SUBMITTED,
    "customs.verify_form": FormState.REGISTERED, "customs.form": FormState.REGISTERED,
}


@pytest.fixture
def app_config():
    return {"DEMO": True}


def _arguments(session, endpoint: str, card: Card) -> dict:
    query = select(Form).order_by(Form.id)
    if card.enterprise_id:
        query = query.where(Form.enterprise_id == card.enterprise_id)
    if card.district_code:
        query = query.where(Form.port_code == card.district_code)
    if endpoint in FORM_FOR:
        query = query.where(Form.state == FORM_FOR[endpoint])
    if endpoint == "query.declaration":
        form = session.exec(query.join(Declaration, Declaration.form_id == Form.id)).first()
        return {"number": session.exec(select(Declaration.number).where(Declaration.form_id == form.id)).one()}
    if endpoint == "bureau.application":
        pending = session.exec(select(FormApplication).where(FormApplication.state == ApplicationState.PENDING)).first()
        return {"application_id": pending.id}
    if endpoint == "bureau.permission":
        pending = session.exec(select(PermissionRequest).where(PermissionRequest.state == RequestState.PENDING)).first()
        return {"request_id": pending.id}
    if endpoint == "bureau.deadline_list":
        return {"kind": "use"}
    if endpoint == "help.section":
        return {"key": "5.2", "screen": "enterprise.batch_register"}
    return {"number": session.exec(query).first().number}


def screens(app, demo, card_no: str) -> list[str]:
    """Every GET screen of the card's areas, with its parameters filled from the demo data."""
    areas = ROLES[card_no]
    urls = []
    with demo.session() as session, app.test_request_context():
        from flask import url_for

        card = session.exec(select(Card).where(Card.card_no == card_no)).one()
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            endpoint = rule.endpoint
            if "GET" not in rule.methods or endpoint in NOT_SCREENS:
                continue
            if endpoint not in areas and endpoint.split(".")[0] not in areas:
                continue
            arguments = _arguments(session, endpoint, card) if rule.arguments else {}
            urls.append(url_for(endpoint, **arguments))
    return urls


def axe_on(page) -> list[dict]:
    """axe's violations on the page as it is (WCAG 2.x A and AA rules and best practices)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")


def _rules(counts):
    return {key: n for key, n in counts.items() if ":" in key}


def audit(page, urls: list[str], live: str, english: bool = False):
    """The serious and critical violations (and the pages that would not show); counts of every impact,
    and of every rule as impact:rule. In English, Chinese left in the chrome counts as a violation too."""
    found, counts = [], collections.Counter()
    for url in urls:
        response = page.goto(f"{live}{url}")
        if not response.ok:
            found.append((url, {"impact": "page", "id": str(response.status), "help": "not shown", "nodes": []}))
            continue
        left = chinese_left(page.content()) if english else []
        if left:
            found.append((url, {"impact": "chinese", "id": "untranslated", "help": "Chinese in English",
                                "nodes": [f"{where} {what}" for where, what in left[:5]]}))
        for violation in axe_on(page):
            counts[violation["impact"]] += 1
            counts[f"{violation['impact']}:{violation['id']}"] += 1
            if violation["impact"] in BAD:
                found.append((url, violation))
    return found, counts


def _report(label, urls, counts, found):
    if REPORT:
        Path(REPORT, f"axe-{label}.json").write_text(json.dumps(
            {"screens": len(urls), "impact": {k: n for k, n in counts.items() if ":" not in k}, "rules": _rules(counts)}, ensure_ascii=False))
    return "\n".join(f"{url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for url, v in found)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("card_no", list(ROLES))
def test_every_screen_of_a_role_has_no_serious_violation(browser, live, app, demo, card_no, language):
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # the page's CSP would refuse axe
    page = context.new_page()
    page.goto(f"{live}/login")
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.get_by_role("button", name=f"Log in as {card_no}" if language == "en" else f"以 {card_no} ").click()
    page.wait_for_url(lambda url: "/login" not in url)
    urls = screens(app, demo, card_no)
    assert len(urls) >= 4
    if "help" in ROLES[card_no]:
        assert "/help/" in urls  # 帮助's 目录 (/help/) is walked with the card's screens
    found, counts = audit(page, urls, live, english=language == "en")
    context.close()
    label = f"{card_no}-{language}"
    assert not found, _report(label, urls, counts, found)
    _report(label, urls, counts, found)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_login_page_has_no_serious_violation(browser, live, language):
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    if language == "en":
        page.goto(f"{live}/login")
        page.get_by_role("button", name="English").click()
    found, counts = audit(page, ["/login"], live, english=language == "en")
    context.close()
    _report(f"anonymous-{language}", ["/login"], counts, found)
    assert not found, _report(f"anonymous-{language}", ["/login"], counts, found)
