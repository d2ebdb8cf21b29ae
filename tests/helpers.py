"""What the route tests share: the htmx headers, a POST with the CSRF token, the answer's text, and
whether it is a whole page or a fragment."""
HX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def is_page(response) -> bool:
    return text(response).lstrip().startswith("<!doctype html>")


def is_fragment(response) -> bool:
    return response.status_code < 500 and not is_page(response)


def post(client, url, data=None, headers=None):
    """A POST as the page sends it: with the CSRF token of the logged-in test client."""
    return client.post(url, data={"csrf_token": client.csrf, **(data or {})}, headers=headers or {})
