"""Real-time latency: orders arrive at a steady rate while RQ workers send them; how long
from an order's arrival to its documents' Success in the sandbox (Accurate's limit on).

    .venv/bin/python -m bench.realtime_latency [--rate 50] [--seconds 60] [--workers 3]
        [--latency 150-300]

`--latency MIN-MAX` makes every sandbox call take MIN to MAX ms, as Accurate's do (#22).

Each order is stored and enqueued as the inbound API does (validated, planned, committed,
its lane enqueued). Prints p50/p95/p99 of arrival -> Success per document and per order
(its last document). Needs PostgreSQL and Redis (see bench/shop.py).
"""

import argparse
import statistics
import time

from bench.shop import BenchShop
from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, SyncActivity
from isacc.sync.lanes import enqueue_lane


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {cuts[49]:.2f} s  p95 {cuts[94]:.2f} s  p99 {cuts[98]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--outlets", type=int, default=6)
    parser.add_argument("--latency", default="", help="MIN-MAX ms each Accurate call takes")
    args = parser.parse_args()
    with BenchShop(outlets=args.outlets) as shop:
        if args.latency:
            low, high = (float(part) for part in args.latency.split("-"))
            shop.sandbox.admin("faults", {"latency_min_ms": low, "latency_max_ms": high})
        lanes = {n: db.session.scalar(db.select(Outlet.id).where(Outlet.iseller_id == f"OUT-{n}"))
                 for n in range(args.outlets)}
        shop.start_workers(args.workers)
        total = int(args.rate * args.seconds)
        started = time.perf_counter()
        late = 0.0
        for n in range(total):
            due = started + n / args.rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                late = max(late, -wait)
            shop.send("sales-orders", shop.order(f"INV-{n}", n % args.outlets))
            enqueue_lane(shop.store.id, lanes[n % args.outlets])
        sending = time.perf_counter() - started
        shop.wait_until_sent()
        rows = db.session.execute(db.select(SyncActivity.kind, SyncActivity.source_number,
                                            SyncActivity.created_at,
                                            SyncActivity.finished_at)).all()
        per_document = [(done - arrived).total_seconds() for _, _, arrived, done in rows]
        orders: dict[str, tuple] = {}
        for kind, number, arrived, done in rows:
            # A receipt's number is its order's number with "-<payment>" after it.
            order = number if kind == ActivityKind.SALES_INVOICE else number.rsplit("-", 1)[0]
            first, last = orders.get(order, (arrived, done))
            orders[order] = (min(first, arrived), max(last, done))
        per_order = [(last - first).total_seconds() for first, last in orders.values()]
        print(f"{total:,} orders at {args.rate:g}/s over {sending:.1f} s (most behind "
              f"schedule: {late:.2f} s), {args.workers} workers, {args.outlets} outlets; "
              f"{len(rows):,} documents; violations {shop.violations()}; "
              f"{shop.counts()}")
        print(f"arrival -> Success, per document: {percentiles(per_document)}")
        print(f"arrival -> Success, per order:    {percentiles(per_order)}")


if __name__ == "__main__":
    main()
