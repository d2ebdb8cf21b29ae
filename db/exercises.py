"""练习: the manual's tasks in order, each done when the audit trail shows that the trainee's card did
it after the trainees were seeded (seed.READY), or, for 组合查询, when the query log shows the card ran
(开始查找) a query with that condition. Opening a page is not doing a task: only the audit trail's
events and the query log count. Reads go by card (indexes ix_audit_card_seq, ix_querylog_card_id)."""
from dataclasses import dataclass

from sqlmodel import Session, func, select

from db import clock, seed
from db.engine import Database
from db.models import AuditEvent, Card, CardKind, Enterprise, QueryLog
from db.words import t

KEEP_QUERIES = 50  # the query log keeps each card's newest runs only


@dataclass(frozen=True)
class Task:
    key: str
    label: str  # a screen word (db.words.Text): the task as the trainee reads it
    endpoint: str  # the screen where it is done
    help: str  # its section of the manual


TASKS = [
    Task("apply", t("核销单申请：申请 5 份核销单"), "enterprise.apply", "4"),
    Task("register", t("口岸备案：将一份核销单备案到 5700 拱北关区"), "enterprise.register_list", "5.1"),
    Task("batch_register", t("批量备案：一次备案 3 份核销单"), "enterprise.batch_register", "5.2"),
    Task("revoke", t("撤销备案：申请撤销一份核销单的备案"), "enterprise.revoke_list", "6"),
    Task("submit", t("企业交单：交一份核销单"), "enterprise.submit_list", "7.1"),
    Task("batch_submit", t("批量交单：一次交 2 份以上核销单"), "enterprise.batch_submit", "7.2"),
    Task("lost", t("核销单挂失：挂失一份核销单"), "enterprise.lost", "8"),
    Task("query_number", t("指定核销单查询：组合查询“核销单号”“等于”"), "query.search", "9.1"),
    Task("query_issued_on", t("以发单日期查询：组合查询“发单日期”“以……开始”"), "query.search", "9.2"),
    Task("wrong_port", t("常见问题 10.2 备错口岸：撤销备案、海关确认后重新备案"), "enterprise.revoke_list", "10.2"),
    Task("cannot_submit", t("常见问题 10.3 核销单无法交单：通过组合查询确定核销单的海关使用状态"), "query.search",
         "10.3"),
    Task("not_received", t("常见问题 10.4 已交单但外汇管理局无数据：组合查询核销单的交单状态"), "query.search", "10.4"),
]

# 组合查询 tasks: the business and the condition (查询项目:operator, or 查询项目 with any operator)
QUERY_TASKS = {"query_number": ("form", "number:eq"), "query_issued_on": ("form", "issued_on:prefix"),
               "cannot_submit": ("form", "customs_use"), "not_received": ("form", "submit_state")}


def record_query(db: Database, *, card_id: int, business: str, conditions) -> None:
    """开始查找 by an operator card in demo mode: one row of the query log (the 查询项目 and operators,
    not the values). The card keeps its newest KEEP_QUERIES rows and, for each 组合查询 task, the newest
    row that did it, so a task once done stays done: at most KEEP_QUERIES + len(QUERY_TASKS) rows.
    Only rows this transaction read are deleted, so the newest proof of a task is never lost to a run
    written at the same time."""
    text = " ".join(f"{c.field}:{c.op}" for c in conditions)[:400]
    with db.write() as session:
        session.add(QueryLog(card_id=card_id, at=clock.now(), business=business, conditions=text))
        session.flush()
        runs = session.exec(select(QueryLog.id, QueryLog.business, QueryLog.conditions)
                            .where(QueryLog.card_id == card_id).order_by(QueryLog.id.desc())).all()
        keep = {run.id for run in runs[:KEEP_QUERIES]}
        for wanted, condition in QUERY_TASKS.values():
            proof = next((run for run in runs if _ran([run], wanted, condition)), None)
            if proof is not None:
                keep.add(proof.id)
        old = [run.id for run in runs if run.id not in keep]
        if old:
            session.execute(QueryLog.__table__.delete().where(QueryLog.id.in_(old)))


