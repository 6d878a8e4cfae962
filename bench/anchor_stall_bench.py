"""CPU of re-anchoring one article's highlights (reader.core.notes.anchoring
.reanchor_all) when its new text is built to stall the diff: one word
repeated, against an old text that has that word many times. Re-anchoring
runs in the refresh's write transaction, so this time is time the database
is locked (review12 finding 1). Time that grows faster than the text shows a
superlinear path.

    python bench/anchor_stall_bench.py [--scales 1,2,4] [--case NAME ...] [--anchors N]

At scale 4 "words" is the review's crafted case (800 pairs "the wN" against
"the " x 2000: a 69-second refresh on main). Run it with main's interpreter
and a branch's, back to back, for an A/B (each imports the `reader` its
environment installs); main needs minutes from scale 2 up.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path("/work/shared/corpora/extraction/article-extraction-benchmark/ground-truth.json")
FALLBACK = (
    "Halcyon Labs released a new open-weight model on Tuesday, the company said. "
    "The model matches larger systems on the coding benchmarks the lab chose.\n"
) * 40


def _article() -> str:
    """A median real article (the extraction benchmark's ground truth), else a made-up one."""
    if not CORPUS.is_file():
        return FALLBACK
    bodies = sorted(page["articleBody"] for page in json.loads(CORPUS.read_text()).values())
    bodies.sort(key=len)
    return bodies[len(bodies) // 2]


def _words(scale: int) -> tuple[str, str]:
    old = " ".join(f"the w{i}" for i in range(200 * scale)) + "."
    return old, "the " * (500 * scale)


def _lines(scale: int) -> tuple[str, str]:
    old = "\n".join(f"the\nline {i}" for i in range(200 * scale))
    return old, "the\n" * (500 * scale)


def _article_the(scale: int) -> tuple[str, str]:
    return _article(), "the " * (500_000 * scale)


def _paragraph(scale: int) -> tuple[str, str]:
    """One long paragraph, then a few lines of its words reordered."""
    count = 10_000 * scale
    old = " ".join(f"w{i % 997}" for i in range(count))
    new = "\n".join(" ".join(f"w{(i * 7 + k) % 997}" for i in range(count)) for k in range(4))
    return old, new


CASES: dict[str, Callable[[int], tuple[str, str]]] = {
    "words": _words,
    "lines": _lines,
    "article-the": _article_the,
    "paragraph": _paragraph,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,2,4", help="size multipliers")
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--anchors", type=int, default=1, help="highlights on the article")
    args = parser.parse_args()
    from reader.core.notes.anchoring import make_anchor, reanchor_all

    for name in args.case or CASES:
        figures = []
        for scale in map(int, args.scales.split(",")):
            old, new = CASES[name](scale)
            middle = old.index(" ", len(old) // 2) + 1
            anchor = make_anchor(old, middle, min(len(old), middle + 60))
            began = time.process_time()
            placed = reanchor_all([anchor] * args.anchors, old, new)
            spent = time.process_time() - began
            states = "/".join(sorted({p.state for p in placed}))
            figures.append(f"x{scale} {len(new) / 1000:,.0f} KB {spent:.2f} s {states}")
        print(f"{name:12} " + " | ".join(figures), flush=True)


if __name__ == "__main__":
    main()
