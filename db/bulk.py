"""Scale data: `eportfx seed-demo --forms N` adds N forms in every state across generated enterprises,
with declarations and goods lines where the state has them. Plain batched INSERTs with ids given
here (every row of a table has the same keys, so each batch is one executemany): a million forms
take a few minutes, not hours."""
import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, text
from sqlmodel import select

from db import audit, clock, tally
from db.actor import SYSTEM
from db.engine import Database
from db.models import Declaration, DeclarationLine, Enterprise, Form, FormState, NumberStock

CHUNK = 5000
FORMS_PER_ENTERPRISE = 1000
PORTS = ["5700", "5300", "5100", "2200", "0100", "4200", "2300", "5200"]
STATES = [(FormState.ISSUED, 20), (FormState.REGISTERED, 15), (FormState.REVOKING, 1), (FormState.USED, 15),
          (FormState.SUBMITTED, 10), (FormState.WRITTEN_OFF, 35), (FormState.LOST, 2), (FormState.CANCELLED, 2)]
USED_STATES = {FormState.USED, FormState.SUBMITTED, FormState.WRITTEN_OFF}
EMPTY_FORM = {"application_id": None, "port_code": None, "registered_on": None, "submitted_at": None,
              "received_at": None, "written_off_on": None, "collected_amount": None, "collected_on": None,
              "closed_reason": None, "version": 1}
CURRENCIES = ["502", "502", "502", "110", "300", "142"]
TRADE_MODES = ["0110", "0110", "0214", "0615"]
SETTLEMENTS = ["2", "2", "6", "4"]


def add_forms(db: Database, count: int, *, seed: int = 11, progress=lambda n: None) -> None:
    rng = random.Random(seed)
    states, weights = zip(*STATES)
    today, now = clock.today(), clock.now()
    with db.write() as session:
        audit.lock_head(session)
        ids = {t: (session.exec(select(func.max(t.id))).one() or 0) for t in (Enterprise, Form, Declaration,
                                                                             DeclarationLine)}
        stock = session.get(NumberStock, 1) or NumberStock(id=1, next_number=db.settings.first_form_number)
        session.add(stock)
        next_number, width = stock.next_number, db.settings.form_number_width
        _big_cache(session, True)
        enterprises = _enterprises(session, ids, max(1, count // FORMS_PER_ENTERPRISE), now)
        counts = Counter()
        serial = 500_000_000 + ids[Declaration]
        done = 0
        while done < count:
            n = min(CHUNK, count - done)
            forms, decls, lines = [], [], []
            for _ in range(n):
                ids[Form] += 1
                state = rng.choices(states, weights)[0]
                enterprise_id = rng.choice(enterprises)
                issued = today - timedelta(days=rng.randint(0, 3 * 365))
                row = {**EMPTY_FORM, "id": ids[Form], "enterprise_id": enterprise_id, "state": state,
                       "number": f"{next_number:0{width}d}", "issued_on": issued, "updated_at": now}
                next_number += 1
                if state not in (FormState.ISSUED, FormState.LOST, FormState.CANCELLED):
                    row["port_code"] = rng.choice(PORTS)
                    row["registered_on"] = min(today, issued + timedelta(days=rng.randint(1, 30)))
                if state in USED_STATES:
                    serial += 1
                    decl, line = _declaration(rng, ids, row, serial, now)
                    decls.append(decl)
                    lines.append(line)
                    if state is not FormState.USED:
                        row["submitted_at"] = now - timedelta(days=rng.randint(0, 200))
                    if state is FormState.WRITTEN_OFF:
                        row.update(received_at=row["submitted_at"], written_off_on=today,
                                   collected_amount=decl["total"], collected_on=today)
                forms.append(row)
                counts[(enterprise_id, row.get("port_code"), state)] += 1
            connection = session.connection()
            connection.execute(insert(Form.__table__), forms)
            if decls:
                connection.execute(insert(Declaration.__table__), decls)
                connection.execute(insert(DeclarationLine.__table__), lines)
            done += n
            progress(n)
        stock.next_number = next_number
        _big_cache(session, False)
        for (enterprise_id, port, state), n in counts.items():
            tally.add(session, enterprise_id, port, state, n)
        _fix_sequences(session)
        audit.append(session, actor=SYSTEM, action="批量导入", detail=f"演示数据 {count} 份核销单")


def _big_cache(session, on: bool):
    """SQLite keeps 2 MB of pages by default: index inserts into a growing table then read the disk
    again and again. A large cache for the load alone makes it several times faster."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"PRAGMA cache_size = {-400_000 if on else -2000}"))


def _enterprises(session, ids, n, now) -> list[int]:
    rows = []
    for i in range(n):
        ids[Enterprise] += 1
        rows.append({"id": ids[Enterprise], "customs_code": f"98{ids[Enterprise]:08d}",
                     "name": f"演示进出口企业{ids[Enterprise]:05d}有限公司", "created_at": now})
    session.execute(insert(Enterprise), rows)
    return [row["id"] for row in rows]


def _declaration(rng, ids, form, serial, now):
    ids[Declaration] += 1
    ids[DeclarationLine] += 1
    exported = form["registered_on"]
    quantity, price = Decimal(rng.randrange(100, 5000, 50)), Decimal(rng.choice(["3.80", "12.50", "46.00"]))
    total = (quantity * price).quantize(Decimal("0.01"))
    decl = {"id": ids[Declaration], "number": f"{form['port_code']}{exported.year}1{serial:09d}",
            "unified_no": f"{form['port_code']}{exported.year}E{serial:09d}", "form_id": form["id"],
            "enterprise_id": form["enterprise_id"], "district_code": form["port_code"],
            "declared_on": exported, "exported_on": exported, "transport": "2",
            "trade_mode": rng.choice(TRADE_MODES), "settlement": rng.choice(SETTLEMENTS), "deal": "3",
            "currency": rng.choice(CURRENCIES), "total": total, "country": "502",
            "dest_port": "洛杉矶", "status": "closed", "verified": True, "fx_slip_issued": True,
            "fx_slip_on": exported, "fx_slip_count": 1, "created_at": now}
    line = {"id": ids[DeclarationLine], "declaration_id": decl["id"], "line_no": 1, "hs_code": "6109100022",
            "name": "棉制针织T恤衫", "quantity": quantity, "unit": "件", "unit_price": price, "total": total}
    return decl, line


def _fix_sequences(session):
    """Ids were given explicitly: move PostgreSQL's sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("enterprise", "form", "declaration", "declarationline"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
