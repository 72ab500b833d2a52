"""The sandbox keeps books: every document posts its journal lines as Accurate posts them.
Every body here is valid against Accurate's request schema."""

import pytest

from isacc.accurate.errors import FinalError
from tests.accurate.test_sandbox_edits_and_deletes import stock
from tests.conftest import SandboxServer

DAY = "01/12/2026"
SHOP = {"branchName": "Jakarta"}


@pytest.fixture
def sandbox(tmp_path):
    """Without Accurate's rate limit: these tests check amounts, not pacing."""
    server = SandboxServer(tmp_path / "sandbox", {"RATE_PER_SECOND": 10_000,
                                                  "MAX_IN_FLIGHT": 100})
    yield server
    server.stop()


def add_item(client, no: str, **fields) -> None:
    client.save("item", {"no": no, "name": no, "itemType": "INVENTORY", **fields,
                         "detailOpenBalance": [{"quantity": 10, "unitCost": 5000,
                                                "warehouseName": "Gudang Kemang",
                                                "asOf": DAY}]})


def test_an_invoice_of_received_goods_adds_no_stock_again(person):
    # The spec names the receipt an invoice bills on its line, not on the invoice.
    add_item(person, "K-1")
    header = {"vendorNo": "V-001", "transDate": DAY, **SHOP}
    line = {"itemNo": "K-1", "quantity": 3, "unitPrice": 9000,
            "warehouseName": "Gudang Kemang"}
    received = person.save("receive-item", {**header, "receiveNumber": "SJ-1",
                                            "detailItem": [line]})
    person.save("purchase-invoice", {**header, "detailItem": [
        {**line, "receiveItemNumber": received["number"]}]})
    assert stock(person, "K-1") == 13
    with pytest.raises(FinalError) as in_use:
        person.delete("receive-item", id=received["id"])
    assert "sudah ditagih" in in_use.value.messages[0]
