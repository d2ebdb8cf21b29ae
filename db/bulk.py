"""Scale data: `eportfx seed-demo --forms N` adds N forms in every state across generated enterprises,
with declarations and goods lines where the state has them. Plain batched INSERTs with ids given
here (every row of a table has the same keys, so each batch is one executemany or COPY).

Loading many forms into a nearly empty database (a new one: at least ten times the forms it holds)
drops the secondary indexes of the three tables first and builds them again at the end: one sort per
index instead of a million scattered index inserts, and on SQLite no fsync during the load
(`synchronous = OFF`; a crash leaves a database to seed again, never a half-indexed one in use)."""
import multiprocessing
import operator
import os
import random
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event, func, insert, text
from sqlmodel import select

from db import audit, clock
from db.actor import SYSTEM
from db.engine import Database
from db.models import Declaration, DeclarationLine, Enterprise, Form, FormState, FormTally, NumberStock

CHUNK = 5000  # rows per executemany / COPY
BATCH = 20_000  # forms per transaction: the app's writers wait at most one batch (about a second)
FRESH_RATIO = 10  # indexes are dropped and built again when the load is this many times the forms held
PARALLEL = 100_000  # forms from which a second process makes the rows
CACHE_KB = 100_000  # SQLite page cache during a batch: every index's insertion points stay in memory
FORMS_PER_ENTERPRISE = 1000
PORTS = ["5700", "5300", "5100", "2200", "0100", "4200", "2300", "5200"]
STATES = [(FormState.ISSUED, 20), (FormState.REGISTERED, 15), (FormState.REVOKING, 1), (FormState.USED, 15),
          (FormState.SUBMITTED, 10), (FormState.WRITTEN_OFF, 35), (FormState.LOST, 2), (FormState.CANCELLED, 2)]
USED_STATES = {FormState.USED, FormState.SUBMITTED, FormState.WRITTEN_OFF}
EMPTY_FORM = {"application_id": None, "port_code": None, "registered_on": None, "submitted_at": None,
              "received_at": None, "written_off_on": None, "collected_amount": None, "collected_on": None,
              "difference_reason": None, "closed_reason": None, "version": 1}
CURRENCIES = ["502", "502", "502", "110", "300", "142"]
TRADE_MODES = ["0110", "0110", "0214", "0615"]
SETTLEMENTS = ["2", "2", "6", "4"]
TABLES = (Enterprise, Form, Declaration, DeclarationLine)


