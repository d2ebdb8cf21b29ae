"""Login attempts per client address per minute: in this process, or in Redis when REDIS_URL is set
(so several instances behind a proxy share the count)."""
import threading
import time

from flask import current_app, request

_lock = threading.Lock()
_local: dict[tuple[str, int], int] = {}


def allow(bucket: str) -> bool:
    limit = current_app.config["LOGIN_RATE_PER_MINUTE"]
    minute = int(time.time() // 60)
    key = f"{bucket}:{request.remote_addr}"
    url = current_app.config.get("REDIS_URL")
    if url:
        return _redis_count(url, f"eportfx:rate:{key}:{minute}") <= limit
    with _lock:
        for old in [k for k in _local if k[1] < minute]:
            del _local[old]
        _local[(key, minute)] = _local.get((key, minute), 0) + 1
        return _local[(key, minute)] <= limit


_clients = {}


def _redis_count(url: str, key: str) -> int:
    import redis

    client = _clients.get(url) or _clients.setdefault(url, redis.Redis.from_url(url))
    with client.pipeline() as pipe:
        count, _ = pipe.incr(key).expire(key, 120).execute()
    return int(count)
