"""The README's screenshot, made from the real app: demo mode on a fresh SQLite database with the demo
seed, served by waitress on 127.0.0.1, the login page with the demo cards shot by Debian's Chromium
through Playwright (the whole page, nothing around it), then reduced to a 16-colour palette by pngquant.

    .venv/bin/python scripts/screenshot.py [docs/login-demo.png]      (or: make screenshot)
"""
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import wasyncore
from waitress.server import create_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTH = 1000  # wide enough for the cards table, narrow enough for a small PNG
COLOURS = 16  # pngquant's palette: the page is flat colours and text; 16 keep it readable under 60 KB


def serve(app):
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    return server


def main(out: Path) -> int:
    from app import create_app
    from db import migrate, seed
    from db.engine import Database

    with tempfile.TemporaryDirectory(prefix="eportfx-shot-") as tmp:
        database = Database(f"sqlite:///{tmp}/demo.db")
        migrate.init_db(database)
        seed.seed_demo(database)
        app = create_app({"DEMO": True, "DATABASE": database, "DATABASE_URL": database.url,
                          "SECRET_KEY": "screenshot", "INSTANCE": tmp})
        server = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": WIDTH, "height": 600}, locale="zh-CN")
                page.goto(f"http://127.0.0.1:{server.effective_port}/login")
                page.get_by_role("heading", name="演示IC卡（密码均为 88888888）").wait_for()
                page.screenshot(path=str(out), full_page=True)  # the page's own height: nothing below it
                browser.close()
        finally:
            wasyncore.close_all(server._map)
            server.task_dispatcher.shutdown()
            database.dispose()
    subprocess.run(["pngquant", "--force", "--strip", "--speed", "1", "--output", str(out), str(COLOURS), str(out)],
                   check=True)
    print(f"{out}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "login-demo.png"))
