"""Inbound API throughput: signed sales orders accepted per second by gunicorn with 2 worker
processes, driven by wrk from pre-signed requests (each signature is accepted once, as in
production), and the p95 latency.

    .venv/bin/python -m bench.inbound_api [--seconds 20] [--connections 32] [--threads 4]

Every request stores an order, plans its invoice and receipt and enqueues its lane, as in
production (no workers run: only acceptance is measured). Needs wrk (`apt-get install wrk`),
PostgreSQL and Redis (see bench/shop.py).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests
from sqlalchemy import func

from bench.common import free_port
from bench.shop import REDIS_URL, BenchShop
from isacc.extensions import db
from isacc.inbound.signing import signed_headers
from isacc.models import SalesOrder

LUA = """
local bodies, stamps, signatures = dofile("%(data)s")
local threads = %(threads)d
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  sent = 0
end
function request()
  local n = id + sent * threads
  sent = sent + 1
  return wrk.format("POST", "/api/v1/sales-orders", {
    ["Content-Type"] = "application/json", ["X-Isacc-Store"] = "bench",
    ["X-Isacc-Timestamp"] = stamps[n], ["X-Isacc-Signature"] = signatures[n]}, bodies[n])
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--max-rate", type=int, default=3000,
                        help="requests signed ahead, per second of the run")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is missing: apt-get install wrk")
    with BenchShop(outlets=6) as shop, tempfile.TemporaryDirectory() as folder:
        count = args.max_rate * args.seconds
        stamp = int(time.time()) + 5
        rows = []
        for n in range(count):
            body = json.dumps({"event_id": f"load-{n}", **shop.order(f"L-{n}", n % 6)},
                              separators=(",", ":")).encode()
            headers = signed_headers(shop.store, body, stamp)
            rows.append((body.decode(), headers["X-Isacc-Timestamp"],
                         headers["X-Isacc-Signature"]))
        data = os.path.join(folder, "requests.lua")
        with open(data, "w") as out:
            for index, name in enumerate(("bodies", "stamps", "signatures")):
                out.write(f"local {name} = {{\n")
                out.writelines(f"{lua_string(row[index])},\n" for row in rows)
                out.write("}\n")
            out.write("return bodies, stamps, signatures\n")
        script = os.path.join(folder, "load.lua")
        with open(script, "w") as out:
            out.write(LUA % {"data": data, "threads": args.threads})
        port = free_port()
        config = shop.app.config
        env = dict(os.environ, DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
                   REDIS_URL=REDIS_URL, SECRET_KEY=config["SECRET_KEY"],
                   ENCRYPTION_KEYS=config["ENCRYPTION_KEYS"], ISACC_ENV="production")
        server = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            [sys.executable, "-m", "gunicorn", "-w", "2", "--threads",
             str(args.gunicorn_threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "app:create_app()"], env=env)
        try:
            for _ in range(100):
                try:
                    requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            time.sleep(max(0, stamp - time.time()))
            before = db.session.scalar(db.select(func.count()).select_from(SalesOrder))
            load = subprocess.run(  # noqa: S603 - fixed arguments
                [wrk, "-t", str(args.threads), "-c", str(args.connections), "-d",
                 f"{args.seconds}s", "-s", script, f"http://127.0.0.1:{port}"],
                capture_output=True, text=True, check=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        result = next(line for line in load.stdout.splitlines() if line.startswith("RESULT"))
        _, sent, refused, p50, p95, p99 = result.split()
        db.session.expire_all()
        stored = db.session.scalar(db.select(func.count()).select_from(SalesOrder)) - before
        if int(sent) > count:
            print(f"warning: {int(sent) - count} requests reused a signature; raise --max-rate")
        print(f"gunicorn -w 2 --threads {args.gunicorn_threads}, wrk -t {args.threads} "
              f"-c {args.connections} -d {args.seconds}s:")
        print(f"  {int(sent):,} requests, {int(refused):,} refused, {stored:,} orders stored = "
              f"{stored / args.seconds:.0f} events/s accepted; latency p50 {float(p50):.1f} ms "
              f"p95 {float(p95):.1f} ms p99 {float(p99):.1f} ms")


if __name__ == "__main__":
    main()
