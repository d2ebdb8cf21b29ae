"""练习: tasks turn done from the audit trail of the trainee's own card, never by opening a page."""
import pytest
from sqlmodel import select

from db import exercises, seed, workflow
from db.models import Card, Form
from tests.conftest import actor_of, login


@pytest.fixture
def app_config():
    return {"DEMO": True}


@pytest.fixture
def trainees(demo):
    seed.seed_trainees(demo, 2)
    return actor_of(demo, "1200000001001"), actor_of(demo, "1200000002001")


def _progress(demo, card_no):
    with demo.session() as session:
        return exercises.progress(session, session.exec(select(Card).where(Card.card_no == card_no)).one())


def _issued(demo, actor, n):
    with demo.session() as session:
        return list(session.exec(select(Form.number).where(Form.enterprise_id == actor.enterprise_id,
                                                           Form.state == "issued").order_by(Form.number)
                                 .limit(n)).all())


def test_tasks_turn_done_per_card(demo, trainees):
    one, two = trainees
    assert _progress(demo, one.card_no).count == 0  # the seeded story does not count
    assert workflow.apply_forms(db=demo, actor=one, quantity=5).ok
    numbers = _issued(demo, one, 4)
    assert all(r.ok for r in workflow.register_port(db=demo, actor=one, numbers=numbers[:1], port="5700"))
    assert all(r.ok for r in workflow.register_port(db=demo, actor=one, numbers=numbers[1:4], port="5300"))
    done = _progress(demo, one.card_no).done
    assert done["apply"] and done["register"] and done["batch_register"] and not done["submit"]
    assert _progress(demo, two.card_no).count == 0  # the other trainee's progress is their own


def test_visiting_pages_does_not_count(client, demo, trainees):
    login(client, "1200000001001")
    for url in ("/enterprise/apply", "/enterprise/register", "/enterprise/batch-register", "/exercises/"):
        assert client.get(url).status_code == 200
    assert _progress(demo, "1200000001001").count == 0
    page = client.get("/exercises/").get_data(as_text=True)
    assert "完成 0 / 8" in page and "申请 5 份核销单" in page and 'href="/help/5.2"' in page


def test_trainer_sees_everyone_and_exports(client, demo, trainees):
    assert workflow.apply_forms(db=demo, actor=trainees[1], quantity=5).ok
    login(client, "1200000001001")
    assert client.get("/exercises/trainer").status_code == 404
    client.post("/logout", data={"csrf_token": client.csrf})
    login(client, "9900000000001")
    page = client.get("/exercises/trainer").get_data(as_text=True)
    assert "学员01（企业操作员）" in page and "学员02（企业操作员）" in page and "1 / 8" in page
    csv = client.get("/exercises/trainer.csv").get_data(as_text=True)
    assert csv.splitlines()[2].startswith("1200000002001,学员02（企业操作员）,学员02 深圳市华南进出口有限公司,1,8,核销单申请")


def test_off_without_demo_mode(demo):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": demo, "SECRET_KEY": "x", "DATABASE_URL": demo.url,
                      "LOGIN_RATE_PER_MINUTE": 10_000})
    client = app.test_client()
    login(client, "9900000000001")
    assert client.get("/exercises/trainer").status_code == 404
