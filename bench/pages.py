"""What a 2G link carries: the bytes of each role's main screens, whole page and htmx fragment, as
served (gzip), and the two static files every page needs.

    python -m bench.pages                      # a fresh demo database in a temporary folder
    python -m bench.pages --db sqlite:////path/to/bench.db

A list interaction (查找, 下一页) swaps only the fragment; the stylesheet and htmx are cached after the
first page (Cache-Control on /static), so the fragment column is what a click costs.
"""
import argparse
import tempfile
from pathlib import Path

from bench.query import login
from db import migrate, seed
from db.engine import Database

SCREENS = [  # card, page, what it is
    ("1100000000001", "/enterprise/", "企业 首页"),
    ("1100000000001", "/enterprise/register", "口岸备案 list"),
    ("1100000000001", "/enterprise/register?after=286000151", "口岸备案 下一页"),
    ("1100000000001", "/enterprise/batch-register?start=286000136&count=30", "批量备案 30 forms"),
    ("1100000000001", "/enterprise/submit", "企业交单 list"),
    ("1100000000001", "/enterprise/submit/286000011?tab=declaration", "交单 · 出口报关单 tab"),
    ("1100000000001", "/query/?b=form&f=issued_on&o=prefix&v=2026&w=&j=and&run=1", "组合查询 result"),
    ("2200000000001", "/bureau/receipts", "外汇局 交单接收"),
    ("3300000000001", "/customs/declarations", "海关 报关单"),
    ("9900000000001", "/admin/cards", "数据中心 IC卡管理"),
]
GZIP = {"Accept-Encoding": "gzip"}


def size(client, url: str, headers: dict) -> tuple[int, int]:
    """(bytes on the wire, bytes unpacked)."""
    response = client.get(url, headers={**GZIP, **headers})
    assert response.status_code == 200, (url, response.status_code)
    wire = len(response.get_data())
    raw = len(client.get(url, headers=headers).get_data())
    return wire, raw


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a fresh demo database)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.db or f"sqlite:///{Path(folder) / 'pages.db'}"
    db = Database(url)
    if not args.db:
        migrate.init_db(db)
        seed.seed_demo(db)

    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": db, "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "LOGIN_RATE_PER_MINUTE": 10_000, "INSTANCE": folder})
    anonymous = app.test_client()
    print(f"{'screen':<28} {'page gzip':>10} {'page raw':>10} {'fragment gzip':>14} {'fragment raw':>13}")
    for name in ("/static/css/app.css", "/static/vendor/htmx-2.0.11.min.js", "/login"):
        wire, raw = size(anonymous, name, {})
        print(f"{name:<28} {wire:>10,} {raw:>10,}")
    clients = {}
    for card_no, page_url, label in SCREENS:
        client = clients.get(card_no) or clients.setdefault(card_no, login(app.test_client(), card_no))
        page = size(client, page_url, {})
        fragment = size(client, page_url, {"HX-Request": "true"})
        print(f"{label:<28} {page[0]:>10,} {page[1]:>10,} {fragment[0]:>14,} {fragment[1]:>13,}")
    db.dispose()


if __name__ == "__main__":
    main()
