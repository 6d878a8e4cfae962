"""Unicode normalisation before matching, with offsets that index the original.

News text spells the same name with different code points: "GPT‑5.2" with a
non-breaking hyphen (U+2011), "Meta’s" with a curly apostrophe, "Claude"
after a no-break space, "ＧＰＴ" in full-width forms copied from East Asian
sources. The knowledge base and the patterns are written with plain ASCII
punctuation, so they are matched against a folded copy of the text.

Most foldings replace one code point by one, so offsets in the folded text are
offsets in the original and nothing needs mapping. A few characters are
invisible and are dropped (soft hyphen, zero-width space and joiners); only
text that holds one of them pays for an offset table.
"""

from __future__ import annotations

import bisect
import re

from reader.core.entities.automata import dfa, leftmost_matches

# One code point for one: hyphens and dashes that join words, spaces that are
# spaces, apostrophes and primes, and the full-width ASCII block.
_ONE_FOR_ONE: dict[int, int] = {
    0x2010: ord("-"),  # hyphen
    0x2011: ord("-"),  # non-breaking hyphen
    0x2012: ord("-"),  # figure dash
    0x2212: ord("-"),  # minus sign
    0xFE63: ord("-"),  # small hyphen-minus
    0x00A0: ord(" "),  # no-break space
    0x2007: ord(" "),  # figure space
    0x2009: ord(" "),  # thin space
    0x200A: ord(" "),  # hair space
    0x202F: ord(" "),  # narrow no-break space
    0x2002: ord(" "),
    0x2003: ord(" "),
    0x3000: ord(" "),  # ideographic space
    0x2019: ord("'"),  # right single quotation mark, used as the apostrophe
    0x02BC: ord("'"),  # modifier letter apostrophe
    0x2032: ord("'"),  # prime
    **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)},  # full-width ASCII
    0x1D54F: ord("X"),  # the double-struck X that X (Twitter) writes its name with
}
# Invisible characters that may sit inside a word ("Anthro\u00adpic").
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_INVISIBLE_CHARS = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# Whether a text needs folding at all, and which characters: most do not, and
# a scan of the text costs far less than str.translate with a table. One DFA
# of every such character (ahocorasick_rs, see automata.py), the one beyond
# the Basic Multilingual Plane included: a table look-up per character of
# the text. (A regex class of them cost a third more on the news articles,
# most of it the engine's test of each character; the match list is short:
# a text holds few such characters, curly apostrophes mostly.)
_FOLDING = sorted(chr(c) for c in _ONE_FOR_ONE) + sorted(_INVISIBLE_CHARS)
_FOLDING_DFA = dfa(_FOLDING)


def _foldable(text: str) -> set[str]:
    """The characters of a non-ASCII `text` that fold (one for one, or dropped)."""
    return {_FOLDING[key] for key, _, _ in leftmost_matches(_FOLDING_DFA, text)}


class Folded:
    """The folded text and the way back to offsets in the original."""

    __slots__ = ("_dropped", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        # For each dropped character, the offset in the folded text where it
        # was: an offset maps back by adding how many were dropped up to it.
        self._dropped: list[int] = []
        present = set() if original.isascii() else _foldable(original)
        if not present:
            self.text = original
            return
        # A few distinct characters replaced one by one: str.translate looks
        # every character of the text up in a table, which costs more.
        folded = original
        for ch in present:
            if ord(ch) in _ONE_FOR_ONE:
                folded = folded.replace(ch, chr(_ONE_FOR_ONE[ord(ch)]))
        if not present.isdisjoint(_INVISIBLE_CHARS) and _INVISIBLE.search(folded):
            self._dropped = [m.start() - k for k, m in enumerate(_INVISIBLE.finditer(folded))]
            folded = _INVISIBLE.sub("", folded)
        self.text = folded

    @property
    def same_offsets(self) -> bool:
        """Whether every offset in the folded text is the same in the original."""
        return not self._dropped

    def _back(self, offset: int) -> int:
        return offset + bisect.bisect_right(self._dropped, offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original for the folded text's `start:end`."""
        if not self._dropped:
            return start, end
        return self._back(start), self._back(max(start, end - 1)) + (end > start)


def fold(text: str) -> Folded:
    return Folded(text)
