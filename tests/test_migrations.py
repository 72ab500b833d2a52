"""The migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from isacc.extensions import db
from isacc.models.base import render_migration_type


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
