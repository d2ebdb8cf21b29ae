"""Demo mode: the demo cards as the login page lists them, and 重置演示数据 in one transaction.

A reset seeds a scratch SQLite database in a child process (the seed moves the clock, which must not
move for the requests being served meanwhile), then, in ONE write transaction on the real database,
deletes every row and copies the scratch rows in. Either the demo is back to its seeded state, or
nothing changed."""
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlmodel import SQLModel, select

from db import manual, seed
from db.engine import Database
from db.models import Card, CardKind
from db.rules import Policy


@dataclass(frozen=True)
class DemoCard:
    card_no: str
    role: str
    holder: str
    purpose: str  # what the card is for, in the manual's sections


# What each card is for, in the manual's words: (section, quote) pairs; no quote means the section's
# title. Every quote is the manual's text verbatim (tests/test_demo.py checks it against db/data/manual.json).
FOR_ENTERPRISE = [("4",), ("5",), ("6",), ("7",), ("8",), ("9",)]
PURPOSES = {
    "1100000000001": FOR_ENTERPRISE,
    "1100000000002": [("10.1", "需要用户使用法人卡通过电子口岸向外汇管理局申请延期")],
    "1100000000003": FOR_ENTERPRISE,
    "1100000000004": [("10.1", "出口收汇系统呈“灰色”无法进入，但其他子系统可以进入")],
    "1100000000005": [("10.1", "需要用户使用法人卡通过电子口岸向外汇管理局申请延期")],
    "1100000000006": [("10.1", "对于新申领 IC 卡的用户，此现象说明该卡暂无“出口收汇”权限")],
    "1100000000007": [("10.1", "需向外汇管理局申请开通权限")],
    "2200000000001": [("2", "核销单发放"), ("2", "持相关单据核销"),
                      ("1", "供外汇管理局查询并进行核销单挂失等各项操作")],
    "3300000000001": [("2", "核销单验核"), ("2", "出口报关"), ("6", "待海关确认后可重新备案")],
    "3300000000002": [("2", "核销单验核"), ("2", "出口报关")],
    "3300000000003": [("2", "核销单验核"), ("2", "出口报关")],
    "9900000000001": [("1", "核销单的基本信息以及各部门对核销单的操作情况都将保存在电子口岸数据中心")],
}
TRAINEE_PURPOSES = {CardKind.OPERATOR: FOR_ENTERPRISE, CardKind.LEGAL: PURPOSES["1100000000002"]}


def purpose(references) -> str:
    """"§四 核销单申请；§二 核销单验核、出口报关": each section's number, then its title or the quotes."""
    parts: list[tuple[str, list[str]]] = []
    for key, *quote in references:
        found = manual.section(key)
        words = quote[0] if quote else found["title"]
        if parts and parts[-1][0] == found["number"]:
            parts[-1][1].append(words)
        else:
            parts.append((found["number"], [words]))
    return "；".join(f"§{number} {'、'.join(words)}" for number, words in parts)


def demo_cards(db: Database) -> list[DemoCard]:
    """The demo cards that exist, in the order of PURPOSES, then the trainees' cards."""
    with db.session() as session:
        cards = {c.card_no: c for c in session.exec(select(Card).where(Card.card_no.in_(list(PURPOSES)))).all()}
        trainees = session.exec(select(Card).where(seed.trainee_card()).order_by(Card.card_no)).all()
    listed = [DemoCard(no, CardKind(cards[no].kind).label, cards[no].holder, purpose(PURPOSES[no]))
              for no in PURPOSES if no in cards]
    listed += [DemoCard(c.card_no, CardKind(c.kind).label, c.holder, purpose(TRAINEE_PURPOSES[CardKind(c.kind)]))
               for c in trainees]
    return listed


# ── reset ────────────────────────────────────────────────────────────────────────────────────


def tables():
    """Every table in foreign-key order (parents first)."""
    return list(SQLModel.metadata.sorted_tables)


def seeded_rows(settings: Policy, trainees: int) -> dict[str, list[dict]]:
    """Seed a scratch database in a child process and read its rows, table by table."""
    with tempfile.TemporaryDirectory(prefix="eportfx-demo-") as tmp:
        path = Path(tmp) / "demo.db"
        subprocess.run([sys.executable, "-m", "db.demo", str(path), str(trainees), json.dumps(asdict(settings)),
                        str(os.getpid())], check=True, cwd=Path(__file__).resolve().parent.parent, capture_output=True)
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in tables()}
        engine.dispose()
    return rows


def reset(db: Database, *, trainees: int | None = None, rows: dict | None = None) -> dict[str, int]:
    """Put the demo back to its seeded state (with as many trainees as now, unless told) in one
    transaction. Returns the rows per table."""
    if trainees is None:
        trainees = seed.count_trainees(db)
    rows = rows if rows is not None else seeded_rows(db.settings, trainees)
    with db.write_connection() as conn:
        chosen = dict(conn.execute(select(Card.card_no, Card.language).where(Card.language.is_not(None))).all())
        _append_only(conn, db.is_sqlite, on=False)
        for table in reversed(tables()):
            conn.execute(table.delete())
        for table in tables():
            if rows.get(table.name):
                conn.execute(insert(table), _keep_languages(table.name, rows[table.name], chosen))
        _append_only(conn, db.is_sqlite, on=True)
        if not db.is_sqlite:
            for table in tables():
                if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                      f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
    return {name: len(table_rows) for name, table_rows in rows.items()}


def _keep_languages(table: str, rows: list[dict], chosen: dict[str, str]) -> list[dict]:
    """中文 / English is the person's choice, not demo data: each card keeps the one it had."""
    if table != Card.__tablename__ or not chosen:
        return rows
    return [row | {"language": chosen.get(row["card_no"], row["language"])} for row in rows]


def _append_only(conn, is_sqlite: bool, *, on: bool) -> None:
    """The audit trail refuses DELETE (migration 0001); the reset lifts that inside its transaction."""
    if is_sqlite:
        for verb in ("UPDATE", "DELETE"):
            if on:
                conn.execute(text(f"CREATE TRIGGER auditevent_no_{verb.lower()} BEFORE {verb} ON auditevent "
                                  "BEGIN SELECT RAISE(ABORT, 'auditevent is append-only'); END"))
            else:
                conn.execute(text(f"DROP TRIGGER auditevent_no_{verb.lower()}"))
    else:
        state = "ENABLE" if on else "DISABLE"
        conn.execute(text(f"ALTER TABLE auditevent {state} TRIGGER auditevent_append_only"))


def _seed_scratch(path: str, trainees: int, settings: str) -> None:
    from db import migrate

    scratch = Database(f"sqlite:///{path}", Policy(**json.loads(settings)))
    migrate.init_db(scratch)
    seed.seed_demo(scratch)
    seed.seed_trainees(scratch, trainees)
    scratch.dispose()


def _die_with_parent(parent: int) -> None:
    """A reset's request can be cut (eportfx serve stopped, a worker killed): on Linux the seeding then
    stops with it rather than run on for minutes, orphaned. The parent may already have died while this
    process was still importing (a loaded box): then it is no longer the parent, and this stops at once."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        sys.exit(1)


if __name__ == "__main__":  # the child process of seeded_rows()
    _die_with_parent(int(sys.argv[4]))
    _seed_scratch(sys.argv[1], int(sys.argv[2]), sys.argv[3])
