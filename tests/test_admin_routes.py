"""数据中心 routes with the Flask test client: each screen as a full page, as an htmx fragment and as
a history restore; bad input answered on the same page; secrets shown once and nowhere else."""
import io
import logging
import re

import pytest
from sqlmodel import select

from db import audit
from db.models import AuditEvent, Card, Code, Enterprise
from tests.conftest import csrf_of, login
from tests.helpers import HX, RESTORE
from tests.test_admin_domain import tamper

ADMIN = "9900000000001"


@pytest.fixture
def admin(client):
    return login(client, ADMIN)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def post(client, url, headers=None, **data):
    return client.post(url, data={"csrf_token": client.csrf, **data}, headers=headers or {})


def card(database, card_no) -> Card:
    with database.session() as session:
        return session.exec(select(Card).where(Card.card_no == card_no)).one()


def shown_passwords(html: str) -> list[str]:
    return re.findall(r'<b class="secret">(\d{8})</b>', html)


# ── who may come in ──────────────────────────────────────────────────────────────────────────

ADMIN_URLS = ["/admin/", "/admin/enroll", "/admin/cards/new", "/admin/cards", "/admin/codes", "/admin/audit",
              "/admin/audit/verify"]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_other_cards_do_not_find_the_data_centre(client, url):
    login(client, "2200000000001")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_card_actions_refuse_other_cards(client, demo):
    login(client, "1100000000002")
    assert post(client, "/admin/cards/lock", card_no="1100000000001", confirmed="1").status_code == 404
    assert not card(demo, "1100000000001").locked


# ── page, fragment, history restore ──────────────────────────────────────────────────────────

FRAGMENT_ROUTES = [
    ("/admin/cards?kind=customs", "3300000000001", "查找IC卡"),
    ("/admin/codes?table=district&q=拱北", "拱北关区", "查找代码"),
    ("/admin/audit?action=口岸备案", "口岸备案", "查找审计记录"),  # the filters swap with the rows
    ("/admin/audit/verify", "审计链完整", "查找审计记录"),
]


@pytest.mark.parametrize("url, content, page_only", FRAGMENT_ROUTES)
def test_list_routes_give_a_page_a_fragment_and_a_page_on_history_restore(admin, url, content, page_only):
    full, fragment, restored = (admin.get(url, headers=h) for h in ({}, HX, RESTORE))
    for response in (full, fragment, restored):
        assert response.status_code == 200 and content in text_of(response)
        assert "HX-Request" in response.headers["Vary"]
    assert "<html" in text_of(full) and "<html" in text_of(restored)
    assert "<html" not in text_of(fragment) and "出口收汇菜单" not in text_of(fragment)
    if url.startswith("/admin/audit?"):
        assert page_only in text_of(fragment)  # the audit filters are part of the fragment
    else:
        assert page_only not in text_of(fragment)


def test_dashboard_counts_link_to_filtered_card_lists(admin, demo):
    html = text_of(admin.get("/admin/"))
    assert 'href="/admin/cards/locked"' in html and 'href="/admin/cards/unchanged"' in html
    response = admin.get("/admin/cards/locked")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/cards?status=locked")
    assert admin.get("/admin/cards/unchanged").headers["Location"].endswith("status=must_change")


def test_left_menu_has_the_data_centre_entries(admin):
    html = text_of(admin.get("/admin/cards"))
    for label, url in [("入网", "/admin/enroll"), ("IC卡管理", "/admin/cards"), ("代码表", "/admin/codes"),
                       ("审计", "/admin/audit")]:
        assert f'href="{url}"' in html and f">{label}</a>" in html


# ── 入网 ────────────────────────────────────────────────────────────────────────────────────

ENTERPRISE = {"name": "广州市新天地贸易有限公司", "customs_code": "4401910077", "legal_holder": "王法人",
              "operator_holder": "赵操作"}


