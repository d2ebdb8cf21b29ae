"""A card's exports are bounded across server processes: each export holds a lease row, so a second
process (here: a second app on its own engine over the same database, as `eportfx serve --workers 2`
makes) sees the first one's exports. A killed process's lease lapses by itself."""
from datetime import timedelta

from blueprints import _exports
from db import clock, leases
from db.engine import Database
from tests.conftest import login
from tests.test_race import _race


def _card_id(db, card_no="1100000000001"):
    from sqlmodel import select

    from db.models import Card

    with db.session() as session:
        return session.exec(select(Card.id).where(Card.card_no == card_no)).one()


def _worker_app(database_url, tmp_path, name):
    """Another server process's app: its own engine, its own in-memory counts."""
    from app import create_app

    return create_app({"TESTING": True, "DATABASE": Database(database_url), "DATABASE_URL": database_url,
                       "SECRET_KEY": "test-secret", "INSTANCE": str(tmp_path / name),
                       "LOGIN_RATE_PER_MINUTE": 10_000, "EXPORTS_PER_CARD": 2, "THREADS": 16})


def test_a_second_worker_sees_the_first_workers_exports(demo, tmp_path, monkeypatch):
    first, second = (_worker_app(demo.url, tmp_path, n) for n in ("w1", "w2"))
    one = login(first.test_client(), "1100000000001")
    running = [one.get("/query/export.csv?b=form", buffered=False) for _ in range(2)]
    assert [r.status_code for r in running] == [200, 200]
    other = login(second.test_client(), "1100000000001")
    with monkeypatch.context() as m:  # another process: none of this one's memory
        m.setattr(_exports, "_running", {})
        refused = other.get("/query/export.csv?b=form")
    assert refused.status_code == 429 and "本卡已有导出正在进行" in refused.get_data(as_text=True)
    for response in reversed(running):
        response.close()
    assert other.get("/query/export.csv?b=form").status_code == 200  # the leases were given back


def test_racing_processes_take_no_more_than_the_bound(demo):
    card, engines = _card_id(demo), [Database(demo.url) for _ in range(6)]
    try:
        taken = _race([lambda d=d: leases.take(d, card, 2) for d in engines])
        assert sum(lease is not None for lease in taken) == 2
    finally:
        for d in engines:
            d.dispose()


def test_a_killed_process_lease_lapses_and_a_renewed_one_does_not(demo):
    card = _card_id(demo)
    lost = leases.take(demo, card, 1)  # its process is killed: never given back
    assert lost is not None and leases.take(demo, card, 1) is None
    with clock.travel_to(clock.today() + timedelta(days=1)):
        kept = leases.take(demo, card, 1)  # the lapsed lease no longer counts
        assert kept is not None
        leases.renew(demo, kept)
        assert leases.take(demo, card, 1) is None
        leases.give_back(demo, kept)
        assert leases.take(demo, card, 1) is not None
