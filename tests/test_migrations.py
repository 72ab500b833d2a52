"""The migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from isacc.extensions import db
from isacc.models import Deposit, DepositPurpose, Outlet
from isacc.models.base import render_migration_type, utcnow
from tests.conftest import make_store


def drift():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_item": render_migration_type}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models(app):
    # The session database was built by `upgrade()` from nothing (see conftest).
    assert drift() == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"store", "user_account", "sync_activity", "webhook_log", "sales_order"} <= tables


def test_activity_table_has_the_filter_indexes(app):
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("sync_activity")}
    assert {"ix_activity_store_status_time", "ix_activity_store_outlet_time",
            "ix_activity_store_kind_time", "ix_activity_store_time"} <= names


def test_the_status_panel_finds_the_last_event_and_notice_by_index(app):
    # Polled every few seconds per open overview: max(time) for one store is an index walk.
    def indexes(table):
        return {tuple(ix["column_names"]) for ix in inspect(db.engine).get_indexes(table)}

    assert ("store_id", "received_at") in indexes("inbound_event")
    assert ("store_id", "created_at", "id") in indexes("webhook_log")
    assert ("store_id", "status", "created_at", "id") in indexes("webhook_log")


def test_downgrade_to_nothing_and_back(app):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert drift() == []


def test_payment_methods_migration_keeps_every_outlets_accounts(app):
    """0013 turns iSeller Pay's two mapping columns into a payment method row, keeps each
    method's Accurate type, makes the cash account register cash, and gives each register
    cash movement the purpose its direction had."""
    store = make_store("Toko")
    outlets = [Outlet(store_id=store.id, iseller_id=f"O{n}", name=f"Outlet {n}")
               for n in (1, 2)]
    db.session.add_all(outlets)
    db.session.commit()
    ids = {"store": store.id, "one": outlets[0].id, "two": outlets[1].id}
    db.session.remove()
    downgrade(revision="0012_iseller_webhooks")
    with db.engine.begin() as conn:
        def run(sql, **values):
            return conn.execute(text(sql), {**ids, "now": utcnow(), **values})
        run("INSERT INTO outlet_mapping (id, store_id, outlet_id, branch_name, "
            "isellerpay_account_no, mdr_account_no, transaction_account_no, active, billable, "
            "created_at, updated_at) VALUES (901, :store, :one, 'Jakarta', '1-10103', "
            "'6-60201', '4-40000', true, false, :now, :now), (902, :store, :two, 'Jakarta', "
            "NULL, NULL, '4-40000', true, true, :now, :now)")
        run("INSERT INTO outlet_payment_account (mapping_id, payment_method, account_no) "
            "VALUES (901, 'cash', '1-10001'), (901, 'card', '1-10101'), "
            "(902, 'gopay', '1-10102')")
        run("INSERT INTO deposit (store_id, outlet_id, iseller_id, direction, amount, "
            "deposited_at, created_at) VALUES (:store, :one, 'd-in', 'in', 1000, :now, :now), "
            "(:store, :one, 'd-out', 'out', 2000, :now, :now)")
    upgrade()
    assert drift() == []
    first = db.session.get(Outlet, ids["one"]).mapping
    assert first.register_cash_account_no == "1-10001"
    assert {(a.payment_method, a.account_no, a.accurate_type, a.fee_account_no)
            for a in first.payment_accounts} == {
        ("cash", "1-10001", "CASH_OTHER", None), ("card", "1-10101", "EDC", None),
        ("isellerpay", "1-10103", "OTHERS", "6-60201")}
    second = db.session.get(Outlet, ids["two"]).mapping
    assert second.register_cash_account_no is None  # its movements wait for the owner
    assert [(a.payment_method, a.accurate_type) for a in second.payment_accounts] == [
        ("gopay", "OTHERS")]
    assert dict(db.session.execute(select(Deposit.iseller_id, Deposit.purpose)).all()) == {
        "d-in": DepositPurpose.TOP_UP, "d-out": DepositPurpose.BANK}
