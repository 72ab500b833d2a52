"""What stands between a store's products and Accurate: missing and duplicated SKUs."""

from dataclasses import dataclass, field
from io import BytesIO
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from openpyxl import Workbook
from sqlalchemy import func

from isacc.accurate.errors import (
    AN_ITEM_MISSING,
    EXPORT_PRODUCTS,
    ITEM_MISSING,
    AccurateError,
    FinalError,
)
from isacc.extensions import db
from isacc.listing import Listing, paged
from isacc.models import Outlet, OutletMapping, Product, ProductStock
from isacc.reasons import Link, Said, say

PAGE_SIZE = 100


@dataclass
class SkuProblems:
    missing: list[Product] = field(default_factory=list)
    # SKU -> the products sharing it
    duplicated: dict[str, list[Product]] = field(default_factory=dict)

    @property
    def duplicated_products(self) -> int:
        return sum(len(group) for group in self.duplicated.values())

    @property
    def any(self) -> bool:
        return bool(self.missing or self.duplicated)


def sku_problems(store_id: int) -> SkuProblems:
    missing = db.session.scalars(
        db.select(Product)
        .where(Product.store_id == store_id, func.coalesce(func.trim(Product.sku), "") == "")
        .order_by(Product.name)
    ).all()
    shared = (
        db.select(Product.sku)
        .where(Product.store_id == store_id, func.coalesce(func.trim(Product.sku), "") != "")
        .group_by(Product.sku)
        .having(func.count() > 1)
    )
    duplicated: dict[str, list[Product]] = {}
    for product in db.session.scalars(
        db.select(Product)
        .where(Product.store_id == store_id, Product.sku.in_(shared))
        .order_by(Product.sku, Product.name)
    ):
        duplicated.setdefault(product.sku, []).append(product)
    return SkuProblems(missing=list(missing), duplicated=duplicated)


SKU_SHARED = say("SKU %(sku)s is used by %(count)s products in iSeller: %(products)s; "
                 "Accurate can take only one.")
OWN_SKU_EACH = say("Give each of the %(products)s its own SKU in iSeller, then export your "
                   "products and refresh.")


def shared_sku_named(store_id: int, error: AccurateError) -> AccurateError:
    """`error` with each item Accurate lacks because the store's products share its SKU told
    as that, its next step linking to those products: their export is refused until each
    has a SKU of its own, so "export your products" would lead nowhere."""
    item_id, export_id = _msgid(ITEM_MISSING), _msgid(EXPORT_PRODUCTS)
    missing = {params["item"] for msgid, params in error.reason.parts if msgid == item_id}
    if not missing:
        return error
    sharing: dict[str, list[str]] = {}
    for sku, name in db.session.execute(
            db.select(Product.sku, Product.name)
            .where(Product.store_id == store_id, Product.sku.in_(missing))
            .order_by(Product.sku, Product.name, Product.id)):
        sharing.setdefault(sku, []).append(name)
    sharing = {sku: names for sku, names in sharing.items() if len(names) > 1}
    if not sharing:
        return error
    reasons, steps = [], []
    for msgid, params in error.reason.parts:
        sku = params.get("item") if msgid == item_id else None
        if sku in sharing:
            reasons.append(SKU_SHARED.filled(sku=sku, count=len(sharing[sku]),
                                             products=", ".join(sharing[sku])))
            steps.append(OWN_SKU_EACH.filled(products=Link(
                say("products with SKU %(sku)s", sku=sku), "products.index",
                store_id=store_id, q=sku)))
        else:
            reasons.append(Said([(msgid, params)]))
    # Another item still missing for want of an export keeps that next step.
    export_needed = any(said.says(ITEM_MISSING) or said.says(AN_ITEM_MISSING)
                        for said in reasons)
    steps += [Said([part]) for part in error.next_step.parts
              if export_needed or part[0] != export_id]
    return FinalError(Said.join(reasons), Said.join(steps), messages=error.messages)


def _msgid(said: Said) -> str:
    (msgid, _), = said.parts
    return msgid


def product_page(store_id: int, search: str = "", page: int = 1) -> Listing:
    """A page of the store's products by name, those whose name or SKU contains `search`."""
    query = db.select(Product).where(Product.store_id == store_id)
    search = search.strip()
    if search:
        query = query.where(Product.name.icontains(search, autoescape=True)
                            | Product.sku.icontains(search, autoescape=True))
    return paged(query.order_by(Product.name, Product.id), page, PAGE_SIZE, search)


