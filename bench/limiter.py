"""Four worker processes share Accurate's limit through the Redis limiter.

    .venv/bin/python -m bench.limiter [--seconds 20] [--processes 4]

Prints the request rate the four achieved together against Accurate's 8 per second, and the
violations the sandbox counted (the goal: 0, and at least 90 % of 8 per second).
"""

import argparse
import multiprocessing
import os
import time

import redis

from bench.common import Sandbox
from isacc.accurate.client import AccurateClient
from isacc.accurate.limiter import SharedLimiter

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")


def worker(access, seconds: float, prefix: str, done) -> None:
    client = AccurateClient(access, limiter=SharedLimiter(redis.Redis.from_url(REDIS_URL),
                                                          prefix=prefix))
    calls = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        client.detail("glaccount", no="1-10001")
        calls += 1
    done.put(calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with Sandbox() as sandbox:
        access = sandbox.connect()
        sandbox.admin("stats/reset", {})
        prefix = f"bench:{time.time_ns()}"
        done = multiprocessing.Queue()
        workers = [multiprocessing.Process(target=worker,
                                           args=(access, args.seconds, prefix, done))
                   for _ in range(args.processes)]
        started = time.monotonic()
        for process in workers:
            process.start()
        calls = [done.get() for _ in workers]
        for process in workers:
            process.join()
        elapsed = time.monotonic() - started
        stats = sandbox.admin("stats")[str(access.database_id)]
    rate = sum(calls) / elapsed
    print(f"processes:          {args.processes}")
    print(f"duration:           {elapsed:.1f} s")
    print(f"requests answered:  {sum(calls)} (per process: {calls})")
    print(f"achieved rate:      {rate:.2f} requests/s = {rate / 8:.0%} of Accurate's 8/s")
    print(f"sandbox violations: {stats['violations']} (of {stats['requests']} requests seen)")


if __name__ == "__main__":
    main()
