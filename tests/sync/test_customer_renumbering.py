"""The customer-ID switch renumbers customers not tried yet, never one a worker is sending."""

from isacc.extensions import db
from isacc.sync import documents
from isacc.sync.release import renumber_pending_customers


def test_a_switch_during_a_send_whose_answer_is_lost_makes_one_customer(shop, monkeypatch):
    shop.store.customer_id_mapping = False
    db.session.commit()
    [customer_id] = shop.send("customers", customer={"id": "C-7", "name": "Dewi",
                                                     "customer_code": "CUST-7"})
    assert shop.activity(customer_id).accurate_number is None
    built = documents.customer

    def while_it_is_sent(store, record, number):
        payload = built(store, record, number)
        # The owner turns customer-ID mapping on while the worker holds the row.
        store.customer_id_mapping = True
        renumber_pending_customers(store)
        return payload

    monkeypatch.setattr(documents, "customer", while_it_is_sent)
    shop.sandbox.admin("faults", {"commit_then_fail_rate": 1.0})  # saved, answer lost
    shop.drain(rounds=1)
    shop.sandbox.admin("faults", {})
    monkeypatch.setattr(documents, "customer", built)
    row = shop.activity(customer_id)
    assert row.accurate_number is None  # what was sent is what the retry looks up
    row.due_at = row.created_at
    db.session.commit()
    shop.drain()
    named = [r for r in shop.accurate.list("customer", fields="name,customerNo")
             if r["name"] == "Dewi"]
    assert len(named) == 1 and shop.activity(customer_id).status.value == "success"
