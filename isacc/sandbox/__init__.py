"""The Accurate sandbox: an emulator of the parts of Accurate Online isacc uses, over real HTTP,
following ../shared/accurate-api.md. One Flask app serves both the account host and the data
host (open-db.do answers with its own address as the data host)."""

import secrets
from pathlib import Path

from flask import Flask

from isacc.sandbox import settings
from isacc.sandbox.clock import Clock
from isacc.sandbox.faults import Faults
from isacc.sandbox.importer import import_items
from isacc.sandbox.limits import RateLimit
from isacc.sandbox.modules import seed
from isacc.sandbox.storage import open_all
from isacc.sandbox.webhooks import Webhooks


class Sandbox:
    """Everything the sandbox's views share."""

    def __init__(self, data_dir: Path, config: dict):
        self.config = config
        self.clock = Clock()
        self.account, self.databases = open_all(data_dir, self.clock)
        for uri in config["REDIRECT_URIS"]:
            self.account.register_redirect_uri(config["CLIENT_ID"], uri)
        for database_id, _alias, branches in settings.SEED_DATABASES:
            seed(self.databases[database_id], branches)
        first = self.databases[settings.SEED_DATABASES[0][0]]
        if config.get("SEED_ITEMS") and not first.count("item"):
            import_items(first, Path(config["SEED_ITEMS"]).read_bytes())
        self.limit = RateLimit(config["RATE_PER_SECOND"], config["MAX_IN_FLIGHT"])
        self.faults = Faults()
        self.webhooks = Webhooks(self.account, config["WEBHOOK_URL"], self.clock,
                                 config["WEBHOOK_DAYS"])


def create_sandbox_app(config: dict | None = None) -> Flask:
    config = {**settings.DEFAULTS, **(config or {})}
    data_dir = Path(config.get("DATA_DIR") or "instance/sandbox")
    app = Flask(__name__, template_folder="templates")
    app.config.update(config)
    app.config["SECRET_KEY"] = config.get("SECRET_KEY") or secrets.token_hex(16)
    # Cookies ignore ports: on one machine isacc's own session cookie must not be replaced.
    app.config["SESSION_COOKIE_NAME"] = "accurate_sandbox_session"
    app.extensions["sandbox"] = Sandbox(data_dir, config)

    from isacc.sandbox import account, admin, data

    app.register_blueprint(account.bp)
    app.register_blueprint(data.bp)
    app.register_blueprint(admin.bp)
    return app
