"""The app on a large archive: 100,000 articles, driven headless.

Builds (once, then reuses) a database of 100,000 articles of ~2 KB each over
100 feeds, with generated original text, then runs the real ReaderApp under
Textual's headless test driver at 120x40 and prints:

- first paint: from constructing the app to the main screen showing rows;
- cursor moves: CPU per press of a held j (one key every 1/30 s, as a
  terminal's key repeat sends them, without waiting for the app), median and
  worst; then single presses each left to rest until the article is shown
  (that adds laying out the article); End (jump to the 100,000th row);
- search: ranked full-text results for a rare, an ordinary and a very common
  word, and the same through the app's search box;
- opening an article: reading it from the store and laying out the pane;
- memory: peak RSS of the process.

Run from the repository root:

    python bench/app_bench.py             # 100,000 articles
    python bench/app_bench.py --articles 20000

Targets (issue: the reading app): first paint < 0.5 s, search < 100 ms for
ordinary queries, opening an article < 50 ms, RSS < 250 MB, no stalls.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    import reader  # noqa: F401
except ImportError:  # pragma: no cover - running from a checkout without install
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from reader.core.config import Settings, StorageSettings, UiSettings
from reader.core.service import make_reader
from reader.core.store import ArticleQuery, Store
from reader.core.store.common import text_sha

WORDS = (
    "model launch funding chip agent reasoning benchmark weights startup billion policy "
    "court lab research release inference training cluster datacenter regulator investor "
    "open source license context window token latency accelerator memory bandwidth safety "
    "evaluation dataset robotics vision speech translation search browser assistant cloud "
    "quarter revenue margin valuation acquisition partnership lawsuit settlement copyright"
).split()
RARE = "zirconium"  # put in 50 articles
ORDINARY = "antitrust"  # in 1 article of 8
COMMON = "model"  # in nearly every article
KEY_REPEAT = 1 / 30  # seconds between the presses of a held key
HELD_KEYS = 300
REST = 0.1  # seconds after a single press: the article is shown after 0.04 s


def build(path: Path, articles: int, feeds: int = 100) -> None:
    rng = random.Random(7)
    store = Store(path)
    conn = store.conn
    conn.execute("BEGIN")
    for f in range(feeds):
        conn.execute(
            "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?)",
            (f"https://feed{f}.example/rss", f"Feed number {f}", "2026-01-01T00:00:00Z"),
        )
    rows = []
    for i in range(articles):
        words = [rng.choice(WORDS) for _ in range(320)]
        if i % (articles // 50 or 1) == 0:
            words[5] = RARE
        if i % 8 == 0:
            words[9] = ORDINARY
        words[0] = COMMON
        text = "\n".join(" ".join(words[j : j + 40]).capitalize() + "." for j in range(0, 320, 40))
        day = f"20{15 + i * 11 // articles:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z"
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        rows.append(
            (
                1 + i % feeds,
                f"k{i}",
                f"https://feed{i % feeds}.example/{i}",
                title,
                day,
                day,
                day,
                text,
                text_sha(text),
                str(i),
                i % 3 == 0,
            )
        )
    conn.executemany(
        """INSERT INTO articles (feed_id, key, url, title, published, added_at, sort_date,
               text, text_sha, entry_hash, read) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA optimize")
    store.close()


def _complete(db: Path, articles: int) -> bool:
    """A database from an earlier run with every article (not an interrupted build)."""
    if not db.exists():
        return False
    store = Store(db)
    try:
        return store.count_articles(ArticleQuery()) == articles
    finally:
        store.close()


