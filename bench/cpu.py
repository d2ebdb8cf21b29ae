"""CPU per request, in process: the requests of bench.load through Flask's test client (login cookie,
routing, middleware, queries, templates; no network), time.process_time over --runs requests after a
warm-up, so a busy machine changes the figure little. --profile NAME prints where one request kind's
CPU goes (cProfile on process time).

    python -m bench.cpu --forms 10000                     # builds instance/bench-10000.db once
    python -m bench.cpu --db sqlite:////tmp/seed1m.db --runs 300
    python -m bench.cpu --forms 10000 --profile register  # the 口岸备案 fragment's profile
"""
import argparse
import cProfile
import io
import pstats
import sys
import time

from bench.load import BUREAU, ENTERPRISE, REQUESTS, build, login_client

NAMES = ["register", "register-page", "query-page", "query", "number"]  # REQUESTS in order


def out(text: str):
    print(text, file=sys.__stdout__, flush=True)


def cpu_ms(client, path: str, headers: dict, runs: int) -> float:
    for _ in range(5):
        assert client.get(path, headers=headers).status_code == 200, path
    started = time.process_time()
    for _ in range(runs):
        client.get(path, headers=headers)
    return (time.process_time() - started) * 1000 / runs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: instance/bench-<forms>.db, built once)")
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--number", default="286000100", help="the 核销单号 searched for")
    parser.add_argument("--profile", choices=NAMES, help="print the profile of this request kind")
    args = parser.parse_args()
    url = args.db or build(args.forms)
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
        if not args.profile:
            out(f"{label:<55} {cpu_ms(client, path, headers, args.runs):6.2f} ms CPU")
            sys.stdout = io.StringIO()


if __name__ == "__main__":
    main()
