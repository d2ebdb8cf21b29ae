"""The `eportfx` command: every admin command against the test's database, from any directory."""
import sqlite3
import subprocess

from click.testing import CliRunner
from sqlmodel import func, select

from cli import main
from db import codes
from db.models import AuditEvent, Card, Code, Form


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
        event = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.card_no, event.detail) == (codes.IMPORT_ACTION, "系统", "关区代码：新增 1，修改 0，不变 1")
    assert "审计链完整" in _run(db, tmp_path, "verify-audit").output


def test_import_codes_checks_a_country_codes_length(db, tmp_path):
    """国别（地区） codes are 3 digits (502 美国), as 关区代码 are 4: another length is refused, line by line."""
    csv = tmp_path / "countries.csv"
    csv.write_text("code,name\n50,短代码\n5021,长代码\n", encoding="utf-8")
    with db.session() as session:
        before = session.exec(select(func.count()).select_from(AuditEvent)).one()
    result = _run(db, tmp_path, "import-codes", "--table", "country", str(csv))
    assert result.exit_code == 1 and "no code imported, 2 rows rejected" in result.output
    assert "line 2: 50 短代码: 代码应为 3 位数字" in result.output and "line 3: 5021 长代码: 代码应为 3 位数字" in result.output
    with db.session() as session:
        assert session.get(Code, ("country", "50")) is None and session.get(Code, ("country", "5021")) is None
        assert session.exec(select(func.count()).select_from(AuditEvent)).one() == before
    csv.write_text("code,name\n702,新国别\n7021,长代码\n", encoding="utf-8")
    result = _run(db, tmp_path, "import-codes", "--table", "country", str(csv))
    assert "1 added, 0 renamed, 1 rejected" in result.output and "代码应为 3 位数字" in result.output
    with db.session() as session:
        assert session.get(Code, ("country", "702")).name == "新国别" and session.get(Code, ("country", "7021")) is None


def test_import_codes_refuses_a_file_that_is_not_utf8(db, tmp_path):
    """Excel's plain "CSV" on a Chinese Windows is GBK: the command says so, as the screen does."""
    csv = tmp_path / "gbk.csv"
    csv.write_bytes("code,name\n5702,拱北二关\n".encode("gbk"))
    result = CliRunner().invoke(main, ["import-codes", str(csv)],
                                env={"EPORTFX_DATABASE_URL": db.url, "EPORTFX_INSTANCE": str(tmp_path)})
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit, result.exception
    assert "is not UTF-8" in result.output


def test_backup_writes_a_usable_copy(db, tmp_path):
    target = tmp_path / "backup" / "copy.db"
    assert _run(db, tmp_path, "backup", str(target)).exit_code == 0
    if db.is_sqlite:
        with sqlite3.connect(target) as copy:
            assert copy.execute("select count(*) from code").fetchone()[0] > 200
    else:  # a pg_dump custom archive that pg_restore can read
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
        assert "TABLE DATA public code" in listing.stdout



def test_unlock_card_ends_a_lock_and_a_wait(demo, tmp_path):
    from db import accounts

    for _ in range(6):
        accounts.authenticate(db=demo, card_no="9900000000001", password="wrong-pass")
    result = _run(demo, tmp_path, "unlock-card", "9900000000001")
    assert result.exit_code == 0 and "card 9900000000001 unlocked" in result.output
    with demo.session() as session:
        card = session.exec(select(Card).where(Card.card_no == "9900000000001")).one()
    assert (card.locked, card.failed_attempts, card.blocked_until) == (False, 0, None)
    missing = CliRunner().invoke(main, ["unlock-card", "9900000000099"],
                                 env={"EPORTFX_DATABASE_URL": demo.url, "EPORTFX_INSTANCE": str(tmp_path)})
    assert missing.exit_code != 0 and "未找到IC卡" in missing.output


def test_seed_demo_makes_the_demo_cards_change_their_password_unless_a_public_demo(db, tmp_path):
    assert "to be changed at its first login" in _run(db, tmp_path, "seed-demo").output
    with db.session() as session:
        assert set(session.exec(select(Card.must_change_password)).all()) == {True}


def test_backups_are_owner_only_and_pg_dump_never_sees_the_password_in_argv(db, tmp_path):
    import stat

    from db import backup

    target = tmp_path / "b" / "copy.db"
    assert _run(db, tmp_path, "backup", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    argv, env = backup.pg_dump_command("postgresql+psycopg://eportfx:s3cret@db:5432/eportfx", tmp_path / "x.dump")
    assert not any("s3cret" in part for part in argv) and env["PGPASSWORD"] == "s3cret"
    assert argv[-1] == "postgresql://eportfx@db:5432/eportfx"


def test_the_secret_key_is_owner_only_from_the_moment_it_exists(tmp_path, monkeypatch):
    """The key signs every session: no moment when the file is readable by others (the umask's 0644)."""
    import os
    import stat
    from pathlib import Path

    import settings

    seen = []
    real_write = Path.write_text
    monkeypatch.setattr(Path, "write_text", lambda self, *a, **k: (real_write(self, *a, **k),
                                                                   seen.append(stat.S_IMODE(self.stat().st_mode)))[0])
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
                        or real_fdopen(fd, *a, **k))
    old = os.umask(0o022)
    try:
        key = settings.secret_key(tmp_path)
    finally:
        os.umask(old)
    assert len(key) == 64 and seen and set(seen) == {0o600}
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert settings.secret_key(tmp_path) == key  # kept
