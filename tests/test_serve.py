"""`eportfx serve --workers N`: one socket, N processes answering on it, a dead worker replaced,
SIGTERM stops them all. Which process answered a connection is read from /proc (Linux), not from
anything the server tells the client."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(c) for c in children}


def _owner(workers: set[int], server_port: int, client_port: int) -> int | None:
    """The worker holding the accepted end of the connection from client_port."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            inode = fields[9]
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _get(port: int) -> tuple[int, int]:
    """GET /login on a new keep-alive connection: (status, the client's port); the connection stays open."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    response.read()
    _open.append(conn)
    return response.status, conn.sock.getsockname()[1]


_open: list[http.client.HTTPConnection] = []


def _wait_until(check, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/login")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


@pytest.fixture
def server(tmp_path):
    env = {**os.environ, "EPORTFX_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
           "EPORTFX_INSTANCE": str(tmp_path)}
    command = [sys.executable, "-c", "from cli import main; main()"]
    subprocess.run([*command, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen([*command, "serve", "--workers", "2", "--threads", "2", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert _wait_until(lambda: _answers(port), 60), "the server never answered"
    yield process, port
    for conn in _open:
        conn.close()
    _open.clear()
    if process.poll() is None:
        process.kill()
        process.wait()


def test_two_workers_answer_a_dead_one_is_replaced_and_sigterm_stops_all(server):
    process, port = server
    assert _wait_until(lambda: len(_workers(process.pid)) == 2), "two workers start"
    workers = _workers(process.pid)
    seen = set()
    for _ in range(60):  # the kernel hands each connection to whichever worker accepts first
        status, client_port = _get(port)
        assert status == 200
        seen.add(_owner(workers, port, client_port))
        if seen == workers:
            break
    assert seen == workers, "both workers answer on the one socket"

    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    assert _wait_until(lambda: len(_workers(process.pid) - {victim}) == 2), "a dead worker is replaced"
    assert _get(port)[0] == 200

    everyone = _workers(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in everyone)
    assert "starting another" in process.stdout.read()
