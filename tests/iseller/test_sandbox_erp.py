"""The iSeller sandbox's ERP API v3 over real HTTP, as iseller-api.md c.2 shows it: a transfer
in or out moves the outlet's stock, seen in GetProducts' inventories; GetTransfer finds it by
its reference_code; and the refusals, HTTP 200 with status false."""

import pytest
import requests

from isacc.isellersandbox.settings import DEFAULTS
from tests.iseller.test_sandbox_v2 import v2

RECEIPT = {"outlet_code": "KMG", "type": "in", "status": "completed",
           "supplier_name": "PT Kopi Gayo", "reference_code": "GRPO-123",
           "products": [{"sku": "KN-0001", "quantity": 5}], "tags": ["GRPO-123", "PO-99"]}


@pytest.fixture
def token(iseller) -> str:
    answer = requests.post(f"{iseller.url}/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": DEFAULTS["CLIENT_ID"],
        "client_secret": DEFAULTS["CLIENT_SECRET"]})
    return answer.json()["access_token"]


def erp(iseller, token, endpoint: str, body, **headers) -> requests.Response:
    return requests.post(f"{iseller.url}/api/v3/{endpoint}", json=body, timeout=10,
                         headers={"Authorization": f"Bearer {token}", **headers})


def answer(iseller, token, endpoint: str, body) -> dict:
    got = erp(iseller, token, endpoint, body)
    assert got.status_code == 200, got.text
    fields = got.json()
    assert {"status", "error_message", "time", "error_detail"} <= set(fields)
    return fields


def in_stock(iseller, token, sku: str) -> dict:
    products = v2(iseller, token, "GetProducts", track_inventory="false",
                  modified_after="2000-01-01T00:00:00", page=1, page_size=100)["products"]
    [product] = [p for p in products if p["sku"] == sku]
    return {i["outlet_code"]: i["unit_in_stock"] for i in product["inventories"]}


def test_a_transfer_in_raises_the_outlets_stock_in_get_products(iseller, token):
    before = in_stock(iseller, token, "KN-0001")
    made = answer(iseller, token, "CreateTransfer", RECEIPT)
    assert made["status"] is True and made["error_message"] is None
    assert made["reference_code"] == "GRPO-123" and made["transfer_id"]
    [item] = made["products"]
    assert (item["sku"], item["is_success"], item["error_message"]) == ("KN-0001", True, None)
    after = in_stock(iseller, token, "KN-0001")
    assert after == {"KMG": before["KMG"] + 5, "SNP": before["SNP"]}


def test_a_return_to_the_supplier_lowers_the_stock(iseller, token):
    before = in_stock(iseller, token, "KN-0002")["SNP"]
    made = answer(iseller, token, "CreateTransfer", {
        **RECEIPT, "outlet_code": "SNP", "type": "out", "out_type": "returnsupplier",
        "reference_code": "RET-1", "products": [{"sku": "KN-0002", "quantity": 3}]})
    assert made["status"] is True, made
    assert in_stock(iseller, token, "KN-0002")["SNP"] == before - 3


def test_get_transfer_finds_every_transfer_of_a_reference_and_none_of_another(
        iseller, token):
    assert answer(iseller, token, "GetTransfer", {"reference_code": "GRPO-123"})[
        "transfers"] == []
    first = answer(iseller, token, "CreateTransfer", RECEIPT)["transfer_id"]
    # A repeated reference is a second transfer: the sandbox, like (as far as anyone knows)
    # iSeller, does not refuse it, so only a client's own look-up keeps a retry from doubling.
    second = answer(iseller, token, "CreateTransfer", RECEIPT)["transfer_id"]
    found = answer(iseller, token, "getTransfer", {"reference_code": "GRPO-123"})
    assert [t["transfer_id"] for t in found["transfers"]] == [first, second]
    shown = found["transfers"][0]
    assert (shown["outlet_code"], shown["type"], shown["supplier_name"], shown["products"]) == (
        "KMG", "in", "PT Kopi Gayo", [{"sku": "KN-0001", "quantity": 5}])
    assert answer(iseller, token, "GetTransfer", {"reference_code": "GRPO-123",
                                                  "outlet_code": "SNP"})["transfers"] == []
    assert answer(iseller, token, "GetTransfer", {"reference_code": "other"})["transfers"] == []