def add_forms(db: Database, count: int, *, seed: int = 11, progress=lambda n: None) -> None:
    """Add `count` forms, BATCH at a time: each batch is one transaction with its tally and its audit
    event, so a stopped run leaves whole batches and the app's writers interleave between them.
    A large load (PARALLEL forms or more, on a machine of several cores) makes its rows in a second
    process while this one writes them: the same rows, in the same order, from the same seed."""
    rng = random.Random(seed)
    today, now = clock.today(), clock.now()
    with db.write() as session:
        audit.lock_head(session)
        enterprises = _enterprises(session, _max_ids(session), max(1, count // FORMS_PER_ENTERPRISE), now)
    with db.session() as session:
        held = session.exec(select(func.count()).select_from(Form)).one()
        ids, next_number = _max_ids(session), _next_number(session, db)
    parallel = count >= PARALLEL and (os.cpu_count() or 1) > 1
    maker = _Rows(db, rng, enterprises, today, now)
    with _bulk_mode(db, fresh=count >= FRESH_RATIO * max(held, 1)), \
            (_Forked(maker, count, ids, next_number) if parallel else _InProcess(maker)) as source:
        done = 0
        while done < count:
            n = min(BATCH, count - done)
            with db.write() as session:
                audit.lock_head(session)
                _add_batch(session, db, source, n, progress)
                audit.append(session, actor=SYSTEM, action="批量导入", detail=f"演示数据 {n} 份核销单")
            done += n
    with db.write() as session:
        _fix_sequences(session)


@contextmanager
def _bulk_mode(db: Database, *, fresh: bool):
    """For a fresh load: the secondary indexes of forms, declarations and their lines dropped, and
    created again from their own DDL afterwards (also if the load stops half-way); SQLite writes
    without fsync meanwhile. Unique constraints and primary keys stay, so duplicates still fail."""
    if not fresh:
        yield
        return
    with db.write_connection() as connection:
        ddl = _index_ddl(connection)
        for name, _sql in ddl:
            connection.exec_driver_sql(f"DROP INDEX {connection.dialect.identifier_preparer.quote(name)}")
    _synchronous(db, "OFF")
    try:
        yield
    finally:
        _synchronous(db, "ON")
        with db.write_connection() as connection:
            _cache(connection, CACHE_KB)
            for _name, sql in ddl:
                connection.exec_driver_sql(sql)
            _cache(connection, 2000)
            if connection.dialect.name == "postgresql":
                for table in TABLES:
                    connection.exec_driver_sql(f"ANALYZE {table.__table__.name}")


def _index_ddl(connection) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every secondary index on the bulk-loaded tables, as the
    database holds them (whatever migration made them), without those behind constraints."""
    tables = [t.__table__.name for t in (Form, Declaration, DeclarationLine)]
    if connection.dialect.name == "postgresql":
        return list(connection.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname) ORDER BY i.indexname"), {"tables": tables}).all())
    marks = ", ".join("?" * len(tables))
    return list(connection.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name", tuple(tables)).all())


def _synchronous(db: Database, mode: str):
    """SQLite's fsync off (or back on) for every connection of the pool: the pool is emptied, and the
    connections it opens next set the mode."""
    if not db.is_sqlite:
        return
    db.engine.dispose()
    if mode == "OFF":
        event.listen(db.engine, "connect", _no_fsync)
    elif event.contains(db.engine, "connect", _no_fsync):
        event.remove(db.engine, "connect", _no_fsync)


def _no_fsync(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def _dealer(rng, population, weights=None, k=4096):
    """A function drawing one of `population` (by `weights`): drawn k at a time, since one
    rng.choices(k=4096) costs far less than 4,096 calls of rng.choice."""
    population, pool = list(population), []

    def draw():
        if not pool:
            pool.extend(rng.choices(population, weights, k=k))
        return pool.pop()
    return draw


class _Rows:
    """Makes a batch's rows: the column values of forms, declarations and lines, CHUNK forms at a
    time, already through each column's bind processing (`_values`), and the batch's tally."""

    def __init__(self, db, rng, enterprises, today, now):
        self.rng, self.enterprises, self.today, self.now = rng, enterprises, today, now
        self.width = db.settings.form_number_width
        dialect = db.engine.dialect
        self.values = {table: _values(dialect, table.__table__) for table in (Form, Declaration, DeclarationLine)}

    def batch(self, count, ids, next_number):
        """Yield (forms, declarations, lines) chunks of the batch's `count` forms numbered from
        `next_number`, ids after `ids` (moved on in place); then (None, tally Counter, next number,
        the ids moved on to)."""
        rng, today, now = self.rng, self.today, self.now
        states, weights = zip(*STATES)
        draw = {"state": _dealer(rng, states, weights), "enterprise": _dealer(rng, self.enterprises),
                "issued": _dealer(rng, [today - timedelta(days=d) for d in range(3 * 365 + 1)]),
                "after": _dealer(rng, [timedelta(days=d) for d in range(1, 31)]), "port": _dealer(rng, PORTS),
                "submitted": _dealer(rng, [now - timedelta(days=d) for d in range(201)]),
                "quantity": _dealer(rng, [Decimal(q) for q in range(100, 5000, 50)]),
                "price": _dealer(rng, [Decimal(p) for p in ("3.80", "12.50", "46.00")]),
                "trade_mode": _dealer(rng, TRADE_MODES), "settlement": _dealer(rng, SETTLEMENTS),
                "currency": _dealer(rng, CURRENCIES)}
        width = self.width
        counts = Counter()
        serial = 500_000_000 + ids[Declaration]
        unregistered = (FormState.ISSUED, FormState.LOST, FormState.CANCELLED)
        done = 0
        while done < count:
            n = min(CHUNK, count - done)
            forms, decls, lines = [], [], []
            for _ in range(n):
                ids[Form] += 1
                state, enterprise_id, issued = draw["state"](), draw["enterprise"](), draw["issued"]()
                row = {**EMPTY_FORM, "id": ids[Form], "enterprise_id": enterprise_id, "state": state,
                       "number": f"{next_number:0{width}d}", "issued_on": issued, "updated_at": now}
                next_number += 1
                if state not in unregistered:
                    row["port_code"] = draw["port"]()
                    row["registered_on"] = min(today, issued + draw["after"]())
                if state in USED_STATES:
                    serial += 1
                    decl, line = _declaration(draw, ids, row, serial, now)
                    decls.append(decl)
                    lines.append(line)
                    if state is not FormState.USED:
                        row["submitted_at"] = draw["submitted"]()
                    if state is FormState.WRITTEN_OFF:
                        row.update(received_at=row["submitted_at"], written_off_on=today,
                                   collected_amount=decl["total"], collected_on=today)
                forms.append(row)
                counts[(enterprise_id, row["port_code"] or "", str(state))] += 1
            done += n
            yield (self.values[Form](forms), self.values[Declaration](decls) if decls else [],
                   self.values[DeclarationLine](lines) if lines else [])
        yield None, counts, next_number, dict(ids)


class _InProcess:
    """Rows made here, as each batch asks for them."""

    def __init__(self, maker: _Rows):
        self.maker = maker

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def batch(self, count, ids, next_number):
        return self.maker.batch(count, ids, next_number)


class _Forked:
    """Rows made by a second process (forked, so it starts with this one's state) a few chunks
    ahead, while this process writes: both cores work. The child assumes the database's ids and
    next 核销单号 as read at the start; if a batch finds them moved (another writer added forms
    between batches) the child is stopped and the load goes on with rows made here."""

    AHEAD = 8  # chunks queued at most: about 8 × 5,000 forms of memory

    def __init__(self, maker: _Rows, count, ids, next_number):
        self.maker, self.count = maker, count
        self.expected = (dict(ids), next_number)
        self.process = None

    def __enter__(self):
        context = multiprocessing.get_context("fork")
        self.queue = context.Queue(self.AHEAD)
        self.process = context.Process(target=self._make, args=(self.queue,), daemon=True)
        self.process.start()
        return self

    def _make(self, queue):
        try:
            ids, next_number = dict(self.expected[0]), self.expected[1]
            done = 0
            while done < self.count:
                n = min(BATCH, self.count - done)
                for item in self.maker.batch(n, ids, next_number):
                    queue.put(item)
                next_number = item[2]  # the batch's end: (None, counts, next number, ids)
                done += n
        except BaseException as error:  # noqa: BLE001 (the parent raises it)
            queue.put(("error", repr(error)))
        queue.close()
        queue.join_thread()

    def __exit__(self, *exc):
        self._stop()
        return False

    def _stop(self):
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.queue.close()
            self.process = None

    def batch(self, count, ids, next_number):
        if self.process is None:  # fell back earlier
            return self.maker.batch(count, ids, next_number)
        if (ids, next_number) != self.expected:
            self._stop()
            self.maker.rng.seed(self.expected[1])  # another stream: the child's went ahead of this one
            return self.maker.batch(count, ids, next_number)
        return self._received(ids)

    def _received(self, ids):
        while True:
            item = self.queue.get()
            if item[0] == "error":
                raise RuntimeError(f"the process making rows failed: {item[1]}")
            if item[0] is None:  # the batch's end: what the next one should find in the database
                _, counts, next_number, ids_after = item
                ids.update(ids_after)
                self.expected = (dict(ids_after), next_number)
                yield None, counts, next_number
                return
            yield item


def _add_batch(session, db, source, count, progress):
    ids = _max_ids(session)
    stock = session.get(NumberStock, 1) or NumberStock(id=1, next_number=db.settings.first_form_number)
    session.add(stock)
    connection = session.connection()
    write = {table: _writer(connection, table.__table__) for table in (Form, Declaration, DeclarationLine)}
    _cache(connection, CACHE_KB)
    for forms, decls, lines, *_ in source.batch(count, ids, stock.next_number):
        if forms is None:
            counts, stock.next_number = decls, lines
            break
        write[Form](forms)
        if decls:
            write[Declaration](decls)
            write[DeclarationLine](lines)
        progress(len(forms))
    _add_tally(connection, counts)
    _cache(connection, 2000)


def _next_number(session, db) -> int:
    stock = session.get(NumberStock, 1)
    return stock.next_number if stock else db.settings.first_form_number


def _max_ids(session) -> dict:
    return {t: (session.exec(select(func.max(t.id))).one() or 0) for t in TABLES}


def _values(dialect, table):
    """A function turning a list of row dicts (all with the table's keys) into lists of column
    values. Each column's value goes through the column type's own bind processing, remembered per
    distinct value (dates, states and amounts repeat), so the rows stored are exactly what an ORM
    insert would store, without its per-row cost."""
    columns = [c.name for c in table.columns]
    processors = [(i, p, {}) for i, c in enumerate(table.columns) if (p := c.type._cached_bind_processor(dialect))]
    pick = operator.itemgetter(*columns)

    def values(rows):
        out = []
        for row in rows:
            value = list(pick(row))
            for i, process, seen in processors:
                v = value[i]
                if v is not None:
                    if v not in seen:
                        seen[v] = process(v)
                    value[i] = seen[v]
            out.append(value)
        return out
    return values


def _writer(connection, table):
    """A function writing lists of column values (`_values`) in one round: COPY on PostgreSQL,
    executemany on SQLite."""
    dialect = connection.dialect
    columns = [c.name for c in table.columns]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)

    if dialect.name == "postgresql":
        def write(values):
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
    else:
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(columns))})"

        def write(values):
            connection.exec_driver_sql(sql, [tuple(v) for v in values])
    return write


def _add_tally(connection, counts: Counter):
    """The batch's forms added to the tally: one upsert statement for every (enterprise, port, state)."""
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    table = FormTally.__table__.name
    connection.exec_driver_sql(
        f"INSERT INTO {table} (enterprise_id, port_code, state, n) VALUES ({mark}, {mark}, {mark}, {mark}) "
        f"ON CONFLICT (enterprise_id, port_code, state) DO UPDATE SET n = {table}.n + excluded.n",
        [(*key, n) for key, n in counts.items()])


def _cache(connection, size_kb: int):
    """SQLite keeps 2 MB of pages by default: index inserts into a growing table then read the disk
    again and again. A larger cache for the batch alone makes it several times faster."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size = {-size_kb}")


def _enterprises(session, ids, n, now) -> list[int]:
    rows = []
    for i in range(n):
        ids[Enterprise] += 1
        rows.append({"id": ids[Enterprise], "customs_code": f"98{ids[Enterprise]:08d}",
                     "name": f"演示进出口企业{ids[Enterprise]:05d}有限公司", "created_at": now})
    session.execute(insert(Enterprise), rows)
    return [row["id"] for row in rows]


def _declaration(draw, ids, form, serial, now):
    ids[Declaration] += 1
    ids[DeclarationLine] += 1
    exported = form["registered_on"]
    quantity, price = draw["quantity"](), draw["price"]()
    total = (quantity * price).quantize(Decimal("0.01"))
    decl = {"id": ids[Declaration], "number": f"{form['port_code']}{exported.year}1{serial:09d}",
            "unified_no": f"{form['port_code']}{exported.year}E{serial:09d}", "form_id": form["id"],
            "enterprise_id": form["enterprise_id"], "district_code": form["port_code"],
            "declared_on": exported, "exported_on": exported, "transport": "2",
            "trade_mode": draw["trade_mode"](), "settlement": draw["settlement"](), "deal": "3",
            "currency": draw["currency"](), "total": total, "country": "502",
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
