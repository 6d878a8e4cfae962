"""Article extraction quality: trafilatura's defaults against our extraction pipeline.

Measures, on the article-extraction-benchmark corpus (news pages with hand-made
ground-truth article text, scrapinghub/article-extraction-benchmark), three systems:

- ``trafilatura defaults``: ``trafilatura.extract(html, url=url)``, plain text;
- ``trafilatura comments off``: the same with ``include_comments=False``;
- ``reader extract_page``: ``reader.core.extract.extract_page`` (our options and
  post-processing), its ``text`` field.

Halves: our settings were chosen on the benchmark's pages at even positions of
the sorted id list (the "tuned" half, the only one in the shared corpus); the
pages at odd positions are the "unseen" half. Given the full benchmark (181
pages), the script reports both halves side by side; given one half only, it
reports that half (``--half unseen`` to name a folder holding only the unseen
pages). Never tune on the unseen half.

``--feed-stand-ins`` (tuned half only) also scores the feed-guided trimming of
the refresh (reader.core.feed_lead) with stand-ins for a feed, since the pages
come without one: the first sentence of the true text as the feed's summary,
and the true text itself as a full-content feed.

Scoring follows the benchmark's own evaluate.py: ``\\w+`` tokens (case kept),
4-gram shingles counted as multisets, per-page precision and recall averaged over
pages, F1 of the two means. As upstream, a page with no output has recall 0 and is
left out of the precision mean, so the "empty" column must be read next to P.
Timings are wall-clock per page, single process, after one warm-up extraction.

Run from the repository root::

    python bench/eval_extraction.py
    python bench/eval_extraction.py --corpus /path/to/article-extraction-benchmark
    python bench/eval_extraction.py --feed-stand-ins

The corpus is not part of the repository; when the folder is missing the script
says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared/corpora/extraction/article-extraction-benchmark"

try:
    import reader  # noqa: F401
except ImportError:  # not installed: run against the source tree
    sys.path.insert(0, str(REPO_ROOT / "src"))

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
NGRAM_N = 4

Extractor = Callable[[bytes, str], str]


@dataclass(frozen=True, slots=True)
class Page:
    page_id: str
    url: str
    html: bytes
    truth: str


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    precision: float
    recall: float
    f1: float
    empty: int
    pages: int
    median_ms: float
    max_ms: float


def shingles(text: str, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of n-gram shingles; a text shorter than n tokens is one short shingle."""
    tokens = _TOKEN_RE.findall(text or "")
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(gram for gram in grams if gram)


def match_counts(truth: str, prediction: str) -> tuple[int, int, int]:
    """True positive, false positive and false negative shingle counts for one page."""
    true_shingles = shingles(truth)
    pred_shingles = shingles(prediction)
    tp = sum((true_shingles & pred_shingles).values())
    fp = sum((pred_shingles - true_shingles).values())
    fn = sum((true_shingles - pred_shingles).values())
    return tp, fp, fn


