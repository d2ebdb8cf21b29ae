"""Races through the real server: waitress with 4 and with 20 threads over a file database (SQLite) or
PostgreSQL (EPORTFX_TEST_DB=postgresql). Many clients, each logged in with its own session, fire
conflicting transitions on the same demo forms for EPORTFX_RACE_SECONDS (default 3): enterprise A's
口岸备案, 撤销备案 and 挂失, customs 5700's 撤销确认 (back to 已发放, so forms go round), the bureau's 挂失. Every answer is below 500, every form ends in a state its
moves can reach, the audit trail gained exactly one event per successful move, and the chain verifies."""
import http.client
import os
import random
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from db import audit, seed
from db.models import AuditEvent, Form, FormState

SECONDS = float(os.environ.get("EPORTFX_RACE_SECONDS", "3"))
ENTERPRISE_A, BUREAU, CUSTOMS_5700 = "1100000000001", "2200000000001", "3300000000001"
REACHABLE = {FormState.ISSUED, FormState.REGISTERED, FormState.REVOKING, FormState.LOST}


class Client:
    """One browser: its own connection and session cookie, logged in as a card."""

    def __init__(self, port: int, card_no: str, like: "Client | None" = None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if like:  # another tab of the same browser: its session, its own connection
            self.cookie, self.csrf = like.cookie, like.csrf
            return
        self.cookie = ""
        html = self.request("GET", "/login")[1]
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        status, _ = self.request("POST", "/login", {"card_no": card_no, "password": seed.DEMO_PASSWORD})
        assert status == 303, status
        page = {ENTERPRISE_A: "/enterprise/lost", BUREAU: "/bureau/lost", CUSTOMS_5700: "/customs/revocations"}[card_no]
        html = self.request("GET", page)[1]  # the session starts afresh at login, and so does its token
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if data is not None:
            body = urlencode({**data, "csrf_token": self.csrf}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        jar = dict(c.split("=", 1) for c in self.cookie.split("; ") if c)
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            jar[name] = value
        self.cookie = "; ".join(f"{k}={v}" for k, v in jar.items() if v)
        return response.status, text

    def close(self):
        self.conn.close()


def _moves(numbers: list[str]):
    """(card, name, request, how to count its successes from the answer)."""
    def single(status, _text):  # a form page without htmx: 303 when done, 422 when refused
        return 1 if status == 303 else 0

    def rows(_status, text):  # a batch screen answers row by row
        return text.count('<tr class="ok">')

    def closed(status, _text):  # 挂失 by the bureau: 200 when done, 422 when refused
        return 1 if status == 200 else 0

    out = []
    for n in numbers:
        out += [("A", "口岸备案", ("POST", f"/enterprise/register/{n}", {"port": "5700", "confirmed": "1"}), single)] * 4
        out += [("A", "撤销备案", ("POST", f"/enterprise/revoke/{n}", {"confirmed": "1"}), single)] * 3
        out += [("customs", "撤销确认", ("POST", "/customs/revocations", {"number": n, "CONFIRM_REVOKE": "1"}), rows)] * 2
        if n in numbers[:4]:  # 挂失 ends a form: on a third of them only, the others go round all the time
            out += [("A", "挂失", ("POST", "/enterprise/lost", {"number": n, "act": "1", "confirmed": "1"}), rows)]
            out += [("bureau", "局挂失", ("POST", "/bureau/lost", {"number": n, "reason": "遗失", "confirmed": "1"}),
                     closed)]
    return out


def _events(db) -> int:
    with db.session() as session:
        return len(session.exec(select(AuditEvent.seq)).all())


@pytest.mark.parametrize("threads", [4, 20])
def test_conflicting_moves_through_the_server(demo, tmp_path, threads):
    from waitress.server import create_server

    from app import create_app

    app = create_app({"SECRET_KEY": "race-secret", "INSTANCE": str(tmp_path), "DATABASE_URL": demo.url,
                      "THREADS": threads, "LOGIN_RATE_PER_MINUTE": 100_000})
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    port = server.effective_port
    try:
        with demo.session() as session:
            issued = session.exec(select(Form.number).where(Form.enterprise_id == 1, Form.state == FormState.ISSUED)
                                  .order_by(Form.number).limit(12)).all()
        moves = _moves(list(issued))
        clients = 2 * threads
        tried, done, refused, errors = Counter(), Counter(), Counter(), []
        lock = threading.Lock()
        signed_in = {"A": Client(port, ENTERPRISE_A), "bureau": Client(port, BUREAU),
                     "customs": Client(port, CUSTOMS_5700)}
        start = _events(demo)  # after the logins, which the trail records too
        start_line = threading.Barrier(clients + 1)
        stop = [0.0]

        def run(k):
            me = {card: Client(port, "", like=c) for card, c in signed_in.items()}
            rng = random.Random(k)
            start_line.wait()
            while time.monotonic() < stop[0]:
                card, name, (method, path, data), count = rng.choice(moves)
                try:
                    status, text = me[card].request(method, path, data)
                except (OSError, http.client.HTTPException) as error:
                    with lock:
                        errors.append((name, path, repr(error)))
                    return
                wins = count(status, text)
                with lock:
                    tried[name] += 1
                    done[name] += wins
                    refused[name] += 0 if wins else 1
                    if status >= 500 or status not in (200, 303, 422):
                        errors.append((name, path, status, text[:300]))
            for c in me.values():
                c.close()
        for c in signed_in.values():
            c.close()

        workers = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
        for w in workers:
            w.start()
        stop[0] = time.monotonic() + SECONDS
        start_line.wait()
        for w in workers:
            w.join()
    finally:
        server.close()
        app.extensions["eportfx_db"].dispose()

    print(f"\n{demo.url.split(':', 1)[0]} threads={threads} clients={clients} seconds={SECONDS}: "
          f"tried {sum(tried.values())} done {sum(done.values())} refused {sum(refused.values())}; "
          f"by move: tried {dict(tried)} done {dict(done)}")
    assert errors == []
    with demo.session() as session:
        states = session.exec(select(Form.state).where(Form.number.in_(issued))).all()
        assert set(states) <= REACHABLE, states
        assert _events(demo) - start == sum(done.values())
        verdict = audit.verify(session)
    assert verdict.ok, verdict.message
    assert sum(done.values()) > 0 and sum(refused.values()) > 0  # the moves did conflict
