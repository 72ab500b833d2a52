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
from sqlalchemy import or_

from isacc import payment_methods
from isacc.accurate.connection import client_for
from isacc.accurate.errors import AccurateError
from isacc.extensions import db
from isacc.models import (
    Outlet,
    OutletMapping,
    OutletPaymentAccount,
    SalesPayment,
    Status,
    Store,
    SyncActivity,
)
from isacc.models.base import utcnow
from isacc.payment_methods import with_methods
from isacc.redis_conn import get_redis
from isacc.sync.engine import inactive_reason
from isacc.sync.lanes import wake

# Accurate's lists are kept this long in Redis, where every web process reads the same copy.
CACHE_SECONDS = 60

FIELDS = {  # form field -> label, for messages
    "branch_name": _l("branch"), "warehouse_name": _l("warehouse"),
    "register_cash_account_no": _l("register cash account"),
    "cash_drop_account_no": _l("bank account for cash taken to the bank"),
    "cash_top_up_account_no": _l("account that cash added to the register comes from"),
    "cash_expense_account_no": _l("expense account for cash paid from the register"),
    "adjustment_account_no": _l("stock adjustment account"),
    "walk_in_customer_no": _l("walk-in customer"),
}
# Asked for only once an order carries the charge, or a payout comes (the document waits
# for its account until then).
CHARGE_FIELDS = {
    "service_charge_account_no": _l("service charge account"),
    "rounding_account_no": _l("rounding account (the till's rounding and Accurate's tax "
                              "rounding)"),
    "tips_account_no": _l("tips account (tips owed to the staff)"),
    "payout_account_no": _l("payout bank account (where iSeller pays iSeller Pay takings "
                            "out to)"),
}
# Accurate's type of the accounts money is paid into (a sales receipt's `bankNo`).
CASH_BANK = "CASH_BANK"
# Moving cash is not a sale: no register cash movement may be booked to these.
INCOME = {"REVENUE", "OTHER_INCOME"}
# The other end of each register cash movement, and what kinds of account it may be.
CASH_ENDS = ("cash_drop_account_no", "cash_top_up_account_no", "cash_expense_account_no")
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


def _account_named(accounts: list[dict], *words: str) -> str | None:
    """The first account of any type whose name has one of `words`, else none: a charge's
    account is better left for the owner than guessed."""
    for word in words:
        for account in accounts:
            if word in account["name"].lower().split():
                return account["no"]
    return None


def methods(outlet: Outlet) -> list[str]:
    """The payment methods the outlet's mapping has a row for: those iSeller named, those its
    sales used, and any a waiting receipt has (so a method first seen in a sale always gets
    its field, even if two sales recorded it at once)."""
    waiting = db.session.scalars(
        db.select(SalesPayment.method).distinct()
        .join(SyncActivity, (SyncActivity.source_kind == "sales_payment")
              & (SyncActivity.source_id == SalesPayment.id))
        .where(SyncActivity.store_id == outlet.store_id, SyncActivity.outlet_id == outlet.id,
               SyncActivity.status == Status.PENDING)).all()
    return with_methods(outlet.payment_methods or [payment_methods.CASH], sorted(waiting))


def _method_keys(outlet: Outlet) -> list[tuple[str, str]]:
    # Form fields are numbered: a method's name is the shop's own and may hold anything.
    return [(f"method_{n}", method) for n, method in enumerate(methods(outlet))]


