"""The README's first command starts demo mode, and its first picture is the login page with the demo
cards, a small PNG made by scripts/screenshot.py (make screenshot)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_first_command_starts_demo_mode():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    command = first_block.splitlines()[0].split("#")[0].strip()
    assert command == "make run"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "run: export EPORTFX_DEMO = 1" in makefile


def test_the_first_picture_is_the_demo_login_page_small_and_near_the_top():
    picture = re.search(r"!\[([^\]]*)\]\(([^)]+)\)", README)
    assert picture.group(2) == "docs/login-demo.png" and "demo" in picture.group(1)
    assert picture.start() < README.index("\n## ")  # before the first section
    png = (ROOT / picture.group(2)).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 60_000
    assert "screenshot:" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert (ROOT / "scripts" / "screenshot.py").exists()
