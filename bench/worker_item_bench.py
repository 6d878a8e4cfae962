"""CPU per feed item of a refresh worker's job, stage by stage (issue 12).

The feeds are those `bench/refresh_bench.py` serves (same generator, same seed:
300 feeds x 20 items), read in this process, no network. Each line is the best of
`--rounds` rounds of one stage over all items, in µs of CPU (process_time) per
item; the whole job is what a worker does with a feed when the feed's own text is
stored: parse, keep the entries, build and analyse the records (entities, AI
score, story fingerprint) and pickle the answer for the parent. The last line is a
digest of the analysed records, to compare two checkouts' output.

    python bench/worker_item_bench.py [--rounds 5]
    PYTHONPATH=<other checkout>/src python bench/worker_item_bench.py   # another checkout

The stages run alone here, each over every item in a row; inside the whole job
they alternate item by item and cost more (the recogniser's tables and the
others' take turns in the caches), so the stages do not add up to the job.
Compare two checkouts with runs made back to back: the machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT / "tests"))  # refresh_bench's loopback servers

HEADERS = {"content-type": "application/rss+xml; charset=utf-8"}


def farm_feeds() -> list[tuple[str, bytes]]:
    """(url, body) of every feed of refresh_bench's default farm."""
    import refresh_bench as rb

    config = rb.FarmConfig(feeds=300, feeds_per_host=10, items=20, latency=0.0)
    pages = rb.DEFAULT_PAGES if rb.DEFAULT_PAGES.is_dir() else None
    farm = rb.Farm(rb.FarmConfig(**{**config.__dict__, "pages": pages}))
    farm.start()
    try:
        found = [
            (server.url(path), route.body)
            for server in farm.servers
            for path, route in server.routes.items()
            if path.startswith("/feeds/")
        ]
    finally:
        farm.stop()
    return sorted(found, key=lambda pair: int(pair[0].rsplit("/", 1)[1].split(".")[0]))


def best_of(rounds: int, fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import reader
    from reader.core import analysis, refresh
    from reader.core.config import EntitySettings
    from reader.core.entities.relevance import ai_score
    from reader.core.feeds import parse_feed
    from reader.core.stories.signature import fingerprint_mentions

    feeds = farm_feeds()
    # As a worker starts (refresh._init_worker): everything loaded, the collector relaxed.
    refresh.load_for_jobs()
    gc.set_threshold(*refresh.REFRESH_GC_THRESHOLDS)
    settings = EntitySettings()
    analysis_args = (settings, (), True)  # the shipped settings, no rules, fingerprints
    parsed = [parse_feed(body, HEADERS, url) for url, body in feeds]
    records = [refresh._record(entry, None, None) for feed in parsed for entry in feed.entries]
    recognizer = analysis.recognizer_for((), settings.model)
    found = [
        (tuple(recognizer.find(r.text)), analysis._title_mentions(recognizer, r.title))
        for r in records
    ]
    items = len(records)

    def job() -> None:
        for url, body in feeds:
            answer = refresh._read_feed(body, HEADERS, url, {}, set(), "", analysis_args)
            pickle.dumps((True, answer), protocol=pickle.DEFAULT_PROTOCOL)

    stages: dict[str, Callable[[], Any]] = {
        "parse the feed": lambda: [parse_feed(body, HEADERS, url) for url, body in feeds],
        "build the records": lambda: [
            refresh._record(entry, None, None) for feed in parsed for entry in feed.entries
        ],
        "recognise text and title": lambda: [
            (recognizer.find(r.text), analysis._title_mentions(recognizer, r.title))
            for r in records
        ],
        "AI relevance score": lambda: [
            ai_score(r.title, r.text, mentions, "Feed", title_mentions)
            for r, (mentions, title_mentions) in zip(records, found, strict=True)
        ],
        "story fingerprint": lambda: [
            fingerprint_mentions(r.title, r.text, mentions)
            for r, (mentions, _) in zip(records, found, strict=True)
        ],
        "whole job (+ pickling)": job,
    }
    print(f"{reader.__file__}: {len(feeds)} feeds, {items:,} items, best of {args.rounds}")
    figures = {}
    for name, fn in stages.items():
        fn()  # warm: lazy loads, caches
        figures[name] = best_of(args.rounds, fn) * 1e6 / items
        print(f"  {name:<28} {figures[name]:7.1f} µs CPU per item", flush=True)
    outside = figures["whole job (+ pickling)"] - figures["recognise text and title"]
    print(f"  {'whole job but the recogniser':<28} {outside:7.1f} µs CPU per item")
    print(f"  digest of the analysed records: {_digest(feeds, analysis_args)}")
    return 0


def _digest(feeds: list[tuple[str, bytes]], analysis_args: tuple[Any, ...]) -> str:
    """A hash of what the job's analysis makes of every record (its title and
    text, mentions, AI score, tags, analysis digest and story fingerprint;
    not the farm's addresses and dates, new each run), for checking that a
    speed change leaves it as it was: two checkouts print the same digest."""
    import hashlib

    from reader.core import refresh

    digest = hashlib.sha256()
    for url, body in feeds:
        _, records, _ = refresh._read_feed(body, HEADERS, url, {}, set(), "", analysis_args)
        for record in records:
            analysed = (
                record.title,
                record.text,
                record.mentions,
                record.ai_score,
                record.auto_tags,
                record.analysed_with,
                record.fingerprint,
            )
            digest.update(repr(analysed).encode())
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    raise SystemExit(main())
