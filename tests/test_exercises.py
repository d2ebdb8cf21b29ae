"""练习: tasks turn done from the audit trail of the trainee's own card, never by opening a page."""
import csv
import io

import pytest
from sqlmodel import func, select

from db import exercises, seed, workflow
from db.models import Card, Enterprise, Form, QueryLog
from db.queries import Condition
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
    assert "完成 0 / 12" in page and "申请 5 份核销单" in page and 'href="/help/5.2"' in page


def test_trainer_sees_everyone_and_exports(client, demo, trainees):
    assert workflow.apply_forms(db=demo, actor=trainees[1], quantity=5).ok
    login(client, "1200000001001")
    assert client.get("/exercises/trainer").status_code == 404
    client.post("/logout", data={"csrf_token": client.csrf})
    login(client, "9900000000001")
    page = client.get("/exercises/trainer").get_data(as_text=True)
    assert "学员01（企业操作员）" in page and "学员02（企业操作员）" in page and "1 / 12" in page
    csv = client.get("/exercises/trainer.csv").get_data(as_text=True)
    assert csv.splitlines()[2].startswith("1200000002001,学员02（企业操作员）,学员02 深圳市华南进出口有限公司,1,12,核销单申请")
    at = csv.splitlines()[2].split(",")[6]
    assert f"核销单申请 {at}</td>" in page  # the time as the screen shows it (China time), not UTC


def test_off_without_demo_mode(demo):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": demo, "SECRET_KEY": "x", "DATABASE_URL": demo.url,
                      "LOGIN_RATE_PER_MINUTE": 10_000})
    client = app.test_client()
    login(client, "9900000000001")
    assert client.get("/exercises/trainer").status_code == 404


def _conditions(client, **condition) -> str:
    """条件设定 (not a run): the screen's URL with the condition in it."""
    response = client.get("/query/", query_string={"b": "form", "add": "1", **condition})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def _run(client, url: str) -> None:
    """开始查找 as a trainee's screen sends it: a POST of the query with the token (no GET writes), answered
    by a 303 to the GET of the same query with run=1."""
    from urllib.parse import parse_qsl, urlsplit

    from werkzeug.datastructures import MultiDict

    form = MultiDict([*parse_qsl(urlsplit(url).query), ("csrf_token", client.csrf)])
    response = client.post("/query/", data=form)
    assert response.status_code == 303 and "run=1" in response.headers["Location"], response.status_code
    assert client.get(response.headers["Location"], follow_redirects=True).status_code == 200


def test_query_tasks_turn_done_only_when_the_query_runs(client, demo, trainees):
    login(client, "1200000001001")
    assert client.get("/query/").status_code == 200  # opening 组合查询
    url = _conditions(client, nf="issued_on", no="prefix", nv="200701")  # 条件设定
    assert client.get(url).status_code == 200
    done = _progress(demo, "1200000001001").done
    assert not done["query_issued_on"] and not done["query_number"]
    assert client.get(url + "&run=1").status_code == 200  # the result's own URL (a GET) writes nothing
    assert not _progress(demo, "1200000001001").done["query_issued_on"]
    _run(client, url)  # 开始查找
    done = _progress(demo, "1200000001001").done
    assert done["query_issued_on"] and not done["query_number"] and not done["cannot_submit"]
    assert _progress(demo, "1200000002001").count == 0  # the other trainee's progress is their own
    for condition, task in [({"nf": "number", "no": "eq", "nv": "286000001"}, "query_number"),
                            ({"nf": "customs_use", "no": "eq", "nv": "未用"}, "cannot_submit"),
                            ({"nf": "submit_state", "no": "ne", "nv": "未交"}, "not_received")]:
        _run(client, _conditions(client, **condition))
        assert _progress(demo, "1200000001001").done[task], task
    page = client.get("/exercises/").get_data(as_text=True)
    assert "完成 4 / 12" in page and 'href="/help/9.2"' in page and 'href="/help/10.4"' in page


def test_another_operator_for_a_condition_does_not_count(demo, trainees):
    one = trainees[0]
    exercises.record_query(demo, card_id=one.card_id, business="form",
                           conditions=[Condition("issued_on", "after", "20070101"), Condition("number", "prefix", "28")])
    exercises.record_query(demo, card_id=one.card_id, business="declaration",
                           conditions=[Condition("number", "eq", "1")])
    done = _progress(demo, one.card_no).done
    assert not done["query_issued_on"] and not done["query_number"]  # §9.2 is 以……开始, §9.1 等于 on a 核销单


