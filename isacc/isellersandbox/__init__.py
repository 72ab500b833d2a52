"""The iSeller sandbox: an emulator of the parts of iSeller isacc uses, over real HTTP,
following ../shared/iseller-api.md, beside the Accurate one (isacc/sandbox) and built the
same way. One Flask app serves the OAuth host and the store host (resource_url is its own
address). Every guess about iSeller is in settings.py.

So far: OAuth (sign-in, Grant, the three grants) and GetStoreInfo; the till, the other v2
endpoints, the ERP API and webhooks follow (#17)."""

import secrets
import time
from pathlib import Path

from flask import Flask

from isacc.isellersandbox import settings
from isacc.isellersandbox.storage import open_accounts, open_shop
from isacc.isellersandbox.webhooks import Webhooks


class Sandbox:
    """Everything the iSeller sandbox's views share."""

    def __init__(self, data_dir: Path, config: dict):
        self.accounts = open_accounts(data_dir)
        for uri in config["REDIRECT_URIS"]:
            self.accounts.register_redirect_uri(config["CLIENT_ID"], uri)
        self.shop = open_shop(data_dir, int(time.time()))
        self.webhooks = Webhooks(self.shop, config["WEBHOOK_RETRY_SECONDS"],
                                 config["WEBHOOK_TIMEOUT_SECONDS"])


def create_iseller_sandbox_app(config: dict | None = None) -> Flask:
    config = {**settings.DEFAULTS, **(config or {})}
    app = Flask(__name__, template_folder="templates")
    app.config.update(config)
    app.config["SECRET_KEY"] = config.get("SECRET_KEY") or secrets.token_hex(16)
    # Cookies ignore ports: isacc's and the Accurate sandbox's sessions must stay theirs.
    app.config["SESSION_COOKIE_NAME"] = "iseller_sandbox_session"
    app.extensions["iseller_sandbox"] = Sandbox(
        Path(config.get("DATA_DIR") or "instance/iseller-sandbox"), config)

    from isacc.isellersandbox import admin, erp, oauth, store, till

    app.register_blueprint(oauth.bp)
    app.register_blueprint(store.bp)
    app.register_blueprint(till.bp)
    app.register_blueprint(erp.bp)
    app.register_blueprint(admin.bp)
    return app
