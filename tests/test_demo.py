"""Demo mode (EPORTFX_DEMO): one-click login with the demo cards, 重置演示数据 in one transaction,
trainees who are copies of enterprise A; with the setting off, none of it exists."""
import gzip
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from db import audit, details, seed, workflow
from db import demo as demo_mode
from db.models import AuditEvent, Card, Enterprise
from db.queries import form_select
from db.rules import Policy
from tests.conftest import actor_of, csrf_of, login


@pytest.fixture(scope="module")
def seeded():
    """The seeded rows once for the module (a reset seeds a scratch database in a child process)."""
    return demo_mode.seeded_rows(Policy(), 0)


def _counts(database) -> dict[str, int]:
    with database.session() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar() for t in demo_mode.tables()}


def test_reset_puts_the_seeded_state_back(demo, seeded):
    before = _counts(demo)
    actor = actor_of(demo, "1100000000001")
    assert workflow.apply_forms(db=demo, actor=actor, quantity=5).ok
    assert _counts(demo) != before
    counts = demo_mode.reset(demo, rows=seeded)
    assert _counts(demo) == before == counts
    with demo.session() as session:
        assert audit.verify(session).ok
    assert workflow.apply_forms(db=demo, actor=actor, quantity=5).ok  # ids and sequences carry on


def test_a_reset_that_fails_midway_changes_nothing(demo, seeded):
    assert workflow.apply_forms(db=demo, actor=actor_of(demo, "1100000000001"), quantity=5).ok
    before = _counts(demo)
    broken = dict(seeded, form=seeded["form"] + [seeded["form"][0]])  # a duplicate key: fails at the forms
    with pytest.raises(IntegrityError):
        demo_mode.reset(demo, rows=broken)
    assert _counts(demo) == before
    with demo.session() as session:
        assert audit.verify(session).ok
    with pytest.raises(Exception, match="append-only"), demo.write() as session:  # the trail is guarded again
        session.execute(text("DELETE FROM auditevent"))


def test_trainees_are_copies_of_enterprise_a_kept_apart(demo):
    assert seed.seed_trainees(demo, 2) == 2
    assert seed.seed_trainees(demo, 2) == 0  # already there
    one, two = actor_of(demo, "1200000001001"), actor_of(demo, "1200000002001")
    a = actor_of(demo, "1100000000001")
    with demo.session() as session:
        names = session.exec(select(Enterprise.name).where(Enterprise.name.startswith("学员"))).all()
        assert names == ["学员01 深圳市华南进出口有限公司", "学员02 深圳市华南进出口有限公司"]
        assert session.exec(select(Card.holder).where(Card.card_no == "1200000002001")).one() == "学员02（企业操作员）"
        mine = session.exec(form_select(one)).all()
        theirs = session.exec(form_select(two)).all()
        of_a = session.exec(form_select(a)).all()
        assert len(mine) == len(theirs) == len(of_a) - 10  # enterprise A's story (without its 2007 forms)
        assert all(f.enterprise_id == one.enterprise_id for f in mine)
        for form in theirs[::10]:
            assert details.load(session, one, form.number, demo.settings) is None
    number = theirs[0].number
    assert not workflow.report_lost(db=demo, actor=one, numbers=[number])[0].ok


def test_reset_keeps_the_trainees(demo, monkeypatch):
    seed.seed_trainees(demo, 1)
    asked = []

    def seeded_rows(settings, trainees):
        asked.append(trainees)
        raise RuntimeError("seed failed")

    monkeypatch.setattr(demo_mode, "seeded_rows", seeded_rows)
    before = _counts(demo)
    with pytest.raises(RuntimeError):
        demo_mode.reset(demo)
    assert asked == [1] and _counts(demo) == before


# ── routes ────────────────────────────────────────────────────────────────────────────────────

class TestOff:
    def test_nothing_exists(self, client):
        page = client.get("/login").get_data(as_text=True)
        assert "演示" not in page and "demo" not in page
        token = csrf_of(page)
        assert client.post("/demo/login", data={"card_no": "1100000000001", "csrf_token": token}).status_code == 404
        login(client, "9900000000001")
        assert client.get("/demo/reset").status_code == 404
        assert client.post("/demo/reset", data={"confirmed": "1", "csrf_token": token}).status_code == 404
        assert "演示环境" not in client.get("/admin/").get_data(as_text=True)


