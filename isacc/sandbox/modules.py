"""Accurate's modules as the sandbox knows them: which field numbers a record, what a save
must contain (with Accurate-style Indonesian messages, every problem of a record at once), and
what a saved document changes (stock per warehouse, what an invoice still owes).

Table-driven: a new module is one more entry in MODULES.
"""

import re
import time
from datetime import datetime

from isacc.sandbox import changes, settings, tax
from isacc.sandbox.storage import Database

DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DEFAULT_WAREHOUSE = "Gudang Utama"


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class Check:
    """Gathers a record's problems and looks things up in the database."""

    def __init__(self, db: Database, record: dict):
        self.db, self.record, self.problems = db, record, []

    def fail(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def required(self, field: str, label: str, record: dict | None = None):
        value = (record or self.record).get(field)
        if value in (None, "", []):
            self.fail(f"{label} harus diisi")
        return value

    def date(self, field: str = "transDate") -> None:
        value = self.required(field, "Tanggal")
        if value in (None, ""):
            return
        try:
            if not DATE.match(str(value)):
                raise ValueError
            datetime.strptime(str(value), "%d/%m/%Y")
        except ValueError:
            self.fail(f'Format tanggal "{value}" tidak valid, gunakan dd/MM/yyyy')

    def cash_bank(self, field: str, label: str) -> None:
        """The record's `field` names an account that exists and is a cash or bank one."""
        no = self.required(field, label)
        account = self.exists("glaccount", no, "Akun")
        if account is not None and account.get("accountType") != "CASH_BANK":
            self.fail(f'Akun "{no}" bukan akun Kas/Bank')

    def exists(self, module: str, key, label: str) -> dict | None:
        if key in (None, ""):
            return None
        found = self.db.by_number(module, key)
        if found is None:
            self.fail(f'{label} "{key}" tidak ditemukan')
        return found

    def positive(self, value, label: str = "Kuantitas") -> float:
        number = _number(value)
        if number is None or number <= 0:
            self.fail(f"{label} harus lebih besar dari 0")
            return 0.0
        return number

    def lines(self, field: str, label: str) -> list[dict]:
        lines = self.record.get(field)
        if not isinstance(lines, list) or not lines:
            self.fail(f"{label} harus diisi")
            return []
        return [line for line in lines if isinstance(line, dict)]

    def branch(self) -> None:
        """Several branches: the user must say which one (Accurate refuses otherwise)."""
        name, branch_id = self.record.get("branchName"), self.record.get("branchId")
        if name:
            self.exists("branch", name, "Cabang")
        elif branch_id:
            if not any(str(b["id"]) == str(branch_id) for b in self.db.all("branch")):
                self.fail(f'Cabang "{branch_id}" tidak ditemukan')
        elif self.db.count("branch") > 1:
            self.fail("Profil pengguna anda memiliki akses ke lebih dari satu cabang, "
                      "silakan pilih cabang")

    def warehouse(self, name) -> str:
        if name:
            self.exists("warehouse", name, "Gudang")
            return name
        return DEFAULT_WAREHOUSE

    def items(self, lines: list[dict]) -> None:
        for line in lines:
            if self.required("itemNo", "Barang", line):
                self.exists("item", line["itemNo"], "Barang")
            self.positive(line.get("quantity"))


def move_stock(db: Database, item_no: str, warehouse: str, change: float) -> None:
    item = db.by_number("item", item_no)
    if item is None or item.get("itemType", "INVENTORY") != "INVENTORY":
        return
    stock = item.setdefault("stock", {})
    stock[warehouse] = round(stock.get(warehouse, 0) + change, 6)
    db.save("item", item)


class Module:
    """A module whose records are numbered by `key` and need nothing more than a name."""

    key = "number"
    prefix: str | None = None  # auto-numbering; None: the key must be given
    bulk = True
    transactional = False  # dated, in a branch

    def __init__(self, name: str):
        self.name = name

    def check(self, c: Check) -> None:
        if self.transactional:
            c.date()
            c.branch()

    def shape(self, db: Database, record: dict) -> dict:
        return record

    def apply(self, db: Database, record: dict, sign: int = 1) -> None:
        """What a saved document changes elsewhere; sign -1 undoes it (an edit undoes the
        stored version before applying the new one, a delete only undoes)."""

    def carry(self, stored: dict, edited: dict) -> None:
        """What an edited document keeps from its stored version beyond its own fields."""

    def in_use(self, db: Database, record: dict) -> str | None:
        """Why the document may not be deleted (another document builds on it), or None."""
        return None

    def auto_number(self, db: Database) -> str:
        n = db.next_number(self.name)
        if self.key == "customerNo":
            return f"{self.prefix}.{n:05d}"
        today = time.strftime("%Y.%m")
        return f"{self.prefix}.{today}.{n:05d}"


class Named(Module):
    key = "name"

    def check(self, c: Check) -> None:
        c.required("name", "Nama")


class Warehouse(Named):
    bulk = False  # [S] Accurate has no warehouse bulk-save


class GLAccount(Module):
    key = "no"

    def check(self, c: Check) -> None:
        c.required("no", "No. Akun")
        c.required("name", "Nama")
        c.required("accountType", "Tipe Akun")


class Item(Module):
    key, prefix = "no", "ITM"

    def check(self, c: Check) -> None:
        c.required("name", "Nama Barang")
        c.exists("tax", c.record.get("tax1Name"), "Pajak")
        for opening in c.record.get("detailOpenBalance") or []:
            c.positive(opening.get("quantity"), "Kuantitas saldo awal")
            c.warehouse(opening.get("warehouseName"))

    def carry(self, stored, edited):
        # An edit changes no opening balance: neither the stock nor what the books hold.
        edited["stock"] = stored.get("stock", {})
        edited["detailOpenBalance"] = stored.get("detailOpenBalance", [])

    def shape(self, db, record):
        record.setdefault("itemType", "INVENTORY")
        record.setdefault("unit1Name", "PCS")
        stock = {}
        # Kept: the ledger books the opening stock at its unit cost, and costs the item by it.
        for opening in record.get("detailOpenBalance") or []:
            name = opening.get("warehouseName") or DEFAULT_WAREHOUSE
            stock[name] = stock.get(name, 0) + float(opening["quantity"])
        record["stock"] = stock
        return record


class Customer(Module):
    key, prefix = "customerNo", "C"

    def check(self, c: Check) -> None:
        c.required("name", "Nama Pelanggan")


class Taxes(Module):
    """tax: Accurate's tax records, named by their description (items' `tax1Name`)."""

    key = "description"
    types = ("PPH15", "PPH21", "PPH22", "PPH23", "PPHPS4", "PPN", "PPNBM")

    def check(self, c: Check) -> None:
        c.required("description", "Deskripsi")
        kind = c.required("taxType", "Jenis Pajak")
        if kind and kind not in self.types:
            c.fail(f'Jenis Pajak "{kind}" tidak dikenal')
        rate = _number(c.record.get("rate"))
        if rate is None or not 0 <= rate <= 100:
            c.fail("Nilai persentase harus antara 0 dan 100")
        for field in ("salesTaxGlAccountNo", "purchaseTaxGlAccountNo"):
            c.exists("glaccount", c.required(field, "Akun Pajak"), "Akun")


class Sale(Module):
    """What a sales invoice and a sales return share: a customer, lines of items with prices,
    other costs, tax, and the amounts worked out from them."""

    transactional = True

    def check(self, c: Check) -> None:
        super().check(c)
        if c.required("customerNo", "Pelanggan"):
            c.exists("customer", c.record["customerNo"], "Pelanggan")
        if c.record.get("tax1Name"):
            c.exists("tax", c.record["tax1Name"], "Pajak")
        lines = c.lines("detailItem", "Rincian barang")
        c.items(lines)
        for line in lines:
            if _number(line.get("unitPrice")) is None:
                c.fail("Harga satuan harus diisi")
            c.warehouse(line.get("warehouseName"))
        for cost in c.record.get("detailExpense") or []:
            c.exists("glaccount", c.required("accountNo", "Akun biaya", cost), "Akun")
            if _number(cost.get("expenseAmount")) is None:
                c.fail("Nilai biaya harus diisi")

    def shape(self, db, record):
        tax.work_out(db, record)
        return record


class SalesInvoice(Sale):
    prefix = "SI"

    def shape(self, db, record):
        tax.work_out(db, record)
        record["outstanding"] = record["totalAmount"]
        return record

    def carry(self, stored, edited):
        # What receipts paid stays paid: the edit moves what is owed by the difference.
        paid = stored["totalAmount"] - stored["outstanding"]
        edited["outstanding"] = round(edited["totalAmount"] - paid, 6)

    def apply(self, db, record, sign=1):
        for line in record["detailItem"]:
            move_stock(db, line["itemNo"], line.get("warehouseName") or DEFAULT_WAREHOUSE,
                       -sign * float(line["quantity"]))

    def in_use(self, db, record):
        for receipt in db.all("sales-receipt"):
            if any(line.get("invoiceNo") == record["number"]
                   for line in receipt.get("detailInvoice") or []):
                return (f'Faktur Penjualan "{record["number"]}" sudah digunakan di Penerimaan '
                        f'Penjualan "{receipt["number"]}"')
        for back in db.all("sales-return"):
            if back.get("invoiceNumber") == record["number"]:
                return (f'Faktur Penjualan "{record["number"]}" sudah digunakan di Retur '
                        f'Penjualan "{back["number"]}"')
        return None


class SalesReturn(Sale):
    """Goods a customer brings back. Against an invoice (returnType INVOICE) only what it
    sold, less what earlier returns took back; the stock comes back in, and the return's
    amount lowers what the invoice still owes [G: down to nothing; the rest is the
    customer's credit, `creditAmount`, which the shop refunds]."""

    prefix = "SR"
    types = ("DELIVERY", "INVOICE", "INVOICE_DP", "NO_INVOICE")
    emulated = ("INVOICE", "NO_INVOICE")

    def check(self, c: Check) -> None:
        super().check(c)
        kind = c.required("returnType", "Tipe retur")
        if kind and kind not in self.types:
            c.fail(f'Tipe retur "{kind}" tidak dikenal')
        elif kind and kind not in self.emulated:
            c.fail(f'Sandbox: retur jenis "{kind}" tidak diemulasikan, gunakan INVOICE '
                   f'atau NO_INVOICE')
        if kind != "INVOICE":
            return
        invoice = c.exists("sales-invoice", c.required("invoiceNumber", "No Faktur"),
                           "Faktur Penjualan")
        if invoice is None:
            return
        customer = c.record.get("customerNo")
        if customer and invoice["customerNo"] != customer:
            c.fail(f'Faktur Penjualan "{invoice["number"]}" bukan milik pelanggan "{customer}"')
        left = self._returnable(c.db, invoice, c.record.get("id"))
        for line in c.lines("detailItem", "Rincian barang"):
            item_no, quantity = line.get("itemNo"), _number(line.get("quantity")) or 0
            if item_no not in left:
                c.fail(f'Barang "{item_no}" tidak ada di Faktur Penjualan "{invoice["number"]}"')
            elif quantity > left[item_no] + 1e-9:
                c.fail(f'Kuantitas retur barang "{item_no}" melebihi sisa kuantitas faktur '
                       f'({left[item_no]:g})')
            else:
                left[item_no] -= quantity

    @staticmethod
    def _returnable(db, invoice: dict, itself) -> dict[str, float]:
        """Per item, what the invoice sold less what its other returns took back."""
        left: dict[str, float] = {}
        for line in invoice["detailItem"]:
            left[line["itemNo"]] = left.get(line["itemNo"], 0) + float(line["quantity"])
        for back in db.all("sales-return"):
            if back.get("invoiceNumber") == invoice["number"] and back["id"] != itself:
                for line in back["detailItem"]:
                    left[line["itemNo"]] = left.get(line["itemNo"], 0) - float(line["quantity"])
        return left

    def shape(self, db, record):
        invoice = db.by_number("sales-invoice", record.get("invoiceNumber")) \
            if record.get("returnType") == "INVOICE" else None
        if invoice is not None:
            # [G] A return is taxed as the invoice it takes back unless it says otherwise.
            for field in ("taxable", "inclusiveTax"):
                record.setdefault(field, invoice.get(field, False))
            warehouses = {line["itemNo"]: line.get("warehouseName")
                          for line in invoice["detailItem"]}
            for line in record["detailItem"]:
                line.setdefault("warehouseName", warehouses.get(line["itemNo"])
                                or DEFAULT_WAREHOUSE)
        tax.work_out(db, record)
        owed = max(invoice["outstanding"], 0) if invoice is not None else 0
        record["returnAmount"] = round(min(record["totalAmount"], owed), 6)
        record["creditAmount"] = round(record["totalAmount"] - record["returnAmount"], 6)
        return record

    def apply(self, db, record, sign=1):
        for line in record["detailItem"]:
            move_stock(db, line["itemNo"], line.get("warehouseName") or DEFAULT_WAREHOUSE,
                       sign * float(line["quantity"]))
        if record.get("returnType") == "INVOICE":
            invoice = db.by_number("sales-invoice", record["invoiceNumber"])
            invoice["outstanding"] = round(
                invoice["outstanding"] - sign * record["returnAmount"], 6)
            db.save("sales-invoice", invoice)


class SalesReceipt(Module):
    prefix, transactional = "CR", True

    def check(self, c: Check) -> None:
        super().check(c)
        customer = c.required("customerNo", "Pelanggan")
        c.exists("customer", customer, "Pelanggan")
        c.exists("glaccount", c.required("bankNo", "Kas/Bank"), "Akun")
        cheque = _number(c.required("chequeAmount", "Nilai pembayaran"))
        paid = 0.0
        for line in c.lines("detailInvoice", "Rincian faktur"):
            payment = c.positive(line.get("paymentAmount"), "Nilai pembayaran")
            paid += payment
            discount = 0.0
            for cut in line.get("detailDiscount") or []:
                c.exists("glaccount", cut.get("accountNo"), "Akun")
                discount += _number(cut.get("amount")) or 0
            invoice = c.exists("sales-invoice", c.required("invoiceNo", "Faktur", line),
                               "Faktur Penjualan")
            if invoice is None:
                continue
            if customer and invoice["customerNo"] != customer:
                c.fail(f'Faktur Penjualan "{invoice["number"]}" bukan milik pelanggan '
                       f'"{customer}"')
            owing = invoice["outstanding"]
            if settings.DEFAULTS["REFUSE_OVERPAYMENT"] and payment + discount > owing + 1e-6:
                c.fail(f"Nilai pembayaran lebih besar dari sisa tagihan faktur "
                       f'"{invoice["number"]}" ({owing:g})')
        if cheque is not None and abs(cheque - paid) > 1e-6:
            c.fail("Nilai pembayaran tidak sama dengan total rincian faktur")

    def apply(self, db, record, sign=1):
        for line in record["detailInvoice"]:
            invoice = db.by_number("sales-invoice", line["invoiceNo"])
            discount = sum(float(cut["amount"]) for cut in line.get("detailDiscount") or [])
            invoice["outstanding"] = round(
                invoice["outstanding"] - sign * (float(line["paymentAmount"]) + discount), 6)
            db.save("sales-invoice", invoice)


class ItemTransfer(Module):
    prefix, transactional = "IT", True
    types = ("TRANSFER_OUT", "TRANSFER_IN")

    def check(self, c: Check) -> None:
        super().check(c)
        kind = c.required("itemTransferType", "Tipe pemindahan")
        if kind and kind not in self.types:
            c.fail(f'Tipe pemindahan "{kind}" tidak dikenal')
        c.required("warehouseName", "Gudang")
        c.warehouse(c.record.get("warehouseName"))
        c.warehouse(c.record.get("referenceWarehouseName"))
        c.items(c.lines("detailItem", "Rincian barang"))
        if kind == "TRANSFER_IN":
            source = c.exists("item-transfer", c.required("fromItemTransferNo",
                                                          "Nomor pemindahan asal"),
                              "Pemindahan Barang")
            if source is not None and source.get("itemTransferType") != "TRANSFER_OUT":
                c.fail(f'Pemindahan Barang "{source["number"]}" bukan pengiriman barang')

    def apply(self, db, record, sign=1):
        direction = -1 if record["itemTransferType"] == "TRANSFER_OUT" else 1
        for line in record["detailItem"]:
            move_stock(db, line["itemNo"], record["warehouseName"],
                       sign * direction * float(line["quantity"]))
        if direction > 0:
            source = db.by_number("item-transfer", record["fromItemTransferNo"])
            if sign > 0:
                source["itemTransferOutStatus"] = "FULL_RECEIVED"
            else:
                source.pop("itemTransferOutStatus", None)
            db.save("item-transfer", source)

    def in_use(self, db, record):
        if record.get("itemTransferOutStatus") == "FULL_RECEIVED":
            return f'Pemindahan Barang "{record["number"]}" sudah diterima'
        return None


class ItemAdjustment(Module):
    prefix, transactional = "IA", True
    types = ("ADJUSTMENT_IN", "ADJUSTMENT_OUT")

    def check(self, c: Check) -> None:
        super().check(c)
        c.exists("glaccount", c.record.get("adjustmentAccountNo"), "Akun")
        lines = c.lines("detailItem", "Rincian barang")
        c.items(lines)
        for line in lines:
            kind = c.required("itemAdjustmentType", "Tipe penyesuaian", line)
            if kind and kind not in self.types:
                c.fail(f'Tipe penyesuaian "{kind}" tidak dikenal')
            c.warehouse(line.get("warehouseName"))

    def shape(self, db, record):
        record.setdefault("adjustmentAccountNo", settings.LEDGER_ACCOUNTS["ADJUSTMENT"])
        return record

    def apply(self, db, record, sign=1):
        for line in record["detailItem"]:
            direction = 1 if line["itemAdjustmentType"] == "ADJUSTMENT_IN" else -1
            move_stock(db, line["itemNo"], line.get("warehouseName") or DEFAULT_WAREHOUSE,
                       sign * direction * float(line["quantity"]))


class CashMovement(Module):
    """other-deposit (money in) and other-payment (money out), without an invoice."""

    transactional = True

    def __init__(self, name: str, prefix: str):
        super().__init__(name)
        self.prefix = prefix

    def check(self, c: Check) -> None:
        super().check(c)
        c.exists("glaccount", c.required("bankNo", "Kas/Bank"), "Akun")
        c.required("payee", "Penerima")
        for line in c.lines("detailAccount", "Rincian akun"):
            c.exists("glaccount", c.required("accountNo", "Akun", line), "Akun")
            c.positive(line.get("amount"), "Nilai")
            c.required("expenseName", "Keterangan", line)


class BankTransfer(Module):
    """Money moved from one of the shop's cash or bank accounts to another; what a bank
    charges for it (detailBankTransfer) goes to the charge's account."""

    prefix, transactional = "BT", True

    def check(self, c: Check) -> None:
        super().check(c)
        c.cash_bank("fromBankNo", "Kas/Bank asal")
        c.cash_bank("toBankNo", "Kas/Bank tujuan")
        if c.record.get("fromBankNo") and c.record.get("fromBankNo") == c.record.get("toBankNo"):
            c.fail("Kas/Bank asal dan tujuan tidak boleh sama")
        c.positive(c.record.get("fromBankAmount"), "Nilai transfer")
        for charge in c.record.get("detailBankTransfer") or []:
            c.exists("glaccount", c.required("accountNo", "Akun biaya", charge), "Akun")
            c.positive(charge.get("amount"), "Nilai biaya")
            c.required("bankChargeType", "Jenis biaya", charge)
            c.required("expenseName", "Keterangan", charge)


class Vendor(Module):
    key, prefix = "vendorNo", "V"

    def check(self, c: Check) -> None:
        c.required("name", "Nama Pemasok")

    def auto_number(self, db: Database) -> str:
        return f"{self.prefix}.{db.next_number(self.name):05d}"


class Purchase(Module):
    """Purchase order, receive item, purchase invoice: goods from a vendor into a warehouse.
    A receipt adds stock; an invoice adds it too, except for the lines that bill goods
    already received (the spec names the receipt on the line, `receiveItemNumber`)."""

    transactional = True

    def __init__(self, name: str, prefix: str, adds_stock: bool):
        super().__init__(name)
        self.prefix, self.adds_stock = prefix, adds_stock

    def check(self, c: Check) -> None:
        super().check(c)
        c.exists("vendor", c.required("vendorNo", "Pemasok"), "Pemasok")
        lines = c.lines("detailItem", "Rincian barang")
        c.items(lines)
        for line in lines:
            c.warehouse(line.get("warehouseName"))
            c.exists("purchase-order", line.get("purchaseOrderNumber"), "Pesanan Pembelian")
            c.exists("receive-item", received_with(c.record, line), "Penerimaan Barang")

    def apply(self, db, record, sign=1):
        if not self.adds_stock:
            return
        for line in record["detailItem"]:
            if received_with(record, line) is None:
                move_stock(db, line["itemNo"], line.get("warehouseName") or DEFAULT_WAREHOUSE,
                           sign * float(line["quantity"]))

    def in_use(self, db, record):
        if self.name == "receive-item":
            for invoice in db.all("purchase-invoice"):
                if any(received_with(invoice, line) == record["number"]
                       for line in invoice["detailItem"]):
                    return (f'Penerimaan Barang "{record["number"]}" sudah ditagih di Faktur '
                            f'Pembelian "{invoice["number"]}"')
        return None


def received_with(record: dict, line: dict) -> str | None:
    """The receipt whose goods a purchase line bills: the line's own `receiveItemNumber`,
    else the document's (a body the sandbox takes in-process), else None."""
    return line.get("receiveItemNumber") or record.get("receiveItemNumber") or None


MODULES: dict[str, Module] = {m.name: m for m in [
    Named("branch"), Warehouse("warehouse"), GLAccount("glaccount"), Item("item"),
    Customer("customer"), Taxes("tax"), SalesInvoice("sales-invoice"),
    SalesReceipt("sales-receipt"), SalesReturn("sales-return"),
    ItemTransfer("item-transfer"), ItemAdjustment("item-adjustment"),
    CashMovement("other-deposit", "OD"), CashMovement("other-payment", "OP"),
    BankTransfer("bank-transfer"),
    Vendor("vendor"), Purchase("purchase-order", "PO", adds_stock=False),
    Purchase("receive-item", "RI", adds_stock=True),
    Purchase("purchase-invoice", "PI", adds_stock=True),
]}


def seed(db: Database, branches: list[str]) -> None:
    """A new database's branches, warehouses, chart of accounts and walk-in customer."""
    if db.count("glaccount"):
        seed_taxes(db)
        return
    with db.transaction():
        for name in branches:
            db.insert("branch", name, {"name": name})
        for name in settings.SEED_WAREHOUSES:
            db.insert("warehouse", name, {"name": name})
        for no, name, kind in settings.SEED_ACCOUNTS:
            db.insert("glaccount", no, {"no": no, "name": name, "accountType": kind})
        for no, name in settings.SEED_CUSTOMERS:
            db.insert("customer", no, {"customerNo": no, "name": name})
        for no, name in settings.SEED_VENDORS:
            db.insert("vendor", no, {"vendorNo": no, "name": name})
    seed_taxes(db)


def seed_taxes(db: Database) -> None:
    """Taxes came to the sandbox later than the rest: a database made before gets them too."""
    if db.count("tax"):
        return
    with db.transaction():
        known = {account["no"] for account in db.all("glaccount")}
        for no, name, kind in settings.SEED_ACCOUNTS:
            if no not in known:
                db.insert("glaccount", no, {"no": no, "name": name, "accountType": kind})
        for kind, description, rate, sales, purchase in settings.SEED_TAXES:
            db.insert("tax", description, {
                "taxType": kind, "description": description, "rate": rate,
                "salesTaxGlAccountNo": sales, "purchaseTaxGlAccountNo": purchase})


class Refused(Exception):
    """A save's problems, raised inside its transaction so that nothing it did stays."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def save(db: Database, module: Module, body: dict) -> dict:
    """One save.do: the answer envelope, `r` being the stored record. With `id` it is an
    edit: checked like a new document, and what the stored version changed (stock, what
    is owed) is undone before the edited version's effects are applied."""
    record = {k: v for k, v in body.items() if v is not None}
    try:
        # The whole save holds the database: checks and effects see no half-saved neighbour.
        with db.transaction():
            stored = _edit(db, module, record) if record.get("id") else _create(db, module, record)
    except Refused as refused:
        return {"s": False, "d": refused.problems}
    return {"s": True, "d": ["Data berhasil disimpan"], "r": stored}


def _check(db: Database, module: Module, record: dict, doc_id=None) -> None:
    c = Check(db, record)
    module.check(c)
    number = record.get(module.key)
    if number not in (None, ""):
        other = db.by_number(module.name, number)
        if other is not None and other["id"] != doc_id:
            c.fail(f'Nomor "{number}" sudah digunakan')
    elif module.prefix is None:
        c.fail("Nama harus diisi" if module.key == "name" else "Nomor harus diisi")
    if c.problems:
        raise Refused(c.problems)


def _create(db: Database, module: Module, record: dict) -> dict:
    _check(db, module, record)
    if record.get(module.key) in (None, ""):
        record[module.key] = module.auto_number(db)
    record = module.shape(db, record)
    record["lastUpdate"] = db.clock.stamp()
    changes.number_lines(db, record)
    stored = db.insert(module.name, str(record[module.key]), record)
    module.apply(db, stored)
    return db.get(module.name, stored["id"])


def _edit(db: Database, module: Module, body: dict) -> dict:
    stored = db.get(module.name, body["id"])
    if stored is None:
        raise Refused([f'Data dengan id {body["id"]} tidak ditemukan'])
    edited, problems = changes.merge(stored, body)
    if problems:
        raise Refused(problems)
    edited["id"] = stored["id"]
    module.apply(db, stored, -1)
    _check(db, module, edited, stored["id"])
    edited = module.shape(db, edited)
    module.carry(stored, edited)
    if edited.get("outstanding", 0) < -1e-6:
        raise Refused([f'Nilai transaksi lebih kecil dari yang sudah dibayar '
                       f'({stored["totalAmount"] - stored["outstanding"]:g})'])
    edited["lastUpdate"] = db.clock.stamp()
    changes.number_lines(db, edited)
    db.save(module.name, edited, number=str(edited[module.key]))
    module.apply(db, edited)
    return db.get(module.name, stored["id"])


def delete(db: Database, module: Module, record: dict) -> dict:
    """One delete.do: what the document changed is undone, unless another document builds
    on it (Accurate refuses that delete)."""
    with db.transaction():
        stored = db.get(module.name, record["id"])
        if stored is None:
            return {"s": False, "d": ["Data tidak ditemukan"]}
        reason = module.in_use(db, stored)
        if reason:
            return {"s": False, "d": [reason]}
        module.apply(db, stored, -1)
        db.delete(module.name, stored["id"])
    return {"s": True, "d": ["Data berhasil dihapus"], "r": stored}
