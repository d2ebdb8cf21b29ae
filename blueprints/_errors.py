"""Every error is a short Chinese page (or, for htmx, a message in the page): never a stack trace."""
from flask import g
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from blueprints._htmx import render
from blueprints._requestlog import request_id

MESSAGES = {
    400: "请求有误，请返回重试",
    403: "本卡无权进入此功能",
    404: "未找到该页面或单据",
    405: "不支持此操作方式",
    413: "提交的内容过大",
    429: "操作过于频繁，请稍后再试",
    500: "系统出错，请稍后再试；如仍出错请联系电子口岸数据中心",
}


def init_app(app):
    def page(code: int, message: str):
        # for htmx, shown in the page's message area, whatever the request targeted
        return render("errors/error.html", "errors/_message.html", status=code, retarget="#messages",
                      code=code, message=message, request_id=request_id())

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, "页面已过期，请刷新页面后重新提交")

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in (301, 302, 303, 307, 308):
            return error
        return page(error.code, g.pop("forbidden_reason", None) or MESSAGES.get(error.code, error.name))

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error, request %s", request_id())
        return page(500, MESSAGES[500])
