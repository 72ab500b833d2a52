"""The largest products event: how long one signed request takes through the inbound API,
from the body to the commit, first when every product and stock level is new and then when
every one is changed (an upsert of all of them), against gunicorn's 30-second time-out.

    .venv/bin/python -m bench.products_event [--products 1000] [--outlets 20 50 500]
                                             [--database postgresql|sqlite]

Each product carries a stock level for every outlet (`--outlets` is stock levels per
product). Needs PostgreSQL (ISACC_BENCH_PG_URL, as bench/shop.py) unless --database sqlite.
"""

import argparse
import json
import os
import tempfile
import time
import uuid

import psycopg
from flask_migrate import upgrade

from isacc import create_app
from isacc.extensions import db
from isacc.inbound.signing import signed_headers
from isacc.models import Outlet, Store

ADMIN_URL = os.environ.get("ISACC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ISACC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def products_event(event_id: str, products: int, outlets: int, quantity: int) -> bytes:
    return json.dumps({"event_id": event_id, "products": [
        {"id": f"P-{n}", "name": f"Produk {n}", "sku": f"SKU-{n}", "price": 25000,
         "cost": 9000, "stock": [{"outlet_id": f"OUT-{m}", "quantity": quantity + n % 7}
                                 for m in range(outlets)]}
        for n in range(products)]}).encode()


def run(database_url: str, products: int, outlets: int) -> list[tuple[str, int, float]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL})
    with app.app_context():
        upgrade()
        store = Store(name="Bench", iseller_id=f"bench-{uuid.uuid4().hex[:6]}",
                      inbound_key=uuid.uuid4().hex, webhook_token=uuid.uuid4().hex)
        db.session.add(store)
        db.session.flush()
        db.session.add_all(Outlet(store_id=store.id, iseller_id=f"OUT-{m}", name=f"Outlet {m}")
                           for m in range(outlets))
        db.session.commit()
        client, figures = app.test_client(), []
        for label, quantity in (("new", 10), ("changed", 20)):
            body = products_event(f"e-{label}", products, outlets, quantity)
            headers = signed_headers(store, body)
            started = time.perf_counter()
            answer = client.post("/api/v1/products", data=body, headers=headers)
            seconds = time.perf_counter() - started
            assert answer.status_code == 202, answer.get_data(as_text=True)[:500]
            figures.append((label, len(body), seconds))
        db.session.remove()
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--outlets", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    for outlets in args.outlets:
        with tempfile.TemporaryDirectory() as folder:
            if args.database == "sqlite":
                figures = run(f"sqlite:///{folder}/bench.sqlite3", args.products, outlets)
            else:
                name = f"isacc_bench_{uuid.uuid4().hex[:8]}"
                admin = psycopg.connect(ADMIN_URL, autocommit=True)
                admin.execute(f'CREATE DATABASE "{name}"')
                base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://",
                                                           "postgresql+psycopg://", 1)
                try:
                    figures = run(f"{base}/{name}", args.products, outlets)
                finally:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    admin.close()
        for label, size, seconds in figures:
            print(f"{args.database}: {args.products} products x {outlets} stock levels "
                  f"({args.products * outlets:,} levels, {size / 1e6:.1f} MB), {label}: "
                  f"{seconds:.2f} s")


if __name__ == "__main__":
    main()
