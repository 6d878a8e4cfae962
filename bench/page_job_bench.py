"""CPU per real page of the refresh worker's page job, against another checkout.

What it measures: ``reader.core.refresh._page_record`` (extraction, the site and
feed trims, the analysis: all a worker does for one article page) on the real
news pages of the extraction benchmark, with feed entries as
bench/refresh_bench.py's farm makes them (an author, a date, a two-sentence
summary), in a process per checkout with the workers' collector thresholds.

Given ``--against PYTHON`` (the interpreter of another checkout's venv, e.g. one
with main installed), both processes run side by side and take the pages in
turn, page by page, the order swapped on every page: on a shared machine whose
load moves by the second, a change of ~1 ms a page is lost between whole runs,
but each page's pair sees the same moment. Before timing, each process runs
every page once and the digest of the records it made is compared (same output
or not). Run from the repository root::

    python bench/page_job_bench.py --rounds 5
    python bench/page_job_bench.py --rounds 5 --against ../base/.venv/bin/python

It prints CPU ms a page for each round and the median of the paired differences.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from refresh_bench import DEFAULT_PAGES  # noqa: E402  (beside the checkout or its worktree folder)


def pages_and_entries(folder: Path) -> tuple[list[bytes], list[Any]]:
    """The pages in refresh_bench's order, and an entry for each as its farm writes it."""
    import refresh_bench as rb
    from loopback import rss
    from reader.core.feeds import parse_feed

    pages = rb._real_pages(folder)
    rng = random.Random(20261128)
    base = 1_780_000_000.0
    items = []
    for j in range(len(pages)):
        title, author = rb._title(rng), rng.choice(rb.PEOPLE)
        items.append(
            {
                "title": title,
                "link": f"http://127.0.0.1:9/news/0/{j}.html",
                "guid": f"page-{j}",
                "description": " ".join(rb._sentence(rng) for _ in range(2)),
                "pubDate": email.utils.formatdate(base - j * 600, usegmt=True),
                "author": author,
            }
        )
    feed = parse_feed(
        rss(items, title="Site", link="http://127.0.0.1:9/"),
        {"content-type": "application/rss+xml"},
        "http://127.0.0.1:9/feed.xml",
    )
    return pages, list(feed.entries)


def serve(folder: Path) -> None:
    """Child: run every page once and print the records' digest, then time the
    page named on each line of stdin and print its CPU seconds."""
    import gc

    from reader.core.config import EntitySettings
    from reader.core.refresh import REFRESH_GC_THRESHOLDS, _page_record, load_for_jobs

    load_for_jobs()
    gc.set_threshold(*REFRESH_GC_THRESHOLDS)
    pages, entries = pages_and_entries(folder)
    settings = EntitySettings()

    def job(i: int) -> Any:
        entry = entries[i]
        return _page_record(entry, pages[i], entry.url, "Site", settings, (), True)

    digest = hashlib.sha256()
    for i in range(len(pages)):
        digest.update(repr(job(i)).encode())
    print(len(pages), digest.hexdigest(), flush=True)
    for line in sys.stdin:
        i = int(line)
        started = time.process_time()
        job(i)
        print(time.process_time() - started, flush=True)


class Child:
    def __init__(self, python: str, folder: Path) -> None:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        self.proc = subprocess.Popen(
            [python, __file__, "--serve", "--pages", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        count, self.digest = self.proc.stdout.readline().split()
        self.pages = int(count)

    def time(self, i: int) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{i}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--against", help="another checkout's python: timed page by page beside")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (args.pages / "html").is_dir():
        print(f"no real pages at {args.pages}: pass --pages")
        return 1
    if args.serve:
        serve(args.pages)
        return 0
    children = {"this": Child(sys.executable, args.pages)}
    if args.against:
        children["against"] = Child(args.against, args.pages)
    n = children["this"].pages
    if args.against:
        same = children["this"].digest == children["against"].digest
        print(f"{n} pages; records the same in both checkouts: {same}")
    names = list(children)
    rounds: dict[str, list[float]] = {name: [] for name in names}
    try:
        for r in range(args.rounds):
            spent = dict.fromkeys(names, 0.0)
            for i in range(n):
                for name in names if (i + r) % 2 == 0 else names[::-1]:
                    spent[name] += children[name].time(i)
            line = []
            for name in names:
                rounds[name].append(spent[name] * 1000 / n)
                line.append(f"{name} {rounds[name][-1]:.2f}")
            print(f"round {r + 1}: CPU ms a page: " + ", ".join(line), flush=True)
    finally:
        for child in children.values():
            child.close()
    for name in names:
        ms = rounds[name]
        print(f"{name}: min {min(ms):.2f}, median {statistics.median(ms):.2f} ms a page")
    if args.against:
        diffs = [a - b for a, b in zip(rounds["this"], rounds["against"], strict=True)]
        median = statistics.median(diffs)
        print(f"this - against, median of the rounds' differences: {median:+.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