def stock_left_out(store_id: int) -> list[tuple[str, int]]:
    """Outlets holding stock of inventory products but not mapped and active, with how many
    products: the export has no Accurate warehouse for that stock, so it leaves it out."""
    active = db.select(OutletMapping.outlet_id).where(
        OutletMapping.store_id == store_id, OutletMapping.active.is_(True))
    rows = db.session.execute(
        db.select(Outlet.name, func.count(ProductStock.product_id))
        .join(ProductStock, ProductStock.outlet_id == Outlet.id)
        .join(Product, Product.id == ProductStock.product_id)
        .where(Outlet.store_id == store_id, Outlet.id.not_in(active),
               ProductStock.quantity > 0, Product.item_type == "INV")
        .group_by(Outlet.id, Outlet.name).order_by(Outlet.name, Outlet.id)).all()
    return [(name, count) for name, count in rows]


class ExportRefused(Exception):
    """Why the export cannot be made, in words for the owner."""


# Accurate's goods-and-services import layout ("Barang & Jasa", accurate-api.md 9.1).
SHEET = "Barang & Jasa"
HEADER = ["Kode Barang", "Nama Barang", "Kategori Barang", "Jenis Barang", "Satuan",
          "Def. Hrg. Jual Satuan #1", "Harga Beli", "Gudang Saldo Awal", "Kuantitas Saldo Awal",
          "Nilai Satuan", "Per Tanggal"]


def export_rows(store, only_new: bool, as_of) -> tuple[list[list], list[Product]]:
    """One row per product and mapped outlet warehouse holding stock (a product without
    stock gets one row without opening balance). Refused while SKU problems remain."""
    problems = sku_problems(store.id)
    if problems.any:
        raise ExportRefused(ngettext(
            "Fix the SKU problems first: %(num)s product without a SKU and %(duplicated)s "
            "sharing a SKU. Accurate finds items by SKU, so these would be lost or merged.",
            "Fix the SKU problems first: %(num)s products without a SKU and %(duplicated)s "
            "sharing a SKU. Accurate finds items by SKU, so these would be lost or merged.",
            len(problems.missing), duplicated=problems.duplicated_products))
    warehouses = dict(db.session.execute(
        db.select(OutletMapping.outlet_id, OutletMapping.warehouse_name).where(
            OutletMapping.store_id == store.id, OutletMapping.active.is_(True))).all())
    if not warehouses:
        raise ExportRefused(_("Map and activate at least one outlet first: opening stock "
                              "goes to the outlet's Accurate warehouse."))
    query = db.select(Product).where(Product.store_id == store.id).order_by(Product.sku)
    if only_new:
        query = query.where(Product.exported_at.is_(None))
    products = db.session.scalars(query).all()
    return item_rows(store, products, warehouses, as_of), list(products)


def item_rows(store, products, warehouses: dict[int, str], as_of) -> list[list]:
    """The import rows of `products` (in that order), with opening stock at the Accurate
    warehouse `warehouses` names for each outlet id; stock elsewhere is left out."""
    day = as_of.astimezone(ZoneInfo(store.timezone)).strftime("%d/%m/%Y")
    stock_of: dict[int, list[ProductStock]] = {}
    for level in db.session.scalars(
            db.select(ProductStock).join(Product).where(
                Product.store_id == store.id, ProductStock.quantity > 0,
                ProductStock.outlet_id.in_(warehouses))
            .order_by(ProductStock.product_id, ProductStock.outlet_id)):
        stock_of.setdefault(level.product_id, []).append(level)
    rows = []
    for product in products:
        base = [product.sku, product.name, product.category, product.item_type, product.unit,
                float(product.price), float(product.cost)]
        stock = stock_of.get(product.id, [])
        if not stock or product.item_type != "INV":
            rows.append(base + [None, None, None, None])
        for level in stock if product.item_type == "INV" else []:
            rows.append(base + [warehouses[level.outlet_id], float(level.quantity),
                                float(product.cost), day])
    return rows


def workbook(rows: list[list]) -> bytes:
    """An .xlsx of import rows in Accurate's goods-and-services layout."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for column in ("F", "G", "I", "J"):  # Accurate's export writes numbers with 6 decimals
        for cell in sheet[column][1:]:
            cell.number_format = "0.000000"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export_workbook(store, only_new: bool, as_of) -> bytes:
    """The .xlsx to import in Accurate; the exported products are marked (caller commits)."""
    rows, products = export_rows(store, only_new, as_of)
    if not rows:
        raise ExportRefused(_("Every product is already exported: there is nothing new."))
    for product in products:
        product.exported_at = as_of
    return workbook(rows)
