"""The lists the enterprise works against a deadline (企业交单, 备案 / 交单 15 天内到期): each form's
出口日期 or 备案日期, its due date and the days left, most urgent first. Paged by key, never OFFSET:
the key is the start date and the 核销单号 (YYYYMMDD + 核销单号, digits like every paging key), under
the indexes ix_form_enterprise_state_registered and ix_declaration_enterprise_exported."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session

from db import clock
from db.models import Declaration, Form
from db.queries import PAGE_SIZE, Page

REGISTER, SUBMIT = "register", "submit"  # which deadline: 备案 (use period) or 交单 (after 出口日期)


@dataclass(frozen=True)
class Due:
    start: date  # 备案日期 or 出口日期
    due: date
    days_left: int  # negative: overdue


EXPORT = aliased(Declaration, name="export")  # its own name: the lists' own EXISTS (declaration) stay theirs


def _start_and_period(kind: str, settings):
    if kind == SUBMIT:
        return EXPORT.exported_on, settings.submit_period_days
    return Form.registered_on, settings.use_period_days


def _key(start: date, number: str) -> str:
    return f"{start:%Y%m%d}{number}"


def _split(key: str | None):
    """(date, 核销单号) from a key, or None for no key or a key that is none."""
    if not key or len(key) <= 8:
        return None
    try:
        return datetime.strptime(key[:8], "%Y%m%d").date(), key[8:]
    except ValueError:
        return None


def page(session: Session, stmt, kind: str, settings, after: str | None = None, before: str | None = None,
         size: int = PAGE_SIZE) -> tuple[Page, dict[str, Due]]:
    """A page of the forms `stmt` selects, most urgent first, and each one's Due by 核销单号."""
    start, period = _start_and_period(kind, settings)
    if kind == SUBMIT:
        stmt = stmt.join(EXPORT, EXPORT.form_id == Form.id)
    stmt = stmt.add_columns(start)

    def beyond(k):
        return or_(start > k[0], and_(start == k[0], Form.number > k[1]))

    def behind(k):
        return or_(start < k[0], and_(start == k[0], Form.number < k[1]))

    def exists(s):
        return session.exec(s.limit(1)).first() is not None

    back, ahead = _split(before), _split(after)
    if back:
        rows = list(session.execute(stmt.where(behind(back)).order_by(start.desc(), Form.number.desc())
                                 .limit(size + 1)).all())
        more_before, rows = len(rows) > size, rows[:size][::-1]
        more_after = exists(stmt.where(~behind(back)))
    else:
        narrowed = stmt.where(beyond(ahead)) if ahead else stmt
        rows = list(session.execute(narrowed.order_by(start, Form.number).limit(size + 1)).all())
        more_after, rows = len(rows) > size, rows[:size]
        more_before = bool(ahead) and exists(stmt.where(~beyond(ahead)))
    today = clock.today()
    dues = {f.number: Due(d, d + timedelta(days=period), (d + timedelta(days=period) - today).days)
            for f, d in rows}
    keys = [_key(d, f.number) for f, d in rows]
    return Page(rows=[f for f, _ in rows], after=keys[-1] if rows and more_after else None,
                before=keys[0] if rows and more_before else None), dues
