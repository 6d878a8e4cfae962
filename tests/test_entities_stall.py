"""Feed text built to make the recogniser quadratic (review12, finding 5).

A sentence-initial short name ("Aa" after "Aa Inc.") asked whether the whole
text writes it in lower case: three searches of the text per such sentence,
14.6 s of CPU for a 320 KB summary. The answer now comes from the text's
spaced pieces, collected once; these tests hold it equal to the searches it
replaced and count the searches a long text still makes.
"""

from __future__ import annotations

import random

from reader.core.entities import Recognizer
from reader.core.entities.context import SpacedWords


def _searched(text: str, low: str) -> bool:
    # The expression _maybe_a_word used before (main up to ab2cc7e).
    return f" {low} " in text or f" {low}," in text or f" {low}." in text


_PIECES = [" ", " ", ",", ".", "\n", "a", "b", "ab", "A", "é", "-", "a.b", "a,b", ", ", ". ", "  "]


def test_spaced_words_answer_as_the_searches_on_random_texts() -> None:
    rng = random.Random(12)
    words = ["", "a", "b", "ab", "ba", "aa", "é", "a-b", "a.b", "a,b", "a b", "\n", "a\n"]
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 14)))
        spaced = SpacedWords(text)
        for low in words:
            assert spaced.has(low) == _searched(text, low), (text, low)


def test_spaced_words_answer_as_the_searches_on_written_texts() -> None:
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
    # searched the whole text: 601 searches. The mentions stay those of a
    # single sentence, repeated.
    recognizer = Recognizer()
    one = recognizer.find("Aa of Aa Inc. GPT-4 Aa\n")
    _CountingText.searches = 0
    found = recognizer.find(_CountingText("Aa of Aa Inc. GPT-4 Aa\n" * 600))
    assert _CountingText.searches < 5
    width = len("Aa of Aa Inc. GPT-4 Aa\n")
    assert [(m.start % width, m.end - m.start, m.label, m.text) for m in found] == [
        (m.start, m.end - m.start, m.label, m.text) for m in one
    ] * 600