def _queries(session: Session, card_id: int) -> list[QueryLog]:
    """The card's query log: its newest runs and the proofs record_query keeps (a bounded few)."""
    return list(session.exec(select(QueryLog).where(QueryLog.card_id == card_id)
                             .order_by(QueryLog.id.desc())).all())


def _ran(queries: list[QueryLog], business: str, condition: str) -> bool:
    """A run of `business` with a condition on that 查询项目 (and operator, when the task names one)."""
    for run in queries:
        if run.business != business:
            continue
        for part in run.conditions.split():
            if part == condition or part.split(":")[0] == condition:
                return True
    return False


def _start(session: Session, card: Card) -> int:
    """The seq after which the card's actions count: the first 练习开始 after its enterprise's 入网 (the
    seed's own story comes before it; trainees added later for latecomers start a later one, which must
    not wipe the others' progress). An enterprise the data centre made during the class has none: all
    its events count."""
    joined = session.exec(select(func.min(AuditEvent.seq)).where(AuditEvent.enterprise_id == card.enterprise_id)
                          ).one() or 0
    return session.exec(select(func.min(AuditEvent.seq)).where(AuditEvent.action == seed.READY,
                                                               AuditEvent.seq > joined)).one() or 0


def _events(session: Session, card: Card) -> list[AuditEvent]:
    start = _start(session, card)
    return list(session.exec(select(AuditEvent).where(AuditEvent.card_id == card.id, AuditEvent.seq > start)
                             .order_by(AuditEvent.seq).limit(5000)).all())


def _in_one_go(events, action: str) -> int:
    """The most forms one request did. A transaction holds the audit head from its first event to its
    last, so one request's events follow each other in `seq` with nothing between; they are also
    written within a second (a split at a second's boundary must not undo the count)."""
    best = run = 0
    first = previous = None
    for event in events:
        if event.action != action:
            first = previous = None
            continue
        joined = (previous is not None and event.seq == previous.seq + 1
                  and (event.at - first.at).total_seconds() <= 1)
        first, run = (first, run + 1) if joined else (event, 1)
        previous = event
        best = max(best, run)
    return best


def done(events: list[AuditEvent], queries: list[QueryLog] = ()) -> dict[str, bool]:
    revoked = {e.form_number for e in events if e.action == "撤销备案"}
    re_registered = any(e.action == "口岸备案" and e.form_number in revoked
                        and any(r.seq < e.seq and r.form_number == e.form_number and r.action == "撤销备案"
                                for r in events) for e in events)
    return {
        "apply": any(e.action == "核销单申请" and e.detail.startswith("申请 5 份") for e in events),
        "register": any(e.action == "口岸备案" and e.detail.startswith("使用口岸 5700") for e in events),
        "batch_register": _in_one_go(events, "口岸备案") >= 3,
        "revoke": bool(revoked),
        "submit": any(e.action == "交单" for e in events),
        "batch_submit": _in_one_go(events, "交单") >= 2,
        "lost": any(e.action == "核销单挂失" for e in events),
        "wrong_port": re_registered,
    } | {key: _ran(queries, business, condition) for key, (business, condition) in QUERY_TASKS.items()}


@dataclass
class Progress:
    card_no: str
    holder: str
    enterprise: str
    done: dict[str, bool]
    last: AuditEvent | None

    @property
    def count(self) -> int:
        return sum(self.done.values())


def progress(session: Session, card: Card) -> Progress:
    events = _events(session, card)
    enterprise = session.get(Enterprise, card.enterprise_id) if card.enterprise_id else None
    return Progress(card.card_no, card.holder, enterprise.name if enterprise else "",
                    done(events, _queries(session, card.id)),
                    events[-1] if events else None)


def trainees(session: Session) -> list[Progress]:
    """Every trainee's operator card, in order, with its progress."""
    cards = session.exec(select(Card).where(seed.trainee_card([CardKind.OPERATOR]))
                         .order_by(Card.card_no)).all()
    return [progress(session, card) for card in cards]
