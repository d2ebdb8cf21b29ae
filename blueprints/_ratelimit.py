"""Login and password attempts, in any 60 seconds (a moving window: no fresh allowance at the turn of
a clock minute): at most LOGIN_RATE_PER_MINUTE for one card from one client address (guessing a card's
password), and at most LOGIN_RATE_PER_ADDRESS_PER_MINUTE from one address whatever the cards (trying
one password on many cards). A classroom behind one address logs its trainees in at the same minute,
each on their own card: the second window is the one it shares. Counted in this process, or in Redis
when REDIS_URL is set, so several instances or workers behind a proxy share the count.

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


def allow(bucket: str, card_no: str) -> bool:
    """One more attempt on `card_no` from this address, if both its windows have room (then it counts in both)."""
    config = current_app.config
    address = f"{bucket}:{client()}"
    windows = [(f"{address}:{card_no[:40]}", int(config["LOGIN_RATE_PER_MINUTE"])),
               (address, max(int(config["LOGIN_RATE_PER_ADDRESS_PER_MINUTE"]), int(config["LOGIN_RATE_PER_MINUTE"])))]
    now = time.time()
    url = config.get("REDIS_URL")
    if url:
        return _redis_allow(url, [f"eportfx:rate:{key}" for key, _ in windows], now, [n for _, n in windows])
    with _lock:
        _sweep(now)
        hits = [_local.setdefault(key, deque()) for key, _ in windows]
        for seen in hits:
            while seen and seen[0] <= now - WINDOW:
                seen.popleft()
        if any(len(seen) >= limit for seen, (_, limit) in zip(hits, windows)):
            return False
        for seen in hits:
            seen.append(now)
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


# one round trip, atomic: drop the attempts older than the window from each key, and add this one to
# every key only if each has room (ARGV: now, window, member, then one limit per key)
_MOVING = """
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[1], ARGV[3])
  redis.call('EXPIRE', key, math.ceil(tonumber(ARGV[2])))
end
return 1
"""
_scripts = {}


def _redis_allow(url: str, keys: list[str], now: float, limits: list[int]) -> bool:
    import redis

    script = _scripts.get(url)
    if script is None:
        script = _scripts.setdefault(url, redis.Redis.from_url(url).register_script(_MOVING))
    return bool(script(keys=keys, args=[now, WINDOW, f"{now}:{uuid.uuid4().hex}", *limits]))
