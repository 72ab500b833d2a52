"""The access rules know no authenticator (#15's design: no import circle between
isacc/access.py and the blueprints that check signatures and tokens): each blueprint
registers its own, and an app whose caller rule has none refuses to start."""

import ast
from pathlib import Path

import pytest

import isacc.access
from isacc.access import AUTHENTICATORS, Rule


def test_the_access_rules_import_no_blueprint():
    tree = ast.parse(Path(isacc.access.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert not {name for name in imported
                if name and name.startswith(("isacc.inbound", "isacc.webhooks", "isacc.web"))}


def test_each_caller_rule_has_its_authenticator_or_the_app_refuses_to_start(app, monkeypatch):
    from isacc.access import check_every_route_has_a_rule

    assert set(AUTHENTICATORS) == {Rule.SIGNED_INBOUND, Rule.WEBHOOK_TOKEN, Rule.ISELLER_SIGNED}
    monkeypatch.delitem(AUTHENTICATORS, Rule.WEBHOOK_TOKEN)
    with pytest.raises(RuntimeError, match="rules without an authenticator: webhook_token"):
        check_every_route_has_a_rule(app)
