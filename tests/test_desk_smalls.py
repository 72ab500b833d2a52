"""Small things a person at the desk meets: the favicon, the API's wording, warehouse and
time-zone names in both languages, plurals."""

import re

from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, OutletMapping, Role, Status, SyncActivity
from isacc.models.base import utcnow
from tests.conftest import login, make_store, make_user


def test_pages_name_a_favicon_that_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    assert icon, "no favicon link"
    answer = client.get(icon.group(1))
    assert answer.status_code == 200 and answer.mimetype.startswith("image/")


def test_the_inbound_api_says_an_before_a_vowel(client):
    summaries = [operation["post"]["summary"]
                 for operation in client.get("/api/openapi.json").get_json()["paths"].values()]
    assert "Receive an outlet event" in summaries
    assert "Receive a sales order event" in summaries
    assert not [s for s in summaries if re.search(r"\ba [aeiou]", s)]


def test_a_stores_time_zone_reads_wib_in_both_languages(app, client):
    store = make_store("Toko A")
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login(client, admin.email)
    for locale in ("en", "id"):
        admin.locale = locale
        db.session.commit()
        page = client.get(f"/admin/stores/{store.id}").get_data(as_text=True)
        assert "<dd>WIB</dd>" in page and "Asia/Jakarta" not in page
        listing = client.get("/admin/stores").get_data(as_text=True)
        assert "<td>WIB</td>" in listing


def checklist_outlets(client, store) -> tuple[str, str]:
    page = client.get(f"/stores/{store.id}/").get_data(as_text=True)
    step = re.search(r'<li class="(\w+)" data-step="outlets">(.*?)</li>', page, re.S)
    # Without the tick's ✔ or ○: the class says whether it is done.
    shown = re.sub(r'<span class="check[^"]*"[^>]*>.*?</span>', "", step.group(2))
    return step.group(1), " ".join(re.sub(r"<[^>]+>", "", shown).split())


def test_map_outlets_is_done_only_when_every_outlet_with_documents_is_active(app, client):
    store = make_store("Toko A")
    kemang, dago, sudirman = (Outlet(store_id=store.id, iseller_id=i, name=n)
                              for i, n in (("K", "Kemang"), ("D", "Dago"), ("S", "Sudirman")))
    db.session.add_all([kemang, dago, sudirman])
    db.session.flush()
    db.session.add(OutletMapping(store_id=store.id, outlet_id=kemang.id, active=True,
                                 warehouse_name="Gudang Kemang"))
    for n, outlet in enumerate((kemang, dago, dago)):
        db.session.add(SyncActivity(
            store_id=store.id, outlet_id=outlet.id, kind=ActivityKind.SALES_INVOICE,
            source_kind="sales_order", source_id=n, source_number=f"INV-{n}",
            source_at=utcnow(), status=Status.FAILED))
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    # Dago has documents and is not active: not done, and it says so.
    done, detail = checklist_outlets(client, store)
    assert done == "todo"
    assert detail == "Map outlets 1 of 3 outlets active; 1 outlet with documents still " \
                     "needs mapping"
    # Sudirman has none: once Dago is active, it does not hold the step back.
    db.session.add(OutletMapping(store_id=store.id, outlet_id=dago.id, active=True,
                                 warehouse_name="Gudang Dago"))
    db.session.commit()
    assert checklist_outlets(client, store) == ("done", "Map outlets 2 of 3 outlets active")
    owner.locale = "id"
    db.session.commit()
    assert checklist_outlets(client, store)[1].endswith("2 dari 3 outlet aktif")


def test_one_outlet_is_not_outlets(app, client):
    store = make_store("Toko A")
    db.session.add(Outlet(store_id=store.id, iseller_id="K", name="Kemang"))
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    assert checklist_outlets(client, store) == ("todo", "Map outlets 0 of 1 outlet active")


def test_the_settings_name_the_stores_zone_wib(client):
    store = make_store("Toko Zona")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    body = client.get(f"/stores/{store.id}/settings/").get_data(as_text=True)
    assert "at the times below, in WIB." in body and "Asia/Jakarta" not in body
