"""Accurate's Indonesian messages turned into reasons a shop owner can act on."""

from isacc.accurate.errors import FinalError, explain


def test_every_message_is_explained_not_just_the_first():
    error = explain(['Barang "KN-0001" tidak ditemukan', 'Barang "KN-0002" tidak ditemukan',
                     'Pelanggan "C-9" tidak ditemukan'])
    assert isinstance(error, FinalError)
    assert error.reason == ("Item KN-0001 is not in Accurate. Item KN-0002 is not in Accurate. "
                            "Customer C-9 is not in Accurate.")
    # The same step is said once, each different step once.
    assert error.next_step.count("Export your products") == 1
    assert "Refresh the customer's sync first" in error.next_step
    assert error.messages[0] == 'Barang "KN-0001" tidak ditemukan'


def test_known_refusals_have_plain_reasons():
    cases = {
        "Nomor INV-1 sudah digunakan": "already has a document numbered INV-1",
        "Profil pengguna anda memiliki akses ke lebih dari satu cabang":
            "works in several branches",
        "Nilai pembayaran lebih besar dari sisa tagihan": "more than what is still owed",
        'Gudang "Gudang Dago" tidak ditemukan': "Warehouse Gudang Dago is not in Accurate",
    }
    for message, words in cases.items():
        assert words in explain([message]).reason, message


def test_an_unknown_message_is_shown_as_accurate_said_it():
    error = explain(["Sesuatu yang baru"])
    assert error.reason == "Accurate says: Sesuatu yang baru"
    assert error.next_step == "Correct the document in iSeller, then refresh."
