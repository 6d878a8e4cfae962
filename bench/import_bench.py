"""A big annotations import and a writer working at the same time.

Loads the offline demo into a fresh database, writes an export of N
highlights on its articles (quotes taken from their texts, no uid known to
the database), then runs `reader import` on it in a subprocess while this
process makes one small write every 0.2 s (as the app does when an article is
marked read). Prints the import's wall time and how long the concurrent
writes waited for the lock: an import must never hold the database so long
that another command gives up ("database is locked").

    python bench/import_bench.py [--annotations 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.core.config import Settings, StorageSettings
from reader.core.service import make_reader
from reader.core.store import ArticleQuery


def demo_database(path: Path) -> list[tuple[str, str]]:
    """The demo in a new database; returns (article URL, text) pairs."""
    reader = make_reader(Settings(storage=StorageSettings(db=str(path))))
    try:
        list(reader.refresh(reader.add_demo()))
        return [
            (summary.url, reader.article(summary.id).text)
            for summary in reader.articles(ArticleQuery(limit=None))
        ]
    finally:
        reader.close()


def export(articles: list[tuple[str, str]], count: int) -> dict[str, object]:
    items = []
    for n in range(count):
        url, text = articles[n % len(articles)]
        words = text.split()
        quote = words[(n // len(articles)) % len(words)]
        items.append(
            {
                "id": f"urn:bench:{n}",
                "type": "Annotation",
                "body": [{"type": "TextualBody", "purpose": "commenting", "value": f"note {n}"}],
                "target": {
                    "source": url,
                    "selector": [{"type": "TextQuoteSelector", "exact": quote}],
                    "styleClass": "yellow",
                },
            }
        )
    return {"type": "AnnotationCollection", "items": items}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        notes = Path(folder) / "notes.json"
        notes.write_text(json.dumps(export(demo_database(db), args.annotations)), "utf-8")
        command = [sys.executable, "-m", "reader", "import", str(notes)]
        started = time.monotonic()
        importing = subprocess.Popen(
            command,
            env={**os.environ, "READER_DB": str(db)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        waits = []
        writer = sqlite3.connect(db, timeout=120, isolation_level=None)
        while importing.poll() is None:
            asked = time.monotonic()
            writer.execute("BEGIN IMMEDIATE")
            writer.execute(
                "INSERT OR REPLACE INTO preferences (key, value) VALUES ('bench', ?)",
                (str(asked),),
            )
            writer.execute("COMMIT")
            waits.append(time.monotonic() - asked)
            time.sleep(0.2)
        writer.close()
        out, err = importing.communicate()
        elapsed = time.monotonic() - started
    print(out.strip() or err.strip())
    print(f"import of {args.annotations:,} annotations: {elapsed:.1f} s wall")
    if waits:
        print(
            f"{len(waits)} concurrent writes: median wait {statistics.median(waits) * 1000:.0f} ms,"
            f" longest {max(waits):.2f} s"
        )


if __name__ == "__main__":
    main()
