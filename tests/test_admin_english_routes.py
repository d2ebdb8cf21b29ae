"""数据中心 answers in English: what its forms answer (refusals, results, the import preview, the
confirmation page, a broken audit chain), not only the screens a GET shows (tests/test_english.py).
The screen's part beside the menu has no Chinese left outside lang="zh-CN"; its data stays Chinese."""
import io
import re

import pytest
from sqlalchemy import update

from db.models import Card
from tests.conftest import login
from tests.helpers import HX
from tests.test_admin_domain import tamper
from tests.test_english import chinese_left

ADMIN = "9900000000001"


@pytest.fixture
def admin(client, demo):
    with demo.write() as session:
        session.execute(update(Card).where(Card.card_no == ADMIN).values(language="en"))
    return login(client, ADMIN)


def screen(response) -> str:
    """The screen beside the menu (a fragment is all screen)."""
    html = response.get_data(as_text=True)
    found = re.search(r'<section class="content">(.*)</section>', html, re.S)
    return found.group(1) if found else html


def english(response, *said: str) -> str:
    html = screen(response)
    assert not chinese_left(html), chinese_left(html)
    for words in said:
        assert words in html, (words, html[:2000])
    return html


def post(client, url, headers=None, **data):
    return client.post(url, data={"csrf_token": client.csrf, **data}, headers=headers or {})


ENROL = {"name": "广州市新天地贸易有限公司", "legal_holder": "王法人", "operator_holder": "赵操作"}


@pytest.mark.parametrize("headers", [{}, HX])
def test_enrolment_refused_then_done(admin, headers):
    refused = post(admin, "/admin/enroll", headers, customs_code="4403910001", **ENROL)
    assert refused.status_code == 422
    html = english(refused, "Customs code 4403910001 is already enrolled", "Enterprise name")
    assert 'value="广州市新天地贸易有限公司"' in html
    done = post(admin, "/admin/enroll", headers, customs_code="4401910077", **ENROL)
    html = english(done, "Enrolment done", "Initial passwords are shown this once only", "Enterprise operator card")
    assert '<dd lang="zh-CN">广州市新天地贸易有限公司</dd>' in html
    assert '<td data-label="Holder" lang="zh-CN">王法人</td>' in html


@pytest.mark.parametrize("data, said", [
    ({"kind": ""}, "Choose a card type"),
    ({"kind": "customs", "holder": "黄埔海关", "district_code": "9998"}, "District code 9998 does not exist"),
    ({"kind": "operator", "holder": "新员工", "customs_code": "9999999999"}, "Customs code 9999999999 is not enrolled"),
    ({"kind": "customs", "holder": "黄埔海关", "district_code": "5200"}, "Card issued: 3300000000004"),
])
def test_issue_a_card(admin, data, said):
    english(post(admin, "/admin/cards/new", HX, **data), said)


def test_card_actions_in_english(admin):
    back = "/admin/cards?kind=customs"
    asked = post(admin, "/admin/cards/lock", card_no="3300000000002", back=back)
    english(asked, "<h1>Lock</h1>", "Lock IC card 3300000000002? A locked card cannot log in.", ">Cancel<")
    locked = post(admin, "/admin/cards/lock", card_no="3300000000002", back=back, confirmed="1")
    assert locked.status_code == 303
    english(admin.get(back), "IC card 3300000000002 is locked", "<b class=\"why\">Locked</b>", "Unlock")
    again = post(admin, "/admin/cards/lock", HX, card_no="3300000000002", back=back, confirmed="1")
    assert again.status_code == 422
    english(again, "IC card 3300000000002 is locked")
    english(post(admin, "/admin/cards/lock", HX, card_no=ADMIN, back=back, confirmed="1"),
            "You cannot lock your own card")
    english(post(admin, "/admin/cards/unlock", HX, card_no="123", back=back, confirmed="1"),
            "The IC card No. must be 13 digits")
    reset = post(admin, "/admin/cards/reset", HX, card_no="3300000000001", back=back, confirmed="1")
    english(reset, "The password of IC card 3300000000001 has been reset", "Initial password")
    english(admin.get("/admin/cards?status=nonsense", headers=HX), "No such card status")


def upload(client, data: bytes, headers=None):
    return client.post("/admin/codes/import", headers=headers or {}, content_type="multipart/form-data",
                       data={"csrf_token": client.csrf, "table": "district", "file": (io.BytesIO(data), "codes.csv")})


def test_code_import_in_english(admin):
    preview = upload(admin, "code,name\n9901,新关区\n5700,拱北\n5300,深圳海关\n".encode(), HX)
    html = english(preview, "Import preview: District code", "3 lines: 1 new, 1 renamed, 1 unchanged, 0 wrong.",
                   "Nothing is written until you confirm.", "Confirm import")
    assert 'Renamed (was: <span lang="zh-CN">拱北关区</span>)' in html  # the old name is data
    assert '<td data-label="Name" lang="zh-CN">新关区</td>' in html
    english(upload(admin, b"9901,ok\n99,short\n"), "The code must be 4 digits", "no code was imported")
    english(upload(admin, "代码,名称\n".encode("gbk")), "The file is not UTF-8")
    text = "9901,新关区\n"
    assert post(admin, "/admin/codes/import", table="district", text=text, confirm="1").status_code == 303
    english(admin.get("/admin/codes?table=district"), "Imported. District code: 1 new, 0 renamed, 0 unchanged")


def test_audit_in_english(admin, demo):
    english(admin.get("/admin/audit?date_from=2024xx&card_no=1234567890123", headers=HX),
            "Some search conditions are wrong", "&#34;2024xx&#34; is not a date (YYYYMMDD)", "No IC card 1234567890123")
    english(admin.get("/admin/audit/verify", headers=HX), "The audit chain is whole: ")
    tamper(demo, "UPDATE auditevent SET detail = '改过' WHERE seq = 3")
    english(admin.get("/admin/audit/verify", headers=HX), "The audit chain is broken: Record No. 3 has been altered",
            "(the 2 records before are intact)", "See the records around No. 3")
    english(admin.get("/admin/audit/verify"), "The audit chain is broken", "Audit records")
