"""Mapping an outlet onto Accurate: the choices read live from Accurate, sensible defaults,
activation once every field is chosen (the first outlet activated is free), and deactivation.

Billable: the free slot belongs to the store's first outlet ever activated and stays with it,
deactivated or not; every other outlet is billable from its first activation and stays so
when deactivated and activated again. Simple to explain, and deactivating the free outlet
never turns another one free. What a subscription counts is its active billable outlets.

Deactivated: a deactivated outlet keeps its mapping; its documents keep arriving from iSeller
and wait, pending and unsent, until it is activated again (isacc.sync.engine.hold_inactive).
"""

import contextlib
import json
from dataclasses import asdict, dataclass

import redis
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from isacc.accurate.connection import client_for
from isacc.accurate.errors import AccurateError
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, OutletPaymentAccount, Status, Store, SyncActivity
from isacc.models.base import utcnow
from isacc.redis_conn import get_redis
from isacc.sync.documents import ISELLERPAY
from isacc.sync.engine import inactive_reason
from isacc.sync.lanes import wake

# Accurate's lists are kept this long in Redis, where every web process reads the same copy.
CACHE_SECONDS = 60

FIELDS = {  # form field -> label, for messages
    "branch_name": _l("branch"), "warehouse_name": _l("warehouse"),
    "isellerpay_account_no": _l("iSellerPay account"),
    "mdr_account_no": _l("iSellerPay MDR account"),
    "transaction_account_no": _l("transaction (sales) account"),
    "adjustment_account_no": _l("stock adjustment account"),
    "walk_in_customer_no": _l("walk-in customer"),
}
# Needed only by an outlet that takes iSellerPay: its payments and their MDR fees.
ISELLERPAY_FIELDS = ("isellerpay_account_no", "mdr_account_no")
# Accurate's type of the accounts money is paid into (a sales receipt's `bankNo`).
CASH_BANK = "CASH_BANK"
# How many of Accurate's customers the walk-in field suggests: one page, not the whole list.
CUSTOMER_SUGGESTIONS = 100


@dataclass
class Choices:
    branches: list[str]
    warehouses: list[str]
    accounts: list[dict]  # {"no", "name", "accountType"}
    customers: list[dict]  # the first page of Accurate's customers: {"customerNo", "name"}

    def account_numbers(self) -> set[str]:
        return {a["no"] for a in self.accounts}

    def cash_bank(self) -> list[dict]:
        """The accounts money can be paid into."""
        return [a for a in self.accounts if a.get("accountType") == CASH_BANK]


def choices(store: Store, refresh: bool = False) -> Choices:
    """Branches, warehouses and accounts of the store's Accurate database, kept a minute in
    Redis for every web process alike."""
    client = client_for(store)
    key = _cache_key(store, client)
    if not refresh:
        try:
            kept = get_redis().get(key)
        except redis.RedisError:
            # Without Redis (down, or one process running without it) Accurate is read
            # anew: a copy kept in this process would go stale beside the others, which is
            # what refused a warehouse the owner had just added through another process.
            kept = None
        if kept:
            return Choices(**json.loads(kept))
    found = Choices(
        branches=client.names("branch"),
        warehouses=client.names("warehouse"),
        accounts=list(client.list("glaccount", fields="id,no,name,accountType")),
        customers=client.call("customer", "list", params={
            "fields": "id,customerNo,name", "sp.pageSize": CUSTOMER_SUGGESTIONS}).get("d") or [],
    )
    try:
        get_redis().set(key, json.dumps(asdict(found)), ex=CACHE_SECONDS)
    except redis.RedisError:
        current_app.logger.warning("Redis unavailable: Accurate's lists are read anew each time")
    return found


def choices_for(store: Store, form) -> Choices:
    """The lists a mapping form is checked against: read anew once when it names a branch or
    warehouse the kept lists lack, so a place just added (in Accurate, or through another
    process before the copy was renewed) is never refused as missing."""
    found = choices(store)
    branch = (form.get("branch_name") or "").strip()
    warehouse = (form.get("warehouse_name") or "").strip()
    if (branch and branch not in found.branches) or (
            warehouse and warehouse not in found.warehouses):
        return choices(store, refresh=True)
    return found


def add_place(store: Store, kind: str, name: str) -> None:
    """Create a branch or a warehouse in the store's Accurate database; every web process
    reads the lists anew after it."""
    client = client_for(store)
    client.save(kind, {"name": name})
    # Without Redis nothing is kept; a copy kept before it went away is renewed by
    # choices_for before it refuses anything.
    with contextlib.suppress(redis.RedisError):
        get_redis().delete(_cache_key(store, client))


def _cache_key(store: Store, client) -> str:
    # Keyed by the database too: a store that switches database must not see the old lists.
    access = client.access
    return f"isacc:accurate-lists:{store.id}:{access.host}:{access.database_id}"


def _account(accounts: list[dict], kind: str, *words: str) -> str | None:
    """The first account of `kind` whose name has one of `words` (else the first of kind)."""
    of_kind = [a for a in accounts if a.get("accountType") == kind]
    for word in words:
        for account in of_kind:
            if word.lower() in account["name"].lower():
                return account["no"]
    return of_kind[0]["no"] if of_kind else None


def takes_isellerpay(outlet: Outlet) -> bool:
    return ISELLERPAY in (outlet.payment_methods or [])


def paid_methods(outlet: Outlet) -> list[str]:
    """The payment methods that need an account of their own (iSellerPay has its fields)."""
    return [m for m in (outlet.payment_methods or ["cash"]) if m != ISELLERPAY]


