"""The status columns every screen shows, derived from the one `state` of a form (DESIGN §2)."""
from functools import cache

from markupsafe import Markup

from db.models import FormState as S

COLUMNS = ("备案状态", "海关使用状态", "交单状态", "核销状态")

_TABLE = {
    S.ISSUED: ("未备案", "未用", "未交", "未核销"),
    S.REGISTERED: ("已备案", "未用", "未交", "未核销"),
    S.REVOKING: ("撤销中", "撤销中", "未交", "未核销"),  # §10.2: 未用 only once customs has confirmed
    S.USED: ("已备案", "已用", "未交", "未核销"),
    S.SUBMITTED: ("已备案", "已用", "已交", "未核销"),
    S.WRITTEN_OFF: ("已备案", "已用", "已交", "已核销"),
    S.LOST: ("—", "—", "—", "—"),
    S.CANCELLED: ("—", "—", "—", "—"),
}


def status_columns(state: str) -> dict[str, str]:
    return dict(zip(COLUMNS, _TABLE[S(state)]))


@cache
def status_cells(state: str) -> Markup:
    """The four status cells of a row of `state`, as HTML: made once per state, not per row."""
    return Markup("").join(Markup('<td data-label="{}">{}</td>').format(column, value)
                           for column, value in status_columns(state).items())


def states_where(column: str, value: str) -> list[S]:
    """The states whose derived `column` shows `value`: how a query on a status column becomes SQL."""
    i = COLUMNS.index(column)
    return [state for state, row in _TABLE.items() if row[i] == value]


def values_of(column: str) -> list[str]:
    i = COLUMNS.index(column)
    return sorted({row[i] for row in _TABLE.values() if row[i] != "—"})
