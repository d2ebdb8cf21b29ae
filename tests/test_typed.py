"""全角 digits and letters (what Chinese input methods type: ５７００) read as ASCII wherever a value is
typed, for every role: one normaliser where the request's values are parsed (blueprints/_typed.py)."""
import pytest
from flask import request
from sqlmodel import select

from blueprints._typed import half_width
from db.models import Form, FormApplication, FormState
from db.queries import Condition
from tests.conftest import login
from tests.helpers import HX, post, text
from tests.test_customs_workflow import forms_where
from tests.test_query_routes import url


def wide(ascii_text: str) -> str:
    """As a Chinese input method types it: 全角."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in ascii_text)


def test_half_width_turns_only_full_width_digits_letters_and_space():
    assert half_width("５７００") == "5700" and half_width("ＡＢｃ\u3000１．５") == "ABc 1.5"
    assert half_width("（驳回），原因²") == "（驳回），原因²"  # 全角 punctuation in text and other digits stay


def test_enterprise_apply_register_and_search(client, demo):
    a = login(client, "1100000000001")
    assert post(a, "/enterprise/apply", {"quantity": "５"}).status_code == 303
    with demo.session() as session:
        assert session.exec(select(FormApplication.quantity).order_by(FormApplication.id.desc())).first() == 5
    listed = text(a.get("/enterprise/register?number=" + wide("286000087"), headers=HX))
    assert listed.count('href="/enterprise/register/286000087"') == 1
    done = post(a, "/enterprise/register/286000087", {"port": "５７００", "act": "1", "confirmed": "1"})
    assert done.status_code == 303
    with demo.session() as session:
        assert session.exec(select(Form.port_code).where(Form.number == "286000087")).one() == "5700"
    assert 'value="286000144"' in text(a.get(f"/enterprise/range-end?start={wide('286000140')}&count=５"))


def test_customs_search(client, demo):
    officer = login(client, "3300000000001")  # 5700 拱北关区
    mine = forms_where(demo, "5700", FormState.REGISTERED, with_declaration=False)[0]
    body = text(officer.get(f"/customs/verify?number={wide(mine)}", headers=HX))
    assert f">{mine}<" in body and "核销单号应为 9 位数字" not in body


def test_bureau_search(client):
    officer = login(client, "2200000000001")
    assert "未找到核销单 999999999" in text(officer.get("/bureau/lost?number=" + wide("999999999")))


def test_legal_search(client):
    legal = login(client, "1100000000002")
    body = text(legal.get("/legal/forms?number=" + wide("286000087")))
    assert "286000087" in body and "核销单号应为 9 位数字" not in body


def test_query_value(client):
    a = login(client, "1100000000001")
    body = text(a.get(url([Condition("number", "eq", wide("286000087"))]), headers=HX))
    assert "286000087" in body and "应为" not in body


def test_admin_search(client):
    admin = login(client, "9900000000001")
    assert "4404910002" in text(admin.get("/admin/cards?customs_code=" + wide("4404910002") + "&kind=operator"))


@pytest.mark.parametrize("field", ["password", "new_password", "old", "new", "confirm"])
def test_passwords_are_never_changed(app, field):
    with app.test_request_context("/", method="POST", data={field: "５ａ", "other": "５ａ"}):
        assert request.form[field] == "５ａ" and request.form["other"] == "5a"


def test_a_password_set_in_full_width_logs_in_as_typed(app):
    """修改密码 keeps the new password as typed (an input method in 全角 mode), as the login reads it."""
    client = login(app.test_client(), "1100000000001")
    typed = "Ｋｘ７ｏｆｎ２Ｒｑ"
    changed = client.post("/password", data={"old": "88888888", "new": typed, "confirm": typed,
                                             "csrf_token": client.csrf})
    assert changed.status_code == 303, text(changed)
    client.post("/logout", data={"csrf_token": client.csrf})
    login(client, "1100000000001", typed)
