"""What was typed, as it was meant: Chinese input methods type 全角 digits, letters and spaces
(５７００, ＡＢＣ, the ideographic space), which every field here means as ASCII. They are turned into
ASCII once, where the request's values are parsed (the query string and the form), so every screen of
every role reads 5700 and no field parses them on its own.

Only those characters: 全角 punctuation such as （） and ， stays as typed in free text, other
scripts' digits (², ٣) stay what they are, and passwords are never changed.
"""
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

HALF = {**{c: c - 0xFEE0 for c in range(ord("０"), ord("９") + 1)},
        **{c: c - 0xFEE0 for c in range(ord("Ａ"), ord("Ｚ") + 1)},
        **{c: c - 0xFEE0 for c in range(ord("ａ"), ord("ｚ") + 1)},
        ord("．"): ".", ord("\u3000"): " "}


def half_width(text: str) -> str:
    """全角 digits, letters, ． and the ideographic space as ASCII; the rest as it is."""
    return text.translate(HALF)


PASSWORDS = {"old", "new", "confirm"}  # 修改密码's fields; any other field whose name says password


def _meant(key, value):
    if isinstance(value, str) and "password" not in str(key) and key not in PASSWORDS:
        return key, half_width(value)
    return key, value


class TypedValues(ImmutableMultiDict):
    """The request's query string and form, with 全角 digits and letters as ASCII."""

    def __init__(self, mapping=None):
        super().__init__(None if mapping is None else [_meant(k, v) for k, v in iter_multi_items(mapping)])


class TypedRequest(Request):
    parameter_storage_class = TypedValues


def init_app(app) -> None:
    app.request_class = TypedRequest
