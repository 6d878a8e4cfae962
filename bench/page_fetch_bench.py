"""The HTTP part of fetching article pages alone: CPU of N page bodies.

Serves N pages of ~180 KB (the size of the extraction benchmark's real news
pages) from tests/loopback.py's server in a child process, then times rounds
of GETs of all of them through one `Fetcher` (8 at a time, as one feed's pages
on one site), printing this process's CPU per round: the body's way through
the transport (reader.core.http11), httpx and fetch.py's decoding and cap.

    python bench/page_fetch_bench.py [--rounds 5] [--pages 1200]
    /work/main/.venv/bin/python bench/page_fetch_bench.py   # another checkout's reader

Run the two back to back, alternating: one round's CPU moves by ±15% on a
shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
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


def serve(pages: int, ready: Any, stop: Any) -> None:
    with LoopbackServer() as server:
        for i in range(pages):
            server.add(f"/p{i}", body=PAGE, content_type="text/html")
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
    args = parser.parse_args()
    ready: Any = multiprocessing.Queue()
    stop = multiprocessing.Event()
    child = multiprocessing.Process(target=serve, args=(args.pages, ready, stop), daemon=True)
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
