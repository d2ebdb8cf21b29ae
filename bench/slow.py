"""Slow links: Chromium with its network emulation (Regular 2G: 250 kbit/s down, 50 kbit/s up, 300 ms
latency, set through the DevTools protocol), against `eportfx serve` on 127.0.0.1 with a fresh demo
database. Times login → dashboard (cold cache, then warm), 开始查找 → 20 rows, 全选, 设置口岸 and one
组合查询, and prints them against the budgets (each htmx interaction ≤ 0.8 s, cold login ≤ 3 s).

    python -m bench.slow            # make bench-slow
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import expect, sync_playwright

from bench.load import BUREAU, ENTERPRISE, ROOT, free_port

KBIT = 1000 / 8  # bytes per second in one kbit/s
REGULAR_2G = {"offline": False, "latency": 300, "downloadThroughput": 250 * KBIT, "uploadThroughput": 50 * KBIT}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def serve(instance: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "EPORTFX_DATABASE_URL": f"sqlite:///{instance}/slow.db", "EPORTFX_INSTANCE": instance,
           "EPORTFX_DEMO": "1", "EPORTFX_LOGIN_RATE_PER_MINUTE": "1000"}
    run = [sys.executable, "-c", "from cli import main; main()"]
    subprocess.run([*run, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*run, "serve", "--port", str(port), "--workers", "1"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return server, base


SIZES: dict = {}  # seconds → (bytes sent, bytes received) of the step's request, as Chromium counted them


def timed(action, done, page=None, path: str | None = None) -> float:
    """Seconds from `action` until `done` holds (and, with `path`, its answer came: a list already on
    screen must not count as the new one)."""
    started = time.perf_counter()
    if path:
        with page.expect_response(lambda r: path in r.url) as answer:
            action()
    else:
        action()
    done()
    seconds = time.perf_counter() - started
    if path:
        sizes = answer.value.request.sizes()
        SIZES[seconds] = (sizes["requestHeadersSize"] + sizes["requestBodySize"],
                          sizes["responseHeadersSize"] + sizes["responseBodySize"])
    return seconds


def sign_in(page, base: str, card_no: str) -> float:
    def go():
        page.goto(f"{base}/login")
        page.get_by_label("IC卡号").fill(card_no)
        page.get_by_label("IC卡密码").fill("88888888")
        page.get_by_role("button", name="确定").click()
    return timed(go, lambda: (page.wait_for_url(lambda url: "/login" not in url), page.wait_for_load_state("load")))


def journeys(page, context, base: str) -> list[tuple[str, float, float]]:
    out = [("login → dashboard, cold cache", sign_in(page, base, ENTERPRISE), 3.0)]
    context.clear_cookies()
    out.append(("login → dashboard, warm cache", sign_in(page, base, ENTERPRISE), 3.0))
    page.goto(f"{base}/enterprise/register")
    rows = page.locator("#rows tbody tr")
    out.append(("口岸备案: 开始查找 → 20 rows (htmx)", timed(
        lambda: page.get_by_role("button", name="开始查找").click(), lambda: expect(rows).to_have_count(20),
        page, "/enterprise/register"), 0.8))
    page.goto(f"{base}/enterprise/batch-register?start=286000136&count=30")
    expect(rows).to_have_count(20)
    checked = page.get_by_role("checkbox", checked=True)
    out.append(("批量备案: 全选 (20 rows)", timed(
        lambda: page.get_by_role("button", name="全选").click(), lambda: expect(checked).to_have_count(20),
        page, "/enterprise/batch-register"), 0.8))
    port = page.get_by_label("备案口岸")
    port.fill("5300")
    port.press("Enter")
    expect(page.locator("#port-name")).to_have_text("深圳海关")
    report = page.get_by_role("table", name="处理结果")
    out.append(("批量备案: 设置口岸 (20 forms, one POST)", timed(
        lambda: page.get_by_role("button", name="设置口岸").click(),
        lambda: expect(report.get_by_text("设置成功")).to_have_count(20), page, "/enterprise/batch-register"), 0.8))
    context.clear_cookies()
    sign_in(page, base, BUREAU)
    page.goto(f"{base}/query/?b=form")
    results = page.get_by_role("region", name="查询结果")
    out.append(("组合查询: 开始查找, all forms, first page", timed(
        lambda: page.get_by_role("button", name="开始查找").click(),
        lambda: expect(results.locator("tbody tr")).to_have_count(20), page, "/query/"), 0.8))
    return out


def main():
    instance = tempfile.mkdtemp()
    server, base = serve(instance)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", REGULAR_2G)
            page.set_default_timeout(30_000)
            results = journeys(page, context, base)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Chromium, Regular 2G "
          "(250 kbit/s down, 50 up, 300 ms), demo data, eportfx serve --workers 1")
    print("| step | seconds | budget | met | bytes sent / received (htmx request) |")
    print("|---|---|---|---|---|")
    for label, seconds, budget in results:
        sizes = " / ".join(f"{n:,}" for n in SIZES.get(seconds, ()))
        print(f"| {label} | {seconds:.2f} | ≤ {budget:g} s | {'yes' if seconds <= budget else 'no'} | {sizes} |")


if __name__ == "__main__":
    main()