def test_the_query_log_keeps_each_cards_newest_runs(demo, trainees):
    one, two = trainees
    exercises.record_query(demo, card_id=two.card_id, business="form", conditions=[Condition("number", "eq", "1")])
    for _ in range(exercises.KEEP_QUERIES + 7):
        exercises.record_query(demo, card_id=one.card_id, business="form", conditions=[Condition("number", "eq", "1")])
    with demo.session() as session:
        kept = session.exec(select(func.count()).select_from(QueryLog).where(QueryLog.card_id == one.card_id)).one()
        other = session.exec(select(func.count()).select_from(QueryLog).where(QueryLog.card_id == two.card_id)).one()
    assert (kept, other) == (exercises.KEEP_QUERIES, 1)


def test_no_query_log_without_demo_mode(demo):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": demo, "SECRET_KEY": "x", "DATABASE_URL": demo.url,
                      "LOGIN_RATE_PER_MINUTE": 10_000})
    client = login(app.test_client(), "1100000000001")
    assert client.get(_conditions(client, nf="number", no="eq", nv="286000001") + "&run=1").status_code == 200
    _run(client, _conditions(client, nf="number", no="eq", nv="286000001"))
    with demo.session() as session:
        assert session.exec(select(func.count()).select_from(QueryLog)).one() == 0


def test_a_value_typed_without_setting_it_counts_when_the_run_takes_it(client, demo, trainees):
    login(client, "1200000001001")
    _run(client, "/query/?b=form&nf=number&no=eq&nv=286000001")  # 开始查找 straight after typing the value
    assert _progress(demo, "1200000001001").done["query_number"]


def test_a_trainee_added_later_keeps_everyones_progress(demo, trainees):
    """A latecomer (seed-demo --trainees 3 during the class) starts at 0; the others keep theirs."""
    assert workflow.apply_forms(db=demo, actor=trainees[0], quantity=5).ok
    assert seed.seed_trainees(demo, 3) == 1
    assert _progress(demo, "1200000001001").done["apply"]
    assert _progress(demo, "1200000003001").count == 0
    assert workflow.apply_forms(db=demo, actor=actor_of(demo, "1200000003001"), quantity=5).ok
    assert _progress(demo, "1200000003001").done["apply"]


def test_the_seeded_story_never_counts_without_trainees(demo):
    """make run seeds no trainee: enterprise A's operator card starts at 0 too."""
    assert _progress(demo, "1100000000001").count == 0


def test_the_trainer_csv_never_starts_a_cell_with_a_formula(app, demo, trainees):
    """A holder or enterprise name is typed at 入网 / 发卡: in the CSV it is text, never a formula."""
    with demo.write() as session:
        card = session.exec(select(Card).where(Card.card_no == "1200000001001")).one()
        card.holder = "学员01=HYPERLINK(1)"
        session.get(Enterprise, card.enterprise_id).name = "=HYPERLINK(\"http://example.com\",\"x\")"
        other = session.exec(select(Card).where(Card.card_no == "1200000002001")).one()
        session.get(Enterprise, other.enterprise_id).name = "@SUM(1+1)"
    client = login(app.test_client(), "9900000000001")
    rows = list(csv.reader(io.StringIO(client.get("/exercises/trainer.csv").get_data(as_text=True))))
    assert rows[1][2] == "'=HYPERLINK(\"http://example.com\",\"x\")" and rows[2][2] == "'@SUM(1+1)"


def test_a_query_task_once_done_stays_done_whatever_the_log_forgets(demo, trainees):
    """§9.2 run early, then more than KEEP_QUERIES other runs: the task stays done, and the log stays
    small (the newest runs and one proof per 组合查询 task)."""
    one, two = trainees
    exercises.record_query(demo, card_id=one.card_id, business="form",
                           conditions=[Condition("issued_on", "prefix", "200701")])
    exercises.record_query(demo, card_id=one.card_id, business="form",
                           conditions=[Condition("customs_use", "eq", "未用")])
    for _ in range(exercises.KEEP_QUERIES + 10):
        exercises.record_query(demo, card_id=one.card_id, business="form",
                               conditions=[Condition("number", "prefix", "28")])
    done = _progress(demo, one.card_no).done
    assert done["query_issued_on"] and done["cannot_submit"] and not done["query_number"]
    assert _progress(demo, two.card_no).count == 0
    with demo.session() as session:
        kept = session.exec(select(func.count()).select_from(QueryLog).where(QueryLog.card_id == one.card_id)).one()
    assert kept == exercises.KEEP_QUERIES + 2
    for _ in range(3):  # a newer proof of the same task: the older one goes
        exercises.record_query(demo, card_id=one.card_id, business="form",
                               conditions=[Condition("issued_on", "prefix", "2008")])
    with demo.session() as session:
        kept = session.exec(select(func.count()).select_from(QueryLog).where(QueryLog.card_id == one.card_id)).one()
    assert kept == exercises.KEEP_QUERIES + 1 and _progress(demo, one.card_no).done["query_issued_on"]