def suggestions(outlet: Outlet, found: Choices) -> dict:
    """Defaults for a new mapping, picked by account type and name."""
    # The warehouse sharing most words with the outlet's name ("Bandung Dago" -> "Gudang
    # Dago"), else the first.
    words = [w for w in outlet.name.lower().split() if len(w) > 2]
    scored = sorted(found.warehouses,
                    key=lambda name: -sum(word in name.lower() for word in words))
    warehouse = scored[0] if scored else None
    methods = {}
    for method in paid_methods(outlet):
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




def required_fields(outlet: Outlet) -> list[str]:
    """The mapping fields an outlet must fill: the iSellerPay ones only if it takes it."""
    return [field for field in FIELDS
            if takes_isellerpay(outlet) or field not in ISELLERPAY_FIELDS]


def activation_is_billable(store: Store, outlet: Outlet) -> bool:
    """Whether activating `outlet` adds a billable outlet (see the module's docstring)."""
    mapping = outlet.mapping
    if mapping is not None and mapping.activated_at is not None:
        return mapping.billable  # activated before: billed as it was then
    free_taken = db.session.scalar(db.select(db.func.count()).select_from(OutletMapping).where(
        OutletMapping.store_id == store.id, OutletMapping.outlet_id != outlet.id,
        OutletMapping.billable.is_(False),
        OutletMapping.active.is_(True) | OutletMapping.activated_at.is_not(None)))
    return free_taken > 0


def _walk_in_problem(store: Store, number: str, found: Choices) -> str | None:
    """Why `number` cannot be the walk-in customer (None: Accurate has it). Checked now, since
    a wrong one would fail every sale without a customer later."""
    if any(c.get("customerNo") == number for c in found.customers):
        return None
    try:
        known = client_for(store).find_by_number("customer", number)
    except AccurateError as error:
        return _("Could not check the walk-in customer in Accurate: %(reason)s",
                 reason=error.told())
    if known is None:
        return _("Customer %(number)s is not in Accurate: choose an existing customer number.",
                 number=number)
    return None


def save(store: Store, outlet: Outlet, form: dict, found: Choices) -> dict[str, str]:
    """Save the mapping from `form` and activate it; returns field -> problem (nothing saved
    when there is any)."""
    problems = {}
    values = {field: (form.get(field) or "").strip() for field in FIELDS}
    paid_into = {m: (form.get(f"payment_{m}") or "").strip() for m in paid_methods(outlet)}
    accounts = found.account_numbers()
    # accountType is not in accurate-api.md: where Accurate names no account CASH_BANK the
    # form offers every account, and so does this check, or the outlet could never be saved.
    cash_bank = {a["no"] for a in found.cash_bank()} or accounts
    for field in required_fields(outlet):
        if not values[field]:
            problems[field] = _("Choose the %(field)s.", field=FIELDS[field])
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
    if values["isellerpay_account_no"] in accounts - cash_bank:
        problems["isellerpay_account_no"] = _(
            "Account %(number)s is not a cash or bank account.",
            number=values["isellerpay_account_no"])
    for method, account_no in paid_into.items():
        if not account_no:
            problems[f"payment_{method}"] = _("Choose the account %(method)s payments go to.",
                                              method=method)
        elif account_no not in accounts:
            problems[f"payment_{method}"] = _("Account %(number)s is not in Accurate.",
                                              number=account_no)
        elif account_no not in cash_bank:
            problems[f"payment_{method}"] = _(
                "Account %(number)s is not a cash or bank account.", number=account_no)
    # Last, and only when all else is right: it may cost a call to Accurate.
    if values["walk_in_customer_no"] and not problems and (
            problem := _walk_in_problem(store, values["walk_in_customer_no"], found)):
        problems["walk_in_customer_no"] = problem
    if problems:
        return problems
    mapping = outlet.mapping or OutletMapping(store_id=store.id, outlet_id=outlet.id)
    for field, value in values.items():
        setattr(mapping, field, value or None)
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
        # Two outlets activated at once must not both take the free slot: activations of a
        # store queue behind this lock (PostgreSQL; SQLite has one writer anyway).
        db.session.execute(db.select(Store.id).where(Store.id == store.id).with_for_update())
        mapping.billable = activation_is_billable(store, outlet)
        mapping.active = True
        mapping.activated_at = mapping.activated_at or utcnow()  # when it was first activated
    db.session.add(mapping)
    return {}


def deactivate(outlet: Outlet) -> bool:
    """Stop sending the outlet's documents: they stay pending until it is activated again
    (a batch a worker has already taken still goes). Returns False when it was not active."""
    if not outlet.is_active:
        return False
    outlet.mapping.active = False
    return True


def resume(store: Store, outlet: Outlet) -> None:
    """After (re)activation, after the commit: the rows held while the outlet was inactive
    lose that reason and go to the workers now."""
    # Whatever name the outlet had when they were held (iSeller may have renamed it since).
    held = str(inactive_reason("\0")).replace("%", "\\%").replace("_", "\\_")
    db.session.execute(db.update(SyncActivity).where(
        SyncActivity.store_id == store.id, SyncActivity.outlet_id == outlet.id,
        SyncActivity.status == Status.PENDING,
        SyncActivity.reason.like(held.replace("\0", "%"), escape="\\"),
    ).values(reason=None, next_step=None, wording=None))
    db.session.commit()
    wake({(store.id, outlet.id)})
