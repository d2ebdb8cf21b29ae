"""Scale data in batches: each batch one transaction with its tally and audit event, so the tally
always agrees with the forms, and other writers can interleave between batches."""
import random

import pytest
from sqlmodel import func, select

from db import audit, bulk, clock
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


def _indexes(db):
    with db.write_connection() as connection:
        return sorted(bulk._index_ddl(connection))


def test_a_fresh_load_builds_the_same_indexes_again(db, monkeypatch):
    """Many forms into a nearly empty database: the secondary indexes are dropped for the load and
    made again from their own DDL afterwards, so the database ends exactly as indexed as it began."""
    monkeypatch.setattr(bulk, "BATCH", 1000)
    before = _indexes(db)
    assert len(before) >= 9
    dropped = []
    real = bulk._add_batch

    def watching(session, *args):
        dropped.append(len(bulk._index_ddl(session.connection())))
        return real(session, *args)

    monkeypatch.setattr(bulk, "_add_batch", watching)
    bulk.add_forms(db, 3000)
    assert dropped == [0, 0, 0]  # the load ran without them
    assert _indexes(db) == before


def test_a_load_that_fails_half_way_still_gets_its_indexes_back(db, monkeypatch):
    before = _indexes(db)
    monkeypatch.setattr(bulk, "_add_batch", lambda *a: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        bulk.add_forms(db, 5000)
    assert _indexes(db) == before


def test_a_small_load_into_a_full_database_keeps_its_indexes(db, monkeypatch):
    bulk.add_forms(db, 2000)
    before = _indexes(db)
    seen = []
    real = bulk._add_batch
    monkeypatch.setattr(bulk, "_add_batch",
                        lambda session, *a: (seen.append(len(bulk._index_ddl(session.connection()))),
                                             real(session, *a)))
    bulk.add_forms(db, 100, seed=3)
    assert seen == [len(before)]


def test_rows_made_in_a_second_process_commit_the_same_way(db, monkeypatch):
    """A large load makes its rows in a forked process while this one writes them: the batches, their
    tally and audit events, and the numbering are as when the rows are made here."""
    monkeypatch.setattr(bulk, "PARALLEL", 1)
    monkeypatch.setattr(bulk, "BATCH", 1000)
    monkeypatch.setattr(bulk, "CHUNK", 300)
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 2)
    sources = []
    real = bulk._add_batch
    monkeypatch.setattr(bulk, "_add_batch", lambda session, db_, source, *a: (sources.append(type(source)),
                                                                               real(session, db_, source, *a)))
    with db.session() as session:
        before = session.exec(select(func.count()).select_from(Form)).one()
    bulk.add_forms(db, 2500)
    with db.session() as session:
        forms = session.exec(select(func.count()).select_from(Form)).one() - before
        numbers = session.exec(select(Form.number)).all()
        assert audit.verify(session).ok
    assert forms == 2500 and len(numbers) == len(set(numbers))
    assert sources == [bulk._Forked] * 3


def test_a_writer_between_batches_sends_the_load_back_to_rows_made_here(db, monkeypatch):
    """Rows made ahead assume the ids and numbers as the load began: when another writer moved them
    between batches, the second process stops and the rest is made from what the database holds."""
    monkeypatch.setattr(bulk, "PARALLEL", 1)
    monkeypatch.setattr(bulk, "BATCH", 1000)
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 2)
    real, calls = bulk._add_batch, []

    def interleaved(session, *args):
        calls.append(1)
        if len(calls) == 2:  # as if an application's forms had been issued since the last batch
            rows = bulk._Rows(db, random.Random(5), [1], clock.today(), clock.now())
            real(session, db, bulk._InProcess(rows), 10, lambda n: None)
        return real(session, *args)

    with db.session() as session:
        before = session.exec(select(func.count()).select_from(Form)).one()
    monkeypatch.setattr(bulk, "_add_batch", interleaved)
    bulk.add_forms(db, 3000)
    with db.session() as session:
        forms = session.exec(select(func.count()).select_from(Form)).one() - before
        tallied = session.exec(select(func.sum(FormTally.n))).one()
        numbers = session.exec(select(Form.number)).all()
        total = session.exec(select(func.count()).select_from(Form)).one()
    assert forms == 3010 and tallied == total and len(numbers) == len(set(numbers))
    assert len(calls) == 3
