"""Entity recognition speed: knowledge-base load time and CPU per 1,000 words.

    python bench/entities_bench.py [--corpus PATH] [--rounds N] [--per-text]

Texts: our labelled set (tests/data/entities_eval.txt, dense with names) and,
when the shared corpus is present, the 91 ground-truth article texts of the
news extraction benchmark (ordinary articles); then the cost of one feed item
as the refresh analyses it (issue 12). Times are CPU time of this
process (time.process_time), the best of several rounds, so other work on the
machine disturbs them less. The shipped span classifier (core/entities/spans.py) is part
of `recognize` and measured with it; the optional spaCy model is not used.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from eval_entities import load_inline  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpora/extraction/article-extraction-benchmark")


def kb_load_ms() -> float:
    """Load time in a fresh interpreter (the cache would hide it here)."""
    code = (
        "import time; t = time.perf_counter();"
        "from reader.core.entities.kb import knowledge_base; kb = knowledge_base();"
        "print((time.perf_counter() - t) * 1000, len(kb.entries))"
    )
    runs = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        runs.append((float(out[0]), int(out[1])))
    best = min(runs)
    print(f"knowledge base: {best[1]:,} surfaces, loaded in {best[0]:.0f} ms (best of 5 runs)")
    return best[0]


def per_thousand_words(
    name: str, texts: list[str], rounds: int, spans: bool = True, per_text: bool = False
) -> None:
    """The best round over all texts; with `per_text`, each text's best round,
    summed (steadier on a machine others load in bursts)."""
    from reader.core.entities import Recognizer

    recognizer = Recognizer(use_spans=spans)
    words = sum(len(t.split()) for t in texts)
    for text in texts[:3]:
        recognizer.find(text)  # warm up (regex compilation, caches)
    best = float("inf")
    best_each = [float("inf")] * len(texts)
    mentions = 0
    for _ in range(rounds):
        started = time.process_time()
        mentions = 0
        for i, text in enumerate(texts):
            text_started = time.process_time() if per_text else 0.0
            mentions += len(recognizer.find(text))
            if per_text:
                best_each[i] = min(best_each[i], time.process_time() - text_started)
        best = min(best, time.process_time() - started)
    if per_text:
        best = sum(best_each)
    print(
        f"{name}: {len(texts)} texts, {words:,} words, {mentions:,} mentions:"
        f" {best * 1000 / words * 1000:.2f} ms per 1,000 words"
    )


def per_feed_item(rounds: int, count: int = 2000) -> None:
    """CPU per feed item as a refresh analyses it (reader.core.analysis.analyse:
    the title's and the summary's entities and the AI relevance score), on
    items made like bench/refresh_bench.py's: a headline and a two-sentence
    summary. Each item's best time over the rounds, summed: short calls are
    the ones a burst of load on the machine disturbs most."""
    import random

    import refresh_bench
    from reader.core.analysis import analyse
    from reader.core.config import EntitySettings

    rng = random.Random(12)
    items = [
        (refresh_bench._title(rng), " ".join(refresh_bench._sentence(rng) for _ in range(2)))
        for _ in range(count)
    ]
    settings = EntitySettings()
    best = [float("inf")] * len(items)
    for _ in range(rounds):
        for i, (title, summary) in enumerate(items):
            started = time.process_time()
            analyse(title, summary, "Tech news", settings)
            best[i] = min(best[i], time.process_time() - started)
    words = sum(len(f"{title} {summary}".split()) for title, summary in items)
    print(
        f"feed items (title + two-sentence summary + AI score): {len(items):,} items,"
        f" {words / len(items):.0f} words each: {sum(best) / len(items) * 1e6:.0f} µs per item"
    )


def per_feed_record(rounds: int, count: int = 2000, batch: int = 20) -> None:
    """The same items as `per_feed_item`, as a refresh's worker analyses them:
    ArticleRecords through reader.core.analysis.analyse_records, a feed's 20
    at a time (the records filled in too; story fingerprints left out, they
    are measured with grouping). Each batch's best time over the rounds, summed."""
    import random

    import refresh_bench
    from reader.core.analysis import analyse_records
    from reader.core.config import EntitySettings
    from reader.core.models import ArticleRecord

    rng = random.Random(12)
    records = []
    for i in range(count):
        title = refresh_bench._title(rng)
        summary = " ".join(refresh_bench._sentence(rng) for _ in range(2))
        head = (f"k{i}", f"g{i}", f"https://example.invalid/{i}", title, "", None, None)
        records.append(
            ArticleRecord(*head, f"<p>{summary}</p>", "", summary, "h", "feed", None, "", "")
        )
    batches = [records[i : i + batch] for i in range(0, count, batch)]
    settings = EntitySettings()
    best = [float("inf")] * len(batches)
    for _ in range(rounds):
        for i, records_of_feed in enumerate(batches):
            started = time.process_time()
            analyse_records(records_of_feed, "Tech news", settings, ())
            best[i] = min(best[i], time.process_time() - started)
    print(
        f"feed items as a worker analyses them (records of 20, no fingerprints): {count:,} items:"
        f" {sum(best) / count * 1e6:.0f} µs per item"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--per-text",
        action="store_true",
        help="each text's best round, summed, instead of the best round over all texts",
    )
    args = parser.parse_args()
    each = args.per_text
    kb_load_ms()
    ours = [text for text, _ in load_inline(HERE.parent / "tests/data/entities_eval.txt")]
    per_thousand_words("labelled set (one call per paragraph)", ours, args.rounds, per_text=each)
    per_thousand_words("labelled set (one long text)", ["\n".join(ours)], args.rounds)
    truth = args.corpus / "ground-truth.json"
    if truth.exists():
        articles = [v["articleBody"] for v in json.loads(truth.read_text()).values()]
        name = "news articles (extraction benchmark)"
        per_thousand_words(name, articles, args.rounds, per_text=each)
        # The same texts right after, without the span classifier: its own cost
        # under the same load.
        name = "news articles, rules only (no span classifier)"
        per_thousand_words(name, articles, args.rounds, spans=False, per_text=each)
    else:
        print(f"skipped the news articles: {truth} not found")
    per_feed_item(args.rounds)
    per_feed_record(args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
