"""Cross-cutting web behaviour: login required everywhere, CSRF on every POST, small compressed
responses, Chinese error pages without stack traces."""
import pytest

from tests.conftest import login

OPEN = {"auth.login", "static", "healthz", "help.index", "help.section"}  # /healthz: "ok" or "fail"; 帮助: the manual is public


def _protected_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in OPEN]


def _sample_url(rule):
    values = {arg: "286000011" if "number" in arg else "1" for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_every_protected_url_asks_for_login(app, client):
    for rule in _protected_rules(app):
        url = _sample_url(rule)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        if "POST" in rule.methods:
            response = client.post(url)
            assert response.status_code in (302, 400), url  # no token: refused before anything else


def test_every_post_needs_the_csrf_token(app, client):
    login(client, "1100000000001")
    for rule in _protected_rules(app):
        if "POST" in rule.methods:
            response = client.post(_sample_url(rule), data={"number": "286000087"})
            assert response.status_code == 400, rule.rule
            assert "页面已过期" in response.get_data(as_text=True)


def test_role_areas_are_not_found_for_other_roles(client):
    login(client, "1100000000001")
    for url in ["/bureau/", "/customs/", "/admin/", "/legal/"]:
        assert client.get(url).status_code == 404


def test_pages_are_gzipped_and_static_files_cached(client):
    login(client, "1100000000001")
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert page.headers["Cache-Control"] == "no-store"
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in css.headers["Cache-Control"]


def test_not_found_and_server_errors_are_chinese_pages_without_traces(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    login(client, "1100000000001")
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "未找到该页面或单据" in missing.get_data(as_text=True)
    app.testing = False  # as in production: the handler answers, nothing propagates
    app.config["PROPAGATE_EXCEPTIONS"] = False
    broken = client.get("/boom")
    body = broken.get_data(as_text=True)
    assert broken.status_code == 500 and "系统出错" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_htmx_errors_go_to_the_message_area(client):
    login(client, "1100000000001")
    response = client.get("/forms/999999999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.get_data(as_text=True)


@pytest.mark.parametrize("card_no", ["1100000000003", "3300000000002"])
def test_a_form_page_is_not_found_for_cards_outside_its_scope(client, card_no):
    login(client, card_no)
    assert client.get("/forms/286000011").status_code == 404  # enterprise A's, registered to 5700


def test_a_form_page_shows_its_history_to_everyone_in_scope(client):
    for card_no in ["1100000000001", "2200000000001", "3300000000001", "9900000000001"]:
        login(client, card_no)
        body = client.get("/forms/286000011").get_data(as_text=True)
        assert "操作记录" in body and "口岸备案" in body and "验核" in body
        client.post("/logout", data={"csrf_token": client.csrf})


def test_form_tabs_are_fragments_for_htmx_and_pages_otherwise(client):
    login(client, "1100000000001")
    full = client.get("/forms/286000011?tab=declaration")
    fragment = client.get("/forms/286000011?tab=declaration", headers={"HX-Request": "true"})
    restore = client.get("/forms/286000011?tab=declaration",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in full.get_data(as_text=True) and "<html" in restore.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True) and "出口报关单" in fragment.get_data(as_text=True)
    assert all("HX-Request" in r.headers["Vary"] for r in (full, fragment, restore))
