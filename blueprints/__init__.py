"""One blueprint per area; each is thin: parse the request, call the domain, render."""


def register_blueprints(app):
    from blueprints import admin, auth, bureau, customs, enterprise, legal, portal, query

    for module in (auth, portal, enterprise, legal, bureau, customs, admin, query):
        app.register_blueprint(module.bp)
