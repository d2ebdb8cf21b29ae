"""Words for the screen. Chinese is the manual's and the default; `t` marks a sentence for translation.

`t("IC卡号 %(card_no)s 已存在", card_no=no)` is a `Text`: a `str` that reads as the Chinese sentence
(so a message compares, logs and stores as before) and keeps its catalogue key and values, so that the
screen can show it in the card's language (`blueprints._i18n.tr`). The domain never needs Flask for
this: a sentence is chosen here and translated where it is shown. pybabel finds `t(...)` (babel.cfg).
"""


class Text(str):
    """A sentence in Chinese that remembers its catalogue key (`msgid`) and the values put into it."""

    msgid: str
    values: dict

    def __new__(cls, msgid: str, values: dict | None = None):
        values = values or {}
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid, text.values = msgid, values
        return text

    def __reduce__(self):  # a Text copies and pickles as itself
        return Text, (self.msgid, self.values)


def t(msgid: str, **values) -> Text:
    """Mark `msgid` (Python %-format with named values) for translation; read it as Chinese meanwhile."""
    return Text(msgid, values)
