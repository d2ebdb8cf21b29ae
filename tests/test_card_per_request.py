"""The card behind a session is read on every request (one row by key), so the user object kept per
process never outlives a change: a lock, a new permission date or a logout elsewhere counts at once."""
from datetime import timedelta

from sqlalchemy import update

from blueprints import _auth
from db import clock
from db.models import Card
from tests.conftest import login

OPERATOR = "1100000000001"


def _set(demo, **values):
    with demo.write() as session:
        session.execute(update(Card).where(Card.card_no == OPERATOR).values(**values))


def test_a_lock_between_two_requests_ends_the_session(client, demo):
    login(client, OPERATOR)
    assert client.get("/enterprise/register").status_code == 200
    _set(demo, locked=True)
    answer = client.get("/enterprise/register")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_permission_that_expires_between_two_requests_is_refused_at_once(client, demo):
    login(client, OPERATOR)
    assert client.get("/enterprise/register").status_code == 200
    _set(demo, permission_expires=clock.today() - timedelta(days=1))
    assert client.get("/enterprise/register").status_code == 403
    _set(demo, permission_expires=clock.today() + timedelta(days=30))
    assert client.get("/enterprise/register").status_code == 200


def test_the_same_card_row_reuses_one_user_object(client, demo):
    login(client, OPERATOR)
    client.get("/enterprise/register")
    kept = len(_auth._users)
    client.get("/enterprise/register")
    client.get("/enterprise/register")
    assert len(_auth._users) == kept  # no new object while the row is unchanged
    _set(demo, holder="张伟（改名）")
    assert "张伟（改名）" in client.get("/enterprise/register").get_data(as_text=True)
