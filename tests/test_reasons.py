"""Failure reasons: written in English by jobs, read in each reader's language, Accurate's own
Indonesian messages kept word for word beside their explanation."""

import copy
import pickle
import re

from isacc.accurate.errors import DUPLICATE_NUMBER, RetryableError, explain
from isacc.extensions import db
from isacc.models import Role, Status
from isacc.reasons import Said, say, shown, tell
from tests.conftest import login, make_user
from tests.sync.conftest import Shop, setup_shop


def in_indonesian(app):
    return app.test_request_context(headers={"Accept-Language": "id"})


def test_a_reason_is_english_text_that_knows_its_message_ids(app):
    reason = say("Outlet %(outlet)s is not mapped to Accurate yet.", outlet="Kemang")
    assert reason == "Outlet Kemang is not mapped to Accurate yet."
    assert "Kemang" in reason and isinstance(reason, str)
    with in_indonesian(app):
        assert reason.translated() == "Outlet Kemang belum dipetakan ke Accurate."
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert reason.translated() == str(reason)


def test_values_that_are_reasons_themselves_are_translated_too(app):
    reason = say("Accurate kept failing after %(attempts)s attempts: %(reason)s", attempts=5,
                 reason=RetryableError().reason)
    kept = Said.from_json(reason.to_json())
    assert kept == reason == "Accurate kept failing after 5 attempts: Accurate did not answer " \
                             "in time."
    with in_indonesian(app):
        assert kept.translated() == ("Accurate terus gagal setelah 5 kali percobaan: Accurate "
                                     "tidak menjawab tepat waktu.")


def test_a_reason_survives_copying_and_pickling(app):
    reason = say("Accurate kept failing after %(attempts)s attempts: %(reason)s", attempts=2,
                 reason=say("Accurate asked isacc to slow down."))
    for again in (copy.deepcopy(reason), pickle.loads(pickle.dumps(reason))):  # noqa: S301
        assert again == reason and again.parts == reason.parts
        with in_indonesian(app):
            assert again.translated() == reason.translated() != str(reason)


def test_joined_reasons_say_each_sentence_once():
    step = say("Choose the cash account in the outlet's mapping, then refresh.")
    joined = Said.join([say("Branch %(branch)s is not in Accurate.", branch="Pusat"), step,
                        step])
    assert joined == ("Branch Pusat is not in Accurate. Choose the cash account in the "
                      "outlet's mapping, then refresh.")
    assert len(joined.parts) == 2


def test_accurates_indonesian_messages_are_explained_and_kept_word_for_word(app):
    error = explain(['Barang "KN-9" tidak ditemukan', "Nomor SI.2026.1 sudah digunakan",
                     "Pesan yang belum dikenal"])
    assert error.reason == ("Item KN-9 is not in Accurate. Accurate already has a document "
                            "numbered SI.2026.1. Accurate says: Pesan yang belum dikenal")
    assert error.reason.says(DUPLICATE_NUMBER)
    assert error.messages == ['Barang "KN-9" tidak ditemukan', "Nomor SI.2026.1 sudah digunakan",
                              "Pesan yang belum dikenal"]
    with in_indonesian(app):
        assert error.reason.translated() == (
            "Barang KN-9 tidak ada di Accurate. Accurate sudah memiliki dokumen bernomor "
            "SI.2026.1. Pesan Accurate: Pesan yang belum dikenal")


class Row:
    reason = next_step = wording = None


def test_a_row_keeps_english_text_and_its_wording(app):
    error = explain(['Gudang "Gudang Utama" tidak ditemukan'])
    row = Row()
    tell(row, error.reason, error.next_step, error.messages)
    assert row.reason == "Warehouse Gudang Utama is not in Accurate."
    assert row.next_step == "Choose an existing warehouse in the outlet mapping, then refresh."
    assert row.wording["accurate"] == ['Gudang "Gudang Utama" tidak ditemukan']
    with in_indonesian(app):
        assert shown(row, "reason") == "Gudang Utama tidak ada di daftar gudang Accurate."
        assert shown(row, "next_step") == ("Pilih gudang yang ada di pemetaan outlet, lalu "
                                           "segarkan.")
    # A row written before wordings were kept shows its English text as stored.
    old = Row()
    old.reason = "Item X is not in Accurate."
    with in_indonesian(app):
        assert shown(old, "reason") == "Item X is not in Accurate."
    tell(row, None)
    assert (row.reason, row.next_step, row.wording) == (None, None, None)


def test_a_failed_sync_reads_in_the_owners_language_with_accurates_words(
        app, client, sandbox):
    """Through the sandbox: an invoice with an item Accurate lacks fails; its reason dialog
    explains it in Bahasa Indonesia and quotes Accurate as it answered."""
    shop = Shop(client, setup_shop(client, sandbox), sandbox)
    [invoice_id, _] = shop.order("INV-88", lines=(("NEW-88", 1, 5000),))
    shop.drain()
    activity = shop.activity(invoice_id)
    assert activity.status == Status.FAILED
    assert activity.reason == "Item NEW-88 is not in Accurate."  # English for logs and support
    owner = make_user(Role.OWNER, shop.store)
    owner.locale = "id"
    db.session.commit()
    login(client, owner.email)
    dialog = client.get(f"/stores/{shop.store.id}/activity/{invoice_id}/reason",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Barang NEW-88 tidak ada di Accurate." in dialog
    assert "Ekspor produk Anda dari isacc dan impor ke Accurate, lalu segarkan." in dialog
    said = re.search(r'data-testid="accurate-words">(.*?)</figure>', dialog, re.S)[1]
    assert "NEW-88" in said and "tidak ditemukan" in said
    assert "is not in Accurate" not in dialog
