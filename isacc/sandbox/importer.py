"""Accurate's goods-and-services import ("Barang & Jasa" sheet): one row per item, or per item
and warehouse for opening stock. Each row saved or refused with its reason, as Accurate's
import reports success and failure counts with the failed rows."""

from io import BytesIO

from openpyxl import load_workbook

from isacc.sandbox import modules
from isacc.sandbox.storage import Database

SHEET = "Barang & Jasa"
ITEM_TYPES = {"INV": "INVENTORY", "NON": "NON_INVENTORY", "SVC": "SERVICE"}
# Column header -> item field ([C]/[S] in accurate-api.md 9.1).
COLUMNS = {
    "Kode Barang": "no", "Nama Barang": "name", "Kategori Barang": "itemCategoryName",
    "Jenis Barang": "itemType", "Satuan": "unit1Name", "Def. Hrg. Jual Satuan #1": "unitPrice",
    "Harga Beli": "vendorPrice", "UPC/Barcode": "upcNo", "Catatan": "notes",
}
OPENING = {"Gudang Saldo Awal": "warehouseName", "Kuantitas Saldo Awal": "quantity",
           "Nilai Satuan": "unitCost", "Per Tanggal": "asOf"}


class NotAnImportFile(ValueError):
    """The file is not an import file at all (no sheet, no header)."""


def _rows(content: bytes) -> list[dict]:
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets one clear answer
        raise NotAnImportFile(f"the file is not an Excel workbook: {error}") from error
    if SHEET not in book.sheetnames:
        raise NotAnImportFile(f'the workbook has no "{SHEET}" sheet')
    rows = list(book[SHEET].iter_rows(values_only=True))
    if not rows:
        raise NotAnImportFile("the sheet is empty")
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    for required in ("Kode Barang", "Nama Barang"):
        if required not in header:
            raise NotAnImportFile(f'the sheet has no "{required}" column')
    return [dict(zip(header, row, strict=False)) for row in rows[1:]
            if any(cell not in (None, "") for cell in row)]


def import_items(db: Database, content: bytes) -> dict:
    """{"saved": n, "failed": [{"row": excel row, "reason": ...}]}"""
    saved, failed = 0, []
    created_here: set[str] = set()  # further rows of these items add their warehouses' stock
    item_module = modules.MODULES["item"]
    for position, row in enumerate(_rows(content), start=2):
        record = {field: row.get(column) for column, field in COLUMNS.items()
                  if row.get(column) not in (None, "")}
        record["itemType"] = ITEM_TYPES.get(str(record.get("itemType", "INV")).upper(),
                                            record.get("itemType"))
        opening = {field: row.get(column) for column, field in OPENING.items()
                   if row.get(column) not in (None, "")}
        no = str(record.get("no", "")).strip()
        record["no"] = no
        if no in created_here and opening:
            reason = _add_opening(db, no, opening)
        else:
            if opening:
                record["detailOpenBalance"] = [opening]
            answer = modules.save(db, item_module, record)
            reason = None if answer["s"] else "; ".join(answer["d"])
            if answer["s"]:
                created_here.add(no)
        if reason:
            failed.append({"row": position, "reason": reason})
        else:
            saved += 1
    return {"saved": saved, "failed": failed}


def _add_opening(db: Database, item_no: str, opening: dict) -> str | None:
    """A further row of an item imported in this file: its stock in another warehouse."""
    check = modules.Check(db, opening)
    quantity = check.positive(opening.get("quantity"), "Kuantitas saldo awal")
    warehouse = check.warehouse(opening.get("warehouseName"))
    if check.problems:
        return "; ".join(check.problems)
    with db.transaction():
        modules.move_stock(db, item_no, warehouse, quantity)
    return None
