"""What grouping articles into stories costs the refresh.

1. 6,000 articles (300 feeds x 20, one write per feed as the refresh stores
   them) with generated ~600-word texts, 15% of them syndicated copies of an
   earlier article on another feed, each with ~8 entity mentions drawn from a
   skewed list of 400 names: the total write time, the part spent grouping
   (group_articles and StoryBatch.add, timed around the real calls: the
   refresh stores each feed, its new articles meet their candidates then, and
   their stories are written once after the last, with group_later), and
   that part per article.
   Each record carries its fingerprint, as the refresh's workers make it;
   making them is timed apart ("worker side": CPU spent in the workers, in
   parallel with the parent, not in the process that stores).
2. The same 300 new articles stored into an archive of 6,000 and one of
   100,000 (``--large``), both with 200 articles a day: grouping time per
   article must not grow with the archive. The archives are filled in bulk
   (articles, story rows and story_keys rows written directly, see
   bulk_fill) because grouping 100,000 articles one by one would take
   many minutes of a shared machine.

Wall time (perf_counter) and CPU time of this process (process_time) are
printed; CPU time is the steadier figure on a busy machine.

    python bench/stories_bench.py [--articles 6000] [--large 100000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import reader.core.stories.grouping as grouping_module
from reader.core.entities.records import Mention
from reader.core.store import ArticleRecord, Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_stories import page_record
from reader.core.stories.signature import (
    BANDS,
    BINS,
    entity_keys,
    fingerprint_mentions,
    salient_keys,
)

WORDS_PER_ARTICLE = 600
ARTICLES_A_DAY = 200
FEED_SIZE = 20
START = datetime(2026, 1, 1, tzinfo=UTC)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "en", "dar", "pel", "qu"]
        self.vocabulary = sorted(
            {
                "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(1, 4)))
                for _ in range(12_000)
            }
        )
        self.weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.vocabulary))]
        self.names = [f"Company{n}" for n in range(400)]
        self.name_weights = [1.0 / (rank + 1) for rank in range(len(self.names))]
        self.texts: list[str] = []
        self.fingerprint_cpu = 0.0  # what the refresh's workers spend on it
        self.fingerprints = 0

    def text(self) -> str:
        if self.texts and self.rng.random() < 0.15:  # a syndicated copy of an earlier one
            paragraphs = self.rng.choice(self.texts).split("\n\n")
            paragraphs.pop(self.rng.randrange(len(paragraphs)))
            return "\n\n".join(["Republished with permission from our partner.", *paragraphs])
        words = self.rng.choices(self.vocabulary, self.weights, k=WORDS_PER_ARTICLE)
        text = "\n\n".join(" ".join(words[i : i + 60]) + "." for i in range(0, len(words), 60))
        self.texts.append(text)
        return text

    def mentions(self) -> tuple[Mention, ...]:
        names = self.rng.choices(self.names, self.name_weights, k=8)
        return tuple(
            Mention(i * 10, i * 10 + len(name), "ORG", name, name, "kb")
            for i, name in enumerate(names)
        )

    def record(self, key: str, when: datetime) -> ArticleRecord:
        title, text, mentions = f"Article {key}", self.text(), self.mentions()
        cpu = time.process_time()
        found = fingerprint_mentions(title, text, mentions)
        self.fingerprint_cpu += time.process_time() - cpu
        self.fingerprints += 1
        return page_record(
            key, title, text, when,
            mentions=mentions, ai_score=0.5, analysed_with="bench", fingerprint=found,
        )  # fmt: skip


class GroupingTimer:
    """Times the real grouping where the store and the refresh call it:
    group_articles (the writes, and the candidates of a batch of its own) and
    StoryBatch.add (a refresh's candidates, found as each feed is stored)."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def wrap(self, original: Callable[..., None]) -> Callable[..., None]:
        def timed(*args: Any) -> None:
            wall, cpu = time.perf_counter(), time.process_time()
            original(*args)
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu

        return timed


def write_feeds(store: Store, gen: Generator, count: int, prefix: str, span_days: int) -> None:
    """Stored as a refresh stores them: a transaction a feed, then the new
    articles grouped in one (Reader.refresh, group_later)."""
    waiting = grouping_module.StoryBatch()
    feeds = [store.add_feed(f"https://{prefix}{n}.example/feed")[0] for n in range(count // 20)]
    for n, feed_id in enumerate(feeds):
        records = [
            gen.record(
                f"{prefix}{n}-{i}",
                START + timedelta(minutes=gen.rng.randrange(span_days * 24 * 60)),
            )
            for i in range(FEED_SIZE)
        ]
        store.write_feed(
            feed_id,
            url=None,
            title=f"Feed {n}",
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=records,
            stories_later=waiting,
        )
    with store.transaction() as conn:
        grouping_module.group_later(conn, waiting)


def bulk_fill(store: Store, gen: Generator, count: int, span_days: int) -> None:
    """`count` archived articles with their story index rows, written directly.

    An archive is mostly unrelated articles: each gets a random signature and
    random band keys (what unrelated texts have: no band in common), and its
    salient entities and their keys drawn like the new articles' (with
    signature.salient_keys and entity_keys). Filling 100,000 this way
    takes a minute instead of grouping them one by one.
    """
    conn = store.conn
    feed_id, _ = store.add_feed("https://archive.example/feed")
    rng = gen.rng
    with store.transaction():
        for n in range(count):
            when = (START + timedelta(minutes=rng.randrange(span_days * 24 * 60))).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            article_id = conn.execute(
                """INSERT INTO articles (feed_id, key, title, added_at, sort_date, text)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (feed_id, f"bulk{n}", f"Bulk {n}", when, when, "archived"),
            ).lastrowid
            story_id = conn.execute(
                "INSERT INTO stories (created_at) VALUES (?)", (when,)
            ).lastrowid
            entities = salient_keys((m.entity, m.label) for m in gen.mentions())
            conn.execute(
                """INSERT INTO story_articles (article_id, story_id, signature, shingles,
                   entities, sort_date) VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    article_id,
                    story_id,
                    rng.randbytes(4 * BINS),
                    WORDS_PER_ARTICLE,
                    array("I", sorted(entities)).tobytes(),
                    when,
                ),
            )
            day = datetime.fromisoformat(when[:19]).toordinal()
            keys = [rng.getrandbits(61) for _ in range(BANDS)] + entity_keys(entities)
            conn.executemany(
                "INSERT OR IGNORE INTO story_keys (key, day, article_id) VALUES (?, ?, ?)",
                [(key, day, article_id) for key in keys],
            )


def timed(
    label: str, fn: Callable[[], Any], timer: GroupingTimer, articles: int, gen: Generator
) -> None:
    timer.wall = timer.cpu = 0.0
    gen.fingerprint_cpu, gen.fingerprints = 0.0, 0
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label}: write {wall:.2f} s (CPU {cpu:.2f}); grouping {timer.wall:.2f} s"
        f" (CPU {timer.cpu:.2f}) = {timer.wall / articles * 1000:.2f} ms per article"
        f" (CPU {timer.cpu / articles * 1000:.2f}), {timer.wall / wall:.0%} of the write;"
        f" worker side: fingerprints {gen.fingerprint_cpu / max(1, gen.fingerprints) * 1000:.2f}"
        " ms CPU per article"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=300, help="articles added to each archive")
    args = parser.parse_args()
    timer = GroupingTimer()
    grouping_module.group_articles = timer.wrap(grouping_module.group_articles)
    grouping_module.StoryBatch.add = timer.wrap(grouping_module.StoryBatch.add)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        gen = Generator(1)
        small = Store(Path(tmp) / "small.db")
        timed(
            f"{args.articles} articles in {args.articles // FEED_SIZE} feeds",
            lambda: write_feeds(small, gen, args.articles, "f", args.articles // ARTICLES_A_DAY),
            timer,
            args.articles,
            gen,
        )
        stories = small.conn.execute("SELECT count(*) FROM stories").fetchone()[0]
        print(f"  {stories} stories")
        small.close()
        # The same number of articles a day in both archives (as a reader
        # with the same feeds has, a month in or years in), new ones among them.
        for size in (args.articles, args.large):
            archive = Store(Path(tmp) / f"archive{size}.db")
            started = time.perf_counter()
            span = max(1, size // ARTICLES_A_DAY)
            bulk_fill(archive, Generator(2), size, span)
            print(
                f"archive of {size} articles ({span} days): filled in"
                f" {time.perf_counter() - started:.0f} s"
            )
            new = Generator(3)
            timed(
                f"{args.new} new articles into {size}",
                lambda archive=archive, span=span, new=new: write_feeds(
                    archive, new, args.new, "new", span
                ),
                timer,
                args.new,
                new,
            )
            archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
