"""The sync-activity table at 1,000,000 rows in PostgreSQL: filtered first page, a page
four cursors deep, and the live poll of a 200-row window, through the dashboard's queries.

    .venv/bin/python -m bench.activity_table [--rows 1000000] [--runs 50]

Needs PostgreSQL at ISACC_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/test);
it creates and drops a database of its own.
"""

import argparse
import os
import statistics
import time
import uuid

import psycopg
from flask_migrate import upgrade
from sqlalchemy import text

from isacc import create_app
from isacc.activity_log import Filters, page_query, read_page, read_window
from isacc.extensions import db
from isacc.models import Status, SyncActivity

ADMIN_URL = os.environ.get("ISACC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

# 2 stores x 3 outlets, 9 kinds, 80 % success / 15 % pending / 5 % failed, one row a second.
FILL = """
INSERT INTO store (id, name, iseller_id, timezone, sync_mode, sync_times,
                   transfer_sync_scheduled, transfer_sync_times, customer_id_mapping,
                   inbound_key, webhook_token, created_at, updated_at)
VALUES (1, 'A', 'a', 'Asia/Jakarta', 'realtime', '[]', false, '[]', true, 'x', 'x', now(), now()),
       (2, 'B', 'b', 'Asia/Jakarta', 'realtime', '[]', false, '[]', true, 'x', 'x', now(), now());
INSERT INTO outlet (id, store_id, iseller_id, name, payment_methods, created_at, updated_at)
SELECT n, 1 + (n > 3)::int, 'o' || n, 'Outlet ' || n, '[]', now(), now()
FROM generate_series(1, 6) AS n;
INSERT INTO sync_activity (store_id, outlet_id, kind, source_kind, source_id, source_number,
                           source_at, status, attempts, created_at, updated_at)
SELECT 1 + (n % 2), 1 + (n % 2) * 3 + (n / 2) % 3,
       (ARRAY['customer','sales_invoice','sales_receipt','transfer_out','transfer_in',
              'stock_opname','stock_adjustment','other_deposit','other_payment'])[1 + n % 9],
       'sales_order', n, 'INV-' || n, ts,
       CASE WHEN n % 20 = 0 THEN 'failed' WHEN n % 20 < 4 THEN 'pending' ELSE 'success' END,
       1, ts, ts
FROM (SELECT n, now() - (:rows - n) * interval '1 second' AS ts
      FROM generate_series(1, :rows) AS n) AS s;
ANALYZE;
"""


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    name = f"isacc_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"{base}/{name}"})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            with db.engine.begin() as conn:
                for statement in FILL.split(";"):
                    if statement.strip():
                        conn.execute(text(statement), {"rows": args.rows})
            print(f"filled {args.rows:,} activities in {time.perf_counter() - started:.0f} s")
            cases = {
                "all rows": Filters(),
                "failed": Filters(status=Status.FAILED),
                "failed + outlet": Filters(status=Status.FAILED, outlet_id=2),
                "type + outlet": Filters(kind="sales_invoice", outlet_id=2),
            }
            for label, filters in cases.items():
                def first_page(filters=filters):
                    return read_page(SyncActivity, store_id=1, filters=filters)

                cursor = None
                for _ in range(4):  # follow the table's "older rows" four times
                    cursor = read_page(SyncActivity, store_id=1, filters=filters,
                                       cursor=cursor).next_cursor

                def deep_page(filters=filters, cursor=cursor):
                    return read_page(SyncActivity, store_id=1, filters=filters, cursor=cursor)

                def live_poll(filters=filters, cursor=cursor):
                    # What an open table asks every few seconds once "Older rows" has
                    # loaded four pages: the whole 200-row window, and its fingerprint.
                    return read_window(SyncActivity, store_id=1, filters=filters,
                                       through=cursor).fingerprint

                p50, p95 = timed(first_page, args.runs)
                d50, d95 = timed(deep_page, args.runs)
                w50, w95 = timed(live_poll, args.runs)
                print(f"{label:<16} first page p50 {p50:5.1f} ms  p95 {p95:5.1f} ms | "
                      f"four cursors deep p50 {d50:5.1f} ms  p95 {d95:5.1f} ms | "
                      f"live window poll p50 {w50:5.1f} ms  p95 {w95:5.1f} ms")
            query = page_query(SyncActivity, store_id=1, zone="Asia/Jakarta", size=50,
                               filters=cases["failed + outlet"], cursor=None)
            sql = str(query.compile(dialect=db.engine.dialect,
                                    compile_kwargs={"literal_binds": True}))
            plan = db.session.execute(text("EXPLAIN " + sql)).scalars().all()
            print("EXPLAIN (failed + outlet, first page):")
            for line in plan:
                print("   ", line)
            db.session.remove()
            db.engine.dispose()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
