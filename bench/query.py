"""组合查询 on a million forms: the first page (and its bounded count) of several 3-condition queries,
timed server-side, median and p95 over repeated runs.

    python -m bench.query                      # builds instance/bench.db once (1,000,000 forms), then times
    python -m bench.query --db sqlite:////tmp/b.db --forms 200000 --runs 50

Two figures per query: the builder alone (db.queries.page + bounded_count on a session), and the whole
request through the app (routing, login, query, template) with Flask's test client, no network.
"""
import argparse
import re
import statistics
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlmodel import func, select

from db import bulk, clock, export, migrate, queries, seed
from db.actor import Actor
from db.engine import Database
from db.models import Card, CardKind, Enterprise, Form
from db.queries import Condition as C

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'instance' / 'bench.db'}"
CARDS = {"bureau": "2200000000001", "customs": "3300000000001", "operator": "1100000000001"}


def build(url: str, forms: int) -> None:
    """The demo seed plus `forms` scale forms, unless the database has them already."""
    db = Database(url)
    migrate.init_db(db)
    with db.session() as session:
        have = session.exec(select(func.count()).select_from(Form)).one()
    if have >= forms:
        print(f"reusing {url}: {have:,} forms")
        return
    started = time.perf_counter()
    seed.seed_demo(db)
    seeded = time.perf_counter()
    bulk.add_forms(db, forms - have, progress=_progress(forms - have))
    done = time.perf_counter()
    print(f"\nbuilt {url}: demo seed {seeded - started:.0f} s, {forms - have:,} forms {done - seeded:.0f} s")
    db.dispose()


def _progress(total):
    state = {"n": 0}

    def step(n):
        state["n"] += n
        if state["n"] % 100_000 < n:
            print(f"  {state['n']:,} / {total:,} forms", flush=True)
    return step