def _precision(tp: int, fp: int, fn: int) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: int, fp: int, fn: int) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def score(counts: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    """Mean precision (pages with output), mean recall (pages with truth), F1 of the means."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_corpus(corpus: Path) -> list[Page]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = corpus / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            continue
        pages.append(
            Page(
                page_id=page_id,
                url=truth[page_id].get("url", ""),
                html=gzip.decompress(path.read_bytes()),
                truth=truth[page_id].get("articleBody", ""),
            )
        )
    return pages


# The shared corpus holds the tuned half alone (91 pages); the full benchmark
# has 181, so a corpus this large holds both halves.
FULL_CORPUS_PAGES = 150


def halves(pages: list[Page], single: str = "tuned") -> list[tuple[str, list[Page]]]:
    """("tuned", even positions) and ("unseen", odd positions) of the sorted ids;
    a corpus holding one half only is that half, named by ``single``."""
    if len(pages) < FULL_CORPUS_PAGES:
        return [(single, pages)]
    ordered = sorted(pages, key=lambda p: p.page_id)
    return [("tuned", ordered[0::2]), ("unseen", ordered[1::2])]


def trafilatura_defaults(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def trafilatura_comments_off(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def reader_pipeline(html: bytes, url: str) -> str:
    from reader.core.extract import extract_page

    page = extract_page(html, url)
    return page.text if page is not None else ""


def evaluate(name: str, extractor: Extractor, pages: list[Page]) -> Result:
    extractor(pages[0].html, pages[0].url)  # warm-up: imports, lazy tables
    counts: list[tuple[int, int, int]] = []
    timings: list[float] = []
    empty = 0
    for page in pages:
        start = time.perf_counter()
        text = extractor(page.html, page.url)
        timings.append((time.perf_counter() - start) * 1000)
        if not _TOKEN_RE.search(text):
            empty += 1
        counts.append(match_counts(page.truth, text))
    precision, recall, f1 = score(counts)
    return Result(
        name=name,
        precision=precision,
        recall=recall,
        f1=f1,
        empty=empty,
        pages=len(pages),
        median_ms=statistics.median(timings),
        max_ms=max(timings),
    )


def format_table(results: list[Result]) -> str:
    lines = [
        "| system | precision | recall | F1 | empty | median ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | "
            f"{r.empty}/{r.pages} | {r.median_ms:.1f} | {r.max_ms:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="article-extraction-benchmark folder (ground-truth.json, html/*.html.gz); "
        "default: %(default)s",
    )
    parser.add_argument(
        "--half",
        choices=("tuned", "unseen"),
        default="tuned",
        help="which half a corpus of one half is (default: %(default)s); "
        "a full corpus is split by position",
    )
    parser.add_argument(
        "--feed-stand-ins",
        action="store_true",
        help="also score the feed-guided trimming with stand-ins for a feed (tuned half)",
    )
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "ground-truth.json").is_file() or not (corpus / "html").is_dir():
        print(
            f"Extraction corpus not found at {corpus} (needs ground-truth.json and html/); "
            "nothing to evaluate. Pass --corpus PATH to point at it."
        )
        return 0
    pages = load_corpus(corpus)
    if not pages:
        print(f"No pages with ground truth in {corpus}; nothing to evaluate.")
        return 0
    import trafilatura

    print(f"corpus: {corpus} ({len(pages)} pages), trafilatura {trafilatura.__version__}")
    parts = halves(pages, args.half)
    if len(parts) == 1:
        print(f"only the {args.half} half is here (--half names it)")
    for name, part in parts:
        print(f"\n{name} half ({len(part)} pages)")
        results = [
            evaluate("trafilatura defaults", trafilatura_defaults, part),
            evaluate("trafilatura comments off", trafilatura_comments_off, part),
            evaluate("reader extract_page", reader_pipeline, part),
        ]
        print(format_table(results))
    if args.feed_stand_ins and parts[0][0] == "tuned":
        tuned = parts[0][1]
        truths = {page.html: page.truth for page in tuned}
        print(f"\nfeed-guided trimming, stand-ins for a feed, tuned half ({len(tuned)} pages)")
        results = [
            evaluate("reader extract_page", reader_pipeline, tuned),
            evaluate(
                "+ summary = first true sentence",
                lambda html, url: _trimmed(html, url, _first_sentence(truths[html])),
                tuned,
            ),
            evaluate(
                "+ full content = true text",
                lambda html, url: _trimmed(html, url, truths[html]),
                tuned,
            ),
        ]
        print(format_table(results))
    return 0


def _first_sentence(truth: str) -> str:
    from reader.core.feed_lead import first_sentence

    return first_sentence(truth.strip().split("\n", 1)[0])


def _trimmed(html: bytes, url: str, feed_text: str) -> str:
    from reader.core.feed_lead import trim_to_feed

    return trim_to_feed(reader_pipeline(html, url), feed_text)


if __name__ == "__main__":
    sys.exit(main())
