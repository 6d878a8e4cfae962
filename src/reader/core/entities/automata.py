"""Aho–Corasick automata that scan news text fast.

pyahocorasick finds the next state by searching a node's children one by
one, in the order they were added, and most characters of a text are looked
up at the root, whose children are the keys' first characters (about 70 in
the knowledge base: the letters, digits and a few signs). The nodes, links
and outputs are the same in whatever order the keys are added, so the keys
are added with the characters common in English news first: the search then
stops early for most characters of a text. (Measured on the extraction
benchmark's 91 articles: the knowledge base's scan costs about a third
less, the institution heads' half.)

Small sets of keys scanned for in every text (the model family stems, the
institutions' head words, the characters that fold, the pairs of capitals
that start a word in capitals) are DFAs of ahocorasick_rs instead, read
through overlapping_matches or leftmost_matches: a table look-up per
character, whatever the keys. (The crate reads a str as UTF-8, which
CPython makes once for a str and keeps with it: the first scan of a text
pays for it, the later scans of the same str do not.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick
import ahocorasick_rs

# Characters by how often they occur in English news, most common first.
_BY_FREQUENCY = " etaoinsrhldcumgpfywb.,vk-'TSAIMCPBDENHFRGWLOU0123456789xjqzJKVYZXQ"
_RANK = str.maketrans({ch: chr(i + 1) for i, ch in enumerate(_BY_FREQUENCY)})
# The first two levels of the trie are where the search is long: ordering the
# keys by their first two characters costs a few ms at load, all of them more.
_ORDERED_CHARS = 2


def _common_first(key: str) -> str:
    return key[:_ORDERED_CHARS].translate(_RANK)


def automaton(items: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    """An automaton of (key, value) pairs, keys with common characters added
    first; a key given twice keeps its last value, as with add_word."""
    values = dict(items)
    built = ahocorasick.Automaton()
    for key in sorted(values, key=_common_first):
        built.add_word(key, values[key])
    built.make_automaton()
    return built


def dfa(keys: Iterable[str]) -> ahocorasick_rs.AhoCorasick:
    """A DFA of `keys` (see the module's doc), read with overlapping_matches."""
    return ahocorasick_rs.AhoCorasick(keys, implementation=ahocorasick_rs.Implementation.DFA)


# A surrogate code point alone in a str (json.loads makes one of "\\ud800"):
# no UTF-8 for it, which ahocorasick_rs reads the text in.
_SURROGATE = re.compile("[\ud800-\udfff]")


def overlapping_matches(dfa: ahocorasick_rs.AhoCorasick, text: str) -> list[tuple[int, int, int]]:
    """(key index, start, end) of every occurrence of every key of `dfa` in
    `text`, offsets in characters. A text with a lone surrogate is read with
    U+FFFD in its place: no key holds either, and the offsets stay."""
    return _matches(dfa, text, overlapping=True)


def leftmost_matches(dfa: ahocorasick_rs.AhoCorasick, text: str) -> list[tuple[int, int, int]]:
    """(key index, start, end) of the occurrences of the keys of `dfa` that
    do not overlap, leftmost first (every occurrence where no key holds
    another's start, as with single characters); lone surrogates as in
    overlapping_matches."""
    return _matches(dfa, text, overlapping=False)


def _matches(
    dfa: ahocorasick_rs.AhoCorasick, text: str, *, overlapping: bool
) -> list[tuple[int, int, int]]:
    try:
        return dfa.find_matches_as_indexes(text, overlapping=overlapping)
    except UnicodeEncodeError:
        return dfa.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=overlapping)