@pytest.mark.parametrize("headers", [{}, HX])
def test_enroll_shows_the_initial_passwords_once(admin, demo, headers, caplog):
    caplog.set_level(logging.DEBUG)
    response = post(admin, "/admin/enroll", headers, **ENTERPRISE)
    html = text_of(response)
    assert response.status_code == 200 and "入网成功" in html and 'hx-history="false"' in html
    assert ("<html" in html) == (not headers)
    passwords = shown_passwords(html)
    assert len(passwords) == 2
    with demo.session() as session:
        enterprise = session.exec(select(Enterprise).where(Enterprise.customs_code == "4401910077")).one()
        new = session.exec(select(Card).where(Card.enterprise_id == enterprise.id)).all()
    assert {c.kind for c in new} == {"legal", "operator"} and all(c.must_change_password for c in new)
    later = [text_of(admin.get(url)) for url in ("/admin/cards", "/admin/audit", "/admin/", "/admin/enroll")]
    for secret in passwords + [c.password_hash for c in new]:
        assert all(secret not in page for page in later)
        assert secret not in caplog.text
    assert all(c.password_hash not in html for c in new)


def test_a_new_card_logs_in_with_its_shown_password_and_must_change_it(admin, client, demo):
    html = text_of(post(admin, "/admin/enroll", **ENTERPRISE))
    operator = re.search(r"企业操作员卡</td><td data-label=\"IC卡号\">(\d{13})", html).group(1)
    password = shown_passwords(html)[1]
    client.post("/logout", data={"csrf_token": admin.csrf})
    login(client, operator, password)
    assert client.get("/").headers["Location"].endswith("/password")


@pytest.mark.parametrize("change, message", [
    ({"customs_code": "440191007"}, "海关编码应为 10 位数字"),
    ({"customs_code": "44019100ab"}, "海关编码应为 10 位数字"),
    ({"customs_code": "4403910001"}, "海关编码 4403910001 已入网"),
    ({"name": "  "}, "请填写企业名称（100 字以内）"),
    ({"legal_holder": ""}, "请填写持卡人姓名（60 字以内）"),
    ({"operator_holder": " "}, "请填写持卡人姓名（60 字以内）"),
])
@pytest.mark.parametrize("headers", [{}, HX])
def test_enroll_refuses_bad_input_on_the_same_page(admin, demo, change, message, headers):
    with demo.session() as session:
        before = len(session.exec(select(Card)).all()), len(session.exec(select(Enterprise)).all())
    response = post(admin, "/admin/enroll", headers, **{**ENTERPRISE, **change})
    html = text_of(response)
    assert response.status_code == 422 and message in html and 'role="alert"' in html
    assert 'name="customs_code"' in html and "secret" not in html
    assert ENTERPRISE["name"] in html or "name" in change  # what was typed stays
    with demo.session() as session:
        assert (len(session.exec(select(Card)).all()), len(session.exec(select(Enterprise)).all())) == before


# ── 发卡 ────────────────────────────────────────────────────────────────────────────────────

def test_issue_a_customs_card(admin, demo):
    response = post(admin, "/admin/cards/new", HX, kind="customs", holder="黄埔海关", district_code="5200")
    html = text_of(response)
    assert response.status_code == 200 and "发卡成功：3300000000004" in html and len(shown_passwords(html)) == 1
    assert card(demo, "3300000000004").district_code == "5200"


@pytest.mark.parametrize("values, message", [
    ({"kind": "operator", "holder": "某人", "customs_code": "9999999999"}, "海关编码 9999999999 尚未入网"),
    ({"kind": "customs", "holder": "某海关", "district_code": "9998"}, "关区代码 9998 不存在"),
    ({"kind": "", "holder": "某人"}, "请选择卡类型"),
])
def test_issue_refuses_bad_input(admin, values, message):
    response = post(admin, "/admin/cards/new", **values)
    assert response.status_code == 422 and message in text_of(response) and "secret" not in text_of(response)


# ── IC卡管理 ────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("query, message", [
    ("card_no=1100000000099", "未找到IC卡 1100000000099"),
    ("customs_code=12345", "海关编码应为 10 位数字"),
    ("customs_code=9999999999", "海关编码 9999999999 尚未入网"),
])
def test_card_list_explains_bad_filters(admin, query, message):
    for headers in ({}, HX):
        response = admin.get(f"/admin/cards?{query}", headers=headers)
        assert response.status_code == 422 and message in text_of(response)


