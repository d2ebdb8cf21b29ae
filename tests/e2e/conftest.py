"""End-to-end: a real waitress server on 127.0.0.1 per test (over that test's database), driven by
Debian's Chromium through Playwright."""
import shutil
import threading

import pytest
from playwright.sync_api import expect
from waitress import wasyncore
from waitress.server import create_server

from db.seed import DEMO_PASSWORD

expect.set_options(timeout=15_000)  # a loaded 2-core CI machine is slow; a wrong page still fails

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed: apt-get install -y chromium fonts-noto-cjk"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def live(app):
    """The app served by waitress on a free port; yields its base URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    wasyncore.close_all(server._map)  # the browser's kept-alive connections too, so run() returns at once
    server.task_dispatcher.shutdown()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the test server did not stop"


@pytest.fixture
def no_js_page(browser, live):
    """A page with JavaScript off: every step must still work with full pages."""
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live: str, card_no: str, password: str = DEMO_PASSWORD):
    """Log in through the login page as the manual describes (§三)."""
    page.goto(f"{live}/login")
    page.get_by_label("IC卡号").fill(card_no)
    page.get_by_label("IC卡密码").fill(password)
    page.get_by_role("button", name="确定").click()
