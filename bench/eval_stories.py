"""Story grouping evaluated on real text: syndicated copies and look-alikes.

From the extraction benchmark's hand-made article texts (real news), it builds:

- stories: each article of the first half (sorted ids at even positions) is
  stored as published, plus 2-4 copies on other feeds and hosts, made the
  ways syndication changes an article: headline rewritten, paragraphs
  dropped and reordered, the lead only, boilerplate added before and after,
  a few words changed; copies arrive up to three days later;
- look-alikes that must stay apart: each story gets a decoy on the same day
  and about the same entities, the text of an article from the second half
  with its most mentioned names replaced by the story's; the second half's
  articles themselves never appear, so a decoy has no true partner.

Every article goes through the real store (`Store.write_feed`, with the
ingest's entity analysis), in a shuffled arrival order. It prints pairwise
precision and recall (a pair is two articles put in one story; the truth is
two versions of one article), how many pairs of unrelated articles were
grouped, and whether a second, differently shuffled arrival gives the same
grouping.

    python bench/eval_stories.py [CORPUS_DIR] [--seed N]

CORPUS_DIR defaults to /work/shared/corpora/extraction/article-extraction-benchmark;
when it is missing the script says so and exits 0 without figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reader.core.analysis import analyse_records
from reader.core.config import EntitySettings
from reader.core.entities.records import NAME_LABELS
from reader.core.store import ArticleRecord, Store
from reader.core.stories.grouping import NEAR_DUPLICATE, SAME_EVENT_TEXT
from reader.core.stories.signature import signature, similarity

DEFAULT_CORPUS = Path("/work/shared/corpora/extraction/article-extraction-benchmark")
HOSTS = ("wire.example", "daily.example", "digest.example", "aggregator.example", "letter.example")
BOILERPLATE = (
    "This article originally appeared on {host}. Republished with permission. "
    "Sign up for our free morning newsletter to get the day's most important "
    "technology and business news delivered straight to your inbox.",
    "Advertisement. Continue reading below. Our journalism depends on readers "
    "like you: subscribe today for unlimited access to every article, "
    "podcast and newsletter we publish.",
    "Follow us on social media for more coverage. Copyright 2026, all rights "
    "reserved. Reporting by staff writers; editing by the news desk at {host}.",
)
SWAPS = ("said", "added", "stated", "noted", "reported", "announced", "told", "explained")
BASE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    group: str  # which source article this is a version of ("" for a decoy)
    kind: str
    host: str
    title: str
    text: str
    published: datetime


def _title_from_url(url: str) -> str:
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.\w+$", "", slug)
    words = [w for w in re.split(r"[-_]+", slug) if w and not w.isdigit() and len(w) < 20]
    return " ".join(words).capitalize() or "Untitled"


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _change_words(text: str, rng: random.Random, share: float = 0.02) -> str:
    tokens = text.split(" ")
    for i in rng.sample(range(len(tokens)), max(1, int(len(tokens) * share))):
        tokens[i] = rng.choice(SWAPS)
    return " ".join(tokens)


def _rewrite_headline(title: str, rng: random.Random) -> str:
    words = title.split()
    rng.shuffle(words)
    kept = words[: max(2, len(words) * 2 // 3)]
    return rng.choice(("Report: ", "Analysis: ", "", "Why ")) + " ".join(kept).capitalize()


def make_copy(title: str, text: str, host: str, rng: random.Random) -> tuple[str, str, str]:
    """(kind, title, text) of one syndicated version."""
    paragraphs = _paragraphs(text)
    kind = rng.choice(("edited", "trimmed", "lead", "reordered"))
    if kind == "trimmed" and len(paragraphs) >= 4:
        for _ in range(max(1, len(paragraphs) // 5)):
            paragraphs.pop(rng.randrange(1, len(paragraphs)))
    elif kind == "lead":
        # Newsletters retell the first part and link to the rest.
        paragraphs = paragraphs[: max(2, (len(paragraphs) * 3 + 4) // 5)]
    elif kind == "reordered" and len(paragraphs) >= 3:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    body = _change_words("\n\n".join(paragraphs), rng)
    before, after = rng.sample(BOILERPLATE, 2)
    body = f"{before.format(host=host)}\n\n{body}\n\n{after.format(host=host)}"
    return kind, _rewrite_headline(title, rng), body


def _top_names(text: str, settings: EntitySettings) -> list[tuple[str, str]]:
    """(surface, label) of the most mentioned names, most mentioned first."""
    [analysed] = analyse_records([page_record("x", "", text, BASE)], "", settings, ())
    counts = Counter(
        (m.text, m.label) for m in analysed.mentions if m.label in NAME_LABELS and len(m.text) > 2
    )
    return [name for name, _ in counts.most_common(4)]


def build(corpus: Path, seed: int) -> list[Item]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    rows = [truth[k] for k in sorted(truth) if len(truth[k]["articleBody"].split()) >= 120]
    sources, donors = rows[0::2], rows[1::2]
    rng = random.Random(seed)
    settings = EntitySettings()
    items: list[Item] = []
    for n, (source, donor) in enumerate(zip(sources, itertools.cycle(donors), strict=False)):
        title, text = _title_from_url(source["url"]), source["articleBody"]
        day = BASE + timedelta(hours=rng.randrange(0, 48))
        group = f"s{n}"
        hosts = rng.sample(HOSTS, 5)
        items.append(Item(group, "original", hosts[0], title, text, day))
        for host in hosts[1 : 1 + rng.randint(2, 4)]:
            kind, copy_title, copy_text = make_copy(title, text, host, rng)
            when = day + timedelta(hours=rng.randrange(1, 72))
            items.append(Item(group, kind, host, copy_title, copy_text, when))
        # The decoy: another article's text about the story's names, same day.
        decoy_text = donor["articleBody"]
        for (theirs, _), (ours, _) in zip(
            _top_names(decoy_text, settings), _top_names(text, settings), strict=False
        ):
            decoy_text = re.sub(rf"\b{re.escape(theirs)}\b", ours, decoy_text)
        items.append(
            Item(
                "",
                "decoy",
                hosts[-1],
                f"{title.split(' ')[0]} {_title_from_url(donor['url'])}",
                decoy_text,
                day + timedelta(hours=rng.randrange(0, 6)),
            )
        )
    return items


def page_record(key: str, title: str, text: str, when: datetime, **analysis: Any) -> ArticleRecord:
    """An extracted article as the refresh would store it (stories_bench uses it too);
    `analysis`: the fields the analysis step fills in."""
    return ArticleRecord(
        key=key,
        guid=key,
        url=f"https://news.example/{key}",
        title=title,
        author="",
        published=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        updated=None,
        summary_html="",
        content_html="",
        text=text,
        entry_hash=key,
        extraction="page",
        extraction_error=None,
        site_name="",
        image_url="",
        **analysis,
    )


def group_in_store(items: list[Item], order_seed: int, workdir: Path) -> dict[int, int]:
    """Store every item (shuffled, one write per article as a refresh would
    when feeds finish one by one); returns {item index: story id}."""
    store = Store(workdir / f"eval-{order_seed}.db")
    feeds = {host: store.add_feed(f"https://{host}/feed")[0] for host in HOSTS}
    order = list(range(len(items)))
    random.Random(order_seed).shuffle(order)
    settings = EntitySettings()
    for index in order:
        item = items[index]
        records = analyse_records(
            [page_record(f"i{index}", item.title, item.text, item.published)],
            item.host,
            settings,
            (),
        )
        store.write_feed(
            feeds[item.host],
            url=None,
            title=item.host,
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=records,
        )
    rows = store.conn.execute(
        "SELECT a.key, s.story_id FROM articles a JOIN story_articles s ON s.article_id = a.id"
    ).fetchall()
    store.close()
    return {int(key[1:]): story for key, story in rows}


def partition(stories: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = defaultdict(set)
    for index, story in stories.items():
        groups[story].add(index)
    return {frozenset(g) for g in groups.values()}


def margins(items: list[Item]) -> str:
    """Estimated Jaccard of each copy to its original, and of each decoy to
    the versions of its look-alike story: how far both are from the bars."""
    signatures = [signature(f"{item.title}\n{item.text}") for item in items]
    copies, decoys = [], []
    originals = {item.group: n for n, item in enumerate(items) if item.kind == "original"}
    group = ""
    for n, item in enumerate(items):
        own = signatures[n]
        if item.kind == "original":
            group = item.group
        if own is None:
            continue
        if item.kind == "decoy":
            decoys += [
                similarity(own, sig)
                for m, sig in enumerate(signatures)
                if items[m].group == group and sig is not None
            ]
        elif item.kind != "original":
            base = signatures[originals[item.group]]
            if base is not None:
                copies.append(similarity(own, base))
    copies.sort()
    return (
        f"estimated Jaccard, copy to original: min {copies[0]:.2f}, 5th percentile "
        f"{copies[len(copies) // 20]:.2f}, median {statistics.median(copies):.2f}; "
        f"decoy to its look-alike story: max {max(decoys):.2f} "
        f"(bars: copies {NEAR_DUPLICATE}, same event {SAME_EVENT_TEXT} with entities)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (args.corpus / "ground-truth.json").is_file():
        print(f"skipped: no ground-truth.json in {args.corpus} (pass the corpus folder)")
        return 0
    items = build(args.corpus, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        first = group_in_store(items, args.seed, Path(tmp))
        second = group_in_store(items, args.seed + 1000, Path(tmp))
    tp = fp = fn = unrelated = 0
    missed: Counter[str] = Counter()
    for i, j in itertools.combinations(range(len(items)), 2):
        same = bool(items[i].group) and items[i].group == items[j].group
        grouped = first[i] == first[j]
        tp += same and grouped
        fp += grouped and not same
        fn += same and not grouped
        unrelated += grouped and not same
        if same and not grouped:
            missed[items[j].kind if items[i].kind == "original" else items[i].kind] += 1
    kinds = Counter(item.kind for item in items)
    print(f"articles: {len(items)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    print(f"stories expected: {sum(1 for i in items if i.kind == 'original')} + decoys")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    print(f"unrelated pairs grouped: {unrelated}")
    if missed:
        print("missed pairs by kind of copy: " + ", ".join(f"{k} {v}" for k, v in missed.items()))
    print(margins(items))
    same_order = partition(first) == partition(second)
    print(f"same grouping in another arrival order: {'yes' if same_order else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
