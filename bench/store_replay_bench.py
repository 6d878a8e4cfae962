"""The first refresh's storing, replayed: CPU and I/O of the process that stores (issue 12).

One first refresh of `bench/refresh_bench.py`'s farm (300 feeds x 20 items, feed
text only) runs through the library in this process, and the outcomes its
workers sent are kept (pickled to `--outcomes`, with the feeds' URLs). Each round
then stores those outcomes again, in the same order, into a new database, as
`Reader.refresh` does after each feed (`Reader._store`, the story batch, its
writes on the way and the last one): the same input every time, so the rounds
and two checkouts compare without the network, the workers or the order in
which feeds came. Printed per round: CPU (process_time; user and system), wall,
and what the process handed to write() and read() (/proc/self/io: WAL frames,
checkpoints, temporary files). `--digest FILE` writes a digest of every table
(row counts and hashes, ids as stored, the full-text index term by term) after
the first round: two checkouts storing the same outcomes must write the same.

    python bench/store_replay_bench.py --outcomes /tmp/o.pkl             # captures, then replays
    python bench/store_replay_bench.py --outcomes /tmp/o.pkl --rounds 5  # replays the capture
    PYTHONPATH=<other checkout>/src python bench/store_replay_bench.py --outcomes /tmp/o.pkl

A capture holds the outcome classes of the checkout that made it: replay it with
checkouts whose outcome records have the same fields.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import pickle
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT / "tests"))  # refresh_bench's loopback servers

CONFIG = "[refresh]\nextract = false\n"


def new_reader(folder: Path, urls: list[str]) -> Any:
    from reader.core.config import load_settings
    from reader.core.service import make_reader
    from refresh_bench import write_opml

    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    write_opml(folder / "feeds.opml", urls)
    reader = make_reader(load_settings(folder / "config.toml", db=folder / "reader.db"))
    reader.import_opml(folder / "feeds.opml")
    return reader


def capture(path: Path) -> None:
    """One live first refresh of the farm; its outcomes and feed URLs to `path`."""
    import refresh_bench as rb
    from reader.core.service import Reader

    farm = rb.FarmHandle(
        rb.FarmConfig(feeds=300, feeds_per_host=10, items=20, latency=0.1), "process"
    )
    outcomes: list[Any] = []
    store = Reader._store

    def keep(self: Reader, outcome: Any, counters: Any, waiting: Any) -> Any:
        outcomes.append(outcome)
        return store(self, outcome, counters, waiting)

    try:
        with tempfile.TemporaryDirectory(prefix="store-replay-") as work:
            reader = new_reader(Path(work), farm.feed_urls)
            Reader._store = keep  # recording; the call is unchanged
            try:
                stored = sum(1 for _ in reader.refresh())
            finally:
                Reader._store = store
                reader.close()
    finally:
        farm.stop()
    path.write_bytes(pickle.dumps((farm.feed_urls, outcomes), pickle.HIGHEST_PROTOCOL))
    print(f"captured {stored} outcomes of a live first refresh to {path}")


def io_counts() -> dict[str, int]:
    with open("/proc/self/io", encoding="ascii") as f:
        return {name: int(value) for name, value in (line.split(": ") for line in f)}


def replay(urls: list[str], outcomes: list[Any], folder: Path) -> dict[str, float]:
    from reader.core.refresh import Counters, fewer_collections
    from reader.core.stories.grouping import StoryBatch

    reader = new_reader(folder, urls)
    gc.collect()
    counters = Counters(feeds_total=len(outcomes))
    with fewer_collections():
        io0, times0, cpu0, wall0 = io_counts(), os.times(), time.process_time(), time.perf_counter()
        batch = StoryBatch()
        for outcome in outcomes:
            counters.feeds_done += 1
            reader._store(outcome, counters, batch)
        reader.group_refreshed(batch)
        cpu, wall, times, io = (
            time.process_time() - cpu0,
            time.perf_counter() - wall0,
            os.times(),
            io_counts(),
        )
    reader.close()
    return {
        "cpu": cpu,
        "user": times.user - times0.user,
        "system": times.system - times0.system,
        "wall": wall,
        "written MB": (io["wchar"] - io0["wchar"]) / 1e6,
        "write calls": io["syscw"] - io0["syscw"],
        "read MB": (io["rchar"] - io0["rchar"]) / 1e6,
    }


def digest(db: Path) -> list[str]:
    """Row count and hash of every table (ids as stored), and of the full-text
    index term by term; times of day left out."""
    conn = sqlite3.connect(db)
    clock_columns = {"added_at", "last_fetched", "last_updated", "created_at", "deleted_at"}
    lines = []
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%fts%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        kept = ",".join(f'"{c}"' for c in columns if c not in clock_columns)
        rows = sorted(repr(row) for row in conn.execute(f"SELECT {kept} FROM {table}"))
        lines.append(f"{table}\t{len(rows)}\t{hashlib.sha256(''.join(rows).encode()).hexdigest()}")
    conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, articles_fts, instance)")
    rows = sorted(repr(row) for row in conn.execute("SELECT * FROM temp.terms"))
    lines.append(
        f"articles_fts terms\t{len(rows)}\t{hashlib.sha256(''.join(rows).encode()).hexdigest()}"
    )
    conn.close()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outcomes", type=Path, required=True, help="captured here if missing")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--digest", type=Path, help="write the tables' digest after round 1")
    args = parser.parse_args()
    if not args.outcomes.exists():
        capture(args.outcomes)
    urls, outcomes = pickle.loads(args.outcomes.read_bytes())
    import reader

    print(f"{reader.__file__}: {len(outcomes)} outcomes, {args.rounds} rounds")
    best: dict[str, float] = {}
    for k in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="store-replay-") as work:
            figures = replay(urls, outcomes, Path(work))
            if args.digest and k == 0:
                args.digest.write_text("\n".join(digest(Path(work) / "reader.db")) + "\n")
        print(f"  round {k + 1}: " + ", ".join(f"{name} {v:.2f}" for name, v in figures.items()))
        best = {name: min(v, best.get(name, v)) for name, v in figures.items()}
    print("  best:    " + ", ".join(f"{name} {v:.2f}" for name, v in best.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
