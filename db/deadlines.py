"""Lists against a deadline, the most urgent first, each form with the day its period started
(备案日期 / 出口日期), its due date and the days left: the bureau's 即将到期 (`use_ending`,
`submit_ending`) and the enterprise's 企业交单 and 备案 / 交单 15 天内到期 (`page`).

A list is paged by its own key, (start day, 核销单号), never by OFFSET; its `stmt` (the forms, no
order) is what the dashboard counts, so the count and the list cannot differ.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session

from db import clock, lists
from db.actor import Actor
from db.models import Declaration, Form, FormState
from db.queries import PAGE_SIZE, Page, form_select

REGISTER, SUBMIT = "register", "submit"  # which deadline: 备案 (use period) or 交单 (after 出口日期)
EXPORT = aliased(Declaration, name="export")  # its own name: a list's own EXISTS (declaration) stays its own


@dataclass(frozen=True)
class Due:
    """One row: the form, the day its period started (备案日期 / 出口日期), its due date, days left."""

    form: Form
    start: date
    period: int

    @property
    def due(self) -> date:
        return self.start + timedelta(days=self.period)

    @property
    def left(self) -> int:
        return (self.due - clock.today()).days

    days_left = left

    @property
    def overdue(self) -> bool:
        return self.left < 0

    @property
    def number(self) -> str:
        return self.form.number

    @property
    def enterprise_id(self) -> int:
        return self.form.enterprise_id

    @property
    def port_code(self) -> str | None:
        return self.form.port_code


@dataclass(frozen=True)
class DeadlineList:
    stmt: object  # select(Form) of the forms listed: what the dashboard counts
    day: object  # the column the period starts from
    period: int

    def page(self, session: Session, *, after: str | None = None, before: str | None = None,
             size: int = PAGE_SIZE) -> Page:
        """The soonest first, by the key (day, 核销单号) the previous page handed out."""
        key = tuple_(self.day, Form.number)
        rows_of = self.stmt.add_columns(self.day)
        late, early = _parse(before), _parse(after)
        if late:
            found = _rows(session, rows_of.where(key < late), self.day.desc(), Form.number.desc(), n=size + 1)
            more_before, found = len(found) > size, found[:size][::-1]
            more_after = _exists(session, self.stmt.where(key >= late))
        else:
            narrowed = rows_of.where(key > early) if early else rows_of
            found = _rows(session, narrowed, self.day.asc(), Form.number.asc(), n=size + 1)
            more_after, found = len(found) > size, found[:size]
            more_before = bool(early) and _exists(session, self.stmt.where(key <= early))
        rows = [Due(form, _day(start), self.period) for form, start in found]
        return Page(rows, _key(rows[-1]) if rows and more_after else None,
                    _key(rows[0]) if rows and more_before else None)


def _rows(session, stmt, *order, n):
    return [tuple(row) for row in session.execute(stmt.order_by(*order).limit(n)).all()]


def _exists(session, stmt) -> bool:
    return session.exec(stmt.with_only_columns(Form.id).limit(1)).first() is not None


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _key(row: Due) -> str:
    return f"{row.start:%Y%m%d}{row.form.number}"


def _parse(key: str | None) -> tuple[date, str] | None:
    """A key from a URL: YYYYMMDD then the 核销单号 (digits); anything else starts at the first page."""
    if not key or len(key) <= 8 or not (key.isascii() and key.isdigit()):
        return None
    try:
        return datetime.strptime(key[:8], "%Y%m%d").date(), key[8:]
    except ValueError:
        return None


def use_ending(actor: Actor, settings) -> DeadlineList:
    """已备案, within `deadline_warning_days` of the end of the use period (or past it): customs may
    use a form `use_period_days` after 备案."""
    return DeadlineList(lists.near_use_end(actor, settings), Form.registered_on, settings.use_period_days)


def submit_ending(actor: Actor, settings) -> DeadlineList:
    """已用, within `deadline_warning_days` of the last day to submit (出口日期 + `submit_period_days`)."""
    cutoff = clock.today() - timedelta(days=settings.submit_period_days - settings.deadline_warning_days)
    stmt = (form_select(actor, states=[FormState.USED]).join(Declaration, Declaration.form_id == Form.id)
            .where(Declaration.exported_on <= cutoff))
    return DeadlineList(stmt, Declaration.exported_on, settings.submit_period_days)


def page(session: Session, stmt, kind: str, settings, after: str | None = None, before: str | None = None,
         size: int = PAGE_SIZE) -> tuple[Page, dict[str, Due]]:
    """A page of the forms `stmt` selects, most urgent first by `kind`'s deadline, and each one's Due
    by 核销单号 (the enterprise's lists render forms and look their Due up)."""
    if kind == SUBMIT:
        listing = DeadlineList(stmt.join(EXPORT, EXPORT.form_id == Form.id), EXPORT.exported_on,
                               settings.submit_period_days)
    else:
        listing = DeadlineList(stmt, Form.registered_on, settings.use_period_days)
    found = listing.page(session, after=after, before=before, size=size)
    return Page([row.form for row in found.rows], found.after, found.before), {row.number: row for row in found.rows}
