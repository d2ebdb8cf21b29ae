"""Two `eportfx serve` processes on two ports over one PostgreSQL database, with the shared secret key
and Redis for the login limit (the compose.yaml setup without the proxy): a session started on one goes
on through the other, what one instance writes the other lists at once, and the login limit counts
the attempts made on both."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.conftest import PG_SERVER
from tests.e2e.conftest import sign_in

REDIS_URL = "redis://127.0.0.1:6379/14"
LIMIT = 6
EPORTFX = str(Path(sys.executable).with_name("eportfx"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _services():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
        admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect():
            pass
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 are needed (make services): {error}")
    return admin


def _wait_healthy(url: str, process: subprocess.Popen, log: Path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never became healthy: {log.read_text()}")


@pytest.fixture
def two_instances(tmp_path):
    admin = _services()
    name = f"ops_two_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    env = {**os.environ, "EPORTFX_DATABASE_URL": f"{PG_SERVER}/{name}", "EPORTFX_SECRET_KEY": uuid.uuid4().hex * 2,
           "EPORTFX_REDIS_URL": REDIS_URL, "EPORTFX_LOGIN_RATE_PER_MINUTE": str(LIMIT), "EPORTFX_THREADS": "2"}
    processes = []
    try:
        # as a demo: the cards keep their initial password, so the browser goes straight to work
        subprocess.run([EPORTFX, "seed-demo"], env={**env, "EPORTFX_INSTANCE": str(tmp_path), "EPORTFX_DEMO": "1"},
                       check=True, capture_output=True)
        urls, logs = [], []
        for instance in ("web1", "web2"):
            port, log = _free_port(), tmp_path / f"{instance}.log"
            folder = tmp_path / instance
            folder.mkdir()
            process = subprocess.Popen(
                [EPORTFX, "serve", "--port", str(port)], stdout=log.open("w"), stderr=subprocess.STDOUT,
                env={**env, "EPORTFX_INSTANCE": str(folder), "EPORTFX_INSTANCE_NAME": instance})
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            logs.append(log)
            _wait_healthy(urls[-1], process, log)
        yield urls, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _clear_login_counts():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("eportfx:rate:*"):
        client.delete(key)
    if time.time() % 60 > 45:  # the limit counts per minute: keep the attempts inside one
        time.sleep(61 - time.time() % 60)


def test_two_instances_share_sessions_forms_and_the_login_limit(two_instances, browser, playwright):
    (one, two), (log_one, log_two) = two_instances

    # the login limit counts attempts made through both instances
    _clear_login_counts()
    api = playwright.request.new_context()
    statuses = []
    for attempt in range(LIMIT + 1):
        base = (one, two)[attempt % 2]
        token = api.get(f"{base}/login").text().split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = api.post(f"{base}/login", form={"card_no": "1999999999999", "password": "wrong",
                                                   "csrf_token": token})
        statuses.append(response.status)
    api.dispose()
    assert statuses == [422] * LIMIT + [429], statuses  # neither instance alone saw more than 4
    _clear_login_counts()

    # a session started on one instance goes on through the other
    enterprise = browser.new_context(locale="zh-CN").new_page()
    sign_in(enterprise, one, "1100000000001")
    expect(enterprise.get_by_role("navigation", name="系统菜单")).to_be_visible()
    enterprise.goto(f"{two}/enterprise/apply")
    expect(enterprise.get_by_role("heading", name="核销单申请", exact=True)).to_be_visible()
    enterprise.get_by_label("份数").fill("37")
    enterprise.get_by_role("button", name="申请").click()  # the form two rendered, posted to two
    expect(enterprise.get_by_role("status")).to_have_text("申请成功")

    # what two wrote, one lists at once: to the enterprise, and to the bureau
    enterprise.goto(f"{one}/enterprise/apply")
    newest = enterprise.get_by_role("table").locator("tbody tr").first
    expect(newest).to_contain_text("37")
    expect(newest).to_contain_text("申请中")
    bureau = browser.new_context(locale="zh-CN").new_page()
    sign_in(bureau, two, "2200000000001")
    bureau.goto(f"{one}/bureau/applications")
    expect(bureau.get_by_role("row").filter(has_text="深圳市华南进出口有限公司").filter(has_text="37")).to_have_count(1)

    # each instance wrote its own request log lines, named by the instance
    assert " web2 " in log_two.read_text() and " web1 " not in log_two.read_text()
    assert any(" POST /enterprise/apply 200 " in line and line.endswith(" 1100000000001")
               for line in log_two.read_text().splitlines())
    assert any(" GET /bureau/applications 200 " in line and line.endswith(" 2200000000001")
               for line in log_one.read_text().splitlines())
