"""An owner who unticked some of isacc's permissions on Accurate's consent page: the documents
that need one wait for the owner, each saying which permission, without costing an attempt;
everything else goes; a reconnect with every permission ticked sends them."""

import pytest
from flask import current_app

from isacc.accurate import connection
from isacc.models import Status
from tests.accurate.conftest import DATABASE, grant


def reconnect(shop, untick=()) -> None:
    """What the Connect page's callback and database choice do, with `untick` unticked."""
    connection.save_token(shop.store, grant(current_app.config, untick=untick))
    connection.choose_database(shop.store, DATABASE, "Kopi Nusantara")


# Saving is what the document is; viewing is how a lost answer is looked up before a retry,
# so without either isacc cannot send it exactly once.
@pytest.mark.parametrize("unticked", ["sales_invoice_save", "sales_invoice_view"])
def test_documents_needing_an_unapproved_permission_wait_for_the_owner_until_a_reconnect(
        shop, unticked):
    reconnect(shop, untick=[unticked])
    invoices = [shop.order(f"S-{n}", payments=[])[0] for n in range(3)]
    [customer] = shop.send("customers", customer={"id": "C-1", "name": "Andi",
                                                  "customer_code": "CUST-1"})
    shop.drain()
    for activity_id in invoices:
        row = shop.activity(activity_id)
        assert row.status == Status.PENDING and row.claimed_by is None
        assert unticked in row.reason and "Connect to Accurate again" in row.next_step
        assert row.attempts == 0 and not row.outcome_unknown
        assert row.due_at is not None  # due again as soon as the owner mends it
    assert list(shop.accurate.list("sales-invoice", fields="number")) == []
    assert shop.activity(customer).status == Status.SUCCESS  # it needs nothing unticked

    reconnect(shop)
    shop.drain()
    for activity_id in invoices:
        row = shop.activity(activity_id)
        assert row.status == Status.SUCCESS and row.attempts == 1 and row.reason is None
    assert len(list(shop.accurate.list("sales-invoice", fields="number"))) == 3
