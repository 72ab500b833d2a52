"""What stands between a store's products and Accurate: missing and duplicated SKUs."""

from dataclasses import dataclass, field
from io import BytesIO
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func

from isacc.extensions import db
from isacc.listing import Listing, paged
from isacc.models import Outlet, OutletMapping, Product, ProductStock

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
        raise ExportRefused(_(
            "Fix the SKU problems first: %(missing)s product(s) without a SKU and "
            "%(duplicated)s sharing a SKU. Accurate finds items by SKU, so these would be "
            "lost or merged.", missing=len(problems.missing),
            duplicated=problems.duplicated_products))
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
