"""Every list screen in one shape: the request's condition and paging key, parsed once
(`ListArgs.from_request`); a page of a statement from db/, by key (`queries.page`); the whole page,
or for htmx the rows fragment the page includes (`show`).

Paging keys are 核销单号 / 报关单号 or row ids: ASCII digits, at most 20. Anything else (other
scripts' digits such as ², a NUL, an id beyond 64 bits) is no key, and the list starts at its first
page, as it does when a key is left out.
"""
from dataclasses import dataclass, field

from flask import request

from blueprints._auth import actor
from blueprints._htmx import render
from db import codes, lists, queries
from db.engine import get_session
from db.queries import Page

KEY_DIGITS = 20
MAX_ID = 2**63 - 1  # the largest id any database column here holds


def digits(text: str | None, limit: int = KEY_DIGITS) -> str | None:
    """`text` when it is ASCII digits (at most `limit`), else None."""
    text = (text or "").strip()
    return text if text.isascii() and text.isdigit() and len(text) <= limit else None


def whole(text: str | None) -> int | None:
    """A non-negative whole number a database column can hold, else None."""
    value = digits(text)
    return int(value) if value is not None and int(value) <= MAX_ID else None


def typed(source, name: str, limit: int = KEY_DIGITS) -> str:
    """A typed value, trimmed and bounded; NUL is never meant and no database stores it."""
    return (source.get(name) or "").replace("\x00", "").strip()[:limit]


@dataclass(frozen=True)
class ListArgs:
    """A list's condition (named text values) and which page of it: after / before a key."""

    values: dict = field(default_factory=dict)
    after: str | None = None
    before: str | None = None

    @classmethod
    def from_request(cls, *names: str, source=None, prefix: str = "", limit: int = KEY_DIGITS) -> "ListArgs":
        """From the query string (GET) or the form (POST; a batch form carries its list's page as
        hidden fields, under `prefix`)."""
        source = request.values if source is None else source
        return cls({name: typed(source, prefix + name, limit) for name in names},
                   digits(source.get(prefix + "after")), digits(source.get(prefix + "before")))

    def __getitem__(self, name: str) -> str:
        if name in ("after", "before"):
            return getattr(self, name) or ""
        return self.values.get(name, "")

    @property
    def keys(self) -> dict:
        """The page asked for, as URL parameters."""
        return {k: v for k, v in (("after", self.after), ("before", self.before)) if v}

    @property
    def condition(self) -> dict:
        """The condition, as URL parameters (what 上一页 / 下一页 carry)."""
        return {k: v for k, v in self.values.items() if v}

    def first_page(self) -> "ListArgs":
        return ListArgs(self.values)


def page_of(stmt, args: ListArgs, *, descending: bool = False) -> Page:
    """The page of `stmt` that `args` asks for; keys become ids for a list keyed by id. A list with an
    order of its own (db.deadlines: the soonest first) pages itself by its own key."""
    if hasattr(stmt, "page"):
        return stmt.page(get_session(), after=args.after, before=args.before)
    numeric = queries.key_of(stmt).type.python_type is int
    key = (lambda v: whole(v)) if numeric else (lambda v: v)
    return queries.page(get_session(), stmt, after=key(args.after), before=key(args.before), descending=descending)


def form_names(pg: Page) -> dict:
    """What a page of forms shows besides the rows: 关区 names, and enterprise names for officers."""
    session = get_session()
    enterprises = {} if actor().is_enterprise else lists.enterprise_names(session, pg.rows)
    shown = {getattr(row, "port_code", None) or getattr(row, "district_code", None) for row in pg.rows}
    return {"names": codes.names_for(session, "district", shown - {None, ""}), "enterprises": enterprises}


def show(template: str, fragment: str, stmt, args: ListArgs, *, endpoint: str | None = None,
         descending: bool = False, forms: bool = True, **context):
    """The list screen: `template` in full, or `fragment` (the rows) for htmx. `stmt` None: an empty
    list (the condition was wrong, the message is in `context`)."""
    pg = page_of(stmt, args, descending=descending) if stmt is not None else Page([])
    extra = form_names(pg) if forms else {}
    return render(template, fragment, page=pg, pager_endpoint=endpoint or request.endpoint,
                  pager_args=args.condition, **{**extra, **context})