def cases(session):
    """(name, role, business, conditions): realistic 3-condition queries over the scale data."""
    today = clock.today()
    month = (today - timedelta(days=400)).strftime("%Y%m")
    year = (today - timedelta(days=400)).strftime("%Y")
    quarter = [(today - timedelta(days=d)).strftime("%Y%m%d") for d in (500, 410)]
    scale = select(Enterprise.id, Enterprise.name).where(Enterprise.customs_code.like("98%"))
    count = session.exec(select(func.count()).select_from(scale.subquery())).one()
    big = session.exec(scale.order_by(Enterprise.id).offset(count // 2).limit(1)).one()  # one of the scale ones
    return [
        ("核销单: 发单日期 以……开始 月 并且 使用口岸 等于 5700 并且 海关使用状态 等于 已用", "bureau", "form",
         [C("issued_on", "prefix", month), C("port_code", "eq", "5700"), C("customs_use", "eq", "已用")]),
        ("核销单 (海关 5700): 备案日期 晚于 并且 核销状态 等于 未核销 并且 交单状态 等于 未交", "customs", "form",
         [C("registered_on", "after", quarter[0]), C("write_off_state", "eq", "未核销"),
          C("submit_state", "eq", "未交")]),
        ("核销单 (企业): 发单日期 以……开始 年 并且 交单状态 等于 未交 并且 核销单号 以……开始 286", "enterprise", "form",
         [C("issued_on", "prefix", year), C("submit_state", "eq", "未交"), C("number", "prefix", "286")]),
        ("核销单: 企业名称 包含 并且 交单状态 等于 已交 并且 发单日期 早于", "bureau", "form",
         [C("enterprise", "contains", big.name[-9:-4]), C("submit_state", "eq", "已交"),
          C("issued_on", "before", quarter[1])]),
        ("核销单: 核销单号 以……开始 2865 并且 备案状态 等于 未备案 或者 挂失/注销 等于 已挂失", "bureau", "form",
         [C("number", "prefix", "2865"), C("register_state", "eq", "未备案"), C("closed", "eq", "已挂失", join="or")]),
        ("报关单: 出口日期 介于 并且 币制 等于 502 并且 总价 大于 10000", "bureau", "declaration",
         [C("exported_on", "between", *quarter), C("currency", "eq", "502"), C("total", "gt", "10000")]),
        ("报关单 (海关 5700): 申报日期 以……开始 月 并且 贸易方式 等于 0214 并且 结汇联 等于 已签发",
         "customs", "declaration",
         [C("declared_on", "prefix", month), C("trade_mode", "eq", "0214"), C("fx_slip", "eq", "已签发")]),
        ("报关单 (企业): 出口日期 以……开始 年 并且 币制 不等于 502 并且 总价 小于 5000", "enterprise", "declaration",
         [C("exported_on", "prefix", year), C("currency", "ne", "502"), C("total", "lt", "5000")]),
        # the worst kind: 包含 on the number is tested on every number of the other conditions' range
        ("核销单: 核销单号 包含 12345 并且 备案状态 等于 未备案 并且 发单日期 以……开始 年 (a scan)", "bureau", "form",
         [C("number", "contains", "12345"), C("register_state", "eq", "未备案"), C("issued_on", "prefix", year)]),
    ], big.id


def login(client, card_no: str):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"card_no": card_no, "password": seed.DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.status_code
    return client


def timed(fn, runs: int) -> tuple[float, float]:
    for _ in range(2):  # warm the caches first
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=DEFAULT_DB, help="database URL (default instance/bench.db)")
    parser.add_argument("--forms", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if args.db == DEFAULT_DB:
        (ROOT / "instance").mkdir(exist_ok=True)
    build(args.db, args.forms)

    from app import create_app

    db = Database(args.db)
    app = create_app({"TESTING": True, "DATABASE": db, "DATABASE_URL": args.db, "SECRET_KEY": "bench",
                      "LOGIN_RATE_PER_MINUTE": 10_000, "INSTANCE": str(ROOT / "instance")})
    with db.session() as session:
        all_cases, enterprise_id = cases(session)
        actors = {role: Actor.of(session.exec(select(Card).where(Card.card_no == no)).one())
                  for role, no in CARDS.items()}
    # the builder runs as a scale enterprise (1,000 forms); the app as the demo operator (its card)
    actors["enterprise"] = Actor(card_id=None, card_no="bench", kind=CardKind.OPERATOR, enterprise_id=enterprise_id)
    clients = {}
    for role, card_no in CARDS.items():
        clients[role] = login(app.test_client(), card_no)
    clients["enterprise"] = clients["operator"]

    print(f"\n{args.runs} runs each, after 2 warm-up runs; milliseconds, median / p95")
    print(f"{'query':<70} {'page':>13} {'page+count':>13} {'request':>13}  count")
    for name, role, business, conditions in all_cases:
        with db.session() as session:
            stmt = queries.combined(business, actors[role], conditions, session)
            page_ms = timed(lambda: queries.page(session, stmt), args.runs)
            both_ms = timed(lambda: (queries.page(session, stmt), queries.bounded_count(session, stmt)), args.runs)
            n, exact = queries.bounded_count(session, stmt)
        url = "/query/?" + urlencode([("b", business), *queries.encode(conditions), ("run", "1")])
        client = clients[role]
        assert client.get(url).status_code == 200
        request_ms = timed(lambda: client.get(url), args.runs)
        count = f"{n}" if exact else f"> {n}"
        print(f"{name:<70} {page_ms[0]:6.1f}/{page_ms[1]:6.1f} {both_ms[0]:6.1f}/{both_ms[1]:6.1f} "
              f"{request_ms[0]:6.1f}/{request_ms[1]:6.1f}  {count}")
    export_memory(db, actors["bureau"])
    db.dispose()


def export_memory(db, actor):
    """导出 of 100,000 forms (核销单号 以……开始 2861): time, size, and the peak of Python's memory."""
    with db.session() as session:
        stmt = queries.form_select(actor, [C("number", "prefix", "2861")], session=session)
        tracemalloc.start()
        started, rows, size = time.perf_counter(), -1, 0
        for chunk in export.csv_lines("form", session, stmt):
            rows, size = rows + chunk.count("\r\n"), size + len(chunk.encode())
        seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"\n导出 {rows:,} forms: {size / 1e6:.1f} MB of CSV in {seconds:.1f} s (traced), "
          f"peak Python memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
