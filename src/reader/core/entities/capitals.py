"""Words written in capitals, found in one scan shared by two passes.

The span classifier asks about short acronyms ("DOD", "NRO") and the
after-pass looks words of four capitals or more up in the knowledge base
("NVIDIA", "WASHINGTON"). Each scanned the whole text with its own regex,
and such a scan costs the engine a stop at every capital of the text (a
news article has hundreds of capitalised words, and a handful of words in
capitals). Both sets of words are the maximal runs of capitals, digits and
"&" that start with a capital, filtered by length and by the characters
around them: one scan gives both (on the news articles, one of the two
scans' cost is saved, and a second scan of the classifier's when the text
names a licence).
"""

from __future__ import annotations

import re
import string

from reader.core.entities.automata import dfa, leftmost_matches

# Two characters or more: no word of one capital is either kind.
_RUN = re.compile(r"[A-Z][A-Z0-9&]+")
# Where such a run can start: a capital, then a capital, a digit or "&". A
# DFA of these pairs (see automata.py) finds them, and _RUN is matched only
# there: the regex's own scan tested every character of the text against
# its first class, at about the cost of the DFA's whole scan, and then tried
# every capital (on the news articles 23.2 against 16.0 million
# instructions a pass, recspeed13).
_PAIRS = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase + "0123456789&"]
_PAIRS_DFA = dfa(_PAIRS)
# What may not stand right before a short acronym, besides a word character.
_NOT_BEFORE_ACRONYM = frozenset(".&'’-")
# What may not stand right after one, besides a word character.
_NOT_AFTER_ACRONYM = frozenset("&'’-")


def capital_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of capitals, digits and "&" that
    starts with a capital and is two characters long or more, in order: the
    matches of _RUN.finditer(text). Such a run starts at the first pair of
    _PAIRS after the previous run (the pairs the DFA finds inside a run are
    skipped), and _RUN matched there ends it."""
    runs = []
    end = 0
    match = _RUN.match
    for _, start, _ in leftmost_matches(_PAIRS_DFA, text):
        run = match(text, start) if start >= end else None
        if run is not None:  # (a pair always starts a run)
            end = run.end()
            runs.append((start, end))
    return runs


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what the regex engine's \w matches in a str


def short_acronyms(text: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs that are the matches of
    `[A-Z](?<![\\w.&'’-].)[A-Z0-9]{1,3}(?![\\w&'’-]|\\.\\w)`: two to four
    capitals and digits, no "&", not inside a word, an abbreviation ("U.S")
    or a compound, and no word character after a full stop right after.
    (Such a match starts and ends a run: the characters around it are no
    run's.)"""
    size = len(text)
    found = []
    for start, end in runs:
        if end - start > 4 or "&" in text[start:end]:
            continue
        if start:
            before = text[start - 1]
            if _is_word_char(before) or before in _NOT_BEFORE_ACRONYM:
                continue
        if end < size:
            after = text[end]
            if _is_word_char(after) or after in _NOT_AFTER_ACRONYM:
                continue
            if after == "." and end + 1 < size and _is_word_char(text[end + 1]):
                continue
        found.append((start, end))
    return found


def long_capitals(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs four characters long or more: the matches of
    `[A-Z][A-Z0-9&]{3,}` (a shorter run holds none of them)."""
    return [(start, end) for start, end in runs if end - start >= 4]
