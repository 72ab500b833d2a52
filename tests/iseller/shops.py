"""A store on both sandboxes, as an owner sets one up: Accurate connected (the items in
stock), iSeller connected from the Connect page (its outlets come with it), outlets mapped,
and the webhook entered under Apps -> Webhook with the URL and key the Connect page shows."""

import time

import requests
from flask import current_app

from isacc.accurate import connection
from isacc.accurate.errors import RetryableError
from isacc.extensions import db
from isacc.isellersandbox.testing import grant_access
from isacc.models import Outlet, OutletMapping, Role, Store
from isacc.sandbox.settings import SEED_MAPPING
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import csrf_from, login, make_store, make_user, seed_payment_accounts
from tests.iseller.test_connect_iseller import back_to_isacc, start

# The Accurate warehouse of each iSeller sandbox outlet.
WAREHOUSES = {"Kemang": "Gudang Kemang", "Senopati": "Gudang Senopati"}


def connect_to_both(app, client, sandbox, iseller, isacc_url: str, catalogue: list[dict],
                    outlets=("Kemang",)) -> Store:
    for config in (app.config, current_app.config):
        config.update(sandbox_config(sandbox))
        config["ISELLER_OAUTH_URL"] = iseller.url
    store = make_store("Kopi Nusantara")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    login(client, owner.email)
    back_to_isacc(client, grant_access(start(client, store.id)))
    page = client.get(f"/stores/{store.id}/connect/").get_data(as_text=True)
    client.post(f"/stores/{store.id}/connect/iseller/webhook-key",
                data={"csrf_token": csrf_from(page)})
    for name in outlets:
        outlet = db.session.scalar(db.select(Outlet).where(Outlet.store_id == store.id,
                                                           Outlet.name == name))
        db.session.add(OutletMapping(
            store_id=store.id, outlet_id=outlet.id, active=True, warehouse_name=WAREHOUSES[name],
            **SEED_MAPPING, payment_accounts=seed_payment_accounts()))
    db.session.commit()
    accurate = connection.client_for(store)
    for item in catalogue:
        patiently(accurate.save, "item", {"no": item["sku"], "name": item["name"],
                               "itemType": "INVENTORY" if item["stock"] else "SERVICE",
                               **({"detailOpenBalance": [
                                   {"quantity": 100000, "unitCost": 400,
                                    "warehouseName": WAREHOUSES[name]} for name in outlets]}
                                  if item["stock"] else {})})
    iseller.admin("products", {"products": catalogue})
    link = db.session.get(Store, store.id).iseller
    iseller.admin("webhooks", {"event_type": "order", "api_key": link.webhook_key,
                               "url": f"{isacc_url}/webhooks/iseller/{link.webhook_id}/order"})
    return store


def patiently(call, *args, **kwargs):
    """A test's own call to Accurate (set-up, checks) that waits out its rate limit (8 a
    second, which the workers just used) as a person would."""
    for _ in range(20):
        try:
            return call(*args, **kwargs)
        except RetryableError:
            time.sleep(0.5)
    return call(*args, **kwargs)


class Till:
    """The iSeller sandbox's till and its webhook deliveries, over HTTP."""

    def __init__(self, iseller):
        self.iseller = iseller

    def sell(self, lines, payments, outlet="KMG", **extra) -> dict:
        answer = requests.post(f"{self.iseller.url}/sandbox/till/orders", json={
            "outlet_code": outlet, "lines": lines, "payments": payments, **extra}, timeout=10)
        assert answer.status_code == 201, answer.text
        return answer.json()["order"]

    def deliveries(self) -> list[dict]:
        return self.iseller.admin("webhooks/deliveries")["deliveries"]

    def delivered(self, count: int, seconds: float = 15) -> list[dict]:
        """The first `count` deliveries, once each reached isacc."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            sent = self.deliveries()
            if len(sent) >= count and all(d["delivered"] for d in sent[:count]):
                return sent
            time.sleep(0.1)
        raise AssertionError(f"not delivered in {seconds} s: {self.deliveries()}")
