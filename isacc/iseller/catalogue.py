"""The store's products and their stock per outlet from iSeller's GetProducts [C b.6], as
product events through the same ingest as the inbound API, so the SKU check and the
product export read iSeller's real catalogue. Read whole at connect, then by modified time
from a cursor with every catch-up."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from isacc.extensions import db
from isacc.inbound import schemas
from isacc.inbound.body import digest
from isacc.iseller import session
from isacc.models import Outlet, Store
from isacc.models.base import utcnow
from isacc.sync.ingest import ingest

# Before any product: the first read takes the whole catalogue.
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)
OVERLAP = timedelta(minutes=10)
# [C e5] 500 works for GetProducts; an event holds at most 1,000 products.
PAGE_SIZE = 500
MOST_PAGES = 10_000


def _decimal(value, places: int) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        return Decimal(0)
    if not amount.is_finite():
        return Decimal(0)
    return amount.quantize(Decimal(1).scaleb(-places))


def product_data(product: dict, outlets: set[str]) -> dict | None:
    """A ProductData body for one StoreProduct; None for one isacc cannot keep (no id)."""
    product_id = str(product.get("product_id") or "")
    if not product_id or len(product_id) > 64:
        return None
    sku = str(product.get("sku") or "").strip()[:64] or None
    return {
        "id": product_id,
        "name": str(product.get("name") or sku or product_id)[:200],
        "sku": sku,
        "category": str(product.get("product_type") or "Umum")[:120],
        "unit": str(product.get("unit_of_measurement") or "PCS").upper()[:40],
        # A product that keeps no stock (a class, a service) is no inventory item.
        "item_type": "INV" if product.get("track_inventory", True) else "NON",
        # As text: the body is also what the event's digest is made of.
        "price": str(max(_decimal(product.get("price"), 2), Decimal(0))),
        "cost": str(max(_decimal(product.get("buying_price"), 2), Decimal(0))),
        "stock": [{"outlet_id": str(level["outlet_id"]),
                   "quantity": str(_decimal(level.get("unit_in_stock"), 4))}
                  for level in product.get("inventories") or []
                  if isinstance(level, dict) and str(level.get("outlet_id")) in outlets],
    }


def _read(store: Store, since: datetime) -> list[dict]:
    """Every product changed since `since`, once each. [S CATA b.6] track_inventory=true
    can leave out products that keep no stock, and false may mean "all" or "only those": both
    are read and merged by product id."""
    found: dict[str, dict] = {}
    for tracked in ("false", "true"):
        for page in range(1, 1 + MOST_PAGES):
            answer = session.call(store, "GetProducts", {
                "track_inventory": tracked, "modified_after": since.strftime("%Y-%m-%dT%H:%M:%S"),
                "page": page, "page_size": PAGE_SIZE})
            products = [p for p in answer.get("products") or [] if isinstance(p, dict)]
            for product in products:
                found.setdefault(str(product.get("product_id")), product)
            if not products or not answer.get("has_next_item"):
                break
    return list(found.values())


def import_products(store: Store) -> int:
    """Bring in the products iSeller changed since the store's products cursor; returns how
    many were read. Raises isacc's outcome values."""
    link = store.iseller
    now = utcnow()
    since = (link.products_cursor - OVERLAP) if link.products_cursor else BEGINNING
    outlets = set(db.session.scalars(db.select(Outlet.iseller_id).where(
        Outlet.store_id == store.id)))
    bodies = [body for body in (product_data(p, outlets) for p in _read(store, since)) if body]
    for start in range(0, len(bodies), 1000):
        chunk = bodies[start:start + 1000]
        event = schemas.ProductEvent.model_validate({
            "event_id": f"iseller:products:{digest(chunk)[:32]}", "products": chunk})
        ingest(store, "products", event, body_digest=digest(event.model_dump(mode="json")))
        db.session.commit()
    link.products_cursor = now
    db.session.commit()
    return len(bodies)
