"""Feed text built to make the recogniser quadratic (review12, finding 5).

Also: the spans the recogniser has claimed, kept in one sorted list, moved
on every insert (a 640 KB text of names claimed out of order: 3 s of CPU in
the moves); past a few thousand they are kept in blocks, and the answers are
held equal to the one list's.


A sentence-initial short name ("Aa" after "Aa Inc.") asked whether the whole
text writes it in lower case: three searches of the text per such sentence,
14.6 s of CPU for a 320 KB summary. The answer now comes from the text's
spaced pieces, collected once; these tests hold it equal to the searches it
replaced and count the searches a long text still makes.
"""

from __future__ import annotations

import bisect
import random
from itertools import chain

import pytest

from reader.core.entities import Recognizer, context, recognizer
from reader.core.entities.context import SpacedWords
from reader.core.models import Mention


def _searched(text: str, low: str) -> bool:
    # The expression _maybe_a_word used before (main up to ab2cc7e).
    return f" {low} " in text or f" {low}," in text or f" {low}." in text


_PIECES = [" ", " ", ",", ".", "\n", "a", "b", "ab", "A", "é", "-", "a.b", "a,b", ", ", ". ", "  "]


def test_spaced_words_answer_as_the_searches_on_random_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first two questions searched as before, the rest from the pieces.
    monkeypatch.setattr(context, "_SEARCHES_BEFORE_SCAN", 2)
    rng = random.Random(12)
    words = ["", "a", "b", "ab", "ba", "aa", "é", "a-b", "a.b", "a,b", "a b", "\n", "a\n"]
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 14)))
        spaced = SpacedWords(text)
        for low in words:
            assert spaced.has(low) == _searched(text, low), (text, low)


def test_spaced_words_answer_as_the_searches_on_written_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context, "_SEARCHES_BEFORE_SCAN", 0)
    texts = [
        "Scale AI raised money. Scale is a start-up.",
        "The scale of it. Scale AI said so",
        "at scale, Scale AI",
        "a scale.",
        "scale ",
        " scale",
        " scale\n",
        "Quantra Systems makes sensors. Quantra makes them.",
        "",
        "  ",
        " .",
        " ,x y.",
    ]
    for text in texts:
        spaced = SpacedWords(text)
        for low in ("scale", "quantra", "", "x", "y", "x y", "ai", "makes", "it"):
            assert spaced.has(low) == _searched(text, low), (text, low)


class _CountingText(str):
    """A text that counts the searches for a spaced word in it."""

    searches = 0

    def __contains__(self, other: object) -> bool:
        if isinstance(other, str) and other.startswith(" ") and other[-1:] in (" ", ",", "."):
            _CountingText.searches += 1
        return str.__contains__(self, other)


def test_a_long_text_of_short_sentence_initial_names_is_not_searched_per_name() -> None:
    # On main each of the 600 sentences starting "Aa" (short for "Aa Inc.")
    # searched the whole text three times (1,801 searches); now the first 64
    # questions do, then one scan answers the rest.
    # The mentions stay those of a single sentence, repeated.
    recognizer = Recognizer()
    one = recognizer.find("Aa of Aa Inc. GPT-4 Aa\n")
    _CountingText.searches = 0
    found = recognizer.find(_CountingText("Aa of Aa Inc. GPT-4 Aa\n" * 600))
    assert _CountingText.searches <= 3 * context._SEARCHES_BEFORE_SCAN + 1  # 3 per question
    width = len("Aa of Aa Inc. GPT-4 Aa\n")
    assert [(m.start % width, m.end - m.start, m.label, m.text) for m in found] == [
        (m.start, m.end - m.start, m.label, m.text) for m in one
    ] * 600


class _OneList:
    """_Claims as main had it (ab2cc7e): one sorted list, an insert moving the
    rest. The reference for the blocks."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i == 0 or self.ends[i - 1] <= start

    def claim(self, candidates: list[Mention], chosen: list[Mention]) -> None:
        for mention in candidates:
            start, end = mention.start, mention.end
            i = bisect.bisect_left(self.starts, end)
            if i == 0 or self.ends[i - 1] <= start:
                j = bisect.bisect_left(self.starts, start, 0, i)
                self.starts.insert(j, start)
                self.ends.insert(j, end)
                chosen.append(mention)


def _mention(start: int, end: int) -> Mention:
    return Mention(start, end, "ORG", "x", "x", "test")


def test_claims_in_blocks_answer_as_one_sorted_list(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny blocks, so that a few dozen spans make many of them and split often.
    monkeypatch.setattr(recognizer, "_FLAT", 6)
    monkeypatch.setattr(recognizer, "_BLOCK", 2)
    rng = random.Random(5)
    for _ in range(400):
        ours, reference = recognizer._Claims(), _OneList()
        chosen: list[Mention] = []
        expected: list[Mention] = []
        for _ in range(rng.randrange(1, 8)):  # the recogniser's passes
            batch = []
            for _ in range(rng.randrange(0, 30)):
                start = rng.randrange(0, 120)
                batch.append(_mention(start, start + rng.choice([0, 1, 1, 2, 3, 5, 9])))
            ours.claim(batch, chosen)
            reference.claim(batch, expected)
            assert chosen == expected
            for _ in range(20):
                start = rng.randrange(-2, 125)
                end = start + rng.randrange(0, 8)
                assert ours.free(start, end) == reference.free(start, end)
        if ours.blocks is not None:
            assert list(chain.from_iterable(ours.blocks.starts)) == reference.starts
            assert list(chain.from_iterable(ours.blocks.ends)) == reference.ends
        # Taken at once (`of`, after the joining passes): as the one list made so.
        rebuilt, flat = recognizer._Claims.of(expected), _OneList()
        spans = sorted((m.start, m.end) for m in expected)
        flat.starts, flat.ends = [s for s, _ in spans], [e for _, e in spans]
        for _ in range(40):
            start = rng.randrange(-2, 125)
            end = start + rng.randrange(0, 8)
            assert rebuilt.free(start, end) == flat.free(start, end)


def test_many_spans_claimed_out_of_order_move_one_block_each() -> None:
    # 20,000 spans claimed from the end of the text back: on main each insert
    # moved every span already taken (200 million moves in all).
    claims = recognizer._Claims()
    chosen: list[Mention] = []
    claims.claim([_mention(i * 3, i * 3 + 2) for i in reversed(range(20_000))], chosen)
    assert len(chosen) == 20_000
    assert claims.blocks is not None
    assert max(len(block) for block in claims.blocks.starts) <= 2 * recognizer._BLOCK
    assert list(chain.from_iterable(claims.blocks.starts)) == [i * 3 for i in range(20_000)]
    assert not claims.free(30_000, 30_001) and claims.free(2, 3)
