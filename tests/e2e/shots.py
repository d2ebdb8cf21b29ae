"""Screenshots of a screen at 1280 and 390 wide, saved when EPORTFX_SHOTS names a folder (to look at)."""
import os

SHOTS = os.environ.get("EPORTFX_SHOTS")


def shoot(page, name: str) -> None:
    if SHOTS:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
