"""The page-or-fragment convention, and the only place that reads HX-* headers.

A normal request gets the full page; an htmx request gets only the fragment it swaps. An htmx 2
history restore also sends HX-Request, and needs the full page: so the test is
`htmx and not htmx.history_restore_request`. Responses that branch on it say `Vary: HX-Request`.
"""
from flask import current_app, redirect, render_template, request, url_for
from flask_htmx import make_response


def wants_fragment() -> bool:
    htmx = current_app.htmx
    return bool(htmx) and not htmx.history_restore_request


def render(page: str, fragment: str | None = None, /, *, status: int = 200, push_url: str | None = None,
           **context):
    """`page` in full, or `fragment` alone for an htmx request. The page includes the fragment.
    (The templates are positional-only, so the context may carry a `page` of rows.)"""
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **context), status,
                             push_url=push_url if wants_fragment() else None)
    response.vary.add("HX-Request")
    return response


def go(endpoint: str, **values):
    """After a POST: a 303 to the next page, or for htmx a client-side redirect to it."""
    url = url_for(endpoint, **values)
    if wants_fragment():
        return make_response("", 204, location=url)
    return redirect(url, 303)


def submitter(*names: str) -> str | None:
    """Which button sent the form: htmx 2 and browsers both send the submitter's name."""
    return next((name for name in names if name in request.form), None)
