"""Bahasa Indonesia and English: every string marked, every entry translated."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from isacc.extensions import db
from isacc.formatting import label_case, local_time
from isacc.models import Role
from tests.conftest import csrf_from, login, make_store, make_user, stock_store

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "isacc/translations/id/LC_MESSAGES/messages.po"
# Pages whose strings are not marked yet (the next slice of the work); the list only shrinks.
NOT_YET_MARKED: set[str] = set()
# Words that read the same in both languages.
SAME_IN_BOTH = {"isacc", "Accurate", "iSeller", "Outlet", "Status", "E-mail", "SKU", "Rp"}
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
SHOWN_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|hx-confirm|alt)="([^"]*)"')


def unmarked(template: Path) -> list[str]:
    """Text a reader sees that does not come through gettext."""
    source = template.read_text()
    found = [value for value in SHOWN_ATTRIBUTES.findall(source)
             if "{{" not in value and re.search(r"[A-Za-z]{2,}", value)]
    text = JINJA.sub(" ", source)
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    # Attributes a macro writes into a tag it is called inside of.
    text = re.sub(r'[\w:-]+="[^"]*"', " ", text)
    for word in re.findall(r"[A-Za-z][A-Za-z'’-]+", text):
        if word not in SAME_IN_BOTH:
            found.append(word)
    return found


@pytest.mark.parametrize("template", sorted(
    str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates").rglob("*.html")
    if str(p.relative_to(ROOT / "templates")) not in NOT_YET_MARKED))
def test_every_string_a_reader_sees_is_marked_for_translation(template):
    assert unmarked(ROOT / "templates" / template) == []


def test_the_checker_finds_an_unmarked_string(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<p>{{ _("Saved") }}</p><p>Not marked</p><a title="Why?">x</a>')
    assert unmarked(page) == ["Why?", "Not", "marked"]


def test_the_catalogue_translates_every_marked_string(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "-q", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "say", "-o", str(template),
                    "--no-location", "."],
                   cwd=ROOT, check=True)
    marked = {m.id for m in read_po(template.open("rb")) if m.id}
    catalogue = read_po(CATALOGUE.open("rb"), locale="id")
    translated = {m.id for m in catalogue if m.id and m.string and all(m.string)
                  and not m.fuzzy}
    assert marked - translated == set(), "run `make translations-extract` and translate"


def test_the_language_follows_the_browser_then_the_users_choice(app, client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    page = client.get("/login", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"})
    assert "Masuk ke isacc" in page.get_data(as_text=True)
    assert 'lang="id"' in page.get_data(as_text=True)
    assert "Sign in to isacc" in client.get("/login").get_data(as_text=True)
    login(client, owner.email)
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/", follow_redirects=True).get_data(as_text=True))[1]
    answer = client.post("/language", data={"language": "id", "next": "/",
                                            "csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    overview = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Ringkasan" in overview and "Sinkronisasi" in overview
    assert client.post("/language", data={"language": "fr", "csrf_token": token}
                       ).status_code == 400
    # Never an open redirect.
    off_site = client.post("/language", data={"language": "en", "next": "//evil.example",
                                              "csrf_token": token})
    assert off_site.headers["Location"] == "/"


def test_month_names_follow_the_language(app):
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 24, 17, 30, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert local_time(moment, "Asia/Jakarta") == "25 Des 2026 00:30"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert local_time(moment, "Asia/Jakarta") == "25 Dec 2026 00:30"


# Per page: who looks, Indonesian it must show, English it must no longer show. Failure
# reasons (Accurate's words) are out of scope here: they are translated separately.
PAGES_IN_INDONESIAN = {
    "connect": ("/stores/{store_id}/connect/", Role.OWNER,
                ["Koneksi Accurate", "Toko ini belum terhubung ke Accurate",
                 "Hubungkan ke Accurate"],
                ["Accurate connection", "not connected to Accurate yet", "Connect to Accurate",
                 "Connecting opens"]),
    "outlets": ("/stores/{store_id}/outlets/", Role.OWNER,
                ["Gudang", "Cabang", "Aktif"],
                ["Branch", "Warehouse", "Active", "No outlets yet"]),
    "outlet": ("/stores/{store_id}/outlets/{outlet_id}", Role.OWNER,
               ["Metode pembayaran", "Pemetaan ke Accurate", "Semua outlet"],
               ["Payment methods", "Mapping to Accurate", "All outlets", "refresh the lists",
                "iSeller id"]),
    "products": ("/stores/{store_id}/products/", Role.OWNER,
                 ["Masalah SKU", "Tidak ada masalah SKU.", "Ekspor produk", "Kategori"],
                 ["SKU problems", "No SKU problems", "Export products", "Category", "Price",
                  "In Accurate"]),
    "product": ("/stores/{store_id}/products/{product_id}", Role.OWNER,
                ["Satuan", "Stok", "Semua produk"],
                ["Unit", "Stock", "Quantity", "All products", "Exported to Accurate"]),
    "sku details": ("/stores/{store_id}/products/problems/missing", Role.OWNER,
                    ["Semua produk sudah punya SKU."], ["Every product has a SKU"]),
    "webhook log": ("/stores/{store_id}/webhooks", Role.OWNER,
                    ["Log webhook", "Kejadian", "Berhasil", "Kirim ulang yang dipilih"],
                    ["Webhook log", "Event", "Success", "Refresh selected",
                     "What Accurate sends back"]),
    "webhook": ("/stores/{store_id}/webhooks/{webhook_id}", Role.OWNER,
                ["Faktur pembelian", "Seluruh log webhook"],
                ["Whole webhook log", "Received", "Attempts"]),
    "activity detail": ("/stores/{store_id}/activity/{activity_id}", Role.OWNER,
                        ["Faktur penjualan", "Mengapa", "Semua aktivitas sinkronisasi"],
                        ["Sales invoice", "Why", "All sync activity", "In iSeller",
                         "Accurate number"]),
    "support": ("/support/", Role.SUPPORT,
                ["Kegagalan di semua toko", "Faktur penjualan", "Waktu"],
                ["Failures across stores", "Every failed sync", "Time", "Sales invoice",
                 "Attempts"]),
    "stores": ("/stores", Role.SUPPORT, ["Toko", "belum terhubung"],
               ["Stores", "not connected", "iSeller id"]),
    "admin stores": ("/admin/stores", Role.ADMIN, ["Toko baru", "Zona waktu", "Pemilik"],
                     ["New store", "Time zone", "Owners", "Created"]),
    "admin new store": ("/admin/stores/new", Role.ADMIN, ["Buat toko", "Id toko iSeller"],
                        ["Create store", "iSeller store id", "Name"]),
    "admin users": ("/admin/users", Role.ADMIN, ["Pengguna baru", "Peran", "Terakhir masuk"],
                    ["New user", "Role", "Last sign-in", "every store"]),
    "admin new user": ("/admin/users/new", Role.ADMIN, ["Buat pengguna", "Kata sandi awal"],
                       ["Create user", "Initial password", "Owner"]),
}


@pytest.mark.parametrize("name", PAGES_IN_INDONESIAN)
def test_each_page_reads_in_bahasa_indonesia(app, client, name):
    path, role, indonesian, english = PAGES_IN_INDONESIAN[name]
    store = make_store("Toko A")
    ids = stock_store(store)
    user = make_user(role, store if role == Role.OWNER else None)
    db.session.commit()
    login(client, user.email)
    answer = client.get(path.format(**ids), headers={"Accept-Language": "id"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    text = re.sub(r"<[^>]*>", " ", html)  # words a reader sees, not markup or test ids
    assert [words for words in indonesian if words not in html] == []
    assert [words for words in english if re.search(rf"\b{re.escape(words)}\b", text)] == []


def test_messages_from_python_follow_the_language(app, client):
    store = make_store("Toko A")
    stock_store(store)  # products, but no outlet mapped yet: the export is refused
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    indonesian = {"Accept-Language": "id"}
    wrong = client.post("/login", headers=indonesian, data={
        "email": owner.email, "password": "not the password",
        "csrf_token": csrf_from(client.get("/login", headers=indonesian).get_data(as_text=True))})
    assert "E-mail atau kata sandi salah." in wrong.get_data(as_text=True)
    empty = client.post("/login", headers=indonesian, data={
        "email": "", "password": "",
        "csrf_token": csrf_from(client.get("/login", headers=indonesian).get_data(as_text=True))})
    assert "Isi kolom ini." in empty.get_data(as_text=True)
    login(client, owner.email)
    refused = client.get(f"/stores/{store.id}/products/export", headers=indonesian,
                         follow_redirects=True).get_data(as_text=True)
    assert "Ekspor ditolak. Petakan dan aktifkan dulu" in refused
    # English stays the default.
    refused = client.get(f"/stores/{store.id}/products/export",
                         follow_redirects=True).get_data(as_text=True)
    assert "Export refused. Map and activate at least one outlet first" in refused


def test_mapping_labels_are_translated_when_shown(app):
    from isacc.outlets import FIELDS

    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert [str(FIELDS[f]) for f in ("branch_name", "warehouse_name")] == ["cabang", "gudang"]
    with app.test_request_context():
        assert str(FIELDS["walk_in_customer_no"]) == "walk-in customer"


def test_labels_start_upper_case_and_keep_brand_names():
    assert label_case("akun MDR iSellerPay") == "Akun MDR iSellerPay"
    assert label_case("iSellerPay account") == "iSellerPay account"
    assert label_case("warehouse") == "Warehouse"


def test_the_sign_in_reminder_is_in_the_readers_language(app, client):
    page = client.get("/stores", headers={"Accept-Language": "id"}, follow_redirects=True)
    assert "Silakan masuk untuk melanjutkan." in page.get_data(as_text=True)
    page = client.get("/stores", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Please sign in to continue." in page.get_data(as_text=True)
