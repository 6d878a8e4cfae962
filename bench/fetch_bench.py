"""The HTTP part of an unchanged refresh alone: CPU of 300 conditional GETs.

Starts refresh_bench.py's farm (300 feeds on 30 hosts, 100 ms latency), GETs
every feed once for its validators, then times rounds of the same GETs with
those validators (all answered 304), each through a fresh `Fetcher` as a
refresh makes one (new connections, the refresh's `per_host` and
`concurrency`). Prints this process's CPU per round: no start-up, no store.

    python bench/fetch_bench.py [--rounds 7]
    /work/main/.venv/bin/python bench/fetch_bench.py   # another checkout's reader, same farm code

Run the two back to back, alternating: the CPU of one round moves by ±10%
on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader.core.config import HttpSettings, RefreshSettings
from reader.core.fetch import Fetcher
from refresh_bench import FarmConfig, FarmHandle

Validators = dict[str, tuple[str | None, str | None]]


def fetcher() -> Fetcher:
    refresh = RefreshSettings()
    return Fetcher(HttpSettings(), concurrency=refresh.concurrency, per_host=refresh.per_host)


async def first(urls: list[str]) -> Validators:
    async with fetcher() as f:
        results = await asyncio.gather(*(f.get(url) for url in urls))
    return {url: (r.etag, r.last_modified) for url, r in zip(urls, results, strict=True)}


async def unchanged(validators: Validators) -> None:
    async with fetcher() as f:
        results = await asyncio.gather(
            *(f.get(url, etag=etag, last_modified=lm) for url, (etag, lm) in validators.items())
        )
    statuses = {r.status for r in results}
    if statuses != {304}:
        raise SystemExit(f"expected every answer to be 304, got {sorted(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--feeds", type=int, default=300)
    args = parser.parse_args()
    farm = FarmHandle(
        FarmConfig(feeds=args.feeds, feeds_per_host=10, items=20, latency=0.1), "process"
    )
    try:
        validators = asyncio.run(first(farm.feed_urls))
        cpu = []
        for _ in range(args.rounds):
            start = time.process_time()
            asyncio.run(unchanged(validators))
            cpu.append(time.process_time() - start)
    finally:
        farm.stop()
    ms = [round(c * 1000) for c in cpu]
    print(
        f"{len(validators)} conditional GETs (304), CPU per round: "
        f"median {statistics.median(ms):.0f} ms, min {min(ms)} ms ({', '.join(map(str, ms))})"
    )


if __name__ == "__main__":
    main()
