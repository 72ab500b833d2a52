"""One blueprint per area of the dashboard."""

from isacc.web import (
    activity,
    admin,
    auth,
    connect,
    health,
    language,
    outlets,
    overview,
    products,
    settings,
    stores,
    support,
)


def register_blueprints(app) -> None:
    from isacc.inbound import api

    app.register_blueprint(api.bp)
    for module in (auth, health, language, stores, overview, connect, outlets, products, settings,
                   activity, support, admin):
        app.register_blueprint(module.bp)
