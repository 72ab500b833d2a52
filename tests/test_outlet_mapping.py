"""Mapping an outlet from choices read live from Accurate (the sandbox), and activating it."""

import re

import pytest
from flask import current_app
from sqlalchemy import select

from isacc.accurate import connection
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, Role
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import csrf_from, login, make_store, make_user


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
    return values


def test_the_form_offers_accurate_lists_with_sensible_defaults(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = form_values(html)
    assert values["branch_name"] == "Jakarta" and values["warehouse_name"] == "Gudang Kemang"
    assert values["isellerpay_account_no"] == "1-10103"
    assert values["mdr_account_no"] == "6-60201"
    assert values["transaction_account_no"] == "4-40000"
    assert values["payment_cash"] == "1-10001" and values["payment_card"] == "1-10101"
    assert "1-10102 Bank Mandiri" in html  # every account of the live list is offered


def test_activation_names_each_missing_field_and_saves_nothing(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = dict(form_values(html), warehouse_name="", payment_card="", csrf_token=csrf_from(html))
    answer = client.post(f"/stores/{store_id}/outlets/{kemang}/mapping", data=values)
    body = answer.get_data(as_text=True)
    assert "Choose the warehouse." in body and "Choose the account card payments go to." in body
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
    assert {a.payment_method for a in mappings[0].payment_accounts} == {"cash", "card"}


def test_a_value_not_in_accurate_is_refused(owner):
    client, store_id, (kemang, _) = owner
    html = client.get(f"/stores/{store_id}/outlets/{kemang}").get_data(as_text=True)
    values = dict(form_values(html), warehouse_name="Gudang Palsu", csrf_token=csrf_from(html))
    body = client.post(f"/stores/{store_id}/outlets/{kemang}/mapping",
                       data=values).get_data(as_text=True)
    assert "Warehouse Gudang Palsu is not in Accurate." in body


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