class TestOn:
    @pytest.fixture
    def app_config(self):
        return {"DEMO": True}

    def test_login_page_lists_the_cards_and_logs_in_with_one_post(self, client):
        page = client.get("/login").get_data(as_text=True)
        assert "演示环境" in page and "数据均为演示数据" in page
        for card_no in demo_mode.PURPOSES:
            assert f'name="card_no" value="{card_no}"' in page
        assert "§10.1 出口收汇系统呈“灰色”无法进入，但其他子系统可以进入" in page
        assert "§四 核销单申请；§五 口岸备案；§六 撤销备案；§七 企业交单；§八 核销单挂失；§九 组合查询" in page
        assert client.post("/demo/login", data={"card_no": "1100000000001"}).status_code == 400  # no CSRF
        response = client.post("/demo/login", data={"card_no": "1100000000001", "csrf_token": csrf_of(page)})
        assert response.status_code == 303 and response.location.endswith("/")
        assert "1100000000001" in client.get("/", follow_redirects=True).get_data(as_text=True)

    def test_a_card_named_like_a_trainee_is_no_demo_card(self, client, demo):
        """Trainees are known by their card numbers (12…001 / 12…002), never by a holder's name the data
        centre may give any card: such a card is not on the public login page, not one-click, not counted."""
        from db import accounts, cards

        admin = actor_of(demo, "9900000000001")
        made, customs = cards.issue(db=demo, actor=admin, kind="customs", holder="学员甲", district_code="5700")
        assert made.ok
        result, enrolled = accounts.create_enterprise(db=demo, actor=admin, name="学员培训中心", customs_code="4403999999",
                                                      legal_holder="学员乙", operator_holder="学员丙")
        assert result.ok
        page = client.get("/login")
        assert page.status_code == 200
        for card_no in [customs.card_no] + [card.card_no for card in enrolled]:
            assert card_no not in page.get_data(as_text=True)
            token = csrf_of(page.get_data(as_text=True))
            assert client.post("/demo/login", data={"card_no": card_no, "csrf_token": token}).status_code == 404
        assert seed.count_trainees(demo) == 0
        assert seed.seed_trainees(demo, 1) == 1 and "1200000001001" in client.get("/login").get_data(as_text=True)
        login(client, "9900000000001")
        trainer = client.get("/exercises/trainer").get_data(as_text=True)
        assert "1200000001001" in trainer and enrolled[1].card_no not in trainer

    @pytest.mark.parametrize("language", ["zh", "en"])
    def test_login_page_with_the_demo_panel_stays_within_4_kb_compressed(self, client, demo, language):
        """Without the cached stylesheet and htmx: the page itself, as the server sends it gzip'd, in
        Chinese and in English (the header's switch before login: its cookie)."""
        client.set_cookie("lang", language)
        sizes = []
        for trainees in (0, 2):
            if trainees:
                seed.seed_trainees(demo, trainees)
            response = client.get("/login", headers={"Accept-Encoding": "gzip"})
            assert response.headers["Content-Encoding"] == "gzip"
            assert f'<html lang="{"en" if language == "en" else "zh-CN"}">' in gzip.decompress(
                response.get_data()).decode()
            sizes.append(len(response.get_data()))
        assert sizes[0] <= sizes[1] <= 4096, sizes

    def test_only_demo_cards(self, client, demo):
        token = csrf_of(client.get("/login").get_data(as_text=True))
        assert client.post("/demo/login", data={"card_no": "12345", "csrf_token": token}).status_code == 404

    def test_reset_is_the_data_centres_and_asks_first(self, client, demo, seeded, monkeypatch):
        monkeypatch.setattr(demo_mode, "seeded_rows", lambda settings, trainees: seeded)
        login(client, "1100000000001")
        assert client.get("/demo/reset").status_code == 404
        client.post("/logout", data={"csrf_token": client.csrf})
        login(client, "9900000000001")
        assert "重置演示数据" in client.get("/admin/").get_data(as_text=True)
        assert workflow.apply_forms(db=demo, actor=actor_of(demo, "1100000000001"), quantity=5).ok
        with demo.session() as session:
            events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        asked = client.post("/demo/reset", data={"csrf_token": client.csrf})  # without JavaScript: asks again
        assert asked.status_code == 200 and "是否重置演示数据？" in asked.get_data(as_text=True)
        assert _count_events(demo) == events
        done = client.post("/demo/reset", data={"csrf_token": client.csrf, "confirmed": "1"})
        assert done.status_code == 303 and done.location == "/admin/"
        assert "演示数据已重置" in client.get(done.location).get_data(as_text=True)
        assert _count_events(demo) == len(seeded["auditevent"]) < events
        assert client.get("/demo/reset").status_code == 200  # the admin's session survives the reset


def _count_events(database):
    with database.session() as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


def test_command_line_trainees_and_reset(demo, tmp_path):
    from click.testing import CliRunner

    from cli import main

    def run(*args, demo_mode="1", status=0):
        env = {"EPORTFX_DATABASE_URL": demo.url, "EPORTFX_INSTANCE": str(tmp_path), "EPORTFX_DEMO": demo_mode}
        result = CliRunner().invoke(main, ["seed-demo", *args], env=env, catch_exceptions=False)
        assert result.exit_code == status, result.output
        return result.output

    assert "1 trainees added (学员01 … 学员01)" in run("--trainees", "1")
    assert "no trainee added: 1 already present" in run("--trainees", "1")
    seeded = _counts(demo)
    assert workflow.apply_forms(db=demo, actor=actor_of(demo, "1200000001001"), quantity=5).ok
    applied = _counts(demo)
    # outside demo mode the database may be a branch's real one: --reset is refused, nothing changes
    assert "demo mode only (EPORTFX_DEMO=1)" in run("--reset", demo_mode="", status=1)
    assert _counts(demo) == applied != seeded
    assert "demo data reset: 14 cards" in run("--reset")
    assert _counts(demo) == seeded


