"""The page-or-fragment convention, and the only place that reads or writes HX-* headers.

A normal request gets the full page; an htmx request gets only the fragment it swaps. An htmx 2
history restore also sends HX-Request, and needs the full page: so the test is
`htmx and not htmx.history_restore_request`. Responses that branch on it say `Vary: HX-Request`.
"""
from flask import current_app, redirect, render_template, request, url_for
from flask_htmx import make_response


def is_htmx() -> bool:
    """The request came from htmx (a swap or a history restore)."""
    return bool(current_app.htmx)


def wants_fragment() -> bool:
    htmx = current_app.htmx
    return bool(htmx) and not htmx.history_restore_request


def current_url() -> str | None:
    """The page the browser shows, for an htmx request."""
    return current_app.htmx.current_url if is_htmx() else None


def render(template: str, fragment: str | None = None, /, *, status: int = 200, push_url: str | None = None,
           retarget: str | None = None, **context):
    """`template` in full, or `fragment` alone for an htmx request. The page includes the fragment.
    (Positional-only, so that a template's context may hold a `page`, as the lists do.) `retarget`:
    the fragment goes into this element instead of the one the request targeted."""
    fragment_only = bool(fragment) and wants_fragment()
    response = make_response(render_template(fragment if fragment_only else template, **context), status,
                             push_url=push_url if fragment_only else None,
                             retarget=retarget if fragment_only else None,
                             reswap="innerHTML" if fragment_only and retarget else None)
    response.vary.add("HX-Request")
    return response


def render_bare(template: str, fragment: str, /, *, status: int, retarget: str, **context):
    """As `render`, without the context processors (they read the card): for a page answered when the
    database has no connection to give."""
    fragment_only = wants_fragment()
    html = current_app.jinja_env.get_template(fragment if fragment_only else template).render(
        request=request, url_for=url_for, **context)
    response = make_response(html, status, retarget=retarget if fragment_only else None,
                             reswap="innerHTML" if fragment_only else None)
    response.vary.add("HX-Request")
    return response


def client_redirect(url: str):
    """For htmx: load `url` as a whole new page, as the browser would without JavaScript."""
    return make_response("", 204, redirect=url)


def go(url: str):
    """After a change: a 303 to the next page, or for htmx a full load of it (that page renders only
    its fragment for htmx, which would not fit the part that asked)."""
    return client_redirect(url) if wants_fragment() else redirect(url, 303)


def pressed(*names: str) -> str | None:
    """Which button sent the form: htmx 2 and browsers both send the submitter's name."""
    return next((name for name in names if name in request.form), None)
