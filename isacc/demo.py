"""A demo store with a few days of trade, so a fresh `make run` has something to show."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from isacc.extensions import db
from isacc.inbound.schemas import EVENTS
from isacc.isellersandbox.settings import OUTLETS as ISELLER_OUTLETS
from isacc.models import Outlet, Product, Role, Store
from isacc.products import item_rows, sku_problems, workbook
from isacc.stores import create_store
from isacc.sync.ingest import ingest
from isacc.users import create_user

DEMO_STORE_ID = "demo-kopi-nusantara"
# Fixed on purpose: `make run` prints them every start, on a database made only for trying
# isacc out. `flask isacc demo` refuses to run in production.
DEMO_LOGINS = [
    ("owner@demo.isacc.test", "demo-owner-pass", Role.OWNER, "Sari (owner)"),
    ("support@demo.isacc.test", "demo-support-pass", Role.SUPPORT, "Budi (support)"),
    ("admin@demo.isacc.test", "demo-admin-pass", Role.ADMIN, "Dewi (admin)"),
]

# Kemang and Senopati are the iSeller sandbox's outlets (its ids): `make run`'s demo store is
# the sandbox's store, so connecting to iSeller finds the outlets the history already has.
# Bandung Dago is the demo's alone (an outlet the iSeller store no longer lists).
KEMANG, SENOPATI = (outlet["outlet_id"] for outlet in ISELLER_OUTLETS)
OUTLETS = [
    (KEMANG, "Kemang", "Jl. Kemang Raya 12, Jakarta Selatan",
     ["cash", "card", "qris", "isellerpay"]),
    (SENOPATI, "Senopati", "Jl. Senopati 8, Jakarta Selatan", ["cash", "card", "isellerpay"]),
    ("OUT-DGO", "Bandung Dago", "Jl. Ir. H. Juanda 99, Bandung", ["cash", "qris"]),
]
OUTLET_CODES = {outlet["outlet_id"]: outlet["outlet_code"] for outlet in ISELLER_OUTLETS}


def _code(outlet_id: str) -> str:
    """An outlet's short code, for the demo's document numbers (KMG-261201-101)."""
    return OUTLET_CODES.get(outlet_id) or outlet_id.removeprefix("OUT-")
CATEGORIES = {
    "Kopi Biji": ["Arabika Gayo", "Arabika Toraja", "Arabika Kintamani", "Robusta Dampit",
                  "Arabika Flores Bajawa", "Arabika Java Preanger", "Liberika Jambi",
                  "House Blend", "Espresso Blend", "Decaf Sumatra"],
    "Minuman": ["Es Kopi Susu", "Americano", "Cappuccino", "Latte", "Flat White", "Mocha",
                "Kopi Tubruk", "V60 Manual Brew", "Cold Brew", "Teh Tarik", "Matcha Latte",
                "Coklat Panas", "Es Teh Lemon", "Affogato", "Kopi Pandan"],
    "Makanan": ["Croissant", "Pain au Chocolat", "Roti Bakar Keju", "Pisang Goreng",
                "Banana Bread", "Nasi Goreng Kampung", "Kue Lumpur", "Donat Gula",
                "Bagel Salmon", "Sandwich Ayam"],
    "Merchandise": ["Tumbler 500 ml", "Mug Keramik", "Totebag Kanvas", "Dripper V60",
                    "Filter Kertas 100", "French Press", "Grinder Manual", "Kaos Logo",
                    "Topi Logo", "Gift Box Kopi", "Kartu Hadiah 100rb", "Stiker Pack",
                    "Timbangan Kopi", "Kettle Leher Angsa", "Saringan Teh"],
}
CUSTOMERS = [
    ("Andi Wijaya", "CUST-0001"), ("Rina Kusuma", "CUST-0002"), ("Joko Santoso", None),
    ("Maya Sari", "CUST-0004"), ("Hendra Gunawan", None), ("Lestari Putri", "CUST-0006"),
    ("Agus Salim", None), ("Fitri Handayani", None),
]
MDR_RATE = Decimal("0.007")  # iSellerPay's fee on card and QRIS payments


# The Accurate warehouse of each demo outlet (the sandbox starts with these warehouses).
DEMO_WAREHOUSES = {"Kemang": "Gudang Kemang", "Senopati": "Gudang Senopati",
                   "Bandung Dago": "Gudang Dago"}


def items_for_accurate(store: Store, as_of: datetime) -> bytes:
    """The demo's products that have a SKU of their own, with opening stock, as an Accurate
    import file: what the shop imported after its first export, so that `make run`'s sandbox
    books can take the demo's sales. Products with SKU problems stay out, as the export
    would refuse them, so their sales fail with a reason to fix."""
    problems = sku_problems(store.id)
    unsound = {p.id for p in problems.missing} | {
        p.id for group in problems.duplicated.values() for p in group}
    products = [p for p in db.session.scalars(db.select(Product).where(
        Product.store_id == store.id).order_by(Product.sku)) if p.id not in unsound]
    warehouses = {outlet.id: DEMO_WAREHOUSES[outlet.name] for outlet in db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == store.id))}
    return workbook(item_rows(store, products, warehouses, as_of))


def products_for_iseller(store: Store) -> list[dict]:
    """The demo's products with a SKU of their own as the iSeller sandbox's catalogue (its
    ids, prices, stock in the sandbox's outlets), so the till sells what isacc knows."""
    problems = sku_problems(store.id)
    unsound = {p.id for p in problems.missing} | {
        p.id for group in problems.duplicated.values() for p in group}
    catalogue = []
    for product in db.session.scalars(db.select(Product).where(
            Product.store_id == store.id).order_by(Product.sku)):
        if product.id in unsound:
            continue
        stock = {OUTLET_CODES[level.outlet.iseller_id]: float(level.quantity)
                 for level in product.stock if level.outlet.iseller_id in OUTLET_CODES}
        # Untaxed, as the demo's history is (tax is booked apart with #18).
        catalogue.append({"product_id": product.iseller_id, "sku": product.sku,
                          "name": product.name, "price": float(product.price),
                          "buying_price": float(product.cost), "taxable": False,
                          "track_inventory": True, "stock": stock})
    return catalogue


def demo_store() -> Store | None:
    return db.session.scalar(db.select(Store).where(Store.iseller_id == DEMO_STORE_ID))


def demo_exists() -> bool:
    return demo_store() is not None


def build_demo(now: datetime | None = None) -> Store:
    """Create the demo store and its users (DEMO_LOGINS), then a few days of trade sent in
    as iSeller events through the same `ingest` the inbound API uses: the demo's documents
    wait in the sync-activity table until the store is connected, as a real shop's would."""
    now = now or datetime.now(UTC)
    rng = random.Random(20261125)  # noqa: S311 - not security: the same demo every time
    store = create_store(name="Kopi Nusantara", iseller_id=DEMO_STORE_ID,
                         timezone="Asia/Jakarta").store
    store.sync_times = ["12:00", "21:00"]
    store.transfer_sync_times = ["22:00"]
    db.session.flush()
    models = {event_type: model for event_type, model in EVENTS.values()}
    for n, (event_type, payload) in enumerate(_events(now, rng), start=1):
        ingest(store, event_type, models[event_type].model_validate(
            {"event_id": f"demo-{n}", **payload}))
    for email, password, role, name in DEMO_LOGINS:
        create_user(email=email, password=password, role=role, name=name,
                    store=store if role == Role.OWNER else None)
    db.session.commit()
    return store


def _events(now: datetime, rng: random.Random):
    """(event type, payload) in the order iSeller would send them."""
    for iseller_id, name, address, methods in OUTLETS:
        yield "outlet", {"outlet": {"id": iseller_id, "name": name, "address": address,
                                    "payment_methods": methods}}
    products = list(_products(rng))
    yield "products", {"products": products}
    for i, (name, code) in enumerate(CUSTOMERS, start=1):
        yield "customer", {"customer": {"id": f"C{i:04d}", "name": name, "customer_code": code,
                                        "email": f"{name.split()[0].lower()}@contoh.id"}}
    yield from _trade(now, [p for p in products if p["sku"]], rng)
    yield from _stock_movements(now, products)


def _products(rng: random.Random):
    n = 0
    for category, names in CATEGORIES.items():
        for name in names:
            n += 1
            price = Decimal(rng.randrange(15, 180) * 1000)
            sku = f"KN-{n:04d}"
            # The problems the product screen must show: two without a SKU, two sharing one.
            if n in (49, 50):
                sku = None if n == 49 else ""
            elif n == 12:
                sku = "KN-0011"
            yield {
                "id": f"P{n:04d}", "name": name, "sku": sku, "category": category,
                "unit": "PCS" if category != "Kopi Biji" else "PAK", "item_type": "INV",
                "price": str(price), "cost": str((price * Decimal("0.45")).quantize(Decimal(1))),
                "stock": [{"outlet_id": outlet[0], "quantity": str(rng.randrange(5, 60))}
                          for outlet in OUTLETS],
            }


def _trade(now: datetime, sellable: list[dict], rng: random.Random):
    customers = [f"C{i:04d}" for i in range(1, len(CUSTOMERS) + 1)]
    for days_ago in (3, 2, 1):
        day = (now - timedelta(days=days_ago)).replace(hour=1, minute=0, second=0, microsecond=0)
        for outlet_id, _name, _address, methods in OUTLETS:
            for shift_no, start_hour in ((1, 0), (2, 7)):
                opened = day + timedelta(hours=start_hour)
                shift = {"id": f"SH-{_code(outlet_id)}-{opened:%Y%m%d}-{shift_no}",
                         "outlet_id": outlet_id, "register_name": "Kasir 1",
                         "opened_at": opened.isoformat()}
                yield "shift_open", {"shift": shift}
                for k in range(1, 6):
                    yield "sales_order", _order(outlet_id, methods, shift,
                                                opened + timedelta(minutes=40 * k), k,
                                                sellable, customers, rng)
                yield "shift_close", {"shift": {
                    **shift, "closed_at": (opened + timedelta(hours=7)).isoformat()}}


def _order(outlet_id, methods, shift, at, k, sellable, customers, rng) -> dict:
    number = f"{_code(outlet_id)}-{at:%y%m%d}-{shift['id'][-1]}{k:02d}"
    customer = rng.choice(customers) if rng.random() < 0.4 else None
    lines, subtotal = [], Decimal(0)
    for product in rng.sample(sellable, rng.randrange(1, 4)):
        quantity = Decimal(rng.randrange(1, 3))
        subtotal += Decimal(product["price"]) * quantity
        lines.append({"product_id": product["id"], "sku": product["sku"],
                      "name": product["name"], "quantity": str(quantity),
                      "unit_price": product["price"]})
    method = rng.choice(methods)
    fee = (subtotal * MDR_RATE).quantize(Decimal(1)) if method == "isellerpay" else Decimal(0)
    return {"order": {
        "id": f"O-{number}", "number": number, "outlet_id": outlet_id, "shift_id": shift["id"],
        "customer_id": customer, "ordered_at": at.isoformat(), "lines": lines,
        "payments": [{"method": method, "amount": str(subtotal), "mdr_fee": str(fee),
                      "paid_at": at.isoformat()}]}}


def _stock_movements(now: datetime, products: list[dict]):
    (kemang, *_), (senopati, *_), (dago, *_) = OUTLETS
    sent = now - timedelta(days=1, hours=3)
    yield "transfer", {"transfer": {
        "id": "TR-DEMO-1", "number": "TR-0001", "from_outlet_id": kemang,
        "to_outlet_id": senopati, "sent_at": sent.isoformat(),
        "received_at": (sent + timedelta(hours=2)).isoformat(),
        "lines": [{"product_id": p["id"], "sku": p["sku"], "quantity": "4"}
                  for p in products[:3]]}}
    lines = []
    for product, difference in zip(products[20:24], (-2, 1, 0, -1), strict=True):
        system = next(Decimal(level["quantity"]) for level in product["stock"]
                      if level["outlet_id"] == dago)
        lines.append({"product_id": product["id"], "sku": product["sku"],
                      "system_quantity": str(system),
                      "counted_quantity": str(system + difference), "unit_cost": product["cost"]})
    yield "stock_opname", {"stock_opname": {
        "id": "SO-DEMO-1", "number": "SO-0001", "outlet_id": dago,
        "counted_at": (now - timedelta(hours=20)).isoformat(), "lines": lines}}
