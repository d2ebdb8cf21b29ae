"""Throughput under load: `eportfx serve` started on 127.0.0.1, logged-in clients driven by wrk
(Debian's `wrk` package, keep-alive connections), requests/s, p50, p99, answers that were not 200,
and the serving processes' memory.

    python -m bench.load --forms 10000 --workers 2 --threads 4
    python -m bench.load --db sqlite:////tmp/seed1m.db --workers 1 --duration 20
    python -m bench.load --db postgresql+psycopg://postgres@127.0.0.1/bench_1m --workers 2

Without --db it builds instance/bench-<forms>.db once (the demo seed plus --forms forms, as
`eportfx seed-demo --forms N`). Each request runs --duration seconds with --connections clients; an
answer that is not 200 (a redirect to 登录 included) is counted in the `not 200` column. Then the
口岸备案 fragment and the search by 核销单号 again with --single-clients clients (1: the latency of one
request with nobody queued before it).
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENT = "eportfx-bench/1"
ENTERPRISE, BUREAU = "1100000000001", "2200000000001"
HX = {"HX-Request": "true"}
REQUESTS = [  # card, path, headers, what it is
    (ENTERPRISE, "/enterprise/register", HX, "企业 口岸备案 list, htmx fragment"),
    (ENTERPRISE, "/enterprise/register", {}, "企业 口岸备案 list, full page"),
    (BUREAU, "/query/?b=form&run=1", {}, "外汇局 组合查询, all forms, first page, full page"),
    (BUREAU, "/query/?b=form&run=1", HX, "外汇局 组合查询, all forms, first page, htmx fragment"),
    (BUREAU, "/query/?b=form&f=number&o=prefix&v={number}&w=&j=and&run=1", HX, "外汇局 组合查询 by 核销单号"),
]
NAMES = ["register", "register-page", "query-page", "query", "number"]  # REQUESTS in order, for --only
# latency without queueing: these again with one client (with 16 on 2 cores a request mostly waits)
SINGLE = [REQUESTS[0], REQUESTS[4]]

LUA = """
local counts = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50": %f, "p99": %f, "bad": %d, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    total, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def build(forms: int) -> str:
    path = ROOT / "instance" / f"bench-{forms}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        print(f"building {path} ({forms} forms)...", file=sys.stderr)
        partial = path.with_suffix(".partial")
        # demo mode: the demo cards keep 88888888 without a first-login password change
        env = {**os.environ, "EPORTFX_DATABASE_URL": f"sqlite:///{partial}", "EPORTFX_DEMO": "1"}
        subprocess.run([sys.executable, "-c", "from cli import main; main()", "seed-demo", "--forms", str(forms)],
                       env=env, cwd=ROOT, check=True)
        partial.rename(path)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(base: str, card_no: str) -> str:
    """The session cookie header of a logged-in card."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"card_no": card_no, "password": "88888888", "csrf_token": token}).encode()
    answer = opener.open(base + "/login", data=body)
    if "/login" in answer.url or "password" in answer.url:  # refused, or a first-login password change
        sys.exit(f"{card_no} is not logged in (ended at {answer.url}): seed with EPORTFX_DEMO=1, or clear "
                 "card.must_change_password")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def login_client(client, card_no: str):
    """A Flask test client logged in as `card_no` (bench.cpu)."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"card_no": card_no, "password": "88888888", "csrf_token": token})
    assert answer.status_code == 303, answer.status_code
    return client


def serving_rss_mb(pid: int) -> list[float]:
    """Resident memory of each worker, MB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    out = []
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def wrk(url: str, headers: dict, seconds: int, connections: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
               "-s", script.name, url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    os.unlink(script.name)
    return json.loads(out.split("RESULT ", 1)[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: instance/bench-<forms>.db, built once)")
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10, help="seconds per request")
    parser.add_argument("--single-clients", type=int, default=1,
                        help="clients of the last rows (0: leave them out)")
    parser.add_argument("--number", default="286000100", help="the 核销单号 searched for")
    parser.add_argument("--only", choices=NAMES, help="this request kind alone (16 clients, then 1 if a row has it)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    url = args.db or build(args.forms)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    instance = tempfile.mkdtemp()
    env = {**os.environ, "EPORTFX_DATABASE_URL": url, "EPORTFX_INSTANCE": instance,
           "EPORTFX_LOGIN_RATE_PER_MINUTE": "100000"}
    server = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "serve", "--port", str(port),
                               "--workers", str(args.workers), "--threads", str(args.threads)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookies = {card: login(base, card) for card in (ENTERPRISE, BUREAU)}
        print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {url.split('://')[0]}, "
              f"--workers {args.workers} --threads {args.threads}, {args.connections} clients, {args.duration} s each")
        print("| request | requests/s | p50 ms | p99 ms | not 200 | server RSS MB |")
        print("|---|---|---|---|---|---|")
        runs = [(request, args.connections) for request in REQUESTS]
        if args.single_clients:
            runs += [(request, args.single_clients) for request in SINGLE]
        if args.only:
            runs = [run for run in runs if run[0] is REQUESTS[NAMES.index(args.only)]]
        for (card, path, headers, label), clients in runs:
            target = base + path.format(number=args.number)
            result = wrk(target, {"Cookie": cookies[card], "User-Agent": AGENT, **headers},
                         args.duration, clients, min(2, clients))
            rss = " + ".join(f"{mb:.0f}" for mb in serving_rss_mb(server.pid))
            if clients != args.connections:
                label += f", {clients} client{'s' if clients > 1 else ''}"
            print(f"| {label} | {result['requests'] / result['seconds']:.0f} | {result['p50']:.1f} | "
                  f"{result['p99']:.1f} | {result['bad'] + result['errors']} | {rss} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
