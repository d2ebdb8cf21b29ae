"""Forms counted per (enterprise, 使用口岸, state), kept in step by the workflow in the same
transaction, so that dashboards and charts never count the forms table."""
from collections import Counter

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from db.codes import span
from db.models import FormTally


def add(session: Session, enterprise_id: int, port: str | None, state: str, n: int = 1) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(FormTally).values(enterprise_id=enterprise_id, port_code=port or "", state=str(state), n=n)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["enterprise_id", "port_code", "state"], set_={"n": FormTally.n + n}
    ))


def move(session: Session, enterprise_id: int, old: tuple, new: tuple, into: Counter | None = None) -> None:
    """A form went from (port, state) `old` to `new`; with `into`, counted there for `apply` (a batch
    writes its moves at once)."""
    if (old[0] or "", str(old[1])) == (new[0] or "", str(new[1])):
        return
    if into is not None:
        into[(enterprise_id, old[0] or "", str(old[1]))] -= 1
        into[(enterprise_id, new[0] or "", str(new[1]))] += 1
        return
    add(session, enterprise_id, old[0], old[1], -1)
    add(session, enterprise_id, new[0], new[1], 1)


_UPSERT = text(f"INSERT INTO {FormTally.__table__.name} (enterprise_id, port_code, state, n) "
               "VALUES (:enterprise_id, :port_code, :state, :n) ON CONFLICT (enterprise_id, port_code, state) "
               f"DO UPDATE SET n = {FormTally.__table__.name}.n + excluded.n")


def apply(session: Session, moves: Counter) -> None:
    """The moves counted by `move(..., into=moves)`: one upsert statement for every key that changed."""
    rows = [{"enterprise_id": e, "port_code": p, "state": s, "n": n} for (e, p, s), n in moves.items() if n]
    if rows:
        session.connection().execute(_UPSERT, rows)


def by_state(session: Session, *, enterprise_id: int | None = None, port: str | None = None) -> dict[str, int]:
    stmt = select(FormTally.state, func.sum(FormTally.n)).group_by(FormTally.state)
    if enterprise_id is not None:
        stmt = stmt.where(FormTally.enterprise_id == enterprise_id)
    if port is not None:  # a customs card's 关区: a 直属海关 counts its 隶属海关 too
        low, high = span(port)
        stmt = stmt.where(FormTally.port_code.between(low, high))
    return {state: int(n) for state, n in session.exec(stmt).all()}
