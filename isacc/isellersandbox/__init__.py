"""The iSeller sandbox: an emulator of the parts of iSeller isacc uses, over real HTTP,
following ../shared/iseller-api.md, beside the Accurate one (isacc/sandbox) and built the
same way. One Flask app serves the OAuth host and the store host (resource_url is its own
address). Every guess about iSeller is in settings.py.

What exists now:
- OAuth (oauth.py): sign-in, Grant, the three grants; GetStoreInfo (store.py).
- The till (till.py, orders.py, shifts.py), the only way orders are made: a JSON API under
  /sandbox/till (orders, register shifts) and the /till page behind the store's sign-in.
- The v2 reads (reads.py, summaries.py): GetOrders, GetTransactions, GetRegisterShifts,
  GetProducts, GetOrderSummary, GetTransactionSummary, with iSeller's filters, time_zone,
  inclusive bounds, paging and includes; refusals as HTTP 200 with status false.
- The Order webhook (webhooks.py): signed, sent in the background, retried, kept.
- The store's Apps -> Webhook page (apps.py), where a merchant enters an app's URLs and key.
- Admin controls (admin.py, /sandbox/admin): callbacks, token expiry, the catalogue,
  webhooks set-up, switch, deliveries and resend, and faults on the v2 endpoints (the
  Accurate sandbox's Faults).
Not yet: the ERP API (v3/v4), refunds, voids and cancellations, the other webhook event
types (#17)."""

import secrets
import threading
import time
from pathlib import Path

from flask import Flask

from isacc.isellersandbox import settings
from isacc.isellersandbox.storage import open_accounts, open_shop
from isacc.isellersandbox.webhooks import Webhooks
from isacc.sandbox.faults import Faults


class Sandbox:
    """Everything the iSeller sandbox's views share."""

    def __init__(self, data_dir: Path, config: dict):
        self.accounts = open_accounts(data_dir)
        for uri in config["REDIRECT_URIS"]:
            self.accounts.register_redirect_uri(config["CLIENT_ID"], uri)
        self.shop = open_shop(data_dir, int(time.time()), config.get("SEED_PRODUCTS"))
        self.faults = Faults()  # the Accurate sandbox's, on the v2 endpoints
        # Requests refused for what they asked (an unknown parameter, a bad date...): a
        # client that follows the reference makes none (tests assert it, GET .../stats).
        self.refusals: list[dict] = []
        self._refusals_lock = threading.Lock()
        self.webhooks = Webhooks(self.shop, config["WEBHOOK_RETRY_SECONDS"],
                                 config["WEBHOOK_TIMEOUT_SECONDS"],
                                 config["WEBHOOK_RESIGN_RETRIES"])


    def note_refusal(self, endpoint: str, message: str) -> None:
        with self._refusals_lock:
            self.refusals.append({"endpoint": endpoint, "error_message": message})


def create_iseller_sandbox_app(config: dict | None = None) -> Flask:
    config = {**settings.DEFAULTS, **(config or {})}
    app = Flask(__name__, template_folder="templates")
    app.config.update(config)
    app.config["SECRET_KEY"] = config.get("SECRET_KEY") or secrets.token_hex(16)
    # Cookies ignore ports: isacc's and the Accurate sandbox's sessions must stay theirs.
    app.config["SESSION_COOKIE_NAME"] = "iseller_sandbox_session"
    app.extensions["iseller_sandbox"] = Sandbox(
        Path(config.get("DATA_DIR") or "instance/iseller-sandbox"), config)

    from isacc.isellersandbox import admin, apps, erp, oauth, store, till

    app.register_blueprint(apps.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(store.bp)
    app.register_blueprint(till.bp)
    app.register_blueprint(erp.bp)
    app.register_blueprint(admin.bp)
    return app
