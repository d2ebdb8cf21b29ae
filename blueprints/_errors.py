"""Every error is a short Chinese page (or, for htmx, a message in the page): never a stack trace."""
from flask import g, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from blueprints._htmx import wants_fragment

MESSAGES = {
    400: "请求有误，请返回重试",
    403: "本卡无权进入此功能",
    404: "未找到该页面或单据",
    405: "不支持此操作方式",
    413: "提交的内容过大",
    429: "操作过于频繁，请稍后再试",
    500: "系统出错，请稍后再试；如仍出错请联系电子口岸数据中心",
    503: "系统繁忙，请稍后再试",
}


def init_app(app):
    def page(code: int, message: str):
        template = "errors/_message.html" if wants_fragment() else "errors/error.html"
        response = app.make_response((render_template(template, code=code, message=message), code))
        if wants_fragment():  # show it in the page's message area, whatever the request targeted
            response.headers["HX-Retarget"] = "#messages"
            response.headers["HX-Reswap"] = "innerHTML"
        response.vary.add("HX-Request")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, "页面已过期，请刷新页面后重新提交")

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
        # a page that reads nothing from the database (no card, no menu): it has no connection
        template = "errors/_message.html" if wants_fragment() else "errors/busy.html"
        html = app.jinja_env.get_template(template).render(  # no context processors: they read the card
            message=MESSAGES[503], request=request, url_for=url_for)
        response = app.make_response((html, 503))
        if wants_fragment():
            response.headers["HX-Retarget"] = "#messages"
            response.headers["HX-Reswap"] = "innerHTML"
        response.headers["Retry-After"] = "5"
        response.vary.add("HX-Request")
        return response

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error")
        return page(500, MESSAGES[500])


def _is_busy(error) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "database is locked" in text or "lock timeout" in text or "too many clients" in text
