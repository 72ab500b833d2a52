"""Which permissions isacc asks for, which the owner approved (read from Accurate), and which
each document isacc sends needs."""

from isacc.accurate import oauth, scopes
from isacc.sync.send import MODULES
from tests.accurate.conftest import grant, sandbox_config


def test_what_the_owner_approved_is_read_from_accurate(sandbox):
    config = sandbox_config(sandbox)
    token = grant(config, untick=["sales_invoice_save", "item_transfer_view"])
    approved = scopes.read_approved(config, token.access_token).split()
    assert set(approved) == set(oauth.SCOPES.split()) - {"sales_invoice_save",
                                                          "item_transfer_view"}


def test_an_unreadable_answer_leaves_the_approval_unknown(sandbox):
    assert scopes.read_approved(sandbox_config(sandbox), "not a token") is None


def test_every_document_needs_its_save_and_view_and_isacc_asks_for_both():
    asked = set(oauth.SCOPES.split())
    for module in set(MODULES.values()):
        needed = scopes.needed_by(module)
        assert needed == [f"{module.replace('-', '_')}_save", f"{module.replace('-', '_')}_view"]
        assert set(needed) <= asked, module