def timed(fn: object, *args: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000, result


async def drive(settings: Settings) -> dict[str, float]:
    from textual import events

    from reader.tui.app import ReaderApp
    from reader.tui.screens.main import MainScreen
    from reader.tui.widgets.article_list import ArticleList

    figures: dict[str, float] = {}
    started = time.perf_counter()
    app = ReaderApp(make_reader(settings))
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, MainScreen) or not app.screen.query(ArticleList):
            await asyncio.sleep(0.001)
        articles = app.screen.query_one(ArticleList)
        while articles.total == 0:
            await asyncio.sleep(0.001)
        await pilot.pause()
        figures["first paint ms"] = (time.perf_counter() - started) * 1000
        figures["articles listed"] = articles.total

        # Holding j: a key every 1/30 s (a terminal's key repeat), handed to
        # the app's driver as a terminal's input is, without waiting for the
        # app (Pilot's own key presses wait for it to go idle, ~0.1 s, which
        # is a key every 7-9 Hz, not a held key). Each press's CPU is what the
        # app did until the next key arrived.
        driver = app._driver
        assert driver is not None
        held = []
        start_row, held_started = articles.cursor, time.process_time()
        for _ in range(HELD_KEYS):
            c = time.process_time()
            key = events.Key("j", "j")
            key.set_sender(app)
            driver.send_message(key)
            await asyncio.sleep(KEY_REPEAT)
            held.append((time.process_time() - c) * 1000)
        released = time.perf_counter()
        while articles.cursor < start_row + HELD_KEYS:
            await asyncio.sleep(0.001)
        figures["key press (j) held: cursor behind the key after release ms"] = (
            time.perf_counter() - released
        ) * 1000
        await pilot.pause()
        figures["key press (j) held: CPU per key incl. the article shown after ms"] = (
            (time.process_time() - held_started) * 1000 / HELD_KEYS
        )
        figures["key press (j) median CPU ms"] = statistics.median(held)
        figures["key press (j) worst CPU ms"] = max(held)
        # One press at a time, each left to rest until the article is shown:
        # this also counts laying out the article in the reading pane.
        presses, cpu = [], []
        for _ in range(100):
            t, c = time.perf_counter(), time.process_time()
            await pilot.press("j")
            await pilot.pause(REST)
            presses.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        figures["key press (j) then rest, median ms, wall incl. driver waits"] = statistics.median(
            presses
        )
        figures["key press (j) then rest, worst ms, wall"] = max(presses)
        figures["key press (j) then rest (article shown), median CPU ms"] = statistics.median(cpu)
        figures["key press (j) then rest (article shown), worst CPU ms"] = max(cpu)
        t = time.perf_counter()
        await pilot.press("end")
        figures["End (last row) ms"] = (time.perf_counter() - t) * 1000
        figures["cursor at row"] = articles.cursor + 1
        t = time.perf_counter()
        await pilot.press("home")
        figures["Home ms"] = (time.perf_counter() - t) * 1000

        screen = app.screen
        assert isinstance(screen, MainScreen)
        open_times = []
        for index in range(0, 2000, 100):
            article_id = articles.id_at(index)
            assert article_id is not None
            ms, _ = timed(screen._open, article_id)
            open_times.append(ms)
        figures["open article median ms"] = statistics.median(open_times)
        figures["open article worst ms"] = max(open_times)

        await pilot.press("slash")
        for word in (RARE, ORDINARY, COMMON):
            keys = []
            for char in word:
                k = time.perf_counter()
                await pilot.press(char)
                keys.append((time.perf_counter() - k) * 1000)
            typed = time.perf_counter()
            # Debounce, then a worker ranks; the word being typed is searched as a
            # prefix too ("model*").
            while (articles.view_query.search or "").rstrip("*") != word:
                await asyncio.sleep(0.002)
            await pilot.pause()
            figures[f"search '{word}': worst key press while typing ms"] = max(keys)
            figures[f"search '{word}': results listed after last key ms"] = (
                time.perf_counter() - typed
            ) * 1000
            figures[f"search '{word}': matches listed"] = articles.total
            for _ in word:
                await pilot.press("backspace")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse or build this database file")
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"reader-app-bench-{args.articles}.db"
    built = not _complete(db, args.articles)
    if built:
        db.unlink(missing_ok=True)
        t = time.perf_counter()
        build(db, args.articles)
        print(f"built {db} ({args.articles:,} articles) in {time.perf_counter() - t:.1f} s")
    settings = Settings(storage=StorageSettings(db=str(db)), ui=UiSettings(mark_read_on_open=False))
    store = Store(db)
    print(f"database: {db.stat().st_size / 1e6:.0f} MB, {args.articles:,} articles")
    for word in (RARE, ORDINARY, COMMON):
        query = ArticleQuery(search=word, limit=50)
        store.articles(query)  # warm the page cache once
        runs = [timed(store.articles, query)[0] for _ in range(5)]
        matches = store.count_articles(ArticleQuery(search=word))
        print(
            f"search '{word}': {statistics.median(runs):.1f} ms for the 50 best "
            f"of {matches:,} matches"
        )
    store.close()
    if built:
        # The builder held every generated row in memory; measure the app in
        # a fresh process so its peak RSS is the app's own.
        import subprocess

        return subprocess.call(
            [sys.executable, __file__, "--articles", str(args.articles), "--db", str(db)]
        )
    figures = asyncio.run(drive(settings))
    for name, value in figures.items():
        print(f"{name}: {value:,.1f}")
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a process
    # started by the (large) builder would report the builder's peak.
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(f"peak RSS of the app process: {hwm / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
