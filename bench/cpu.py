"""CPU per request, in process: the requests of bench.load through Flask's test client (login cookie,
routing, middleware, queries, templates; no network), time.process_time over --runs requests after a
warm-up, so a busy machine changes the figure little. --profile NAME prints where one request kind's
CPU goes (cProfile on process time).

Then 批量备案 of 20 forms in one POST (设置口岸, the answer: 20 results and the range's list again),
CPU and wall clock per POST, on a copy of the database made for the run (SQLite: the backup API;
PostgreSQL: CREATE DATABASE … TEMPLATE), so the database measured stays as it was and reruns compare.
In the copy, issued forms of the generated enterprises pass to the demo enterprise (tally kept in
step) so that every POST has 20 forms of its own to register. --profile batch profiles these POSTs.

    python -m bench.cpu --forms 10000                     # builds instance/bench-10000.db once
    python -m bench.cpu --db sqlite:////tmp/seed1m.db --runs 300
    python -m bench.cpu --forms 10000 --profile register  # the 口岸备案 fragment's profile
    python -m bench.cpu --db sqlite:////tmp/seed1m.db --only batch --runs 30
"""
import argparse
import cProfile
import io
import pstats
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load import BUREAU, ENTERPRISE, NAMES, REQUESTS, build, login_client

BATCH = 20  # forms per 批量备案 POST
PORT = "5300"


def out(text: str):
    print(text, file=sys.__stdout__, flush=True)


def cpu_ms(client, path: str, headers: dict, runs: int) -> float:
    for _ in range(5):
        assert client.get(path, headers=headers).status_code == 200, path
    started = time.process_time()
    for _ in range(runs):
        client.get(path, headers=headers)
    return (time.process_time() - started) * 1000 / runs


@contextmanager
def copy_of(url: str):
    """A throw-away copy of the database at `url`: its URL, dropped afterwards."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-cpu-")
        target = f"{folder}/copy.db"
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        try:
            yield f"sqlite:///{target}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"bench_copy_{uuid.uuid4().hex[:8]}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE {name} TEMPLATE "{parsed.database}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def give_forms(url: str, card_no: str, n: int) -> list[str]:
    """`n` issued forms of other enterprises handed to `card_no`'s enterprise (the tally moved with
    them); their numbers, in order."""
    engine = create_engine(url)
    with engine.begin() as c:
        me = c.execute(text("SELECT enterprise_id FROM card WHERE card_no = :c"), {"c": card_no}).scalar_one()
        rows = c.execute(text("SELECT id, number, enterprise_id FROM form WHERE state = 'issued' "
                              "AND enterprise_id <> :me ORDER BY number LIMIT :n"), {"me": me, "n": n}).all()
        c.execute(text("UPDATE form SET enterprise_id = :me, version = version + 1 WHERE id = :id"),
                  [{"me": me, "id": row.id} for row in rows])
        moved = {}
        for row in rows:
            moved[row.enterprise_id] = moved.get(row.enterprise_id, 0) + 1
        upsert = text("INSERT INTO formtally (enterprise_id, port_code, state, n) VALUES (:e, '', 'issued', :n) "
                      "ON CONFLICT (enterprise_id, port_code, state) DO UPDATE SET n = formtally.n + excluded.n")
        c.execute(upsert, [{"e": e, "n": -k} for e, k in moved.items()] + [{"e": me, "n": len(rows)}])
    engine.dispose()
    return [row.number for row in rows]


def batch_posts(url: str, runs: int, profile: bool) -> tuple[float, float, int]:
    """批量备案 of BATCH forms per POST, `runs` POSTs after 2 warm-ups: ms of CPU and of wall clock per
    POST, and the answer's bytes (uncompressed, on average)."""
    from app import create_app
    numbers = give_forms(url, ENTERPRISE, (runs + 3) * BATCH)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_PER_MINUTE": 100_000})
    client = login_client(app.test_client(), ENTERPRISE)
    page = client.get("/enterprise/batch-register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    groups = [numbers[i:i + BATCH] for i in range(0, len(numbers) - BATCH, BATCH)]
    cpu = wall = 0.0
    size = 0
    profiler = cProfile.Profile(time.process_time) if profile else None
    for i, group in enumerate(groups):
        path = f"/enterprise/batch-register?start={group[0]}&count=100"
        data = {"csrf_token": token, "port": PORT, "act": "1", "number": group}
        started, clock = time.process_time(), time.perf_counter()
        if profiler and i >= 2:
            answer = profiler.runcall(client.post, path, data=data, headers={"HX-Request": "true"})
        else:
            answer = client.post(path, data=data, headers={"HX-Request": "true"})
        if i >= 2:
            cpu += time.process_time() - started
            wall += time.perf_counter() - clock
            size += len(answer.get_data())
        body = answer.get_data(as_text=True)
        assert answer.status_code == 200 and body.count("设置成功") == BATCH, (answer.status_code, body[:500])
    if profiler:
        pstats.Stats(profiler, stream=sys.__stdout__).sort_stats("cumulative").print_stats(60)
    done = len(groups) - 2
    return cpu * 1000 / done, wall * 1000 / done, size // done


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: instance/bench-<forms>.db, built once)")
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--number", default="286000100", help="the 核销单号 searched for")
    parser.add_argument("--profile", choices=[*NAMES, "batch"], help="print the profile of this request kind")
    parser.add_argument("--only", choices=[*NAMES, "batch"], help="measure this request kind alone")
    args = parser.parse_args()
    url = args.db or build(args.forms)
    if args.only == "batch" or args.profile == "batch" or not (args.only or args.profile):
        batch_runs = min(args.runs, 30)
        with copy_of(url) as copy:
            sys.stdout = io.StringIO()
            cpu, wall, size = batch_posts(copy, batch_runs, args.profile == "batch")
            sys.stdout = sys.__stdout__
        if args.profile == "batch":
            return
        batch_line = (f"{'企业 批量备案, 20 forms, one POST (设置口岸)':<55} {cpu:6.2f} ms CPU  "
                      f"{wall:6.2f} ms wall  {size} bytes answered  ({batch_runs} POSTs)")
        if args.only == "batch":
            out(batch_line)
            return
    from app import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_PER_MINUTE": 100_000})
    sys.stdout = io.StringIO()  # the request log's lines are written (their cost counts), not shown
    clients = {card: login_client(app.test_client(), card) for card in (ENTERPRISE, BUREAU)}
    for name, (card, path, headers, label) in zip(NAMES, REQUESTS):
        path = path.format(number=args.number)
        client = clients[card]
        if args.profile == name:
            profile = cProfile.Profile(time.process_time)
            profile.runcall(lambda: [client.get(path, headers=headers) for _ in range(args.runs)])
            pstats.Stats(profile, stream=sys.__stdout__).sort_stats("cumulative").print_stats(60)
            return
        if not args.profile and args.only in (None, name):
            out(f"{label:<55} {cpu_ms(client, path, headers, args.runs):6.2f} ms CPU")
            sys.stdout = io.StringIO()
    if not (args.profile or args.only):
        out(batch_line)


if __name__ == "__main__":
    main()
