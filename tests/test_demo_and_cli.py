from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from isacc.demo import DEMO_LOGINS, build_demo, items_for_accurate
from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    Customer,
    Outlet,
    Product,
    ProductStock,
    RegisterShift,
    Role,
    SalesOrder,
    SalesPayment,
    Status,
    StockOpname,
    SyncActivity,
    Transfer,
    User,
)
from isacc.products import sku_problems
from tests.conftest import SandboxServer


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_store_has_what_the_screens_need(app):
    store = build_demo()
    assert count(Outlet, Outlet.store_id == store.id) == 3
    assert count(Product, Product.store_id == store.id) == 50
    problems = sku_problems(store.id)
    assert len(problems.missing) == 2
    assert len(problems.duplicated) == 1 and problems.duplicated_products == 2
    with_id = count(Customer, Customer.store_id == store.id, Customer.customer_code.is_not(None))
    without_id = count(Customer, Customer.store_id == store.id, Customer.customer_code.is_(None))
    assert with_id > 0 and without_id > 0
    assert count(RegisterShift, RegisterShift.store_id == store.id) == 3 * 3 * 2
    assert count(SalesOrder, SalesOrder.store_id == store.id) == 3 * 3 * 2 * 5
    assert count(Transfer, Transfer.store_id == store.id) == 1
    assert count(StockOpname, StockOpname.store_id == store.id) == 1
    fees = db.session.scalars(select(SalesPayment).where(SalesPayment.method == "isellerpay"))
    assert all(p.mdr_fee > 0 for p in fees)
    order = db.session.scalars(select(SalesOrder)).first()
    assert order.total == sum((line.line_total for line in order.lines), Decimal(0))
    assert order.ordered_at.tzinfo is not None  # read back aware, on SQLite too
    # Sent in as iSeller events: the documents wait to be synced, as a real shop's would.
    kinds = dict(db.session.execute(select(SyncActivity.kind, func.count()).where(
        SyncActivity.store_id == store.id).group_by(SyncActivity.kind)).all())
    assert kinds[ActivityKind.SALES_INVOICE] == 90 and kinds[ActivityKind.SALES_RECEIPT] == 90
    assert kinds[ActivityKind.TRANSFER_OUT] == kinds[ActivityKind.TRANSFER_IN] == 1
    assert count(SyncActivity, SyncActivity.status != Status.PENDING) == 0


def test_demo_logins_have_their_roles(app):
    store = build_demo()
    for email, password, role, _ in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role == role and user.check_password(password)
        assert user.store_id == (store.id if role == Role.OWNER else None)


def test_cli_demo_prints_logins_and_refuses_a_second_demo(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["isacc", "demo"])
    assert first.exit_code == 0, first.output
    assert "owner@demo.isacc.test" in first.output and "demo-owner-pass" in first.output
    again = runner.invoke(args=["isacc", "demo"])
    assert again.exit_code != 0 and "already exists" in again.output
    if_empty = runner.invoke(args=["isacc", "demo", "--if-empty"])
    assert if_empty.exit_code == 0 and "support@demo.isacc.test" in if_empty.output


def test_cli_create_user_checks_its_input(app):
    runner = app.test_cli_runner()
    store = build_demo()
    ok = runner.invoke(args=["isacc", "create-user", "--email", "Kasir@Toko.id", "--role",
                             "owner", "--store", str(store.id), "--password", "long enough pw"])
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(User).where(User.email == "kasir@toko.id")) is not None
    cases = [
        (["--email", "x@toko.id", "--role", "owner", "--password", "long enough pw"],
         "an owner belongs to a store"),
        (["--email", "y@toko.id", "--role", "support", "--password", "short"],
         "at least 10 characters"),
        (["--email", "kasir@toko.id", "--role", "admin", "--password", "long enough pw"],
         "already exists"),
        (["--email", "z@toko.id", "--role", "owner", "--store", "nope", "--password",
          "long enough pw"], "no store 'nope'"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["isacc", "create-user", *args])
        assert result.exit_code != 0 and message in result.output, result.output


def test_the_demo_items_seed_the_sandbox_once_without_the_problem_skus(app, tmp_path):
    store = build_demo()
    seed = tmp_path / "demo-items.xlsx"
    seed.write_bytes(items_for_accurate(store, datetime(2026, 11, 24, tzinfo=UTC)))
    problems = sku_problems(store.id)
    unsound = set(problems.duplicated)  # the SKUs shared; the missing ones have none
    sound = set(db.session.scalars(select(Product.sku).where(
        Product.store_id == store.id, Product.sku.is_not(None), Product.sku != "",
        Product.sku.not_in(unsound))))
    assert len(sound) == 46
    for _start in range(2):  # a restart on the same data imports nothing again
        server = SandboxServer(tmp_path / "sandbox", {"SEED_ITEMS": str(seed)})
        try:
            books = server.app.extensions["sandbox"].databases[101]
            items = {item["no"]: item for item in books.all("item")}
        finally:
            server.stop()
        assert set(items) == sound
    kemang = db.session.scalar(select(ProductStock.quantity).join(Product).join(Outlet).where(
        Product.sku == "KN-0001", Outlet.name == "Kemang"))
    balances = items["KN-0001"]["stock"]  # stock per warehouse, as the sandbox keeps it
    assert float(balances["Gudang Kemang"]) == float(kemang)  # once, not once per start