def test_an_unknown_sku_refuses_the_whole_transfer_naming_it(iseller, token):
    before = in_stock(iseller, token, "KN-0001")
    refused = answer(iseller, token, "CreateTransfer", {**RECEIPT, "products": [
        {"sku": "KN-0001", "quantity": 5}, {"sku": "NOPE-9", "quantity": 1}]})
    assert refused["status"] is False and refused["error_message"]
    assert [(p["sku"], p["is_success"]) for p in refused["products"]] == [
        ("KN-0001", True), ("NOPE-9", False)]
    assert "NOPE-9" in refused["products"][1]["error_message"]
    assert in_stock(iseller, token, "KN-0001") == before  # nothing moved
    assert answer(iseller, token, "GetTransfer", {"reference_code": "GRPO-123"})[
        "transfers"] == []


@pytest.mark.parametrize(("change", "says"), [
    ({"warehouse": "WH01"}, "Unknown field in the body: warehouse"),
    ({"outlet_code": "XX"}, "Unknown outlet_code"),
    ({"outlet_code": 7}, "outlet_code must be a non-empty string"),
    ({"type": "sideways"}, "type must be one of in, out"),
    ({"type": "out"}, "out_type must be one of returnsupplier"),
    ({"out_type": "returnsupplier"}, "out_type is only for a transfer of type out"),
    ({"status": "draft"}, "status must be one of completed"),
    ({"products": []}, "products must be a list of one or more objects"),
    ({"products": [{"sku": "KN-0001", "quantity": "5"}]}, "quantity must be a number"),
    ({"products": [{"sku": "KN-0001", "quantity": 0}]}, "quantity must be a number more than 0"),
    ({"products": [{"sku": "KN-0001", "quantity": True}]}, "quantity must be a number"),
    ({"products": [{"sku": "KN-0001", "quantity": 1, "price": 9}]},
     "Unknown field in products[1]: price"),
    ({"tags": "GRPO-123"}, "tags must be null or a list"),
    ({"supplier_name": 12}, "supplier_name must be null or a non-empty string"),
])
def test_a_malformed_transfer_is_refused_with_status_false_and_moves_nothing(
        iseller, token, change, says):
    before = in_stock(iseller, token, "KN-0001")
    refused = answer(iseller, token, "CreateTransfer", {**RECEIPT, **change})
    assert refused["status"] is False and says in refused["error_message"], refused
    assert in_stock(iseller, token, "KN-0001") == before


def test_a_body_that_is_not_a_json_object_is_refused(iseller, token):
    assert "JSON object" in answer(iseller, token, "CreateTransfer", [RECEIPT])["error_message"]
    form = requests.post(f"{iseller.url}/api/v3/CreateTransfer", data={"outlet_code": "KMG"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert form.status_code == 200 and form.json()["status"] is False
    assert "must be JSON" in form.json()["error_message"]


def test_without_a_live_token_the_erp_api_answers_401(iseller, token):
    got = erp(iseller, "not-a-token", "CreateTransfer", RECEIPT)
    assert got.status_code == 401 and got.json()["status"] is False
    none = requests.post(f"{iseller.url}/api/v3/CreateTransfer", json=RECEIPT, timeout=10)
    assert none.status_code == 401
    assert answer(iseller, token, "GetTransfer", {"reference_code": "GRPO-123"})[
        "transfers"] == []


def test_an_unknown_endpoint_is_a_404_in_the_envelope(iseller, token):
    got = erp(iseller, token, "SetFinalStock", {})
    assert got.status_code == 404 and got.json()["status"] is False


def test_outlet_inventories_list_one_outlets_stock_by_sku(iseller, token):
    answer(iseller, token, "CreateTransfer", RECEIPT)
    listed = answer(iseller, token, "GetOutletInventories", {"outlet_code": "KMG",
                                                             "page": 1, "page_size": 2})
    assert listed["status"] is True and listed["has_next_item"] is True
    assert [(i["sku"], i["unit_in_stock"]) for i in listed["inventories"]] == [
        ("KN-0001", in_stock(iseller, token, "KN-0001")["KMG"]),
        ("KN-0002", in_stock(iseller, token, "KN-0002")["KMG"])]
    skus = []
    for page in range(1, 10):
        listed = answer(iseller, token, "GetOutletInventories", {"outlet_code": "KMG",
                                                                 "page": page, "page_size": 2})
        skus += [i["sku"] for i in listed["inventories"]]
        if not listed["has_next_item"]:
            break
    assert "KN-0099" not in skus and len(skus) == len(set(skus)) == 7  # no stock kept
    assert "Unknown outlet_code" in answer(iseller, token, "GetOutletInventories", {
        "outlet_code": "XX"})["error_message"]
