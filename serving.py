"""`eportfx serve --workers N`: one listening socket, N waitress processes accepting on it.

The parent binds the socket once, then forks the workers; each worker builds its own app (and so its
own engine and connection pool) after the fork, and serves the inherited socket with waitress's
`sockets=` option. The parent only watches: a worker that dies is started again, and SIGTERM or SIGINT
stops every worker (each finishes the requests it is answering) and exits 0. SQLite in WAL mode is safe
for several processes; writers still open with BEGIN IMMEDIATE (db/engine.py).
"""
import os
import signal
import socket
import sys
import time

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
RESPAWN_PAUSE = 1.0  # a worker that dies within this many seconds of its start is restarted after a pause


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def run(make_app, host: str, port: int, *, workers: int, threads: int, log=print) -> int:
    """Serve until SIGTERM/SIGINT; the exit status. `make_app` is called in each worker, after the fork."""
    sock = bind(host, port)
    children: dict[int, float] = {}  # pid -> start time
    stopping = False

    def start():
        children[_fork(make_app, sock, threads)] = time.monotonic()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by _fork until the pid is known

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True
        for pid in list(children):
            _kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        start()
    log(f"{workers} worker(s), {threads} thread(s) each: {', '.join(map(str, children))}")
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, None)
        if started is None or stopping:
            continue
        log(f"worker {pid} ended ({_describe(status)}); starting another")
        if time.monotonic() - started < RESPAWN_PAUSE:
            time.sleep(RESPAWN_PAUSE)
        if not stopping:
            start()
    sock.close()
    return 0


def _fork(make_app, sock, threads) -> int:
    """Start one worker; its pid. Stop signals stay blocked: the worker unblocks them once it has its
    own handlers, the parent once it has recorded the pid."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        status = 1
        try:
            _worker(make_app, sock, threads)
            status = 0
        finally:
            os._exit(status)
    return pid


def _worker(make_app, sock, threads):
    import waitress

    def leave(_signum, _frame):
        raise SystemExit(0)  # waitress's loop closes and lets its threads finish their requests

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    app = make_app()
    waitress.serve(app, sockets=[sock], threads=threads, _quiet=True, **waitress_options(app))
    sys.stdout.flush()


def waitress_options(app) -> dict:
    """Behind EPORTFX_PROXY_COUNT proxies, waitress passes their X-Forwarded-* headers on to the app's
    ProxyFix (waitress 3 drops them by default, and every client would look like the proxy)."""
    return {"ident": "eportfx", "clear_untrusted_proxy_headers": not app.config["PROXY_COUNT"]}


def _kill(pid, signum):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"