def test_card_list_filters_and_pages(admin, demo):
    html = text_of(admin.get("/admin/cards?customs_code=4404910002&kind=operator"))
    assert "1100000000003" in html and "1100000000006" in html and "1100000000007" not in html
    for i in range(25):
        post(admin, "/admin/cards/new", kind="bureau", holder=f"外汇局 {i}")
    first = text_of(admin.get("/admin/cards?kind=bureau", headers=HX))
    after = re.search(r'href="(/admin/cards\?after=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "kind=bureau" in after and "外汇局 24" in first
    second = text_of(admin.get(after, headers=HX))
    assert "2200000000001" in second and "外汇局 24" not in second and "上一页" in second


def test_lock_without_javascript_asks_first_then_redirects_back(admin, demo, client):
    back = "/admin/cards?kind=operator"
    asked = post(admin, "/admin/cards/lock", card_no="1100000000003", back=back)
    assert asked.status_code == 200 and "确认锁定IC卡 1100000000003" in text_of(asked)
    assert 'name="confirmed" value="1"' in text_of(asked) and not card(demo, "1100000000003").locked
    done = post(admin, "/admin/cards/lock", card_no="1100000000003", back=back, confirmed="1")
    assert done.status_code == 303 and done.headers["Location"].endswith(back)
    assert card(demo, "1100000000003").locked
    assert "IC卡 1100000000003 已锁定" in text_of(admin.get(back))
    again = post(admin, "/admin/cards/lock", card_no="1100000000003", back=back, confirmed="1")
    assert again.status_code == 422 and "IC卡 1100000000003 已锁定" in text_of(again)


def test_lock_with_htmx_answers_with_the_list_and_a_message(admin, demo):
    response = post(admin, "/admin/cards/lock", HX, card_no="1100000000003", confirmed="1",
                    back="/admin/cards?status=locked")
    html = text_of(response)
    assert response.status_code == 200 and "<html" not in html and "IC卡 1100000000003 已锁定" in html
    assert "1100000000003" in html and "1100000000001" not in html  # the list it came from: locked cards
    assert "解锁 1100000000003" in html
    unlocked = post(admin, "/admin/cards/unlock", HX, card_no="1100000000003", confirmed="1", back="/admin/cards")
    assert "IC卡 1100000000003 已解锁" in text_of(unlocked) and not card(demo, "1100000000003").locked


def test_a_locked_card_cannot_log_in(admin, demo, app):
    post(admin, "/admin/cards/lock", card_no="1100000000001", confirmed="1")
    other = app.test_client()
    token = csrf_of(text_of(other.get("/login")))
    response = other.post("/login", data={"card_no": "1100000000001", "password": "88888888", "csrf_token": token})
    assert response.status_code == 422 and "IC卡号或IC卡密码错误" in text_of(response)  # as an unknown card reads


@pytest.mark.parametrize("headers", [{}, HX])
def test_card_action_on_an_unknown_card(admin, headers):
    response = post(admin, "/admin/cards/reset", headers, card_no="1100000000099", confirmed="1")
    assert response.status_code == 422 and "未找到IC卡 1100000000099" in text_of(response)


def test_the_admin_cannot_lock_its_own_card(admin, demo):
    html = text_of(admin.get(f"/admin/cards?card_no={ADMIN}"))
    assert "本卡" in html and f"锁定 {ADMIN}" not in html
    response = post(admin, "/admin/cards/lock", card_no=ADMIN, confirmed="1")
    assert response.status_code == 422 and "不能锁定本卡" in text_of(response)


def test_back_never_leaves_the_card_list(admin):
    response = post(admin, "/admin/cards/lock", card_no="1100000000003", confirmed="1", back="https://evil.example/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/cards")


@pytest.mark.parametrize("headers", [{}, HX])
def test_reset_password_shows_the_new_one_once(admin, demo, app, headers, caplog):
    caplog.set_level(logging.DEBUG)
    old_hash = card(demo, "1100000000003").password_hash
    response = post(admin, "/admin/cards/reset", headers, card_no="1100000000003", confirmed="1",
                    back="/admin/cards?kind=operator")
    html = text_of(response)
    [password] = shown_passwords(html)
    assert response.status_code == 200 and "IC卡 1100000000003 的密码已重置，初始密码只显示这一次" in html
    assert 'hx-history="false"' in html and "1100000000001" in html  # the list stays under it
    assert ("<html" in html) == (not headers)
    after = card(demo, "1100000000003")
    assert after.must_change_password and after.password_hash != old_hash
    for url in ("/admin/cards", "/admin/cards?kind=operator", "/admin/audit"):
        assert password not in text_of(admin.get(url)) and after.password_hash not in text_of(admin.get(url))
    assert password not in caplog.text
    other = app.test_client()
    token = csrf_of(text_of(other.get("/login")))
    old = other.post("/login", data={"card_no": "1100000000003", "password": "88888888", "csrf_token": token})
    assert "IC卡号或IC卡密码错误" in text_of(old)
    login(other, "1100000000003", password)


def test_card_actions_need_csrf(admin, demo):
    response = admin.post("/admin/cards/lock", data={"card_no": "1100000000003", "confirmed": "1"})
    assert response.status_code == 400 and not card(demo, "1100000000003").locked


# ── 代码表 ──────────────────────────────────────────────────────────────────────────────────

def upload(client, data: bytes, table="district", headers=None, filename="codes.csv"):
    return client.post("/admin/codes/import", headers=headers or {}, content_type="multipart/form-data",
                       data={"csrf_token": client.csrf, "table": table, "file": (io.BytesIO(data), filename)})


def test_code_tables_page_and_search(admin):
    html = text_of(admin.get("/admin/codes"))
    assert "0000" in html and "海关总署" in html and "下一页" in html and "上一页" not in html
    nxt = re.search(r'href="(/admin/codes\?after=[^"]+)"', html).group(1).replace("&amp;", "&")
    assert "0000" not in text_of(admin.get(nxt, headers=HX))
    assert "美元" in text_of(admin.get("/admin/codes?table=currency"))
    found = text_of(admin.get("/admin/codes?table=district&q=5700", headers=HX))
    assert "拱北关区" in found and "海关总署" not in found
    assert "没有符合条件的代码" in text_of(admin.get("/admin/codes?q=不存在的关区"))
    assert "海关总署" in text_of(admin.get("/admin/codes?table=nonsense"))  # falls back to 关区代码


@pytest.mark.parametrize("headers", [{}, HX])
def test_import_previews_then_writes_on_confirm(admin, demo, headers):
    data = "code,name\n9901,新关区\n5700,拱北关区\n".encode("utf-8-sig")
    preview = upload(admin, data, headers=headers)
    html = text_of(preview)
    assert preview.status_code == 200 and "导入预览" in html and "新增 1" in html and "不变 1" in html
    assert "确认导入" in html and ("<html" in html) == (not headers)
    with demo.session() as session:
        assert session.get(Code, ("district", "9901")) is None  # nothing written yet
    text = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', html, re.S).group(1)
    done = post(admin, "/admin/codes/import", headers, table="district", text=text, confirm="1")
    assert done.status_code == 303 and done.headers["Location"].endswith("/admin/codes?table=district")
    assert "导入成功。关区代码：新增 1，修改 0，不变 1" in text_of(admin.get("/admin/codes?table=district"))
    with demo.session() as session:
        assert session.get(Code, ("district", "9901")).name == "新关区"
        assert session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first().action == "代码表导入"


@pytest.mark.parametrize("data, message", [
    ("代码,名称\n9901,新关区\n".encode("gbk"), "文件不是 UTF-8 编码"),
    (b"", "请选择要导入的 CSV 文件"),
])
def test_import_refuses_a_bad_file(admin, data, message):
    for headers in ({}, HX):
        response = upload(admin, data, headers=headers)
        assert response.status_code == 422 and message in text_of(response) and "确认导入" not in text_of(response)


def test_import_preview_marks_every_bad_row_and_offers_no_confirm(admin, demo):
    response = upload(admin, b"9901,ok\n99,short\n9902,\n")
    html = text_of(response)
    assert response.status_code == 422 and "错误 2" in html and "确认导入" not in html
    assert "代码应为 4 位数字" in html and "名称不能为空" in html
    assert "请改正有错误的行后重新上传，未导入任何代码" in html


def test_confirm_checks_the_rows_again(admin, demo):
    response = post(admin, "/admin/codes/import", table="district", text="9901,ok\n99,bad\n", confirm="1")
    assert response.status_code == 422 and "文件中有 1 行错误，未导入任何代码" in text_of(response)
    with demo.session() as session:
        assert session.get(Code, ("district", "9901")) is None


def test_a_too_large_upload_is_refused(admin):
    response = upload(admin, b"9901,x\n" * 400_000, headers=HX)
    assert response.status_code == 413 and "提交的内容过大" in text_of(response)


# ── 审计 ────────────────────────────────────────────────────────────────────────────────────

def test_audit_filters_by_card_action_form_and_date(admin, demo):
    html = text_of(admin.get("/admin/audit?card_no=3300000000001", headers=HX))
    cards = set(re.findall(r'data-label="IC卡">(\w+)<', html))
    assert cards == {"3300000000001"}
    html = text_of(admin.get("/admin/audit?action=口岸备案&date_from=2000&date_to=2999"))
    assert set(re.findall(r'data-label="操作">([^<]+)<', html)) == {"口岸备案"}
    number = re.search(r'data-label="核销单号"><a href="/forms/(\d+)"', html).group(1)
    history = text_of(admin.get(f"/admin/audit?form_number={number}"))
    assert set(re.findall(r'/forms/(\d+)"', history)) == {number}
    assert len(re.findall(r'data-label="序号"', text_of(admin.get("/admin/audit")))) == 20


@pytest.mark.parametrize("query, message", [
    ("card_no=1100000000099", "未找到IC卡 1100000000099"),
    ("date_from=20240231", "“20240231”不是日期（YYYYMMDD）"),
    ("date_from=20240301&date_to=20240101", "终止日期不能早于起始日期"),
    ("form_number=abc", "核销单号只能是数字"),
])
def test_audit_explains_bad_filters_beside_the_field(admin, query, message):
    for headers in ({}, HX):
        response = admin.get(f"/admin/audit?{query}", headers=headers)
        html = text_of(response)
        assert response.status_code == 422 and message in html and 'aria-invalid="true"' in html


def test_audit_pages_newest_first(admin):
    first = text_of(admin.get("/admin/audit"))
    seqs = [int(s) for s in re.findall(r'data-label="序号">(\d+)<', first)]
    assert seqs == sorted(seqs, reverse=True)
    nxt = re.search(r'href="(/admin/audit\?after=\d+)"', first).group(1)
    second = [int(s) for s in re.findall(r'data-label="序号">(\d+)<', text_of(admin.get(nxt, headers=HX)))]
    assert second[0] == seqs[-1] - 1


def test_verify_says_where_the_chain_breaks(admin, demo):
    assert "审计链完整" in text_of(admin.get("/admin/audit/verify", headers=HX))
    tamper(demo, "UPDATE auditevent SET detail = '改过' WHERE seq = 30")
    for headers in ({}, HX):
        html = text_of(admin.get("/admin/audit/verify", headers=headers))
        assert "审计链被破坏：第 30 条记录被改动（此前 29 条完好）" in html
        assert "/admin/audit?after=31&amp;mark=30" in html
    marked = text_of(admin.get("/admin/audit?after=31&mark=30"))
    assert re.search(r'<tr class="err" aria-current="true">\s*<td data-label="序号">30<', marked)


def test_import_and_card_actions_keep_the_chain_whole(admin, demo):
    post(admin, "/admin/enroll", **ENTERPRISE)
    post(admin, "/admin/cards/lock", card_no="1100000000003", confirmed="1")
    post(admin, "/admin/cards/reset", card_no="1100000000003", confirmed="1")
    post(admin, "/admin/codes/import", table="currency", text="999,贝壳\n", confirm="1")
    with demo.session() as session:
        assert audit.verify(session).ok
