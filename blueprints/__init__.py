"""One blueprint per area; each is thin: parse the request, call the domain, render."""


def register_blueprints(app):
    from blueprints import admin, auth, bureau, customs, enterprise, forms, legal, portal, query

    for module in (auth, portal, forms, enterprise, legal, bureau, customs, admin, query):
        app.register_blueprint(module.bp)
