"""The sandbox's list.do compares dates as dates, sorts by sp.sort, and keeps every
document's lastUpdate to filter on. Every request here is valid against Accurate's spec."""

import pytest

from tests.accurate.test_sandbox_edits_and_deletes import SHOP, add_item
from tests.conftest import SandboxServer

DAYS = ["15/10/2026", "01/11/2026", "15/11/2026", "30/11/2026", "15/01/2027"]


@pytest.fixture
def sandbox(tmp_path):
    server = SandboxServer(tmp_path / "sandbox", {"RATE_PER_SECOND": 10_000,
                                                  "MAX_IN_FLIGHT": 100})
    yield server
    server.stop()


def invoice(day: str, quantity: float = 1) -> dict:
    return {"customerNo": "WALKIN", "transDate": day, **SHOP, "detailDownPayment": [],
            "detailExpense": [], "detailItem": [
                {"itemNo": "K-1", "quantity": quantity, "unitPrice": 9000,
                 "warehouseName": "Gudang Kemang"}]}


@pytest.fixture
def invoices(person):
    add_item(person, "K-1", quantity=100)
    # Saved out of date order, so the default order (by id) is not the dates' order.
    for day in [DAYS[3], DAYS[0], DAYS[4], DAYS[1], DAYS[2]]:
        person.save("sales-invoice", invoice(day))
    return person


def days(client, **params) -> list[str]:
    return [row["transDate"] for row in client.list(
        "sales-invoice", fields="id,transDate", filters=params)]


def on(op: str, *values: str) -> dict:
    found = {"filter.transDate.op": op}
    found.update({f"filter.transDate.val[{n}]": value for n, value in enumerate(values)})
    return found


def test_date_filters_compare_dates_not_text(invoices):
    november = days(invoices, **on("BETWEEN", "01/11/2026", "30/11/2026"))
    assert sorted(november) == sorted(DAYS[1:4])  # not 15/10/2026, not 15/01/2027
    assert sorted(days(invoices, **on("NOT_BETWEEN", "01/11/2026", "30/11/2026"))) == [
        "15/01/2027", "15/10/2026"]
    assert days(invoices, **on("GREATER_THAN", "30/11/2026")) == ["15/01/2027"]
    assert days(invoices, **on("LESS_THAN", "01/11/2026")) == ["15/10/2026"]
    assert sorted(days(invoices, **on("GREATER_EQUAL_THAN", "30/11/2026"))) == [
        "15/01/2027", "30/11/2026"]
    assert sorted(days(invoices, **on("LESS_EQUAL_THAN", "01/11/2026"))) == [
        "01/11/2026", "15/10/2026"]
    assert days(invoices, **on("EQUAL", "15/11/2026")) == ["15/11/2026"]
    assert sorted(days(invoices, **on("NOT_EQUAL", "15/11/2026"))) == sorted(
        DAYS[:2] + DAYS[3:])


def test_sp_sort_orders_by_each_field_in_turn(invoices):
    assert days(invoices, **{"sp.sort": "transDate|desc"}) == list(reversed(DAYS))
    assert days(invoices, **{"sp.sort": "transDate|asc"}) == DAYS
    ids = [row["id"] for row in invoices.list("sales-invoice", fields="id",
                                              filters={"sp.sort": "id|desc"})]
    assert ids == sorted(ids, reverse=True)
    invoices.save("sales-invoice", invoice("15/11/2026", quantity=5))
    rows = list(invoices.list("sales-invoice", fields="id,transDate,totalAmount",
                              filters={"sp.sort": "transDate|asc;totalAmount|desc"}))
    assert [(r["transDate"], r["totalAmount"]) for r in rows] == [
        ("15/10/2026", 9000), ("01/11/2026", 9000), ("15/11/2026", 45000),
        ("15/11/2026", 9000), ("30/11/2026", 9000), ("15/01/2027", 9000)]
    # The sort holds across pages.
    first = invoices.call("sales-invoice", "list", params={
        "fields": "id,transDate", "sp.sort": "transDate|desc", "sp.page": 1,
        "sp.pageSize": 2})["d"]
    assert [r["transDate"] for r in first] == ["15/01/2027", "30/11/2026"]


def test_last_update_is_kept_on_every_save_and_edit_and_can_be_filtered(sandbox, person):
    add_item(person, "K-1", quantity=100)
    sandbox.admin("clock", {"at": "01/12/2026 08:00:00"})
    early = person.save("sales-invoice", invoice("01/12/2026"))
    later = person.save("sales-invoice", invoice("01/12/2026"))
    assert early["lastUpdate"] == "01/12/2026 08:00:00"
    sandbox.admin("clock", {"advance_seconds": 3600})
    edited = person.save("sales-invoice", {**invoice("01/12/2026", quantity=2),
                                           "id": early["id"]})
    assert edited["lastUpdate"] == "01/12/2026 09:00:00"
    assert person.detail("sales-invoice", id=later["id"])["lastUpdate"] == "01/12/2026 08:00:00"

    def since(op: str, *values: str) -> list[int]:
        params = {"filter.lastUpdate.op": op}
        params.update({f"filter.lastUpdate.val[{n}]": v for n, v in enumerate(values)})
        return sorted(row["id"] for row in person.list("sales-invoice", filters=params))

    assert since("GREATER_THAN", "01/12/2026 08:30:00") == [early["id"]]
    assert since("LESS_EQUAL_THAN", "01/12/2026 08:30:00") == [later["id"]]
    assert since("BETWEEN", "01/12/2026 07:00:00", "01/12/2026 08:00:00") == [later["id"]]
    # A day as the bound covers the whole day.
    assert since("BETWEEN", "01/12/2026", "01/12/2026") == sorted([early["id"], later["id"]])
    assert since("GREATER_THAN", "01/12/2026") == []
