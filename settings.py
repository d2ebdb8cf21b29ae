"""Settings: defaults here, overridden by EPORTFX_* environment variables (EPORTFX_PORT=8080...)."""
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class Defaults:
    DATABASE_URL = None  # None: a SQLite file under the instance folder
    SECRET_KEY = None  # None: generated once and kept under the instance folder
    REDIS_URL = None  # optional shared store for login rate limiting across instances
    PROXY_COUNT = 0  # proxies in front of the app whose X-Forwarded-For to trust
    LOG_FORMAT = "plain"  # the request log: "plain" (one line of text per request) or "json"
    INSTANCE_NAME = None  # names this instance in the request log; None: the host name
    HOST = "127.0.0.1"
    PORT = 8000
    THREADS = 4
    WORKERS = 0  # serving processes; 0: the number of cores
    EXPORTS_PER_CARD = 2  # 导出 running at once for one card (and half the threads for all cards)
    POOL_TIMEOUT = 10  # seconds a request may wait for a database connection before 系统繁忙 (503)
    FORM_NUMBER_WIDTH = 9  # 核销单号 digits
    FIRST_FORM_NUMBER = 286000001  # the bureau's first number when its stock is empty
    MAX_APPLY_QUANTITY = 100  # 核销单申请: most forms one application may ask for
    USE_PERIOD_DAYS = 90  # a registered form may be used by customs within this many days of 备案
    SUBMIT_PERIOD_DAYS = 60  # a used form should be submitted within this many days of 出口日期
    RECEIVE_ALERT_DAYS = 3  # a submission not received after this many days is flagged (manual §10.4)
    DEADLINE_WARNING_DAYS = 15  # dashboards warn this many days before a deadline
    WRITE_OFF_TOLERANCE = 5  # 核销: a 收汇金额 further than this many percent from 总价 needs a 差额原因
    LOGIN_MAX_FAILURES = 5  # wrong passwords in a row before the card must wait
    LOGIN_DELAY_SECONDS = 60  # the first wait; it doubles with every further wrong password
    LOGIN_DELAY_MAX_SECONDS = 3600  # the longest wait
    LOGIN_RATE_PER_MINUTE = 20  # login attempts on one card from one client address per minute
    LOGIN_RATE_PER_ADDRESS_PER_MINUTE = 100  # login attempts from one client address per minute, all cards
    HTTPS = False  # served over HTTPS: Secure cookies and HSTS
    SESSION_IDLE_MINUTES = 30  # a session ends after this long without a request
    SESSION_MAX_HOURS = 12  # and this long after its login, whatever happens
    DEMO = False  # demo mode: 演示环境 banner, demo cards on the login page, 重置演示数据 (blueprints/demo.py);
    # with it off, seed-demo makes every demo card change 88888888 at its first login
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600  # static URLs carry their version: cache for a year


class TestDefaults(Defaults):
    TESTING = True
    WTF_CSRF_ENABLED = True
    LOGIN_RATE_PER_MINUTE = 10_000
    LOGIN_RATE_PER_ADDRESS_PER_MINUTE = 10_000


def instance_path(env_value: str | None) -> Path:
    path = Path(env_value) if env_value else ROOT / "instance"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'eportfx.db'}"


def secret_key(instance: Path) -> str:
    """A key generated on first start and kept, so sessions survive restarts."""
    key_file = instance / "secret_key"
    try:  # owner-only from the moment it exists: never readable by others, not even until a chmod
        made = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(made, "w") as out:
            out.write(secrets.token_hex(32))
    return key_file.read_text().strip()
