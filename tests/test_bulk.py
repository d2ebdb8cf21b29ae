"""Scale data in batches: each batch one transaction with its tally and audit event, so the tally
always agrees with the forms, and other writers can interleave between batches."""
from sqlmodel import func, select

from db import audit, bulk
from db.models import AuditEvent, Form, FormTally


def test_batches_commit_whole_with_their_tally_and_audit_event(db, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 1000)
    monkeypatch.setattr(bulk, "CHUNK", 300)
    with db.session() as session:
        before = session.exec(select(func.count()).select_from(Form)).one()
        tallied_before = session.exec(select(func.sum(FormTally.n))).one() or 0
    bulk.add_forms(db, 2500)
    with db.session() as session:
        forms = session.exec(select(func.count()).select_from(Form)).one() - before
        tallied = session.exec(select(func.sum(FormTally.n))).one() - tallied_before
        events = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "批量导入")).all()
        numbers = session.exec(select(Form.number).order_by(Form.id.desc()).limit(2)).all()
        assert audit.verify(session).ok
    assert forms == tallied == 2500
    assert sorted(events) == sorted(["演示数据 1000 份核销单"] * 2 + ["演示数据 500 份核销单"])
    assert int(numbers[0]) == int(numbers[1]) + 1  # the numbering continues across batches


def test_a_second_run_continues_ids_and_numbers(db, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 400)
    bulk.add_forms(db, 500)
    bulk.add_forms(db, 500, seed=12)
    with db.session() as session:
        numbers = session.exec(select(Form.number)).all()
    assert len(numbers) == len(set(numbers))
