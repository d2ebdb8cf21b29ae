"""The `eportfx` command: every admin command against the test's database, from any directory."""
import sqlite3
import subprocess

from click.testing import CliRunner
from sqlmodel import func, select

from cli import main
from db.models import Card, Code, Form


def _run(db, tmp_path, *args):
    env = {"EPORTFX_DATABASE_URL": db.url, "EPORTFX_INSTANCE": str(tmp_path)}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


def test_init_seed_verify_and_scale(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # works from any working directory
    assert "database ready" in _run(db, tmp_path, "init-db").output
    result = _run(db, tmp_path, "seed-demo", "--forms", "1200")
    assert result.exit_code == 0 and "1200 forms added" in result.output
    assert "demo data already present" in _run(db, tmp_path, "seed-demo").output
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(Form)).one() > 1200
        assert session.exec(select(Card).where(Card.card_no == "1100000000004")).one()
    verify = _run(db, tmp_path, "verify-audit")
    assert verify.exit_code == 0 and "审计链完整" in verify.output


def test_create_card_and_import_codes(db, tmp_path):
    result = _run(db, tmp_path, "create-card", "--kind", "customs", "--holder", "黄埔海关", "--district", "5200")
    assert result.exit_code == 0 and "initial password" in result.output
    bad = _run(db, tmp_path, "create-card", "--kind", "operator", "--holder", "x", "--customs-code", "0000000000")
    assert bad.exit_code != 0 and "no enterprise" in bad.output
    csv = tmp_path / "districts.csv"
    csv.write_text("code,name\n5701,拱北新关\n57AB,坏代码\n5700,拱北关区\n", encoding="utf-8")
    result = _run(db, tmp_path, "import-codes", str(csv))
    assert "1 added, 0 renamed, 1 rejected" in result.output
    with db.session() as session:
        assert session.get(Code, ("district", "5701")).name == "拱北新关"


def test_backup_writes_a_usable_copy(db, tmp_path):
    target = tmp_path / "backup" / "copy.db"
    assert _run(db, tmp_path, "backup", str(target)).exit_code == 0
    if db.is_sqlite:
        with sqlite3.connect(target) as copy:
            assert copy.execute("select count(*) from code").fetchone()[0] > 200
    else:  # a pg_dump custom archive that pg_restore can read
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
        assert "TABLE DATA public code" in listing.stdout
