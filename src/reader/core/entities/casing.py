"""How words are written in running text: the word-casing lexicon.

reader/data/entities/word_case.txt, made by bench/make_casing_lexicon.py from
unlabelled feeds, gives each common word a bucket by the share of its
mid-sentence uses written capitalised: L almost always lower case, l mostly,
m either, c mostly capitalised, C almost always. A capitalised run of words
usually written in lower case ("Agentic AI", "Annual Report") is less likely
a name; the span classifier (spans.py) and the context rules (context.py)
read it.

reader/data/entities/english_words.txt, made by bench/make_english_words.py
from an English dictionary, says whether the dictionary writes a word in lower
case (an everyday word), only capitalised (a proper name), or not at all (a
coined name: "Wunderlist"): what a name nobody labelled still shows.
"""

from __future__ import annotations

from functools import cache

from reader.core.entities.data_files import data_text

WORD_CASE_FILE = "word_case.txt"
ENGLISH_WORDS_FILE = "english_words.txt"


@cache
def word_case() -> dict[str, str]:
    """A word's casing bucket by its lower-case form ({} without the file)."""
    cases: dict[str, str] = {}
    for line in data_text(WORD_CASE_FILE).splitlines():
        if line and not line.startswith("#"):
            bucket, *words = line.split()
            cases.update(dict.fromkeys(words, bucket))
    return cases


def usually_lower(word: str) -> bool:
    """Whether running text writes `word` in lower case at least two times in three."""
    return word_case().get(word.lower()) in ("L", "l")


@cache
def english_words() -> tuple[frozenset[str], frozenset[str]]:
    """The dictionary's words, lower-cased: (everyday words, proper names).
    (Each line's letter says which; the words are read in one split per
    kind; 74,000 words, loaded once a process, see spans.shipped_model.)"""
    lines = data_text(ENGLISH_WORDS_FILE).splitlines()
    everyday = " ".join([line[2:] for line in lines if line.startswith("w ")])
    proper = " ".join([line[2:] for line in lines if line.startswith("p ")])
    return frozenset(everyday.split()), frozenset(proper.split())


def dictionary_class(word: str) -> str:
    """How an English dictionary writes `word`: "w" in lower case, "p" only
    capitalised, "n" not at all, "#" not a plain word (digits, hyphens)."""
    everyday, proper = english_words()
    low = word.lower()
    if low in everyday:
        return "w"
    if low in proper:
        return "p"
    return "n" if word.isalpha() else "#"
