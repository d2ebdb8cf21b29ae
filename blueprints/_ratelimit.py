"""Login and password attempts per client address: at most LOGIN_RATE_PER_MINUTE in any 60 seconds
(a moving window: no fresh allowance at the turn of a clock minute). Counted in this process, or in
Redis when REDIS_URL is set, so several instances or workers behind a proxy share the count.

Only allowed attempts are counted (as the `limits` library's moving window does), so an address that
waits a minute gets its attempts back however hard it was refused. Why not Flask-Limiter: its storage
(the `limits` library) is memory, Redis, Memcached or MongoDB; none is SQLite or PostgreSQL, so across
worker processes it needs Redis just as this does, and in one process it counts as this does.
"""
import ipaddress
import threading
import time
import uuid
from collections import deque

from flask import current_app, request

WINDOW = 60.0  # seconds
_lock = threading.Lock()
_local: dict[str, deque] = {}
_swept = [0.0]


def allow(bucket: str) -> bool:
    limit = int(current_app.config["LOGIN_RATE_PER_MINUTE"])
    now = time.time()
    key = f"{bucket}:{client()}"
    url = current_app.config.get("REDIS_URL")
    if url:
        return _redis_allow(url, f"eportfx:rate:{key}", now, limit)
    with _lock:
        _sweep(now)
        hits = _local.setdefault(key, deque())
        while hits and hits[0] <= now - WINDOW:
            hits.popleft()
        if len(hits) >= limit:
            return False
        hits.append(now)
        return True


def client() -> str:
    """Whose attempts these are: the client's address, an IPv6 one by its /64 (one subscriber's network,
    whose 2^64 addresses are all theirs to send from), an IPv4-mapped one as the IPv4 address."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _sweep(now: float) -> None:
    """Forget the addresses with no attempt in the window (once a window at most)."""
    if now - _swept[0] < WINDOW:
        return
    _swept[0] = now
    for key in [k for k, hits in _local.items() if not hits or hits[-1] <= now - WINDOW]:
        del _local[key]


# one round trip, atomic: drop the attempts older than the window, count, add this one if allowed
_MOVING = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
  return 1
end
return 0
"""
_scripts = {}


def _redis_allow(url: str, key: str, now: float, limit: int) -> bool:
    import redis

    script = _scripts.get(url)
    if script is None:
        script = _scripts.setdefault(url, redis.Redis.from_url(url).register_script(_MOVING))
    return bool(script(keys=[key], args=[now, WINDOW, limit, f"{now}:{uuid.uuid4().hex}"]))
