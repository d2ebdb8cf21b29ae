"""The status columns every screen shows, derived from the one `state` of a form (DESIGN §2)."""
from functools import cache

from markupsafe import Markup

from db.models import FormState as S
from db.words import t

COLUMNS = (t("备案状态"), t("海关使用状态"), t("交单状态"), t("核销状态"))

_TABLE = {
    S.ISSUED: (t("未备案"), t("未用"), t("未交"), t("未核销")),
    S.REGISTERED: (t("已备案"), t("未用"), t("未交"), t("未核销")),
    S.REVOKING: (t("撤销中"), t("撤销中"), t("未交"), t("未核销")),  # §10.2: 未用 only once customs has confirmed
    S.USED: (t("已备案"), t("已用"), t("未交"), t("未核销")),
    S.SUBMITTED: (t("已备案"), t("已用"), t("已交"), t("未核销")),
    S.WRITTEN_OFF: (t("已备案"), t("已用"), t("已交"), t("已核销")),
    S.LOST: ("—", "—", "—", "—"),
    S.CANCELLED: ("—", "—", "—", "—"),
}


def status_columns(state: str) -> dict[str, str]:
    return dict(zip(COLUMNS, _TABLE[S(state)]))


@cache
def status_cells(state: str, language: str = "zh", say=str) -> Markup:
    """The four status cells of a row of `state`, as HTML, its words put into `language` by `say`: made
    once per state and language, not per row."""
    return Markup("").join(Markup('<td data-label="{}">{}</td>').format(say(column), say(value))
                           for column, value in status_columns(state).items())


def states_where(column: str, value: str) -> list[S]:
    """The states whose derived `column` shows `value`: how a query on a status column becomes SQL."""
    i = COLUMNS.index(column)
    return [state for state, row in _TABLE.items() if row[i] == value]


def values_of(column: str) -> list[str]:
    i = COLUMNS.index(column)
    return sorted({row[i] for row in _TABLE.values() if row[i] != "—"})
