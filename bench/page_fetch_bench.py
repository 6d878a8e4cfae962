"""The HTTP part of fetching article pages alone: CPU of N page bodies.

Serves N pages of ~180 KB (the size of the extraction benchmark's real news
pages) from tests/loopback.py's server in a child process, then times rounds
of GETs of all of them through one `Fetcher` (8 at a time, as one feed's pages
on one site), printing this process's CPU per round: the body's way through
the transport (reader.core.http11), httpx and fetch.py's decoding and cap.

    python bench/page_fetch_bench.py [--rounds 5] [--pages 1200] [--gzip]
    /work/main/.venv/bin/python bench/page_fetch_bench.py   # another checkout's reader

`--gzip` sends the pages gzip-encoded, as most sites do (a page of varied
words, compressed once by the server: ~3 times smaller on the wire), so the
rounds time fetch.py's gzip decoding too.

Run the two back to back, alternating: one round's CPU moves by ±15% on a
shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from loopback import LoopbackServer
from reader.core.config import HttpSettings
from reader.core.fetch import Fetcher

PAGE = b"<html><body><p>" + b"word " * 36_000 + b"</p></body></html>"


def gzip_page() -> bytes:
    """PAGE's size in words drawn from 2,000 (seeded), gzip-encoded."""
    rng = random.Random(7)
    words = [f"w{rng.randrange(36**4):x}" for _ in range(2000)]
    text = " ".join(rng.choice(words) for _ in range(30_000))
    return gzip.compress(f"<html><body><p>{text}</p></body></html>".encode()[: len(PAGE)])


def serve(pages: int, encoded: bool, ready: Any, stop: Any) -> None:
    route: dict[str, Any] = {"body": PAGE}
    if encoded:
        route = {"body": gzip_page(), "compress": "raw", "content_encoding": "gzip"}
    with LoopbackServer() as server:
        for i in range(pages):
            server.add(f"/p{i}", content_type="text/html", **route)
        ready.put(server.url("/"))
        stop.wait(3600)


async def one_round(base: str, pages: int) -> int:
    async with Fetcher(HttpSettings(), concurrency=256, per_host=8) as fetcher:
        slots = asyncio.Semaphore(8)

        async def get(i: int) -> int:
            async with slots:
                return len((await fetcher.get(f"{base}p{i}")).content)

        sizes = await asyncio.gather(*(get(i) for i in range(pages)))
    return sum(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=1200)
    parser.add_argument("--gzip", action="store_true", help="pages sent gzip-encoded")
    args = parser.parse_args()
    ready: Any = multiprocessing.Queue()
    stop = multiprocessing.Event()
    child = multiprocessing.Process(
        target=serve, args=(args.pages, args.gzip, ready, stop), daemon=True
    )
    child.start()
    try:
        base = ready.get(timeout=60)
        cpus = []
        for n in range(args.rounds):
            start = time.process_time()
            size = asyncio.run(asyncio.wait_for(one_round(base, args.pages), 600))
            cpus.append(time.process_time() - start)
            print(f"round {n + 1}: {args.pages} pages, {size / 1e6:.0f} MB, CPU {cpus[-1]:.3f} s")
        print(f"median CPU {statistics.median(cpus):.3f} s ({sys.executable})")
    finally:
        stop.set()
        child.join(timeout=10)


if __name__ == "__main__":
    main()
