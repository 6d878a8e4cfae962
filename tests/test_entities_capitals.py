"""The one scan of words in capitals gives what the two regexes it replaced found."""

from __future__ import annotations

import random
import re

from reader.core.entities.capitals import _RUN, capital_runs, long_capitals, short_acronyms

# The regexes the span classifier's acronyms and the after-pass's capitals used.
_ACRONYM = re.compile(r"[A-Z](?<![\w.&'’-].)[A-Z0-9]{1,3}(?![\w&'’-]|\.\w)")
_CAPITALS = re.compile(r"[A-Z][A-Z0-9&]{3,}")

_PIECES = [
    "A", "B", "Z", "AB", "NVIDIA", "DOD", "GPU", "H100", "AT&T", "R&D", "&", "1", "42",
    "a", "x", "é", "É", "_", ".", "-", "'", "’", " ", "\n", "(", ")", ",", "U.S.", "Ab",
    "\ud800", "\U0001f600", "ＡＢ",
]  # fmt: skip


def _both(text: str) -> None:
    runs = capital_runs(text)
    # The runs are the regex's matches (found from the DFA's pairs since recspeed13).
    assert runs == [m.span() for m in _RUN.finditer(text)], text
    assert short_acronyms(text, runs) == [m.span() for m in _ACRONYM.finditer(text)], text
    assert long_capitals(runs) == [m.span() for m in _CAPITALS.finditer(text)], text


def test_written_cases() -> None:
    for text in [
        "The DOD and NRO said the GPU (H100) ran.",
        "NVIDIA, WASHINGTON — AT&T and R&D at IBM's lab; U.S. NATO-led DOD.x ABCDE",
        "aDOD DODs DOD-1 -DOD 'DOD' ’DOD’ DOD. DOD.A DOD._ DOD_ _DOD ÉDOD DODé",
        "AB&CD A&B ABCD& &ABCD 1ABCD ABCD1 AB1 A1 A",
        "ABCDE\ud800FG \U0001f600HI&J A&&B 9AB& ZZ",
        "",
    ]:
        _both(text)


def test_random_texts() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        _both("".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 14))))
