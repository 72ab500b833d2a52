"""A demo store with a few days of trade, so a fresh `make run` has something to show."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from isacc.extensions import db
from isacc.models import (
    Customer,
    Outlet,
    Product,
    ProductStock,
    RegisterShift,
    Role,
    SalesOrder,
    SalesOrderLine,
    SalesPayment,
    ShiftStatus,
    StockOpname,
    StockOpnameLine,
    Store,
    Transfer,
    TransferLine,
)
from isacc.stores import create_store
from isacc.users import create_user

DEMO_STORE_ID = "demo-kopi-nusantara"
# Fixed on purpose: `make run` prints them every start, on a database made only for trying
# isacc out. `flask isacc demo` refuses to run in production.
DEMO_LOGINS = [
    ("owner@demo.isacc.test", "demo-owner-pass", Role.OWNER, "Sari (owner)"),
    ("support@demo.isacc.test", "demo-support-pass", Role.SUPPORT, "Budi (support)"),
    ("admin@demo.isacc.test", "demo-admin-pass", Role.ADMIN, "Dewi (admin)"),
]

OUTLETS = [
    ("OUT-KMG", "Kemang", "Jl. Kemang Raya 12, Jakarta Selatan",
     ["cash", "card", "qris", "isellerpay"]),
    ("OUT-SNP", "Senopati", "Jl. Senopati 8, Jakarta Selatan", ["cash", "card", "isellerpay"]),
    ("OUT-DGO", "Bandung Dago", "Jl. Ir. H. Juanda 99, Bandung", ["cash", "qris"]),
]
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


def demo_exists() -> bool:
    return db.session.scalar(db.select(Store).where(Store.iseller_id == DEMO_STORE_ID)) is not None


def build_demo(now: datetime | None = None) -> Store:
    """Create the demo store, its users (DEMO_LOGINS) and a few days of trade."""
    now = now or datetime.now(UTC)
    rng = random.Random(20261125)  # noqa: S311 - not security: the same demo every time
    store = create_store(name="Kopi Nusantara", iseller_id=DEMO_STORE_ID,
                         timezone="Asia/Jakarta").store
    store.sync_times = ["12:00", "21:00"]
    store.transfer_sync_times = ["22:00"]
    db.session.flush()

    outlets = []
    for iseller_id, name, address, methods in OUTLETS:
        outlet = Outlet(store_id=store.id, iseller_id=iseller_id, name=name, address=address,
                        payment_methods=methods)
        outlets.append(outlet)
    db.session.add_all(outlets)
    db.session.flush()

    products = _products(store, outlets, rng)
    customers = [
        Customer(store_id=store.id, iseller_id=f"C{i:04d}", name=name, customer_code=code,
                 email=f"{name.split()[0].lower()}@contoh.id")
        for i, (name, code) in enumerate(CUSTOMERS, start=1)
    ]
    db.session.add_all(customers)
    db.session.flush()

    _trade(store, outlets, products, customers, now, rng)
    _stock_movements(store, outlets, products, now)

    for email, password, role, name in DEMO_LOGINS:
        create_user(email=email, password=password, role=role, name=name,
                    store=store if role == Role.OWNER else None)
    db.session.commit()
    return store


def _products(store, outlets, rng) -> list[Product]:
    products = []
    n = 0
    for category, names in CATEGORIES.items():
        for name in names:
            n += 1
            price = Decimal(rng.randrange(15, 180) * 1000)
            products.append(Product(
                store_id=store.id, iseller_id=f"P{n:04d}", name=name, sku=f"KN-{n:04d}",
                category=category, unit="PCS" if category != "Kopi Biji" else "PAK",
                item_type="INV", price=price, cost=(price * Decimal("0.45")).quantize(Decimal(1)),
            ))
    # The problems the product screen must show: two without a SKU, two sharing one.
    products[48].sku = None
    products[49].sku = ""
    products[11].sku = products[10].sku
    db.session.add_all(products)
    db.session.flush()
    for product in products:
        for outlet in outlets:
            db.session.add(ProductStock(product_id=product.id, outlet_id=outlet.id,
                                        quantity=Decimal(rng.randrange(5, 60))))
    return products


def _trade(store, outlets, products, customers, now, rng) -> None:
    sellable = [p for p in products if p.sku]
    for days_ago in (3, 2, 1):
        day = (now - timedelta(days=days_ago)).replace(hour=1, minute=0, second=0, microsecond=0)
        for outlet in outlets:
            for shift_no, start_hour in ((1, 0), (2, 7)):
                opened = day + timedelta(hours=start_hour)
                shift = RegisterShift(
                    store_id=store.id, outlet_id=outlet.id, register_name="Kasir 1",
                    iseller_id=f"SH-{outlet.iseller_id}-{opened:%Y%m%d}-{shift_no}",
                    status=ShiftStatus.CLOSED, opened_at=opened,
                    closed_at=opened + timedelta(hours=7),
                )
                db.session.add(shift)
                db.session.flush()
                for k in range(1, 6):
                    _order(store, outlet, shift, opened + timedelta(minutes=40 * k), k,
                           sellable, customers, rng)


def _order(store, outlet, shift, at, k, sellable, customers, rng) -> None:
    number = f"{outlet.iseller_id[4:]}-{at:%y%m%d}-{shift.iseller_id[-1]}{k:02d}"
    order = SalesOrder(
        store_id=store.id, outlet_id=outlet.id, shift_id=shift.id, iseller_id=f"O-{number}",
        order_number=number, ordered_at=at,
        customer_id=rng.choice(customers).id if rng.random() < 0.4 else None,
    )
    subtotal = Decimal(0)
    for product in rng.sample(sellable, rng.randrange(1, 4)):
        quantity = Decimal(rng.randrange(1, 3))
        line_total = product.price * quantity
        subtotal += line_total
        order.lines.append(SalesOrderLine(
            product_id=product.id, sku=product.sku, name=product.name, quantity=quantity,
            unit_price=product.price, line_total=line_total,
        ))
    order.subtotal = order.total = subtotal
    method = rng.choice(outlet.payment_methods)
    fee = (subtotal * MDR_RATE).quantize(Decimal(1)) if method == "isellerpay" else Decimal(0)
    order.payments.append(SalesPayment(method=method, amount=subtotal, mdr_fee=fee, paid_at=at))
    db.session.add(order)


def _stock_movements(store, outlets, products, now) -> None:
    kemang, senopati, dago = outlets
    sent = now - timedelta(days=1, hours=3)
    transfer = Transfer(
        store_id=store.id, iseller_id="TR-DEMO-1", number="TR-0001",
        from_outlet_id=kemang.id, to_outlet_id=senopati.id, sent_at=sent,
        received_at=sent + timedelta(hours=2),
    )
    for product in products[:3]:
        transfer.lines.append(TransferLine(product_id=product.id, sku=product.sku,
                                           quantity=Decimal(4)))
    opname = StockOpname(store_id=store.id, outlet_id=dago.id, iseller_id="SO-DEMO-1",
                         number="SO-0001", counted_at=now - timedelta(hours=20))
    for product, difference in zip(products[20:24], (-2, 1, 0, -1), strict=True):
        system = next(s.quantity for s in product.stock if s.outlet_id == dago.id)
        opname.lines.append(StockOpnameLine(
            product_id=product.id, sku=product.sku, system_quantity=system,
            counted_quantity=system + difference, unit_cost=product.cost,
        ))
    db.session.add_all([transfer, opname])
