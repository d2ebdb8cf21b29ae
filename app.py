"""create_app(): settings, extensions, blueprints. Nothing happens at import time."""
from flask import Flask
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

import settings
from blueprints import _auth as auth_setup
from blueprints import _errors, _http, _i18n, _lifetime, _nav, _requestlog, _typed, health, register_blueprints
from db.engine import Database
from db.engine import init_app as init_db
from db.rules import Policy

csrf = CSRFProtect()
htmx = HTMX()


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    _typed.init_app(app)  # 全角 digits and letters read as ASCII, for every screen
    app.config.from_object(settings.Defaults)
    app.config.from_prefixed_env("EPORTFX")
    if config:
        app.config.update(config)
    instance = settings.instance_path(app.config.get("INSTANCE"))
    app.instance_path = str(instance)
    app.config["DATABASE_URL"] = app.config["DATABASE_URL"] or settings.sqlite_url(instance)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or settings.secret_key(instance)

    init_db(app, app.config.get("DATABASE") or Database(app.config["DATABASE_URL"], Policy.from_config(app.config),
                                                        threads=int(app.config["THREADS"]),
                                                        pool_timeout=float(app.config["POOL_TIMEOUT"])))
    _requestlog.init_app(app)  # first: every request gets its id and its log line
    health.init_app(app)  # next: a probe skips the login, CSRF and session hooks
    csrf.init_app(app)
    htmx.init_app(app)
    auth_setup.init_app(app)
    _i18n.init_app(app)
    _lifetime.init_app(app)
    _http.init_app(app)
    _errors.init_app(app)
    _nav.init_app(app)
    register_blueprints(app)
    from blueprints import help as manual_help

    manual_help.init_app(app)  # 帮助: the manual beside every screen
    if app.config["DEMO"]:  # demo mode: otherwise none of its routes exist
        from blueprints import demo

        demo.init_app(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app
