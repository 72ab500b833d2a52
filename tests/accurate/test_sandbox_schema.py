"""The sandbox refuses, over real HTTP, what Accurate's own schema refuses: HTTP 200
`{"s": false, "d": [...]}` naming each field, and nothing saved."""

import pytest
import requests

TODAY = "24/11/2026"


def post(connected, path: str, **sent) -> requests.Response:
    access = connected.client.access
    return requests.post(f"{access.host}/accurate/api/{path}", timeout=10,
                         headers={"Authorization": f"Bearer {access.access_token}",
                                  "X-Session-ID": access.session_id}, **sent)


def get(connected, path: str, params: dict) -> requests.Response:
    access = connected.client.access
    return requests.get(f"{access.host}/accurate/api/{path}", params=params, timeout=10,
                        headers={"Authorization": f"Bearer {access.access_token}",
                                 "X-Session-ID": access.session_id})


def an_invoice(number: str, **line) -> dict:
    return {"number": number, "transDate": TODAY, "customerNo": "WALKIN",
            "branchName": "Jakarta", "detailItem": [{
                "itemNo": "K-1", "quantity": 1, "unitPrice": 25000,
                "warehouseName": "Gudang Kemang", **line}]}


@pytest.fixture
def shop(connected):
    connected.client.save("item", {"no": "K-1", "name": "Kopi", "itemType": "INVENTORY"})
    return connected


def invoices(shop) -> list[str]:
    return [row["number"] for row in shop.client.list("sales-invoice", fields="number")]


def test_a_price_over_999_billion_is_refused_naming_the_field_and_nothing_is_saved(shop):
    answer = post(shop, "sales-invoice/save.do", json=an_invoice("BIG-1", unitPrice=1e15))
    assert answer.status_code == 200
    assert answer.json() == {"s": False, "d": [
        "Field detailItem[0].unitPrice melebihi nilai maksimum 999 miliar"]}
    assert invoices(shop) == []


def test_the_largest_amount_and_the_finest_decimal_are_accepted(shop):
    saved = shop.client.save("sales-invoice", an_invoice("MAX-1", unitPrice=999999999999))
    assert saved["totalAmount"] == 999999999999
    assert shop.client.save("sales-invoice", an_invoice("FINE-1", quantity=0.000001))["id"]
    answer = post(shop, "sales-invoice/save.do", json=an_invoice("FINE-2", quantity=0.0000001))
    assert answer.json()["d"] == [
        "Field detailItem[0].quantity boleh memiliki paling banyak 6 digit desimal"]


def test_every_problem_of_a_body_is_named_at_once(shop):
    body = an_invoice("BAD-1", quantty=1)
    body.pop("customerNo")
    body["transDate"] = "2026-11-24"
    answer = post(shop, "sales-invoice/save.do", json=body).json()
    assert answer["s"] is False
    assert set(answer["d"]) == {
        "Field customerNo harus diisi", "Field detailItem[0].quantty tidak dikenal",
        'Field transDate berisi tanggal "2026-11-24" yang tidak valid, gunakan format dd/MM/yyyy'}


def test_an_unknown_query_parameter_and_a_page_size_that_is_no_number_are_refused(shop):
    answer = get(shop, "sales-invoice/list.do", {"fields": "id", "filter.nomor.op": "EQUAL"})
    assert answer.json() == {"s": False, "d": ["Parameter filter.nomor.op tidak dikenal"]}
    answer = get(shop, "sales-invoice/list.do", {"sp.pageSize": "dua puluh"})
    assert answer.json()["d"] == ["Parameter sp.pageSize harus berupa angka bulat"]
    answer = get(shop, "sales-invoice/list.do", {"filter.number.op": "SAMA"})
    assert answer.json()["d"][0].startswith('Parameter filter.number.op "SAMA" tidak valid')


def test_indexed_values_of_one_filter_are_the_spec_s_val(shop):
    shop.client.save("sales-invoice", an_invoice("V-1"))
    shop.client.save("sales-invoice", an_invoice("V-2"))
    answer = get(shop, "sales-invoice/list.do", {
        "fields": "number", "filter.number.op": "EQUAL", "filter.number.val[0]": "V-1",
        "filter.number.val[1]": "V-2"}).json()
    assert answer["s"] is True and {row["number"] for row in answer["d"]} == {"V-1", "V-2"}


def test_a_bulk_save_refuses_the_bad_entry_alone(shop):
    answer = post(shop, "sales-invoice/bulk-save.do", json={"data": [
        an_invoice("B-1"), an_invoice("B-2", unitPrice="mahal"), an_invoice("B-3")]}).json()
    assert answer["s"] is True
    assert [entry["s"] for entry in answer["d"]] == [True, False, True]
    assert answer["d"][1]["d"] == ["Field detailItem[0].unitPrice harus berupa angka"]
    assert sorted(invoices(shop)) == ["B-1", "B-3"]


def test_a_form_post_is_read_as_numbers_where_the_schema_says_so(shop):
    form = {"number": "F-1", "transDate": TODAY, "customerNo": "WALKIN", "branchName": "Jakarta",
            "detailItem[0].itemNo": "K-1", "detailItem[0].quantity": "2",
            "detailItem[0].unitPrice": "25000", "detailItem[0].warehouseName": "Gudang Kemang"}
    assert post(shop, "sales-invoice/save.do", data=form).json()["s"] is True
    answer = post(shop, "sales-invoice/save.do", data={
        **form, "number": "F-2", "detailItem[0].quantity": "dua"}).json()
    assert answer == {"s": False, "d": ["Field detailItem[0].quantity harus berupa angka"]}


def test_an_edit_names_only_what_changes_but_a_misspelt_field_is_refused(shop):
    saved = shop.client.save("sales-invoice", an_invoice("E-1"))
    edited = post(shop, "sales-invoice/save.do",
                  json={"id": saved["id"], "description": "dibetulkan"}).json()
    assert edited["s"] is True and edited["r"]["description"] == "dibetulkan"
    answer = post(shop, "sales-invoice/save.do",
                  json={"id": saved["id"], "descripton": "salah ketik"}).json()
    assert answer == {"s": False, "d": ["Field descripton tidak dikenal"]}


def test_a_call_accurate_does_not_have_is_the_wrong_address(shop):
    # Accurate has no warehouse bulk-save.
    answer = post(shop, "warehouse/bulk-save.do", json={"data": [{"name": "Gudang X"}]})
    assert answer.status_code == 404 and answer.json()["d"] == ["URL API tidak tepat"]
