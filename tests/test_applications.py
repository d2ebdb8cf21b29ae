"""db.applications: the bureau's lists of applications, permission requests and late submissions."""
from datetime import timedelta

from sqlmodel import select

from db import accounts, applications, clock, lists, workflow
from db.models import ApplicationState, Form, FormApplication, FormState, PermissionRequest, RequestState
from db.queries import PAGE_SIZE, page
from db.rules import receipt_overdue


def test_pending_applications_are_the_demo_ones_waiting(demo, actors):
    with demo.session() as session:
        rows = session.exec(applications.pending_applications().order_by(FormApplication.id)).all()
        assert [(r.quantity, r.state) for r in rows] == [(20, "pending"), (10, "pending")]
        names = applications.parties(session, rows)
        assert {names.enterprise(r.enterprise_id).customs_code for r in rows} == {"4403910001", "4404910002"}
        assert {names.card(r.card_id).card_no for r in rows} == {"1100000000001", "1100000000003"}


def _pending_id(demo, quantity):
    with demo.session() as session:
        return session.exec(applications.pending_applications().where(FormApplication.quantity == quantity)).one().id


def test_an_issued_application_waits_for_its_paper_until_collected(demo, actors):
    application_id = _pending_id(demo, 10)
    with demo.session() as session:
        assert session.exec(applications.uncollected_applications()).all() == []  # the seed collected every one
        first = applications.next_form_number(session, demo.settings)
    result = workflow.issue_forms(db=demo, actor=actors["bureau"],
                                  application_id=application_id, count="4")
    assert result.ok, result.message
    with demo.session() as session:
        waiting = session.exec(applications.uncollected_applications()).all()
        assert [(a.id, a.issued_count, a.first_number) for a in waiting] == [(application_id, 4, first)]
        assert applications.next_form_number(session, demo.settings) == f"{int(first) + 4:09d}"
        assert application_id not in {a.id for a in session.exec(applications.pending_applications())}
    assert workflow.record_paper_collected(db=demo, actor=actors["bureau"], application_id=application_id).ok
    with demo.session() as session:
        assert session.exec(applications.uncollected_applications()).all() == []
        assert applications.application(session, application_id).paper_collected_at is not None


def test_pending_permissions_and_their_parties(demo, actors):
    assert accounts.request_permission(db=demo, actor=actors["C_legal"], card_no="1100000000004").ok
    with demo.session() as session:
        rows = session.exec(applications.pending_permissions().order_by(PermissionRequest.id)).all()
        names = applications.parties(session, rows)
        assert [(names.card(r.card_id).card_no, r.kind, names.card(r.requested_by).card_no) for r in rows] == [
            ("1100000000006", "开通", "1100000000007"), ("1100000000004", "延期", "1100000000005")]
        assert names.enterprise(names.card(rows[1].card_id).enterprise_id).customs_code == "4419910003"
    result = accounts.decide_permission(db=demo, actor=actors["bureau"], request_id=rows[1].id, grant=True,
                                        expires=(clock.today() + timedelta(days=30)).strftime("%Y%m%d"))
    assert result.ok, result.message
    with demo.session() as session:
        assert [r.id for r in session.exec(applications.pending_permissions())] == [rows[0].id]
        assert applications.permission_request(session, rows[1].id).state == RequestState.GRANTED


def test_unreceived_lists_exactly_the_forms_receipt_overdue_flags(demo, actors):
    bureau = actors["bureau"]
    with demo.session() as session:
        submitted = session.exec(select(Form).where(Form.state == FormState.SUBMITTED,
                                                    Form.received_at.is_(None))).all()
        late = {f.number for f in session.exec(lists.unreceived(bureau, demo.settings)).all()}
    assert late == {f.number for f in submitted if receipt_overdue(f, demo.settings)}
    assert 0 < len(late) < len(submitted)  # the seed has late ones and recent ones
    one = sorted(late)[0]
    with demo.session() as session:
        assert [f.number for f in session.exec(lists.unreceived(bureau, demo.settings, one))] == [one]
    assert workflow.receive(db=demo, actor=bureau, numbers=[one])[0].ok
    with demo.session() as session:
        assert one not in {f.number for f in session.exec(lists.unreceived(bureau, demo.settings))}


def test_applications_page_by_id_twenty_at_a_time(demo, actors):
    for _ in range(PAGE_SIZE + 3):
        assert workflow.apply_forms(db=demo, actor=actors["B"], quantity="1").ok
    with demo.session() as session:
        first = page(session, applications.pending_applications(), after=None)
        assert len(first.rows) == PAGE_SIZE and first.after and not first.before
        second = page(session, applications.pending_applications(), after=first.after)
        assert len(second.rows) == 5 and second.before and not second.after
        assert all(a.state == ApplicationState.PENDING for a in first.rows + second.rows)
        assert {a.id for a in first.rows}.isdisjoint({a.id for a in second.rows})
