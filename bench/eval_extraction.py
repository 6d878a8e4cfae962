"""Article extraction quality: trafilatura's defaults against our extraction pipeline.

Measures, on the article-extraction-benchmark corpus (news pages with hand-made
ground-truth article text, scrapinghub/article-extraction-benchmark), two systems:

- ``trafilatura defaults``: ``trafilatura.extract(html, url=url)``, plain text;
- ``reader extract_page``: ``reader.core.extract.extract_page`` (our options and
  post-processing), its ``text`` field.

Scoring follows the benchmark's own evaluate.py: ``\\w+`` tokens (case kept),
4-gram shingles counted as multisets, per-page precision and recall averaged over
pages, F1 of the two means. As upstream, a page with no output has recall 0 and is
left out of the precision mean, so the "empty" column must be read next to P.
Timings are wall-clock per page, single process, after one warm-up extraction.

Run from the repository root::

    python bench/eval_extraction.py
    python bench/eval_extraction.py --corpus /path/to/article-extraction-benchmark

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


def trafilatura_defaults(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


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
    results = [
        evaluate("trafilatura defaults", trafilatura_defaults, pages),
        evaluate("reader extract_page", reader_pipeline, pages),
    ]
    print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
