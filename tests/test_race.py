"""Two people acting on one form at once: exactly one wins, the other is told; the audit trail holds
exactly the successful transitions and still verifies. 16 threads, each on its own connection, on a
file database (SQLite) or on PostgreSQL (EPORTFX_TEST_DB=postgresql)."""
import threading

from sqlmodel import select

from db import audit, workflow
from db.models import AuditEvent, CardKind, FormState
from db.rules import CHANGED
from tests import factories

THREADS = 16
ROUNDS = 6


def _race(attempts):
    """Run the attempts at the same instant, one thread each; return their results."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i, attempt):
        barrier.wait()
        results[i] = attempt()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _event_count(db) -> int:
    with db.session() as session:
        return len(session.exec(select(AuditEvent.seq)).all())


def test_conflicting_transitions_have_exactly_one_winner(db):
    mine = factories.enterprise(db)
    operator = factories.card(db, CardKind.OPERATOR, enterprise_id=mine)
    customs = factories.card(db, CardKind.CUSTOMS, district="5700")
    bureau = factories.card(db, CardKind.BUREAU)
    start = _event_count(db)
    wins = 0
    for _ in range(ROUNDS):
        # 16 people try to register the same form, each to a port of their own choosing
        issued = factories.form(db, mine, FormState.ISSUED)
        ports = ["5700", "5300", "5100", "2200"]
        results = _race([lambda p=ports[i % 4]: workflow.register_port(db=db, actor=operator, numbers=[issued],
                                                                       port=p)[0] for i in range(THREADS)])
        assert sum(r.ok for r in results) == 1
        assert {r.message for r in results if not r.ok} <= {CHANGED, "该核销单已备案，如需更改口岸请先撤销备案"}
        wins += 1
        # the operator revokes, or reports it lost, while customs uses it: each excludes the others
        registered = factories.form(db, mine, FormState.REGISTERED, declaration=None)
        attempts = []
        for i in range(THREADS):
            attempts.append([
                lambda: workflow.request_revoke(db=db, actor=operator, numbers=[registered])[0],
                lambda: workflow.record_declaration(db=db, actor=customs, number=registered,
                                                    data=factories.declaration_input()),
                lambda: workflow.report_lost(db=db, actor=operator, numbers=[registered])[0],
            ][i % 3])
        results = _race(attempts)
        assert sum(r.ok for r in results) == 1, [r.message for r in results]
        wins += 1
        # 16 bureau officers receive the same submission
        submitted = factories.form(db, mine, FormState.SUBMITTED)
        results = _race([lambda: workflow.receive(db=db, actor=bureau, numbers=[submitted])[0]
                         for _ in range(THREADS)])
        assert sum(r.ok for r in results) == 1
        wins += 1
    assert _event_count(db) - start == wins
    with db.session() as session:
        verdict = audit.verify(session)
    assert verdict.ok, verdict.message


def test_batches_racing_over_the_same_forms_do_each_form_once(db):
    mine = factories.enterprise(db)
    operator = factories.card(db, CardKind.OPERATOR, enterprise_id=mine)
    numbers = [factories.form(db, mine, FormState.ISSUED) for _ in range(20)]
    start = _event_count(db)
    # every thread marks all 20 forms, in its own order
    results = _race([lambda k=k: workflow.register_port(db=db, actor=operator, numbers=numbers[k:] + numbers[:k],
                                                        port="5700") for k in range(THREADS)])
    done = [r.number for batch in results for r in batch if r.ok]
    assert sorted(done) == sorted(numbers)
    assert _event_count(db) - start == len(numbers)
    with db.session() as session:
        assert audit.verify(session).ok
