"""The store lists support and admin pick from: searched, paged, with each store's counts."""

from datetime import UTC, datetime

import pytest

from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Role, Status, SyncActivity
from isacc.stores import STORES_PER_PAGE
from tests.conftest import login, make_store, make_user


@pytest.fixture
def many_stores(app):
    stores = [make_store(f"Toko {n:03d}", iseller_id=f"shop-{n:03d}")
              for n in range(STORES_PER_PAGE + 11)]
    busy = stores[0]
    db.session.add_all([Outlet(store_id=busy.id, iseller_id=f"O-{n}", name=f"Outlet {n}")
                        for n in range(3)])
    db.session.add_all([SyncActivity(
        store_id=busy.id, kind=ActivityKind.SALES_INVOICE, source_kind="x", source_id=n,
        source_number=f"INV-{n}", source_at=datetime(2026, 11, 24, tzinfo=UTC),
        status=Status.FAILED if n < 2 else Status.SUCCESS) for n in range(5)])
    db.session.commit()
    return stores


@pytest.mark.parametrize(("role", "path"), [(Role.SUPPORT, "/stores"),
                                            (Role.ADMIN, "/admin/stores")])
def test_store_lists_page_and_search(app, client, many_stores, role, path):
    user = make_user(role)
    db.session.commit()
    login(client, user.email)
    total = len(many_stores)
    first = client.get(path).get_data(as_text=True)
    assert f"Stores 1–{STORES_PER_PAGE} of {total}" in first and 'rel="next"' in first
    assert "Toko 000" in first and f"Toko {STORES_PER_PAGE:03d}" not in first
    second = client.get(f"{path}?page=2").get_data(as_text=True)
    assert f"Stores {STORES_PER_PAGE + 1}–{total} of {total}" in second
    assert f"Toko {STORES_PER_PAGE:03d}" in second and 'rel="prev"' in second
    found = client.get(f"{path}?q=SHOP-01").get_data(as_text=True)  # by iSeller id, any case
    assert "Stores 1–10 of 10" in found and "Toko 010" in found and "Toko 020" not in found
    assert "No store has “nowhere” in its name or iSeller id." in client.get(
        f"{path}?q=nowhere").get_data(as_text=True)


def test_the_support_list_counts_outlets_and_links_failures(app, client, many_stores):
    support = make_user(Role.SUPPORT)
    db.session.commit()
    login(client, support.email)
    busy = many_stores[0]
    page = client.get("/stores").get_data(as_text=True)
    row = page[page.index("Toko 000"):page.index("</tr>", page.index("Toko 000"))]
    assert '<td class="num">3</td>' in row  # outlets
    assert f'href="/stores/{busy.id}/activity?status=failed">2</a>' in row
