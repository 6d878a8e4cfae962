"""Re-anchoring does bounded work on any text a feed sends (review12 finding 1).

Re-anchoring runs in the refresh's write transaction: a text built to make the
diff quadratic (new text "the the the ...", old text with many "the") held the
database for minutes. The measure here is the comparison work of the two
third-party algorithms re-anchoring leans on, counted as they run (no clock):
the pairs of equal units difflib's matcher visits, and the cells of rapidfuzz's
Indel comparisons. Past a bound far above what any ordinary edit needs (the
anchor bench's largest re-anchoring visits about 140,000 pairs), the counter
stops the run, so the same test fails in a second on the code that stalled.

What cannot be placed cheaply must not be lost: it is an orphan, kept with its
quote, note and old version, in a real SQLite store.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz.distance import Indel

from reader.core.models import AnnotationFilter
from reader.core.notes.anchoring import find_quote, reanchor_all
from reader.core.store import Store
from records import article_id, record, write

# Per re-anchoring of one article: well above ordinary edits, far below a stall.
MAX_PAIRS = 5_000_000
MAX_CELLS = 200_000_000


@dataclass
class Work:
    pairs: int = 0  # difflib: pairs of equal units visited by longest-match searches
    cells: int = 0  # rapidfuzz Indel: len(a) * len(b) per comparison


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    """Counts the comparison work as it happens; stops a run that goes past the bounds."""
    counted = Work()
    find_longest_match = difflib.SequenceMatcher.find_longest_match
    similarity = Indel.normalized_similarity

    def counting_match(
        self: difflib.SequenceMatcher[Any],
        alo: int = 0,
        ahi: int | None = None,
        blo: int = 0,
        bhi: int | None = None,
    ) -> difflib.Match:
        a, b2j = self.a, self.b2j  # type: ignore[attr-defined]
        end = len(a) if ahi is None else ahi
        counted.pairs += sum(len(b2j.get(a[i], ())) for i in range(alo, end))
        if counted.pairs > MAX_PAIRS:
            raise AssertionError(f"difflib visits over {MAX_PAIRS:,} pairs")
        return find_longest_match(self, alo, ahi, blo, bhi)

    def counting_similarity(s1: Any, s2: Any, **kwargs: Any) -> float:
        counted.cells += len(s1) * len(s2)
        if counted.cells > MAX_CELLS:
            raise AssertionError(f"Indel compares over {MAX_CELLS:,} cells")
        return float(similarity(s1, s2, **kwargs))

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", counting_match)
    monkeypatch.setattr(Indel, "normalized_similarity", counting_similarity)
    yield counted


ARTICLE = (
    "Halcyon Labs released a new open-weight model on Tuesday, the company said.\n\n"
    "The model matches larger systems on the coding benchmarks the lab chose, while "
    "running on a single accelerator, according to the release notes.\n\n"
    "Critics noted that the evaluation suite was designed by the lab itself, and "
    "asked for independent replication before the claims are accepted by the field."
)


def crafted_old(pairs: int) -> str:
    """ "the w0 the w1 ...": one repeated word between unique ones."""
    return " ".join(f"the w{i}" for i in range(pairs)) + "."


@pytest.mark.parametrize(
    ("old", "quote", "new"),
    [
        # The review's crafted case (a 69-second refresh): the word level.
        (crafted_old(800), "the w10 the w11 the w12", "the " * 2000),
        # A real-looking article whose feed replaces it with one word repeated.
        (ARTICLE * 20, "independent replication", "the " * 200_000),
        # The same at the line level (paragraphs are diffed as lines first).
        ("\n".join(f"the\nline {i}" for i in range(800)), "line 10\nthe", "the\n" * 2000),
        # One huge paragraph, rewritten as a few lines of its words shuffled:
        # each line is a candidate for where the paragraph moved.
        (
            " ".join(f"w{i % 997}" for i in range(40_000)),
            "w500 w501 w502 w503",
            "\n".join(" ".join(f"w{(i * 7 + k) % 997}" for i in range(40_000)) for k in range(4)),
        ),
    ],
    ids=["words", "article", "lines", "paragraph"],
)
def test_repetitive_new_text_is_bounded_and_leaves_an_orphan(
    work: Work, old: str, quote: str, new: str
) -> None:
    anchor = find_quote(old, quote)
    assert anchor is not None
    # Ten highlights share the article's budget: the bound is per article.
    placements = reanchor_all([anchor] * 10, old, new)
    assert {p.state for p in placements} == {"orphan"}
    assert work.pairs <= MAX_PAIRS and work.cells <= MAX_CELLS


def test_ordinary_edits_still_place_under_the_bound(work: Work) -> None:
    new = "Advertisement\n\n" + ARTICLE.replace("matches larger", "matches bigger")
    anchors = [
        find_quote(ARTICLE, "independent replication"),
        find_quote(ARTICLE, "The model matches larger systems on the coding benchmarks"),
    ]
    assert all(a is not None for a in anchors)
    moved, fuzzy = reanchor_all([a for a in anchors if a is not None], ARTICLE, new)
    assert (moved.state, new[moved.start : moved.end]) == ("moved", "independent replication")
    assert (fuzzy.state, new[fuzzy.start : fuzzy.end]) == (
        "fuzzy",
        "The model matches bigger systems on the coding benchmarks",
    )
    assert 0 < work.pairs < 10_000


def test_the_store_keeps_the_highlight_as_an_orphan_and_each_edit_is_bounded(
    tmp_path: Path, work: Work
) -> None:
    """The refresh's storing path, on a real SQLite file: new text, then another."""
    store = Store(tmp_path / "bounded.db")
    try:
        feed_id, _ = store.add_feed("https://news.example/feed.xml")
        old = crafted_old(800)
        write(store, feed_id, record("a1", old))
        aid = article_id(store, feed_id, "a1")
        made = store.highlight_quote(aid, "the w10 the w11 the w12", note="my note")
        for edit in ("the " * 2000, "the " * 2001):
            work.pairs = work.cells = 0
            write(store, feed_id, record("a1", edit))
            kept = store.annotation(made.id)
            assert (kept.state, kept.exact, kept.note) == ("orphan", made.exact, "my note")
            # Still anchored to the version it was made on, which is kept.
            assert kept.text_sha == made.text_sha
            assert store.version_text(aid, kept.text_sha) == old
            assert work.pairs <= MAX_PAIRS and work.cells <= MAX_CELLS
        assert [a.id for a in store.annotations(AnnotationFilter(state="orphan"))] == [made.id]
    finally:
        store.close()
