"""isacc: iSeller to Accurate Online synchronisation."""

from flask import Flask, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from isacc import config as config_module
from isacc import i18n, logs, security
from isacc.access import check_every_route_has_a_rule, enforce
from isacc.extensions import csrf, db, login_manager, migrate
from isacc.formatting import label_case, local_time, rupiah
from isacc.models.base import render_migration_type


def create_app(overrides: dict | None = None) -> Flask:
    """The app factory used by `flask --app app`, gunicorn and the tests."""
    app = Flask(
        __name__,
        template_folder=str(config_module.ROOT / "templates"),
        static_folder=str(config_module.ROOT / "static"),
        instance_path=str(config_module.INSTANCE),
    )
    app.config.from_mapping(config_module.load(overrides))
    logs.install()  # before anything can log a secret

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(config_module.ROOT / "migrations"),
        render_item=render_migration_type,
    )
    csrf.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login flashes it when a page needs a sign-in: translated then, for that reader.
    login_manager.login_message = i18n.N_("Please sign in to continue.")
    login_manager.localize_callback = gettext
    login_manager.session_protection = "strong"

    from isacc import models  # noqa: F401  (register every table with the metadata)
    from isacc.cli import isacc_cli
    from isacc.web import register_blueprints

    register_blueprints(app)
    from isacc.webhooks.receive import bp as webhooks_bp

    app.register_blueprint(webhooks_bp)
    app.cli.add_command(isacc_cli)
    app.before_request(enforce)
    security.install(app)
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["label_case"] = label_case
    _register_error_pages(app)
    check_every_route_has_a_rule(app)
    return app


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: (_l("Request refused"), _l("The form was out of date or incomplete.")),
        403: (_l("Not allowed"),
              _l("Your role does not allow this. Ask your store owner or an admin.")),
        404: (_l("Not found"), _l("There is nothing here, or it belongs to another store.")),
        500: (_l("Something went wrong"), _l("The error was logged. Try again in a minute.")),
    }

    def handler(error):
        code = getattr(error, "code", 500) or 500
        title, detail = messages.get(code, messages[500])
        if code == 400:
            # Flask-WTF says what was wrong with the CSRF token; keep its words.
            again = _l("Reload the page and try again.")
            detail = f"{getattr(error, 'description', '') or detail} {again}"
        return render_template("error.html", code=code, title=title, detail=detail), code

    for code in messages:
        app.register_error_handler(code, handler)
