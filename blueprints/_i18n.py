"""中文 / English. Chinese is the default and the manual's own words; English comes from the catalogue in
translations/ (Flask-Babel). The language is the card's (`card.language`, set by the header's switch),
or before login the browser's cookie.

Templates write `{{ _("口岸备案") }}` for their own words (literals only: the result is trusted markup),
and `{{ value|tr }}` for a word or sentence chosen in db/ (a `db.words.Text`, a label): that one is
escaped like any value. Data (names, codes, the audit trail's data, the manual's text) stays as it is;
in English it sits in an element marked `lang="zh-CN"` (`{{ zh }}`), so a screen reader reads it right.
"""
from flask import g, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user

from db.words import Text

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT = "zh"
COOKIE = "lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


class _ChineseData:
    """`{{ zh }}` in an element's tag: ` lang="zh-CN"` when the screen is English (its data stays Chinese),
    nothing in Chinese. Decided as it is rendered, so macros imported without context use it too."""

    def __html__(self) -> str:
        return ' lang="zh-CN"' if language() != DEFAULT else ""

    __str__ = __html__


def language() -> str:
    """The card's language; before login, the cookie's; else Chinese."""
    if "language" not in g:
        chosen = current_user.card.language if current_user.is_authenticated else request.cookies.get(COOKIE)
        g.language = chosen if chosen in LANGUAGES else DEFAULT
    return g.language


def english() -> bool:
    return str(get_locale()) == "en"


_catalogues: dict = {}


def catalogue():
    """The screen language's catalogue, loaded once per process and language (a page asks it for every
    word: Flask-Babel's own lookup walks the request context each time)."""
    here = language()
    found = _catalogues.get(here)
    if found is None:
        found = _catalogues[here] = get_translations()
    return found


def tr(text) -> str:
    """A word or sentence chosen in db/ (or a label), in the screen's language; plain text, escaped when shown."""
    if text is None or text == "":
        return ""
    words = catalogue()
    if isinstance(text, Text):
        values = {key: tr(value) if isinstance(value, Text) else value for key, value in text.values.items()}
        said = words.ugettext(text.msgid)
        return said % values if values else said
    return words.ugettext(str(text))


def init_app(app):
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=language)
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, through the catalogue kept per language
        gettext=lambda s: catalogue().ugettext(s), ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True, pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n))
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks as one line, as pybabel reads them
    app.add_template_filter(tr, "tr")
    app.jinja_env.globals["zh"] = _ChineseData()

    @app.context_processor
    def languages():
        here = language()
        return {"html_lang": HTML_LANG[here], "language": here, "languages": LANGUAGES}