def suggestions(outlet: Outlet, found: Choices) -> dict:
    """Defaults for a new mapping, picked by account type and name."""
    # The warehouse sharing most words with the outlet's name ("Bandung Dago" -> "Gudang
    # Dago"), else the first.
    words = [w for w in outlet.name.lower().split() if len(w) > 2]
    scored = sorted(found.warehouses,
                    key=lambda name: -sum(word in name.lower() for word in words))
    warehouse = scored[0] if scored else None
    register_cash = _account(found.accounts, CASH_BANK, "kas toko", "kas")
    bank = _account(found.accounts, CASH_BANK, "bank")
    fee = _account(found.accounts, "EXPENSE", "mdr", "biaya bank", "administrasi bank")
    rows = {}
    for method in methods(outlet):
        if method == payment_methods.CASH:
            account = register_cash
        elif method.lower() == payment_methods.ISELLERPAY:
            account = _account(found.accounts, CASH_BANK, "isellerpay", "iseller") or bank
        else:
            account = bank
        rows[method] = {"account": account, "type": payment_methods.default_type(method),
                        "fee": fee if payment_methods.carries_fees(method) else None}
    return {
        "branch_name": found.branches[0] if found.branches else None,
        "warehouse_name": warehouse,
        "register_cash_account_no": register_cash,
        "cash_drop_account_no": bank,
        "cash_top_up_account_no": bank,
        "cash_expense_account_no": _account(found.accounts, "EXPENSE", "operasional",
                                            "kas kecil", "umum", "lain"),
        "adjustment_account_no": _account(found.accounts, "EXPENSE", "selisih persediaan"),
        "walk_in_customer_no": "WALKIN",
        "service_charge_account_no": _account_named(found.accounts, "service"),
        "rounding_account_no": _account_named(found.accounts, "pembulatan", "rounding"),
        "tips_account_no": _account_named(found.accounts, "tip"),
        "payout_account_no": None,  # iSeller's own add-on asks for it: the owner knows it
        "payment_accounts": rows,
    }


def form_values(outlet: Outlet, mapping_values: dict) -> dict:
    """A mapping's values (saved or suggested) as the form's fields."""
    flat = {k: v for k, v in mapping_values.items() if k != "payment_accounts"}
    rows = mapping_values["payment_accounts"]
    for key, method in _method_keys(outlet):
        row = rows.get(method) or {}
        flat.update({f"{key}_name": method, f"{key}_account": row.get("account"),
                     f"{key}_type": row.get("type") or payment_methods.default_type(method),
                     f"{key}_fee": row.get("fee")})
    return flat


def current_values(outlet: Outlet) -> dict | None:
    mapping = outlet.mapping
    if mapping is None:
        return None
    values = {field: getattr(mapping, field) for field in (*FIELDS, *CHARGE_FIELDS)}
    values["payment_accounts"] = {
        a.payment_method: {"account": a.account_no, "type": a.accurate_type,
                           "fee": a.fee_account_no} for a in mapping.payment_accounts}
    return values


def method_rows(outlet: Outlet) -> list[tuple[str, str]]:
    """(form key, method) for each method row of the form."""
    return _method_keys(outlet)


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


def _paid_into(outlet: Outlet, form: dict) -> dict[str, dict]:
    """Each method row the form sent, by method; a row for a method the outlet does not have
    (a form older than the outlet's list) is ignored."""
    known = set(methods(outlet))
    rows = {}
    n = 0
    while (method := form.get(f"method_{n}_name")) is not None:
        if method in known:
            rows[method] = {"key": f"method_{n}", **{
                part: (form.get(f"method_{n}_{part}") or "").strip()
                for part in ("account", "type", "fee")}}
        n += 1
    return rows


