"""A store connected to the sandbox with two mapped outlets, fed through the inbound API."""

import pytest
from flask import current_app

from isacc.accurate import connection
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, SyncActivity
from isacc.models.base import utcnow
from isacc.sandbox.settings import SEED_MAPPING
from isacc.sync.engine import ready_query, run_lane
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import make_store, post_event, seed_payment_accounts

T0 = "2026-11-24T10:15:00+07:00"
OUTLETS = {"OUT-1": ("Kemang", "Gudang Kemang"), "OUT-2": ("Senopati", "Gudang Senopati")}


class Shop:
    def __init__(self, client, store, sandbox):
        self.client, self.store, self.sandbox = client, store, sandbox
        self.accurate = connection.client_for(store)
        self.events = 0

    def send(self, path: str, **payload):
        self.events += 1
        answer = post_event(self.client, self.store, path,
                            {"event_id": f"e-{self.events}", **payload})
        assert answer.status_code == 202, answer.get_json()
        return answer.get_json()["activities"]

    def order(self, number, outlet="OUT-1", lines=(("K-1", 2, 25000),), payments=None,
              **extra):
        total = sum(q * p for _, q, p in lines)
        return self.send("sales-orders", order={
            "id": f"o-{number}", "number": number, "outlet_id": outlet, "ordered_at": T0,
            "lines": [{"sku": sku, "name": sku, "quantity": q, "unit_price": p}
                      for sku, q, p in lines],
            "payments": payments if payments is not None else [
                {"method": "cash", "amount": total}], **extra})

    def drain(self, rounds: int = 10) -> None:
        """Work every lane with ready work until none is left (what the workers do)."""
        for _ in range(rounds):
            lanes = {(a.store_id, a.outlet_id) for a in db.session.scalars(
                db.select(SyncActivity).where(SyncActivity.store_id == self.store.id))}
            busy = [lane for lane in lanes
                    if db.session.scalars(ready_query(*lane, utcnow()).limit(1)).first()]
            if not busy:
                return
            for lane in busy:
                run_lane(*lane)

    def activity(self, activity_id) -> SyncActivity:
        db.session.expire_all()
        return db.session.get(SyncActivity, activity_id)


def setup_shop(client, sandbox):
    """A store connected to `sandbox`, two mapped outlets, items K-1 and R-1 in stock."""
    current_app.config.update(sandbox_config(sandbox))
    store = make_store("Kopi Nusantara", customer_id_mapping=True)
    db.session.commit()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    for iseller_id, (name, warehouse) in OUTLETS.items():
        answer = post_event(client, store, "outlets", {"event_id": f"o-{iseller_id}", "outlet": {
            "id": iseller_id, "name": name, "payment_methods": ["cash", "isellerpay"]}})
        assert answer.status_code == 202
        outlet = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == iseller_id))
        db.session.add(OutletMapping(
            store_id=store.id, outlet_id=outlet.id, active=True, warehouse_name=warehouse,
            **SEED_MAPPING, payment_accounts=seed_payment_accounts()))
    db.session.commit()
    accurate = connection.client_for(store)
    for sku in ("K-1", "R-1"):
        accurate.save("item", {"no": sku, "name": sku, "itemType": "INVENTORY",
                               "detailOpenBalance": [
            {"quantity": 100000, "unitCost": 9000, "warehouseName": "Gudang Kemang"},
            {"quantity": 100000, "unitCost": 9000, "warehouseName": "Gudang Senopati"}]})
    return store


@pytest.fixture
def shop(app, client, sandbox):
    return Shop(client, setup_shop(client, sandbox), sandbox)
