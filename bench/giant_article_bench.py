"""The app with one giant article (a hostile feed item of 0.25, 1 and 4 MB).

Builds (once, then reuses) a database per size holding one article of that
many characters of ordinary prose, analysed as the refresh analyses it (so it
has its hundreds of thousands of mentions), then runs the real ReaderApp under
Textual's headless driver at 200x50 and prints, per size, CPU seconds of the
process and wall seconds:

- start: from constructing the app until it is idle (the newest article, this
  one, is previewed at start);
- open: Enter on the list, until idle;
- keys: each of v (a cursor in the text), w (the cursor a word on), W (the
  selection a word longer), Enter (the highlight dialog), until idle;
- stall: the longest the event loop did not run (a 50 ms ticker's lateness).

Run from the repository root, A/B against another checkout by its Python:

    python bench/giant_article_bench.py            # 0.25, 1 and 4 MB
    python bench/giant_article_bench.py --mb 4
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from textual.pilot import Pilot

try:
    import reader  # noqa: F401
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from reader.core.analysis import analyse_records
from reader.core.config import EntitySettings, Settings, StorageSettings
from reader.core.service import make_reader
from reader.core.store import ArticleRecord, Store
from reader.tui.app import ReaderApp

SENTENCES = (
    "Sam Altman said OpenAI would raise $6.6 billion in October 2024.",
    "Priya Natarajan, CEO of Quorvel Labs, met investors in Paris on June 3, 2026.",
    "Nvidia shares rose 4% after the H100 news.",
    "The Llama 3.1 405B model was released by Meta.",
    "Analysts at Morgan Stanley expect growth of 12% in Q3 2025.",
)


def giant_text(mb: float) -> str:
    rng = random.Random(2)
    paragraphs: list[str] = []
    size = 0
    while size < mb * 1e6:
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(8))
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(paragraphs)


def build(path: Path, mb: float) -> None:
    text = giant_text(mb)
    record = ArticleRecord(
        key="giant",
        guid="giant",
        url="",
        title=f"A {mb:g} MB item",
        author="",
        published="2026-12-07T08:00:00Z",
        updated=None,
        summary_html="",
        content_html="",
        text=text,
        entry_hash=f"giant:{mb}",
        extraction="feed",
        extraction_error=None,
        site_name="",
        image_url="",
    )
    store = Store(path)
    try:
        feed_id, _ = store.add_feed("https://giant.example/feed", title="Giant")
        store.write_feed(
            feed_id,
            url=None,
            title="Giant",
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=analyse_records([record], "Giant", EntitySettings(), ()),
        )
    finally:
        store.close()


async def settle(pilot: Pilot[ReaderApp]) -> None:
    """Until idle, and the screen drawn: Textual paints on a timer after the
    messages are handled, so a render can land after pause() returns."""
    await pilot.pause()
    await asyncio.sleep(0.2)
    await pilot.pause()


async def drive(settings: Settings) -> dict[str, tuple[float, float]]:
    figures: dict[str, tuple[float, float]] = {}
    lateness = [0.0]

    async def ticker() -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.05)
            lateness.append(time.monotonic() - before - 0.05)

    tick = asyncio.create_task(ticker())
    cpu, wall = time.process_time(), time.perf_counter()
    app = ReaderApp(make_reader(settings))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        figures["start"] = (time.process_time() - cpu, time.perf_counter() - wall)
        steps = (("open", "enter"), ("v", "v"), ("w", "w"), ("W", "W"), ("Enter", "enter"))
        for label, key in steps:
            cpu, wall = time.process_time(), time.perf_counter()
            await pilot.press(key)
            await settle(pilot)
            figures[label] = (time.process_time() - cpu, time.perf_counter() - wall)
        await pilot.press("escape")
        await pilot.pause()
    tick.cancel()
    figures["stall"] = (0.0, max(lateness))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, action="append", help="sizes (default 0.25 1 4)")
    args = parser.parse_args()
    from reader.tui.app import start_process_helpers

    start_process_helpers()
    cache = Path(tempfile.gettempdir()) / "reader-giant-article-bench"
    cache.mkdir(exist_ok=True)
    for mb in args.mb or [0.25, 1.0, 4.0]:
        db = cache / f"giant-{mb:g}.db"
        if not db.exists():
            started = time.perf_counter()
            build(db.with_suffix(".part"), mb)
            db.with_suffix(".part").rename(db)
            print(f"built {db} in {time.perf_counter() - started:.0f} s", flush=True)
        # A copy per run: opening the article writes to the database (read state).
        run = cache / f"run-{mb:g}.db"
        run.write_bytes(db.read_bytes())
        settings = Settings(storage=StorageSettings(db=str(run), data_dir=str(cache)))
        figures = asyncio.run(drive(settings))
        shown = "  ".join(
            f"{label} {cpu:.2f}/{wall:.2f}" if label != "stall" else f"stall {wall:.2f}"
            for label, (cpu, wall) in figures.items()
        )
        print(f"{mb:>5g} MB (CPU s/wall s)  {shown}", flush=True)


if __name__ == "__main__":
    main()
