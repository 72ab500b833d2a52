"""Mapping an outlet onto Accurate: the choices read live from Accurate, sensible defaults,
and activation once every field is chosen (the first active outlet is free)."""

import time
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from isacc.accurate.connection import client_for
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, OutletPaymentAccount, Store
from isacc.models.base import utcnow

CACHE_SECONDS = 60
_cache: dict[tuple, tuple[float, "Choices"]] = {}

FIELDS = {  # form field -> label, for messages
    "branch_name": _l("branch"), "warehouse_name": _l("warehouse"),
    "isellerpay_account_no": _l("iSellerPay account"),
    "mdr_account_no": _l("iSellerPay MDR account"),
    "transaction_account_no": _l("transaction (sales) account"),
    "adjustment_account_no": _l("stock adjustment account"),
    "walk_in_customer_no": _l("walk-in customer"),
}


@dataclass
class Choices:
    branches: list[str]
    warehouses: list[str]
    accounts: list[dict]  # {"no", "name", "accountType"}

    def account_numbers(self) -> set[str]:
        return {a["no"] for a in self.accounts}


def choices(store: Store, refresh: bool = False) -> Choices:
    """Branches, warehouses and accounts of the store's Accurate database, cached a minute."""
    client = client_for(store)
    # Keyed by the database too: a store that switches database must not see the old lists.
    key = (store.id, client.access.host, client.access.database_id)
    cached = _cache.get(key)
    if cached and not refresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    found = Choices(
        branches=[row["name"] for row in client.list("branch", fields="id,name")],
        warehouses=[row["name"] for row in client.list("warehouse", fields="id,name")],
        accounts=list(client.list("glaccount", fields="id,no,name,accountType")),
    )
    _cache[key] = (time.monotonic(), found)
    return found


def add_place(store: Store, kind: str, name: str) -> None:
    """Create a branch or a warehouse in the store's Accurate database."""
    client_for(store).save(kind, {"name": name})


def _account(accounts: list[dict], kind: str, *words: str) -> str | None:
    """The first account of `kind` whose name has one of `words` (else the first of kind)."""
    of_kind = [a for a in accounts if a.get("accountType") == kind]
    for word in words:
        for account in of_kind:
            if word.lower() in account["name"].lower():
                return account["no"]
    return of_kind[0]["no"] if of_kind else None


def suggestions(outlet: Outlet, found: Choices) -> dict:
    """Defaults for a new mapping, picked by account type and name."""
    # The warehouse sharing most words with the outlet's name ("Bandung Dago" -> "Gudang
    # Dago"), else the first.
    words = [w for w in outlet.name.lower().split() if len(w) > 2]
    scored = sorted(found.warehouses,
                    key=lambda name: -sum(word in name.lower() for word in words))
    warehouse = scored[0] if scored else None
    methods = {}
    for method in outlet.payment_methods or ["cash"]:
        if method == "isellerpay":
            continue
        words = ("kas toko", "kas") if method == "cash" else ("bank",)
        methods[method] = _account(found.accounts, "CASH_BANK", *words)
    return {
        "branch_name": found.branches[0] if found.branches else None,
        "warehouse_name": warehouse,
        "isellerpay_account_no": _account(found.accounts, "CASH_BANK", "isellerpay"),
        "mdr_account_no": _account(found.accounts, "EXPENSE", "mdr"),
        "transaction_account_no": _account(found.accounts, "REVENUE", "penjualan"),
        "adjustment_account_no": _account(found.accounts, "EXPENSE", "selisih persediaan"),
        "walk_in_customer_no": "WALKIN",
        "payment_accounts": methods,
    }


def save(store: Store, outlet: Outlet, form: dict, found: Choices) -> dict[str, str]:
    """Save the mapping from `form` and activate it; returns field -> problem (nothing saved
    when there is any)."""
    problems = {}
    values = {field: (form.get(field) or "").strip() for field in FIELDS}
    methods = [m for m in (outlet.payment_methods or ["cash"]) if m != "isellerpay"]
    paid_into = {m: (form.get(f"payment_{m}") or "").strip() for m in methods}
    accounts = found.account_numbers()
    for field, label in FIELDS.items():
        if not values[field]:
            problems[field] = _("Choose the %(field)s.", field=label)
    if values["branch_name"] and values["branch_name"] not in found.branches:
        problems["branch_name"] = _("Branch %(name)s is not in Accurate.",
                                     name=values["branch_name"])
    if values["warehouse_name"] and values["warehouse_name"] not in found.warehouses:
        problems["warehouse_name"] = _("Warehouse %(name)s is not in Accurate.",
                                        name=values["warehouse_name"])
    for field in ("isellerpay_account_no", "mdr_account_no", "transaction_account_no",
                  "adjustment_account_no"):
        if values[field] and values[field] not in accounts:
            problems[field] = _("Account %(number)s is not in Accurate.", number=values[field])
    for method, account_no in paid_into.items():
        if not account_no:
            problems[f"payment_{method}"] = _("Choose the account %(method)s payments go to.",
                                              method=method)
        elif account_no not in accounts:
            problems[f"payment_{method}"] = _("Account %(number)s is not in Accurate.",
                                              number=account_no)
    if problems:
        return problems
    mapping = outlet.mapping or OutletMapping(store_id=store.id, outlet_id=outlet.id)
    for field, value in values.items():
        setattr(mapping, field, value)
    # Updated in place: replacing the rows would insert a method before deleting it.
    current = {a.payment_method: a for a in mapping.payment_accounts}
    for method, account_no in paid_into.items():
        if method in current:
            current.pop(method).account_no = account_no
        else:
            mapping.payment_accounts.append(
                OutletPaymentAccount(payment_method=method, account_no=account_no))
    for stale in current.values():
        mapping.payment_accounts.remove(stale)
    if not mapping.active:
        others = db.session.scalar(db.select(db.func.count()).select_from(OutletMapping).where(
            OutletMapping.store_id == store.id, OutletMapping.active.is_(True)))
        mapping.active, mapping.activated_at = True, utcnow()
        mapping.billable = others > 0  # the first active outlet is free
    db.session.add(mapping)
    return {}
