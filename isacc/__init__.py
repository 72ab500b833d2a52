"""isacc: iSeller to Accurate Online synchronisation."""

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l

from isacc import config as config_module
from isacc import i18n, logs, security
from isacc.access import check_every_route_has_a_rule, enforce
from isacc.extensions import csrf, db, login_manager, migrate
from isacc.formatting import label_case, local_time, rupiah, zone_name
from isacc.models.base import render_migration_type
from isacc.sync.documents import waits_for_mapping

# The largest request body isacc reads, for every route: the largest event the inbound
# contract allows in practice fits (a products event of 1,000 products is about 1 MB), and a
# bigger body is refused with 413 before it is read.
MAX_BODY_BYTES = 8 * 1024 * 1024
# Paths whose callers are programs: their errors are JSON, not pages.
API_PATHS = ("/api/", "/webhooks/")


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
    if app.config["MAX_CONTENT_LENGTH"] is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(config_module.ROOT / "migrations"),
        render_item=render_migration_type,
    )
    csrf.init_app(app)
    i18n.init_app(app)
    login_manager.init_app(app)  # a page that needs a sign-in: isacc.web.auth.sign_in_first
    login_manager.session_protection = "strong"

    from isacc import models  # noqa: F401  (register every table with the metadata)
    from isacc.cli import isacc_cli
    from isacc.web import register_blueprints

    register_blueprints(app)
    from isacc.webhooks.receive import bp as webhooks_bp

    app.register_blueprint(webhooks_bp)
    from isacc.iseller.receive import bp as iseller_webhooks_bp

    app.register_blueprint(iseller_webhooks_bp)
    app.cli.add_command(isacc_cli)
    app.before_request(enforce)
    security.install(app)
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["label_case"] = label_case
    app.jinja_env.filters["zone_name"] = zone_name
    app.jinja_env.tests["waiting_for_mapping"] = waits_for_mapping
    _register_error_pages(app)
    check_every_route_has_a_rule(app)
    return app


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: (_l("Request refused"), _l("The form was out of date or incomplete.")),
        403: (_l("Not allowed"),
              _l("Your role does not allow this. Ask your store owner or an admin.")),
        404: (_l("Not found"), _l("There is nothing here, or it belongs to another store.")),
        413: (_l("Too large"), _l("What was sent is larger than isacc accepts.")),
        500: (_l("Something went wrong"), _l("The error was logged. Try again in a minute.")),
    }

    def handler(error):
        code = getattr(error, "code", 500) or 500
        if request.path.startswith(API_PATHS):
            return jsonify({"error": _api_error(app, code, error)}), code
        title, detail = messages.get(code, messages[500])
        if code == 400:
            # Flask-WTF says what was wrong with the CSRF token; keep its words.
            again = _l("Reload the page and try again.")
            detail = f"{getattr(error, 'description', '') or detail} {again}"
        return render_template("error.html", code=code, title=title, detail=detail), code

    for code in messages:
        app.register_error_handler(code, handler)


def _api_error(app: Flask, code: int, error) -> str:
    if code == 413:
        return f"the body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes"
    if code == 500:
        return "isacc met an unexpected problem; it was logged: send the request again later"
    return getattr(error, "description", None) or "the request was refused"
