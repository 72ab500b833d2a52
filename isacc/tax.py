"""A store's sales tax: none (not a taxable enterprise), PPN or PB1, each booked as the
Accurate tax the owner picks from the database's own list (tax/list.do), so invoices carry
net revenue and the tax owed (isacc.sync.documents.sales_invoice).

A store starts unset, which books as before (the till's tax folded into its prices) until
the owner chooses; the overview asks for it. The rate and the sales tax account are read
from Accurate when the owner chooses, so a document is built without a call."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from isacc.accurate.connection import client_for
from isacc.models import Store, TaxMode

MODE_LABELS = {
    TaxMode.NONE: _l("No tax: the store is not a taxable enterprise (any tax the till adds "
                     "stays in the price)"),
    TaxMode.PPN: _l("PPN (value added tax)"),
    TaxMode.PB1: _l("PB1 (restaurant tax)"),
}


@dataclass
class AccurateTax:
    name: str  # its description, which invoices name it by
    rate: Decimal
    account_no: str  # where the tax owed on sales is booked
    kind: str


def accurate_taxes(store: Store) -> list[AccurateTax]:
    """The database's taxes: tax/list.do answers ids only (its spec takes no `fields`), so
    each one's description, rate and account come from detail.do."""
    found = []
    for detail in client_for(store).details("tax"):
        try:
            rate = Decimal(str(detail.get("rate")))
        except InvalidOperation:
            continue  # a tax isacc cannot compute is not offered
        found.append(AccurateTax(name=str(detail.get("description") or ""), rate=rate,
                                 account_no=str(detail.get("salesTaxGlAccountNo") or ""),
                                 kind=str(detail.get("taxType") or "")))
    return [tax for tax in found if tax.name and tax.account_no]


def choose(store: Store, form: dict, taxes: list[AccurateTax]) -> dict[str, str]:
    """Save the store's tax from `form`; returns field -> problem (nothing saved if any)."""
    try:
        mode = TaxMode(form.get("tax_mode") or "")
    except ValueError:
        return {"tax_mode": _("Choose how the store's sales tax is booked.")}
    if mode == TaxMode.UNSET:
        return {"tax_mode": _("Choose how the store's sales tax is booked.")}
    if mode == TaxMode.NONE:
        store.tax_mode, store.tax_name, store.tax_rate, store.tax_account_no = (
            mode, None, None, None)
        return {}
    name = (form.get("tax_name") or "").strip()
    tax = next((t for t in taxes if t.name == name), None)
    if not name:
        return {"tax_name": _("Choose the Accurate tax the store's invoices carry.")}
    if tax is None:
        return {"tax_name": _("Tax %(name)s is not in Accurate.", name=name)}
    store.tax_mode, store.tax_name = mode, tax.name
    store.tax_rate, store.tax_account_no = tax.rate, tax.account_no
    return {}
