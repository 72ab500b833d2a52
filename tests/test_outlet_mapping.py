"""Mapping an outlet from choices read live from Accurate (the sandbox), and activating it."""

import re

import pytest
from flask import current_app
from sqlalchemy import select

from isacc import outlets
from isacc.accurate import connection
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, Role, Status, Store
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import csrf_from, login, make_store, make_user
from tests.sync.conftest import Shop, setup_shop


@pytest.fixture
def owner(app, client, sandbox):
    for config in (app.config, current_app.config):
        config.update(sandbox_config(sandbox))
    store = make_store("Toko A")
    outlets = [Outlet(store_id=store.id, iseller_id=f"O{n}", name=name,
                      payment_methods=["cash", "card", "isellerpay"])
               for n, name in enumerate(["Kemang", "Senopati"])]
    db.session.add_all(outlets)
    user = make_user(Role.OWNER, store)
    db.session.commit()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    login(client, user.email)
    return client, store.id, [o.id for o in outlets]


def form_values(html: str) -> dict:
    values = {}
    for name, body in re.findall(r'<select id="([^"]+)" name="[^"]+"[^>]*>(.*?)</select>',
                                 html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    values["walk_in_customer_no"] = re.search(
        r'name="walk_in_customer_no" value="([^"]*)"', html).group(1)
    values.update(re.findall(r'<input type="hidden" name="(method_\d+_name)" value="([^"]*)">',
                             html))
    return values


def test_the_form_offers_accurate_lists_with_sensible_defaults(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = form_values(html)
    assert values["branch_name"] == "Jakarta" and values["warehouse_name"] == "Gudang Kemang"
    # One row per payment method: cash into register cash, cards into the bank through an
    # EDC with a fee account, iSeller Pay into its clearing account with its MDR.
    assert [values[f"method_{n}_name"] for n in range(3)] == ["cash", "card", "isellerpay"]
    assert (values["method_0_account"], values["method_0_type"], values["method_0_fee"]) == (
        "1-10001", "CASH_OTHER", "")
    assert (values["method_1_account"], values["method_1_type"], values["method_1_fee"]) == (
        "1-10101", "EDC", "6-60201")
    assert (values["method_2_account"], values["method_2_type"], values["method_2_fee"]) == (
        "1-10103", "OTHERS", "6-60201")
    # Register cash moves between the cash account and the bank; never revenue.
    assert values["register_cash_account_no"] == "1-10001"
    assert values["cash_drop_account_no"] == "1-10101"
    assert "1-10102 Bank Mandiri" in html  # every account of the live list is offered


def test_activation_names_each_missing_field_and_saves_nothing(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = dict(form_values(html), warehouse_name="", method_1_account="",
                  cash_drop_account_no="", csrf_token=csrf_from(html))
    answer = client.post(f"/stores/{store_id}/outlets/{kemang}/mapping", data=values)
    body = answer.get_data(as_text=True)
    assert "Choose the warehouse." in body and "Choose the account Card payments go to." in body
    assert "Choose the bank account for cash taken to the bank." in body
    assert db.session.scalar(select(OutletMapping)) is None


def test_activation_shows_the_check_and_bills_only_further_outlets(owner):
    client, store_id, outlets = owner
    for outlet_id in outlets:
        html = client.get(f"/stores/{store_id}/outlets/{outlet_id}").get_data(as_text=True)
        values = dict(form_values(html), csrf_token=csrf_from(html))
        done = client.post(f"/stores/{store_id}/outlets/{outlet_id}/mapping", data=values,
                           follow_redirects=True)
        assert "is mapped and active" in done.get_data(as_text=True)
        assert 'data-testid="active-check"' in done.get_data(as_text=True)
    db.session.expire_all()
    mappings = db.session.scalars(select(OutletMapping).order_by(OutletMapping.id)).all()
    assert [(m.active, m.billable) for m in mappings] == [(True, False), (True, True)]
    assert {(a.payment_method, a.accurate_type) for a in mappings[0].payment_accounts} == {
        ("cash", "CASH_OTHER"), ("card", "EDC"), ("isellerpay", "OTHERS")}


def test_a_value_not_in_accurate_is_refused(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = dict(form_values(html), csrf_token=csrf_from(html))
    client.post(f"/stores/{store_id}/outlets/{kemang}/mapping", data=values)
    db.session.expire_all()
    [mapped] = db.session.scalars(select(OutletMapping)).all()
    warehouse = mapped.warehouse_name
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = dict(form_values(html), warehouse_name="Gudang Palsu", csrf_token=csrf_from(html))
    body = client.post(f"/stores/{store_id}/outlets/{kemang}/mapping",
                       data=values).get_data(as_text=True)
    assert "Warehouse Gudang Palsu is not in Accurate." in body
    # The stored mapping keeps the warehouse it had.
    db.session.expire_all()
    [kept] = db.session.scalars(select(OutletMapping)).all()
    assert warehouse and kept.warehouse_name == warehouse and kept.active


def test_mapping_an_outlet_of_another_store_is_refused(owner):
    client, store_id, (kemang, _) = owner
    other = make_store("Toko B")
    foreign = Outlet(store_id=other.id, iseller_id="X", name="Asing")
    db.session.add(foreign)
    db.session.commit()
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    token = csrf_from(html)
    assert client.post(f"/stores/{store_id}/outlets/{foreign.id}/mapping",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/stores/{other.id}/outlets/{foreign.id}/mapping",
                       data={"csrf_token": token}).status_code == 404


def test_adding_a_branch_or_warehouse_inline_checks_the_name(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    headers = {"X-CSRFToken": csrf_from(html), "HX-Request": "true"}
    url = f"/stores/{store_id}/outlets/{kemang}/places"
    empty = client.post(f"{url}/warehouse", data={"new_warehouse": " "}, headers=headers)
    assert "Give the new warehouse a name." in empty.get_data(as_text=True)
    added = client.post(f"{url}/branch", data={"new_branch": "Surabaya"}, headers=headers)
    assert '<option value="Surabaya" selected>' in added.get_data(as_text=True)
    again = client.post(f"{url}/branch", data={"new_branch": "Surabaya"}, headers=headers)
    assert "Accurate already has a document numbered Surabaya." in again.get_data(as_text=True)
    assert client.post(f"{url}/shop", data={}, headers=headers).status_code == 404


def test_a_store_not_connected_is_sent_to_the_connect_page(app, client):
    store = make_store("Toko B")
    outlet = Outlet(store_id=store.id, iseller_id="B1", name="Blok M")
    db.session.add(outlet)
    user = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, user.email)
    html = client.get(f"/stores/{store.id}/outlets/{outlet.id}").get_data(as_text=True)
    problem = re.search(r'data-testid="accurate-problem">(.*?)</p>', html, re.S)[1]
    assert re.search(rf'<a href="/stores/{store.id}/connect/">This store is not connected',
                     problem)


def test_marks_are_images_to_screen_readers(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    assert re.search(r'<span class="check todo" role="img" aria-label="to do"', html)


def activate(client, store_id, outlet_id, **changes):
    html = client.get(f"/stores/{store_id}/outlets/{outlet_id}").get_data(as_text=True)
    values = dict(form_values(html), csrf_token=csrf_from(html), **changes)
    return client.post(f"/stores/{store_id}/outlets/{outlet_id}/mapping", data=values,
                       follow_redirects=True)


def deactivate(client, store_id, outlet_id):
    html = client.get(f"/stores/{store_id}/outlets/{outlet_id}").get_data(as_text=True)
    return client.post(f"/stores/{store_id}/outlets/{outlet_id}/deactivate",
                       data={"csrf_token": csrf_from(html)}, follow_redirects=True)


def mapping_form(html: str) -> str:
    return re.search(r'<form method="post" action="[^"]*/mapping"[^>]*>', html)[0]


def test_the_first_outlet_says_it_is_free_a_further_one_asks_before_billing(owner):
    client, store_id, (kemang, senopati) = owner
    first = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    assert "Activating this outlet is free: it is the store's first." in first
    assert "data-confirm" not in mapping_form(first)
    activate(client, store_id, kemang)
    second = client.get(f"/stores/{store_id}/outlets/{senopati}").get_data(as_text=True)
    assert "Activating adds a billable outlet to your subscription." in second
    assert ('data-confirm="Activate outlet Senopati? This adds a billable outlet to your '
            'subscription."') in mapping_form(second)


def test_the_billable_notice_is_in_the_shops_language(owner):
    client, store_id, (kemang, senopati) = owner
    activate(client, store_id, kemang)
    html = client.get(f"/stores/{store_id}/outlets/{senopati}",
                      headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Activating adds a billable outlet" not in html
    assert "berbayar" in html


def test_an_active_outlet_offers_deactivation_behind_a_question(owner):
    client, store_id, (kemang, _) = owner
    before = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    assert "deactivate-outlet" not in before
    html = activate(client, store_id, kemang).get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" class="inline" '
                     r'data-confirm="([^"]+)">', html)
    assert form[1] == f"/stores/{store_id}/outlets/{kemang}/deactivate"
    assert form[2].startswith("Deactivate outlet Kemang?")
    done = deactivate(client, store_id, kemang).get_data(as_text=True)
    assert "Outlet Kemang is no longer active" in done
    assert 'data-testid="active-check"' not in done and 'data-testid="inactive-note"' in done
    db.session.expire_all()
    assert db.session.scalar(select(OutletMapping)).active is False
    listed = client.get(f"/stores/{store_id}/outlets/").get_data(as_text=True)
    assert listed.count('data-testid="deactivated"') == 1


def test_the_free_slot_stays_with_the_first_outlet_activated(owner):
    client, store_id, (kemang, senopati) = owner
    activate(client, store_id, kemang)
    deactivate(client, store_id, kemang)
    # Kemang is inactive, but it holds the free slot: Senopati is still billable...
    html = client.get(f"/stores/{store_id}/outlets/{senopati}").get_data(as_text=True)
    assert "Activating adds a billable outlet" in html
    activate(client, store_id, senopati)
    # ...and Kemang comes back free.
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    assert "Activating this outlet is free" in html and "data-confirm" not in mapping_form(html)
    activate(client, store_id, kemang)
    db.session.expire_all()
    mappings = {m.outlet_id: (m.active, m.billable)
                for m in db.session.scalars(select(OutletMapping))}
    assert mappings == {kemang: (True, False), senopati: (True, True)}


def test_an_unknown_walk_in_customer_is_refused_and_nothing_saved(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    assert '<datalist id="walk-in-customers"><option value="WALKIN">Pelanggan Umum</option>' \
        in html
    body = activate(client, store_id, kemang, walk_in_customer_no="UMUM").get_data(as_text=True)
    assert re.search(r'name="walk_in_customer_no"[^>]*aria-invalid="true" '
                     r'aria-describedby="walk_in_customer_no-error"', body)
    assert re.search(r'<small class="field-error" id="walk_in_customer_no-error">Customer UMUM '
                     r'is not in Accurate', body)
    assert db.session.scalar(select(OutletMapping)) is None


def test_a_walk_in_customer_beyond_the_suggested_page_is_looked_up(owner):
    client, store_id, (kemang, _) = owner
    store = db.session.get(Store, store_id)
    connection.client_for(store).save("customer", {"customerNo": "TAMU", "name": "Tamu",
                                                   "transDate": "01/11/2026"})
    # The lists are cached a minute: TAMU is not among the suggestions read before.
    assert "is mapped and active" in activate(
        client, store_id, kemang, walk_in_customer_no="TAMU").get_data(as_text=True)


def test_a_fee_account_is_optional_and_never_revenue(owner):
    client, store_id, (kemang, senopati) = owner
    saved = activate(client, store_id, kemang, method_1_fee="").get_data(as_text=True)
    assert "is mapped and active" in saved
    db.session.expire_all()
    card = next(a for a in db.session.get(Outlet, kemang).mapping.payment_accounts
                if a.payment_method == "card")
    assert card.fee_account_no is None  # its fees, if any come, wait for one
    refused = activate(client, store_id, senopati, method_2_fee="4-40000").get_data(as_text=True)
    assert "Account 4-40000 is a revenue account" in refused


def test_register_cash_movements_are_never_booked_to_revenue_or_to_register_cash(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    top_up = re.search(r'<select id="cash_top_up_account_no".*?</select>', html, re.S)[0]
    assert "3-30000 Modal Pemilik" in top_up and "4-40000 Penjualan" not in top_up
    body = activate(client, store_id, kemang, cash_top_up_account_no="4-40000",
                    cash_expense_account_no="7-70000",
                    cash_drop_account_no="1-10001").get_data(as_text=True)
    assert "Account 4-40000 is a revenue account: moving register cash is not a sale." in body
    assert "Account 7-70000 is a revenue account" in body
    assert "Choose another account than register cash" in body
    assert db.session.scalar(select(OutletMapping)) is None


def test_a_method_first_seen_in_a_sale_gets_its_row(owner):
    client, store_id, (kemang, _) = owner
    outlet = db.session.get(Outlet, kemang)
    outlet.payment_methods = [*outlet.payment_methods, "Go Food"]
    db.session.commit()
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = form_values(html)
    assert values["method_3_name"] == "Go Food" and values["method_3_type"] == "OTHERS"
    assert "is mapped and active" in activate(
        client, store_id, kemang, method_3_account="1-10102").get_data(as_text=True)
    db.session.expire_all()
    rows = {a.payment_method: a.account_no
            for a in db.session.get(Outlet, kemang).mapping.payment_accounts}
    assert rows["Go Food"] == "1-10102"


def test_payments_go_only_into_cash_or_bank_accounts(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    cash = re.search(r'<select id="method_0_account".*?</select>', html, re.S)[0]
    assert "1-10101 Bank BCA" in cash and "4-40000 Penjualan" not in cash
    body = activate(client, store_id, kemang, method_0_account="4-40000").get_data(as_text=True)
    assert "Account 4-40000 is not a cash or bank account." in body
    assert db.session.scalar(select(OutletMapping)) is None


def test_where_accurate_names_no_cash_or_bank_account_any_account_will_do(owner, monkeypatch):
    """accountType's values are a guess: if Accurate spells them otherwise, the form offers
    every account and saving takes what it offers."""
    client, store_id, (kemang, _) = owner
    monkeypatch.setattr(outlets, "CASH_BANK", "SPELLED_OTHERWISE")
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    cash = re.search(r'<select id="method_0_account".*?</select>', html, re.S)[0]
    assert "4-40000 Penjualan" in cash
    body = activate(client, store_id, kemang, method_0_account="4-40000",
                    method_1_account="1-10101", method_2_account="1-10103",
                    register_cash_account_no="1-10002", cash_drop_account_no="1-10101",
                    cash_top_up_account_no="3-30000").get_data(as_text=True)
    assert "is mapped and active" in body


def test_a_deactivated_outlets_documents_wait_and_go_once_it_is_active_again(
        app, client, sandbox):
    app.config.update(sandbox_config(sandbox))
    shop = Shop(client, setup_shop(client, sandbox), sandbox)
    store_id = shop.store.id
    kemang = db.session.scalar(select(Outlet).where(Outlet.iseller_id == "OUT-1")).id
    user = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(client, user.email)
    assert "is no longer active" in deactivate(client, store_id, kemang).get_data(as_text=True)
    invoice_id, receipt_id = shop.order("INV-9")
    other_id, _ = shop.order("INV-10", outlet="OUT-2")
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.status == Status.PENDING and invoice.attempts == 0
    assert invoice.reason == ("Outlet Kemang is not active: activate it to send its "
                              "documents.")
    assert shop.activity(receipt_id).status == Status.PENDING
    assert shop.accurate.find_by_number("sales-invoice", "INV-9") is None
    assert shop.activity(other_id).status == Status.SUCCESS  # other outlets go on
    page = client.get(f"/stores/{store_id}/activity/{invoice_id}").get_data(as_text=True)
    assert "Outlet Kemang is not active" in page
    assert "is mapped and active" in activate(client, store_id, kemang).get_data(as_text=True)
    assert shop.activity(invoice_id).reason is None
    shop.drain()
    assert [shop.activity(i).status for i in (invoice_id, receipt_id)] == [Status.SUCCESS] * 2
    assert shop.accurate.find_by_number("sales-invoice", "INV-9")