def save(store: Store, outlet: Outlet, form: dict, found: Choices) -> dict[str, str]:
    """Save the mapping from `form` and activate it; returns field -> problem (nothing saved
    when there is any)."""
    problems = {}
    values = {field: (form.get(field) or "").strip() for field in (*FIELDS, *CHARGE_FIELDS)}
    rows = _paid_into(outlet, form)
    accounts = {a["no"]: a for a in found.accounts}
    # accountType is not in accurate-api.md: where Accurate names no account CASH_BANK the
    # form offers every account, and so does this check, or the outlet could never be saved.
    cash_bank = {a["no"] for a in found.cash_bank()} or set(accounts)

    def check_account(field: str, number: str, *, money: bool = False,
                      not_income: bool = False) -> None:
        if number not in accounts:
            problems[field] = _("Account %(number)s is not in Accurate.", number=number)
        elif money and number not in cash_bank:
            problems[field] = _("Account %(number)s is not a cash or bank account.",
                                number=number)
        elif not_income and accounts[number].get("accountType") in INCOME:
            problems[field] = _("Account %(number)s is a revenue account: moving register "
                                "cash is not a sale.", number=number)

    for field in FIELDS:
        if not values[field]:
            problems[field] = _("Choose the %(field)s.", field=FIELDS[field])
    if values["branch_name"] and values["branch_name"] not in found.branches:
        problems["branch_name"] = _("Branch %(name)s is not in Accurate.",
                                     name=values["branch_name"])
    if values["warehouse_name"] and values["warehouse_name"] not in found.warehouses:
        problems["warehouse_name"] = _("Warehouse %(name)s is not in Accurate.",
                                        name=values["warehouse_name"])
    if values["adjustment_account_no"]:
        check_account("adjustment_account_no", values["adjustment_account_no"])
    register = values["register_cash_account_no"]
    if register:
        check_account("register_cash_account_no", register, money=True)
    for field in CASH_ENDS:
        if values[field]:
            check_account(field, values[field], money=field == "cash_drop_account_no",
                          not_income=True)
            if values[field] == register and field not in problems:
                problems[field] = _("Choose another account than register cash: the cash "
                                    "moves between the two.")
    for field in CHARGE_FIELDS:
        if values[field]:
            check_account(field, values[field], money=field == "payout_account_no")
    for method, row in rows.items():
        name = payment_methods.label(method)
        if not row["account"]:
            problems[f"{row['key']}_account"] = _(
                "Choose the account %(method)s payments go to.", method=name)
        else:
            check_account(f"{row['key']}_account", row["account"], money=True)
        if row["type"] not in payment_methods.TYPES:
            problems[f"{row['key']}_type"] = _("Choose how Accurate records %(method)s "
                                               "payments.", method=name)
        if row["fee"]:
            check_account(f"{row['key']}_fee", row["fee"], not_income=True)
    # Last, and only when all else is right: it may cost a call to Accurate.
    if values["walk_in_customer_no"] and not problems and (
            problem := _walk_in_problem(store, values["walk_in_customer_no"], found)):
        problems["walk_in_customer_no"] = problem
    if problems:
        return problems
    mapping = outlet.mapping or OutletMapping(store_id=store.id, outlet_id=outlet.id)
    for field, value in values.items():
        setattr(mapping, field, value or None)
    # Updated in place: replacing the rows would insert a method before deleting it. A row
    # the form did not send (a method the outlet no longer lists) stays as it was.
    current = {a.payment_method: a for a in mapping.payment_accounts}
    for method, row in rows.items():
        account = current.get(method)
        if account is None:
            account = OutletPaymentAccount(payment_method=method)
            mapping.payment_accounts.append(account)
        account.account_no, account.accurate_type = row["account"], row["type"]
        account.fee_account_no = row["fee"] or None
    if not mapping.active:
        # Two outlets activated at once must not both take the free slot: activations of a
        # store queue behind this lock (PostgreSQL; SQLite has one writer anyway).
        db.session.execute(db.select(Store.id).where(Store.id == store.id).with_for_update())
        mapping.billable = activation_is_billable(store, outlet)
        mapping.active = True
        mapping.activated_at = mapping.activated_at or utcnow()  # when it was first activated
    db.session.add(mapping)
    return {}


def release_waiting(store: Store, outlet: Outlet) -> None:
    """After a mapping is saved, after the commit: the outlet's documents that waited for
    it (isacc.accurate.errors.MappingNeeded) go now instead of at their next check. Any
    other pending row with a reason goes too: a retry a little early is harmless."""
    now = utcnow()
    db.session.execute(db.update(SyncActivity).where(
        SyncActivity.store_id == store.id, SyncActivity.outlet_id == outlet.id,
        SyncActivity.status == Status.PENDING, SyncActivity.reason.is_not(None),
        SyncActivity.due_at > now,
        or_(SyncActivity.claimed_until.is_(None), SyncActivity.claimed_until < now),
    ).values(due_at=now))
    db.session.commit()
    wake({(store.id, outlet.id)})


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
