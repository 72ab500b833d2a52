"""Sync throughput: N orders (an invoice and a receipt each) through RQ worker processes
to the sandbox, with Accurate's limit (8 requests a second, 8 in flight) enforced.

    .venv/bin/python -m bench.sync_throughput [--orders 20000] [--workers 3] [--outlets 6]
                                              [--one-by-one-orders 200]

Prints documents per second against the ceiling that limit allows with bulk-save (8 calls of
100 documents a second: 800 documents/s), rate-limit violations, and, in the same run, the
same work sent one call per document. Needs PostgreSQL and Redis (see bench/shop.py).
"""

import argparse
import time

from bench.shop import BenchShop

CEILING = 8 * 100


def run(shop: BenchShop, orders: int, first: int, workers: int, **env) -> tuple[int, float]:
    """Ingest the orders, then time the workers from the first job to the last document."""
    started = time.perf_counter()
    for n in range(first, first + orders):
        shop.send("sales-orders", shop.order(f"INV-{n}", n % shop.outlet_count))
    print(f"  ingested {orders:,} orders in {time.perf_counter() - started:.0f} s")
    before = shop.counts().get("success", 0)
    shop.start_workers(workers, **env)
    started = time.perf_counter()
    shop.enqueue_every_lane()
    shop.wait_until_sent()
    seconds = time.perf_counter() - started
    shop.stop_workers()
    return shop.counts().get("success", 0) - before, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--outlets", type=int, default=6)
    parser.add_argument("--one-by-one-orders", type=int, default=200)
    args = parser.parse_args()
    with BenchShop(outlets=args.outlets) as shop:
        print(f"bulk-save, {args.orders:,} orders, {args.workers} workers, "
              f"{args.outlets} outlets:")
        documents, seconds = run(shop, args.orders, 0, args.workers)
        rate = documents / seconds
        print(f"  {documents:,} documents in {seconds:.1f} s = {rate:.0f} documents/s = "
              f"{rate / CEILING:.0%} of the {CEILING} documents/s ceiling; "
              f"rate-limit violations: {shop.violations()}; failed: "
              f"{shop.counts().get('failed', 0)}")
        print(f"one call per document, {args.one_by_one_orders:,} orders:")
        documents, seconds = run(shop, args.one_by_one_orders, args.orders, args.workers,
                                 ISACC_SYNC_BATCH="1")
        print(f"  {documents:,} documents in {seconds:.1f} s = {documents / seconds:.1f} "
              f"documents/s (ceiling 8/s); rate-limit violations: {shop.violations()}")


if __name__ == "__main__":
    main()
