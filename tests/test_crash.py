"""Kill -9 the server during batch actions, restart it, again and again (EPORTFX_CRASH_KILLS, default 3).
After every kill: SQLite's integrity check passes, no batch is half applied (a batch answered has every
form it reported done moved; a batch cut off has all of its forms moved or none), and the audit chain
verifies. `eportfx serve` over a file database seeded with `eportfx seed-demo` (EPORTFX_DEMO=1)."""
import http.client
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import select

from db import audit, details
from db.actor import Actor
from db.engine import Database
from db.models import Card, Form, FormState
from db.rules import Action, why_not
from tests.conftest import BACKEND
from tests.test_race_server import ENTERPRISE_A, Client

pytestmark = pytest.mark.skipif(BACKEND == "postgresql", reason="a SQLite file's integrity under kill -9")

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("EPORTFX_CRASH_KILLS", "3"))
COMMAND = [sys.executable, "-c", "from cli import main; main()"]
BATCH = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen([*COMMAND, "serve", "--workers", "1", "--threads", "4", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # its own process group: the kill takes every worker
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the server never answered")


def _movable(db: Database, action: Action, numbers: list[str]) -> list[str]:
    """The forms enterprise A may move now: a batch takes these and refuses the rest, row by row."""
    with db.session() as session:
        me = Actor.of(session.exec(select(Card).where(Card.card_no == ENTERPRISE_A)).one())
        out = []
        for n in numbers:
            detail = details.load(session, me, n, db.settings)
            if not why_not(action, me, detail.form, detail.declaration, db.settings):
                out.append(n)
        return out


def _states(db: Database) -> dict[str, FormState]:
    with db.session() as session:
        return dict(session.exec(select(Form.number, Form.state).where(Form.enterprise_id == 1)).all())


def test_kill_nine_during_batches_leaves_no_batch_half_applied(tmp_path):
    path = tmp_path / "crash.db"
    env = {**os.environ, "EPORTFX_DATABASE_URL": f"sqlite:///{path}", "EPORTFX_INSTANCE": str(tmp_path),
           "EPORTFX_DEMO": "1", "EPORTFX_LOGIN_RATE_PER_MINUTE": "100000"}
    for command in ("init-db", "seed-demo"):
        subprocess.run([*COMMAND, command], env=env, cwd=ROOT, check=True, capture_output=True)
    db = Database(f"sqlite:///{path}")
    before = _states(db)
    moves = {"batch-register": (FormState.ISSUED, FormState.REGISTERED, {"port": "5700"}, Action.REGISTER),
             "batch-submit": (FormState.USED, FormState.SUBMITTED, {}, Action.SUBMIT)}
    batches = []  # (route, numbers), each form in one batch only, every form one the batch may move
    for route, (start, _, _, action) in moves.items():
        numbers = _movable(db, action, sorted(n for n, s in before.items() if s == start))
        batches += [(route, numbers[i:i + BATCH]) for i in range(0, len(numbers), BATCH)]
    random.Random(5).shuffle(batches)
    rounds = [batches[k::KILLS] for k in range(KILLS)]
    answered, cut, wrong, rng = {}, [], [], random.Random()
    port = _free_port()
    for kill, mine in enumerate(rounds):
        process = _start(env, port)
        signed_in = Client(port, ENTERPRISE_A)
        lock = threading.Lock()

        def run(share):
            client = Client(port, "", like=signed_in)
            for route, numbers in share:
                data = {"number": numbers, "act": "1", "confirmed": "1", **moves[route][2]}
                try:
                    status, text = client.request("POST", f"/enterprise/{route}", data)
                except (OSError, http.client.HTTPException):
                    with lock:
                        cut.append((route, numbers))
                    client = Client(port, "", like=signed_in)  # the server is gone: the rest go unanswered
                    continue
                done = {n for n in numbers if f'<tr class="ok"><td>{n}</td>' in text}
                with lock:
                    answered[(route, tuple(numbers))] = done
                    if status >= 500 or done != set(numbers):  # every form in it may move: all are done
                        wrong.append((route, numbers, status, text[:500]))
                time.sleep(rng.uniform(0, 0.05))

        clients = [threading.Thread(target=run, args=(mine[k::3],)) for k in range(3)]
        for c in clients:
            c.start()
        time.sleep(rng.uniform(0.05, 1.0))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for c in clients:
            c.join()

        assert wrong == []
        check = sqlite3.connect(path)
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check.close()
        now = _states(db)
        for (route, numbers), done in answered.items():
            start, end, _, _ = moves[route]
            assert {n for n in numbers if now[n] == end} == done, (route, numbers, done)  # acknowledged: present
        for route, numbers in cut:
            start, end, _, _ = moves[route]
            assert len({now[n] for n in numbers}) == 1, (route, numbers, [now[n] for n in numbers])  # all or none
        with db.session() as session:
            verdict = audit.verify(session)
        assert verdict.ok, verdict.message
        db.dispose()
    moved = sum(len(d) for d in answered.values())
    print(f"\nkills={KILLS} batches answered={len(answered)} (forms moved {moved}) cut off={len(cut)} "
          f"of {len(batches)}")
    assert moved > 0
