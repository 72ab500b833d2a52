"""What a sales invoice or return comes to, as Accurate works it out: line amounts after
their discounts, the document's cash discount, tax on the taxed lines (exclusive: added;
inclusive: already in the prices) and the other costs of `detailExpense`.

Which tax a line pays [C: the spec's useTax1 "overrides the item's PPN setting"]: the
item's `tax1Name`; `useTax1` true on an item without one takes the document's `tax1Name`
[G: the spec names it for down-payment invoices] or else the database's default sales tax,
false takes none; nothing at all when the document is not `taxable`.
[G] Tax is worked out per tax over the whole document and rounded to the rupiah there
(settings.TAX_DIGITS); the cash discount lowers each line's taxable amount in proportion.
"""

from decimal import ROUND_HALF_UP, Decimal

from isacc.sandbox import settings
from isacc.sandbox.storage import Database


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def flag(value) -> bool | None:
    """A JSON boolean, or the text of one from a form post; None when not given."""
    if value in (None, ""):
        return None
    return value is True or str(value).lower() == "true"


def rounded(value: float, digits: int) -> float:
    """Half up, as money is rounded (Python's round() rounds half to even)."""
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def tiered(amount: float, percents) -> float:
    """What "5+2" (5 %, then 2 % of the rest) takes off `amount`."""
    rest = amount
    for part in str(percents or "").replace(" ", "").split("+"):
        if part:
            rest -= rest * _number(part) / 100
    return amount - rest


def line_amount(line: dict) -> float:
    gross = _number(line.get("quantity")) * _number(line.get("unitPrice"))
    if line.get("itemCashDiscount") not in (None, ""):
        return gross - _number(line["itemCashDiscount"])
    return gross - tiered(gross, line.get("itemDiscPercent"))


def tax_of_line(db: Database, record: dict, line: dict) -> dict | None:
    """The tax record the line pays, or None."""
    if not flag(record.get("taxable")):
        return None
    item = db.by_number("item", line.get("itemNo")) or {}
    use = flag(line.get("useTax1"))
    if use is False:
        return None
    name = item.get("tax1Name")
    if name is None and use is None:
        return None
    return db.by_number("tax", name or record.get("tax1Name") or settings.DEFAULT_SALES_TAX)


def work_out(db: Database, record: dict) -> None:
    """Write the document's amounts onto it: each line's `totalPrice`, `subTotal`,
    `detailTax` (per tax: taxable amount and tax), `tax1Amount`,
    `totalExpense` and `totalAmount`, in rupiah."""
    digits = settings.TAX_DIGITS
    lines = record.get("detailItem") or []
    for line in lines:
        line["totalPrice"] = round(line_amount(line), 6)
    subtotal = sum(line["totalPrice"] for line in lines)
    if record.get("cashDiscount") not in (None, ""):
        discount = _number(record["cashDiscount"])
    else:
        discount = tiered(subtotal, record.get("cashDiscPercent"))
    share = (subtotal - discount) / subtotal if subtotal else 0.0
    bases: dict[str, list] = {}
    for line in lines:
        tax = tax_of_line(db, record, line)
        if tax is not None:
            bases.setdefault(tax["description"], [tax, 0.0])[1] += line["totalPrice"] * share
    detail_tax, tax_total = [], 0.0
    for tax, gross in bases.values():
        rate = _number(tax["rate"])
        if flag(record.get("inclusiveTax")):
            amount = rounded(gross * rate / (100 + rate), digits)
            base = rounded(gross - amount, digits)
        else:
            base = rounded(gross, digits)
            amount = rounded(base * rate / 100, digits)
        detail_tax.append({"taxId": tax["id"], "taxName": tax["description"], "rate": rate,
                           "taxableAmount": base, "taxAmount": amount})
        tax_total += amount
    expenses = sum(_number(cost.get("expenseAmount")) for cost in
                   record.get("detailExpense") or [])
    record["subTotal"] = round(subtotal, 6)
    record["detailTax"] = detail_tax
    record["tax1Amount"] = round(tax_total, 6)
    record["totalExpense"] = round(expenses, 6)
    added = 0.0 if flag(record.get("inclusiveTax")) else tax_total
    record["totalAmount"] = round(subtotal - discount + added + expenses, 6)
