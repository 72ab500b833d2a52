"""What the activity and support tables tell a person about a row that did not go: the reason
beside the row, attempts that are true, and next steps that link where they lead."""

import re

from isacc.accurate import connection
from isacc.extensions import db
from isacc.models import Outlet, Role, Status
from tests.conftest import login, make_user


def row_html(page: str, testid: str) -> str:
    found = re.search(rf'<tr data-testid="{testid}".*?</tr>', page, re.S)
    assert found, testid
    return found.group(0)


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, white space squeezed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def attempts_cell(row: str) -> str:
    return re.search(r'<td class="num"[^>]*>.*?</td>', row, re.S).group(0)


def reason_dialog(shop, activity_id) -> str:
    return shop.client.get(f"/stores/{shop.store.id}/activity/{activity_id}/reason",
                           headers={"HX-Request": "true"}).get_data(as_text=True)


def failed_at_build_and_at_accurate(shop):
    """INV-5 fails before anything is sent (its outlet is not mapped); INV-6 is refused by
    Accurate (its item is not there) after one attempt."""
    shop.send("outlets", outlet={"id": "OUT-3", "name": "Dago"})
    [unmapped, _] = shop.order("INV-5", outlet="OUT-3")
    [refused, _] = shop.order("INV-6", lines=(("GONE-1", 1, 1000),))
    shop.drain()
    assert shop.activity(unmapped).status == shop.activity(refused).status == Status.FAILED
    assert (shop.activity(unmapped).attempts, shop.activity(refused).attempts) == (0, 1)
    return unmapped, refused


def test_a_failed_rows_reason_is_beside_it_and_its_attempts_are_true(shop):
    unmapped, refused = failed_at_build_and_at_accurate(shop)
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(shop.client, owner.email)
    page = shop.client.get(f"/stores/{shop.store.id}/activity").get_data(as_text=True)
    never_sent = row_html(page, f"activity-{unmapped}")
    assert "Outlet Dago is not mapped to Accurate yet." in text_of(never_sent)
    # Nothing went to Accurate: not "0 attempts", which reads as "not tried yet".
    cell = attempts_cell(never_sent)
    assert text_of(cell) == "—" and "failed before anything was sent" in cell
    tried = row_html(page, f"activity-{refused}")
    assert "Item GONE-1 is not in Accurate." in text_of(tried)
    assert text_of(attempts_cell(tried)) == "1"


def test_supports_queue_shows_the_same_attempts(shop):
    unmapped, refused = failed_at_build_and_at_accurate(shop)
    support = make_user(Role.SUPPORT)
    db.session.commit()
    login(shop.client, support.email)
    page = shop.client.get("/support/").get_data(as_text=True)
    assert text_of(attempts_cell(row_html(page, f"support-{unmapped}"))) == "—"
    assert text_of(attempts_cell(row_html(page, f"support-{refused}"))) == "1"


def test_map_outlet_links_to_the_outlet(shop):
    unmapped, _ = failed_at_build_and_at_accurate(shop)
    dago = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-3"))
    assert shop.activity(unmapped).next_step == "Map and activate outlet Dago, then refresh."
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(shop.client, owner.email)
    dialog = reason_dialog(shop, unmapped)
    assert f'<a href="/stores/{shop.store.id}/outlets/{dago.id}">Map and activate outlet ' \
           f'Dago</a>, then refresh.' in dialog


def test_a_row_waiting_for_a_connection_links_to_the_connect_page(shop):
    connection.disconnect(shop.store)
    db.session.commit()
    [invoice, _] = shop.order("INV-7")
    shop.drain()
    row = shop.activity(invoice)
    assert row.status == Status.PENDING
    assert row.reason == "This store is not connected to an Accurate database yet."
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(shop.client, owner.email)
    dialog = reason_dialog(shop, invoice)
    assert f'<a href="/stores/{shop.store.id}/connect/">Connect Accurate</a>' in dialog
    # In Bahasa Indonesia too.
    owner.locale = "id"
    db.session.commit()
    dialog = reason_dialog(shop, invoice)
    assert f'<a href="/stores/{shop.store.id}/connect/">' in dialog
    assert "Connect Accurate</a>" not in dialog

