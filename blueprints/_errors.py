"""Every error is a short Chinese page (or, for htmx, a message in the page): never a stack trace."""
from flask import g, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from blueprints import _i18n
from blueprints._htmx import render, render_bare
from blueprints._requestlog import request_id
from db.words import t

MESSAGES = {
    400: t("请求有误，请返回重试"),
    403: t("本卡无权进入此功能"),
    404: t("未找到该页面或单据"),
    405: t("不支持此操作方式"),
    413: t("提交的内容过大"),
    429: t("操作过于频繁，请稍后再试"),
    500: t("系统出错，请稍后再试；如仍出错请联系电子口岸数据中心"),
    503: t("系统繁忙，请稍后再试"),
}


def init_app(app):
    def page(code: int, message: str):
        # for htmx, shown in the page's message area, whatever the request targeted
        return render("errors/error.html", "errors/_message.html", status=code, retarget="#messages",
                      code=code, message=message, request_id=request_id())

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, t("页面已过期，请刷新页面后重新提交"))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in (301, 302, 303, 307, 308):
            return error
        reason = g.pop("forbidden_reason", None) or g.pop("busy_reason", None)
        return page(error.code, reason or MESSAGES.get(error.code, error.name))

    @app.errorhandler(sa_exc.TimeoutError)
    @app.errorhandler(sa_exc.OperationalError)
    def busy(error):
        """No database connection within the pool timeout, or SQLite still locked after its busy
        timeout: the user is told to try again (nothing was changed), never shown a 500."""
        if isinstance(error, sa_exc.OperationalError) and not _is_busy(error):
            return server_error(error)
        app.logger.warning("busy: %s", error)
        # a page that reads nothing from the database (no card, no menu): it has no connection; its
        # language is the one already chosen for this request, else the cookie's (not the card's)
        if "language" not in g:
            chosen = request.cookies.get(_i18n.COOKIE)
            g.language = chosen if chosen in _i18n.LANGUAGES else _i18n.DEFAULT
        response = render_bare("errors/busy.html", "errors/_message.html", status=503, retarget="#messages",
                               message=MESSAGES[503], html_lang=_i18n.HTML_LANG[g.language])
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error, request %s", request_id())
        return page(500, MESSAGES[500])


def _is_busy(error) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "lock timeout" in text or "too many clients" in text