def test_card_purposes_are_the_manuals_words():
    """Each card's purpose quotes the manual verbatim, with its section's number (§四, §10.1)."""
    from db import manual

    references = [*demo_mode.PURPOSES.values(), *demo_mode.TRAINEE_PURPOSES.values()]
    for reference in (r for card in references for r in card):
        key, *quote = reference
        found = manual.section(key)
        text = "".join(block["text"] for block in found["blocks"])
        assert not quote or quote[0] in text, reference
    assert demo_mode.purpose(demo_mode.PURPOSES["3300000000001"]) == "§二 核销单验核、出口报关；§六 待海关确认后可重新备案"


def test_a_session_never_moves_to_another_card_after_a_reset(client, demo):
    """A card issued during the class, then a latecomer added: the reset seeds every trainee at once, so
    the latecomer's cards get other ids. Their logged-in browser must not become another card's session."""
    from db import accounts
    from db.actor import SYSTEM
    from db.models import CardKind

    seed.seed_trainees(demo, 1)
    assert accounts.create_card(db=demo, actor=SYSTEM, kind=CardKind.BUREAU, holder="发卡练习")[0].ok
    seed.seed_trainees(demo, 2)
    login(client, "1200000002001")
    demo_mode.reset(demo)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "1200000002002" not in page and "发卡练习" not in page
    assert "1200000002001" in page or "IC卡密码" in page  # still that card, or the login page


def test_a_reset_keeps_each_cards_language(demo, seeded):
    """中文 / English is the person's choice, not demo data: a reset in the middle of an English class
    leaves the trainer's and the trainees' screens in English."""
    from db import accounts

    with demo.session() as session:
        ids = {c.card_no: c.id for c in session.exec(select(Card)).all()}
    accounts.set_language(db=demo, card_id=ids["9900000000001"], language="en")
    accounts.set_language(db=demo, card_id=ids["1100000000001"], language="zh")
    demo_mode.reset(demo, rows=seeded)
    with demo.session() as session:
        languages = {c.card_no: c.language for c in session.exec(select(Card)).all()}
    assert languages["9900000000001"] == "en" and languages["1100000000001"] == "zh"
    assert languages["1100000000003"] is None
    assert all(row["language"] is None for row in seeded["card"])  # the seeded rows are left as they were


def test_trainees_outside_demo_mode_change_the_demo_password_first(demo, tmp_path):
    """As the demo cards do: outside demo mode 88888888 is a published password on a real server."""
    from click.testing import CliRunner

    from cli import main

    env = {"EPORTFX_DATABASE_URL": demo.url, "EPORTFX_INSTANCE": str(tmp_path), "EPORTFX_DEMO": ""}
    result = CliRunner().invoke(main, ["seed-demo", "--trainees", "1"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with demo.session() as session:
        cards = session.exec(select(Card).where(Card.holder.startswith(seed.TRAINEE_PREFIX))).all()
    assert len(cards) == 2 and all(card.must_change_password for card in cards)


@pytest.mark.parametrize("lifetime", [0.2, 2], ids=["while-the-child-imports", "while-it-seeds"])
def test_the_reset_seeding_stops_when_its_process_dies(tmp_path, lifetime):
    """eportfx serve stopped (or a worker killed) during a reset: the child seeding the scratch
    database stops with it instead of running on for minutes, orphaned; also when the parent dies
    before the child has even finished starting (on a loaded box, importing takes seconds)."""
    import os
    import subprocess
    import sys
    import time

    script = ("import os, threading, time\n"
              "from db import demo\nfrom db.rules import Policy\n"
              "threading.Thread(target=demo.seeded_rows, args=(Policy(), 20), daemon=True).start()\n"
              f"time.sleep({lifetime})\nos._exit(0)\n")
    subprocess.run([sys.executable, "-c", script], check=True, env={**os.environ, "TMPDIR": str(tmp_path)},
                   cwd=Path(__file__).resolve().parent.parent, timeout=60)

    def seeding():
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and str(tmp_path).encode() in (proc / "cmdline").read_bytes():
                    found.append(proc.name)
            except OSError:
                pass
        return found

    deadline = time.monotonic() + 5  # seeding 20 trainees takes far longer
    while seeding() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = seeding()
    for pid in left:
        os.kill(int(pid), 9)
    assert not left
