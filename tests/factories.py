"""Test data: enterprises, cards and forms in any state, written directly (not through the workflow),
so a test can start from exactly the situation it needs."""
import itertools
from datetime import timedelta
from decimal import Decimal

from db import accounts, clock, tally
from db.actor import SYSTEM, Actor
from db.declarations import DeclarationInput, LineInput
from db.models import CardKind, Declaration, DeclarationLine, Enterprise, Form, FormState

_numbers = itertools.count(700000001)
_codes = itertools.count(1)


def enterprise(db, name: str = "测试企业") -> int:
    with db.write() as session:
        row = Enterprise(customs_code=f"77{next(_codes):08d}", name=name, created_at=clock.now())
        session.add(row)
        session.flush()
        return row.id


def card(db, kind: CardKind, *, enterprise_id: int | None = None, district: str | None = None,
         expires=None) -> Actor:
    if kind in (CardKind.OPERATOR, CardKind.LEGAL) and expires is None:
        expires = clock.today() + timedelta(days=30)
    result, new = accounts.create_card(db=db, actor=SYSTEM, kind=kind, holder="测试", enterprise_id=enterprise_id,
                                       district_code=district, password="88888888", must_change=False,
                                       permission_expires=expires)
    assert result.ok, result.message
    from tests.conftest import actor_of

    return actor_of(db, new.card_no)


WITH_PORT = {FormState.REGISTERED, FormState.REVOKING, FormState.USED, FormState.SUBMITTED, FormState.WRITTEN_OFF}
WITH_DECLARATION = {FormState.USED, FormState.SUBMITTED, FormState.WRITTEN_OFF}


def form(db, enterprise_id: int, state: FormState, *, port: str = "5700", declaration: str | None = "slip",
         verified: bool = True, received: bool = False, registered_days_ago: int = 5) -> str:
    """A form in `state`. `declaration`: None, "declared", "released", "closed" or "slip" (closed with
    结汇联); given for the states that have one, and for a registered form when asked explicitly."""
    number = f"{next(_numbers):09d}"
    today, now = clock.today(), clock.now()
    has_port = state in WITH_PORT
    with db.write() as session:
        row = Form(number=number, enterprise_id=enterprise_id, state=state, issued_on=today - timedelta(days=30),
                   port_code=port if has_port else None,
                   registered_on=today - timedelta(days=registered_days_ago) if has_port else None,
                   submitted_at=now - timedelta(days=1) if state in (FormState.SUBMITTED, FormState.WRITTEN_OFF)
                   else None,
                   received_at=now if received or state is FormState.WRITTEN_OFF else None, updated_at=now)
        session.add(row)
        session.flush()
        if declaration and (state in WITH_DECLARATION or (state is FormState.REGISTERED and not verified)):
            _declaration(session, row, port, declaration, verified)
        tally.add(session, enterprise_id, row.port_code, state)
    return number


def _declaration(session, form_row, port, stage, verified):
    n = form_row.id
    decl = Declaration(
        number=f"{port}20261{n:09d}", unified_no=f"{port}2026E{n:09d}", form_id=form_row.id,
        enterprise_id=form_row.enterprise_id, district_code=port, declared_on=clock.today(),
        exported_on=clock.today(), transport="2", trade_mode="0110", settlement="2", deal="3", currency="502",
        total=Decimal("1000.00"), country="502", dest_port="洛杉矶",
        status={"declared": "declared", "released": "released"}.get(stage, "closed"), verified=verified,
        fx_slip_issued=stage == "slip", fx_slip_on=clock.today() if stage == "slip" else None,
        fx_slip_count=1 if stage == "slip" else 0, created_at=clock.now())
    session.add(decl)
    session.flush()
    session.add(DeclarationLine(declaration_id=decl.id, line_no=1, hs_code="6109100022", name="T恤衫",
                                quantity=Decimal("100"), unit="件", unit_price=Decimal("10"), total=Decimal("1000.00")))


def declaration_input(**overrides) -> DeclarationInput:
    values = dict(declared_on=clock.today(), exported_on=clock.today(), transport="2", trade_mode="0110",
                  settlement="2", deal="3", currency="502", country="502", dest_port="洛杉矶",
                  lines=[LineInput("6109100022", "棉制T恤衫", Decimal("100"), "件", Decimal("3.80"))])
    values.update(overrides)
    return DeclarationInput(**values)


def state_of(db, number: str) -> str:
    from sqlmodel import select

    with db.session() as session:
        return session.exec(select(Form.state).where(Form.number == number)).one()
