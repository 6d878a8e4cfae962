"""Highlight anchors that survive a changed article text (docs ANNOTATIONS.md).

An anchor keeps both W3C selectors: the quote with about 32 characters of
context on each side, and the code-point offsets into the text it was made on.
When re-extraction changes the text, `reanchor` places the anchor again, trying
(first success wins) the unchanged text, the offsets mapped through a diff of
the old version into the new one, every exact occurrence of the quote, and an
approximate search; otherwise the anchor is an orphan.

Every re-anchoring is bounded, whatever the texts (they come from feeds, and
it runs in the refresh's write transaction): its diffs share a budget of
comparisons (MAX_DIFF_WORK), and the searches cap what they look at.

The one rule everything here serves: a highlight must never land on different
words. An orphan is shown to the user and can be re-attached; a highlight that
silently moved onto other words is a lie. So every step that is not an exact
match asks for evidence (context that agrees, a diff that agrees, a clear winner
among candidates) and gives up when the evidence is missing.

Pure functions of strings; no database, no UI.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from difflib import Match, SequenceMatcher
from itertools import accumulate, repeat
from operator import add

from rapidfuzz.distance import Indel

from reader.core.models import Anchor, AnchorState, Placement

__all__ = [
    "CONTEXT",
    "MAX_QUOTE",
    "ORPHAN",
    "Anchor",
    "AnchorState",
    "Placement",
    "count_quote",
    "find_quote",
    "make_anchor",
    "reanchor",
    "reanchor_all",
]

CONTEXT = 32  # characters of prefix/suffix
MAX_QUOTE = 4000  # cap on a highlight's length

# Under this many characters a quote is too common to trust on its own text:
# it also needs its context.
SHORT_QUOTE = 16
# A moved paragraph is recognised by its words only from this length on, and
# looked for only up to the other: it is compared with every new line of
# about its length, which costs its words times theirs (an article extracted
# as one line of 460,000 characters, against four such lines: 8 s).
MIN_PARAGRAPH = 40
MAX_PARAGRAPH = 5_000
# More new lines than this that could be the moved paragraph (unmatched, of
# about its length) and none is looked at: a text of thousands of look-alike
# lines says nothing about where one paragraph went, and comparing each, for
# each highlight, is the cost of that text's length times the highlights.
MAX_MOVED_CANDIDATES = 100
# A changed quote is "the same passage" only this similar (Indel ratio of the
# characters, as difflib's ratio) ...
FUZZY_MIN_RATIO = 0.8
# ... and this similar word by word, so that a number or a name changed in a
# short quote ("rose 5% in 2023" / "rose 7% in 2024") does not pass on shared
# letters alone.
FUZZY_MIN_WORDS = 0.6
# Length of the new span over the quote's for a fuzzy placement.
FUZZY_LENGTH = (0.7, 1.4)
# Step 4's normalised score (50 quote + 20 prefix + 20 suffix + 2 position).
APPROX_MIN_SCORE = 0.8
# Among several candidates, the winner must beat the runner-up by this much.
MARGIN = 0.15
# How much of the context (word similarity, each side) must agree where the
# diff does not vouch for a placement: for most quotes (with the old version at
# hand, and without it: then context is the only witness against an article
# that repeats a passage), for a short quote, and for a quote the text holds
# more than once.
CONTEXT_AGREES = 0.5
CONTEXT_AGREES_BLIND = 0.7
SHORT_CONTEXT = 0.8
REPEATED_CONTEXT = 0.9
# The most pairs of equal units (lines, word tokens) difflib may look at for
# one re-anchoring (all its diffs together). difflib's matcher visits, per
# longest-match search, every pair of equal units in its ranges: on ordinary
# edits a few thousand, on text built of one repeated word (new text "the the
# the ...") the product of the copies on both sides, again at each level of
# its recursion: minutes, in the refresh's write transaction. Past this many
# (a few tenths of a second of CPU; the anchor bench's largest needs 143,199)
# a block counts as replaced, and its highlights are placed by quote and
# context (steps 3 and 4) or kept as orphans.
MAX_DIFF_WORK = 3_000_000
# Inner diffs above this many tokens on both sides are not tried (the block
# counts as replaced): such a block is a rewrite, and its diff would be costly.
_MAX_DIFF_TOKENS = 4000

# Words with their trailing whitespace, single punctuation marks, whitespace:
# diffing these keeps alignments on word boundaries and halves the token count.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
_WORD = re.compile(r"\w+|[^\w\s]")
# A line that may be where a moved paragraph went (MIN_PARAGRAPH to
# MAX_PARAGRAPH characters, within FUZZY_LENGTH).
_MOVABLE_LINE = re.compile(
    rf"(?m)^[^\n]{{{math.ceil(MIN_PARAGRAPH * FUZZY_LENGTH[0])},"
    rf"{math.floor(MAX_PARAGRAPH * FUZZY_LENGTH[1])}}}$"
)
# Re-extraction often changes only typography: curly quotes, dashes, ellipses.
_PLAIN = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-", "…": "..."}
)


ORPHAN = Placement(-1, -1, "orphan", 0.0)


# --- making anchors -----------------------------------------------------------


def make_anchor(text: str, start: int, end: int) -> Anchor:
    """Anchor a selection: trims whitespace at both ends, caps at MAX_QUOTE,
    raises ValueError for an empty/whitespace-only or out-of-range span."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} outside a text of {len(text)} characters")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValueError("empty or whitespace-only selection")
    if end - start > MAX_QUOTE:
        end = start + MAX_QUOTE
        # Do not cut a letter from its accents: the quote would then end in a
        # different character than the text shows.
        while end > start + 1 and _is_mark(text[end]):
            end -= 1
        while end > start and text[end - 1].isspace():
            end -= 1
    return Anchor(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        start=start,
        end=end,
    )


def find_quote(text: str, quote: str, occurrence: int = 1) -> Anchor | None:
    """Anchor the n-th exact occurrence of `quote` (used by `reader annotate ID --quote`).
    Matching is exact after normalising whitespace runs in the quote to match the text's
    (a quote typed on the command line with single spaces must find text with a newline)."""
    if occurrence < 1:
        raise ValueError("occurrence counts from 1")
    for seen, match in enumerate(_quote_matches(text, quote), start=1):
        if seen == occurrence:
            return make_anchor(text, match.start(), match.end())
    return None


def count_quote(text: str, quote: str) -> int:
    """How many times `find_quote` finds `quote` in `text` (overlaps included)."""
    return sum(1 for _ in _quote_matches(text, quote))


def _quote_matches(text: str, quote: str) -> Iterator[re.Match[str]]:
    words = quote.split()
    if not words:
        raise ValueError("empty quote")
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    pos = 0
    # Occurrences may overlap ("aa" twice in "aaa"), as in reanchor's search.
    while (match := pattern.search(text, pos)) is not None:
        yield match
        pos = match.start() + 1


# --- re-anchoring -------------------------------------------------------------


def reanchor(anchor: Anchor, old_text: str | None, new_text: str) -> Placement:
    """Place an anchor made on `old_text` (None if that version is gone) in `new_text`.

    Strategy, first success wins (ANNOTATIONS.md): 1 exact (same text and the
    slice equals the quote); 2 the offsets mapped through a diff old→new: the
    same quote there is "moved", a similar one "fuzzy"; 3 every exact occurrence
    of the quote, ranked by context and distance from the expected position:
    "moved"; 4 approximate search around seeds of the quote and its context,
    scored 50·quote + 20·prefix + 20·suffix + 2·position: "fuzzy"; 5 "orphan".
    """
    return reanchor_all([anchor], old_text, new_text)[0]


def reanchor_all(anchors: Sequence[Anchor], old_text: str | None, new_text: str) -> list[Placement]:
    """`reanchor` for every anchor of one article: the diff is computed once."""
    diff: _Alignment | None = None
    unchanged = old_text == new_text
    budget = _Budget(MAX_DIFF_WORK)
    placements = []
    for anchor in anchors:
        # The offsets only mean something if the anchor really was made on old_text.
        valid = old_text is not None and old_text[anchor.start : anchor.end] == anchor.exact
        if not anchor.exact:
            placements.append(ORPHAN)
        elif valid and unchanged:
            placements.append(Placement(anchor.start, anchor.end, "exact", 1.0))
        elif valid:
            assert old_text is not None
            if diff is None:
                diff = _align(old_text, new_text, budget)
            placements.append(_Search(anchor, new_text, old_text, diff, budget).place())
        else:
            placements.append(_Search(anchor, new_text, None, None, budget).place())
    return placements


class _Search:
    """Steps 2 to 5 for one anchor."""

    __slots__ = ("anchor", "budget", "diff", "expected", "old", "repeated", "text")

    def __init__(
        self,
        anchor: Anchor,
        text: str,
        old: str | None,
        diff: _Alignment | None,
        budget: _Budget,
    ):
        self.anchor, self.text, self.old, self.diff = anchor, text, old, diff
        self.budget = budget
        self.expected = min(anchor.start, len(text)) if diff is None else diff.nearest(anchor.start)
        # A quote the article says more than once is identified by its context
        # alone, and a diff of repetitive text may pair the wrong copies (an
        # entry of a police blotter deleted, the next one's identical phrase
        # taking its place): such a quote needs context that agrees closely.
        self.repeated = _occurs_twice(old if old is not None else text, anchor.exact)

    def place(self) -> Placement:
        if self.diff is not None and self.old is not None:
            placed = self._by_diff(self.diff) or self._by_moved_paragraph(self.old, self.diff)
            if placed is not None:
                return placed
        placed, declined = self._by_quote()
        if placed is not None:
            return placed
        if declined:
            # The quote's exact words are there but could not be told to be
            # this highlight (copies alike, context gone): a look-alike found by
            # approximate search would be a worse guess still.
            return ORPHAN
        return self._approximately() or ORPHAN

    # --- step 2: through the diff ---------------------------------------------

    def _by_diff(self, diff: _Alignment) -> Placement | None:
        anchor = self.anchor
        span = diff.map_span(anchor.start, anchor.end)
        if span is None:
            return None
        # Inside one unchanged block that reaches well past both ends: the diff
        # itself says these are the same characters in the same surroundings.
        # A block that barely covers the quote may be difflib pairing two
        # copies of a common phrase, so the context must then agree.
        before = min(SHORT_QUOTE, anchor.start)
        after = min(SHORT_QUOTE, len(self.old or "") - anchor.end)
        trusted = diff.same_block(anchor.start - before, anchor.end + after)
        if not trusted and not self.repeated and diff.same_block(anchor.start, anchor.end):
            # Edits right next to it. The quote, said once in the old text, is
            # unchanged where the diff put it; if the new text has no other
            # copy, difflib cannot have preferred a copy to it. A short quote
            # still needs one side of its context.
            start, end = _trim(self.text, *span)
            trusted = not _occurs_twice(self.text, anchor.exact) and (
                len(anchor.exact) >= SHORT_QUOTE
                or max(_context_similarity(anchor, self.text, start, end)) >= CONTEXT_AGREES
            )
        return self._judge_mapped(*span, trusted=trusted)

    def _by_moved_paragraph(self, old: str, diff: _Alignment) -> Placement | None:
        """Step 2 for a paragraph that moved: difflib sees a deletion and an insertion.

        The quote's old paragraph is looked for among the new text's lines that
        the diff left unmatched; one clearly similar paragraph is where it went,
        and the quote is mapped through a diff of the two paragraphs. Their
        likeness is the context here: a quote that begins a moved paragraph has
        a new prefix, yet nothing about it changed.
        """
        anchor, text = self.anchor, self.text
        if "\n" in anchor.exact:
            return None
        para_start = old.rfind("\n", 0, anchor.start) + 1
        para_end = old.find("\n", anchor.end)
        para_end = len(old) if para_end < 0 else para_end
        paragraph = old[para_start:para_end]
        if (
            not MIN_PARAGRAPH <= len(paragraph) <= MAX_PARAGRAPH
            # Mostly still in place: it did not move (a copy of it may have
            # been added, and must not be taken for it).
            or diff.mostly_equal(para_start, para_end, new_side=False)
            or _occurs_twice(old, paragraph)  # twins: which one moved is anyone's guess
        ):
            return None
        shortest = math.ceil(FUZZY_LENGTH[0] * len(paragraph))
        longest = math.floor(FUZZY_LENGTH[1] * len(paragraph))
        lines = diff.unmatched_lines(text, shortest, longest)
        if len(lines) > MAX_MOVED_CANDIDATES:
            return None
        words = _WORD.findall(paragraph)
        scored = []
        for start, end in lines:
            if FUZZY_LENGTH[0] <= (end - start) / len(paragraph) <= FUZZY_LENGTH[1]:
                similarity = Indel.normalized_similarity(words, _WORD.findall(text, start, end))
                scored.append((similarity, start, end))
        if not scored:
            return None
        scored.sort(reverse=True)
        similarity, start, end = scored[0]
        if similarity < 0.7 or (len(scored) > 1 and similarity - scored[1][0] < MARGIN):
            return None
        local = _align(paragraph, text[start:end], self.budget)
        quote_start, quote_end = anchor.start - para_start, anchor.end - para_start
        span = local.map_span(quote_start, quote_end)
        if span is None:
            return None
        return self._judge_mapped(
            span[0] + start,
            span[1] + start,
            trusted=local.same_block(quote_start, quote_end),
            paragraph_known=True,
        )

    def _judge_mapped(
        self, start: int, end: int, trusted: bool, paragraph_known: bool = False
    ) -> Placement | None:
        """Judge the span a diff mapped the quote to: moved, fuzzy or nothing."""
        anchor, text = self.anchor, self.text
        quote = anchor.exact
        start, end = _trim(text, start, end)
        if text[start:end] == quote and _same_edges(anchor, text, start, end):
            if trusted or paragraph_known or self._context_agrees(start, end):
                return Placement(start, end, "moved", 1.0)
            return None
        # The diff may have split the quote's edge from a neighbouring change (a
        # full stop that lost its newline): the quote itself, whole, where the
        # diff says it went is still the quote.
        hits = [
            hit
            for hit in _occurrences(text, quote, max(0, start - len(quote)), end + len(quote))
            if hit < end
            and start < hit + len(quote)
            and _same_edges(anchor, text, hit, hit + len(quote))
        ]
        if len(hits) == 1 and (
            paragraph_known or self._context_agrees(hits[0], hits[0] + len(quote))
        ):
            return Placement(hits[0], hits[0] + len(quote), "moved", 1.0)
        return self._fuzzy(start, end, paragraph_known)

    # --- step 3: exact occurrences --------------------------------------------

    def _by_quote(self) -> tuple[Placement | None, bool]:
        """Returns (placement, declined): declined if candidates were found but none chosen."""
        anchor, text, diff = self.anchor, self.text, self.diff
        quote = anchor.exact
        # (context, position, start, the diff says it is other old text)
        candidates: list[tuple[float, float, int, bool]] = []
        for start in _occurrences(text, quote):
            end = start + len(quote)
            if not _same_edges(anchor, text, start, end):
                continue  # "one user" inside "one users": the word changed
            other = diff is not None and diff.is_other_text(start, end, anchor.start, anchor.end)
            prefix_sim, suffix_sim = _context_similarity(anchor, text, start, end)
            candidates.append((min(prefix_sim, suffix_sim), self._position(start), start, other))
        own = [c for c in candidates if not c[3]]
        if not own:
            return None, False
        best = max(own)
        # A copy the diff assigns to other old text still competes here: if it
        # looks just as right, the diff's pairing of look-alikes decided, not
        # the evidence.
        rivals = [c for c in candidates if c is not best and best[0] - c[0] < MARGIN]
        if rivals:
            # Equally plausible copies: only a diff that points next to one of
            # them decides.
            tied = [best, *rivals]
            near = [c for c in tied if abs(c[2] - self.expected) <= CONTEXT]
            if diff is None or len(near) != 1 or near[0][3]:
                return None, True
            best = near[0]
        context, _, start, _ = best
        end = start + len(quote)
        if not self._context_agrees(start, end) or self._edited_in_place(start):
            return None, True
        # The quote itself is certain; how sure its place is depends on context.
        return Placement(start, end, "moved", 0.6 + 0.4 * context), False

    def _edited_in_place(self, found_at: int) -> bool:
        """True if the quote's prefix and suffix both survive around something else.

        The quote was then rewritten in place, and the copy at `found_at` is
        another sentence that says the same (an article quoting itself).
        """
        anchor, text = self.anchor, self.text
        tail, head = anchor.prefix[-SHORT_QUOTE:], anchor.suffix[:SHORT_QUOTE]
        if len(tail.strip()) < 6 or len(head.strip()) < 6:
            return False
        reach = 2 * len(anchor.exact) + CONTEXT
        found_end = found_at + len(anchor.exact)
        for pos in _occurrences(text, tail):
            gap = pos + len(tail)
            head_at = text.find(head, gap, gap + reach + len(head))
            # A gap that holds the found copy is the copy's own context (the
            # tail may even repeat inside the quote).
            if head_at >= 0 and not (gap <= found_end and found_at <= head_at):
                return True
        return False

    # --- step 4: approximate search -------------------------------------------

    def _approximately(self) -> Placement | None:
        anchor, text = self.anchor, self.text
        quote = anchor.exact
        if len(quote) < 4:
            return None
        old_piece = anchor.prefix + quote + anchor.suffix
        quote_at = len(anchor.prefix)
        slack = max(8, len(quote) // 4)
        # (score, start, end, context agrees)
        found: list[tuple[float, int, int, bool]] = []
        for guess in _candidate_starts(anchor, text):
            window_start = max(0, guess - len(anchor.prefix) - slack)
            window_end = min(len(text), guess + len(quote) + len(anchor.suffix) + slack)
            local = _align(old_piece, text[window_start:window_end], self.budget)
            span = local.map_span(quote_at, quote_at + len(quote))
            if span is None:
                continue
            start, end = _snap(anchor, text, span[0] + window_start, span[1] + window_start)
            if start >= end or any(_overlaps((start, end), f[1:3]) for f in found):
                continue
            if text[start:end] == quote:
                continue  # an exact copy: step 3 judged those, and declined
            if self.diff is not None and self.diff.is_other_text(
                start, end, anchor.start, anchor.end
            ):
                continue  # text that was already there, elsewhere: not this quote
            quote_sim = _similar_quote(quote, text[start:end])
            if quote_sim is None:
                continue
            prefix_sim, suffix_sim = _context_similarity(anchor, text, start, end)
            score = (
                50 * quote_sim + 20 * prefix_sim + 20 * suffix_sim + 2 * self._position(start)
            ) / 92
            found.append((score, start, end, self._context_agrees(start, end)))
        if not found:
            return None
        found.sort(reverse=True)
        score, start, end, acceptable = found[0]
        if not acceptable or score < APPROX_MIN_SCORE:
            return None
        if len(found) > 1:
            # Several passages read like the quote (a list of similar entries):
            # only near-identical context picks one of them.
            prefix_sim, suffix_sim = _context_similarity(anchor, text, start, end)
            if min(prefix_sim, suffix_sim) < REPEATED_CONTEXT or score - found[1][0] < MARGIN:
                return None
        return Placement(start, end, "fuzzy", score)

    # --- shared -----------------------------------------------------------------

    def _fuzzy(self, start: int, end: int, paragraph_known: bool) -> Placement | None:
        anchor, text = self.anchor, self.text
        start, end = _snap(anchor, text, start, end)
        if start >= end:
            return None
        quote_sim = _similar_quote(anchor.exact, text[start:end])
        if quote_sim is None:
            return None
        if not paragraph_known and not self._context_agrees(start, end):
            return None
        return Placement(start, end, "fuzzy", quote_sim)

    def _context_agrees(self, start: int, end: int) -> bool:
        """Both sides' context agree, the more closely the less the quote says alone."""
        if self.repeated:
            needed = REPEATED_CONTEXT
        elif len(self.anchor.exact) < SHORT_QUOTE:
            needed = SHORT_CONTEXT
        else:
            needed = CONTEXT_AGREES if self.diff is not None else CONTEXT_AGREES_BLIND
        return min(_context_similarity(self.anchor, self.text, start, end)) >= needed

    def _position(self, start: int) -> float:
        return 1.0 - min(1.0, abs(start - self.expected) / max(1, len(self.text)))


def _occurrences(text: str, quote: str, start: int = 0, end: int | None = None) -> list[int]:
    """Starts of every occurrence, overlapping ones included (at most 1000)."""
    end = len(text) if end is None else end
    found: list[int] = []
    pos = text.find(quote, start, end)
    while pos >= 0 and len(found) < 1000:
        found.append(pos)
        pos = text.find(quote, pos + 1, end)
    return found


def _occurs_twice(text: str, quote: str) -> bool:
    first = text.find(quote)
    return first >= 0 and text.find(quote, first + 1) >= 0


def _same_edges(anchor: Anchor, text: str, start: int, end: int) -> bool:
    """False if a quote that began (ended) on a word boundary now cuts a word.

    "one user" found inside "one users" is not the quote: the word changed.
    """
    began_at_word = _is_word(anchor.exact[0]) and not _is_word(anchor.prefix[-1:] or " ")
    if began_at_word and start > 0 and _is_word(text[start - 1]):
        return False
    ended_at_word = _is_word(anchor.exact[-1]) and not _is_word(anchor.suffix[:1] or " ")
    return not (ended_at_word and end < len(text) and _is_word(text[end]))


def _candidate_starts(anchor: Anchor, text: str) -> list[int]:
    """Where the quote may start: exact hits of pieces of the quote and its context."""
    quote = anchor.exact
    seed = min(SHORT_QUOTE, len(quote))
    votes: dict[int, int] = {}

    def vote(piece: str, offset: int) -> None:
        if len(piece.strip()) >= 6:
            for pos in _occurrences(text, piece)[:20]:
                votes[pos - offset] = votes.get(pos - offset, 0) + 1

    pieces = min(6, max(1, len(quote) // seed))
    step = (len(quote) - seed) / max(1, pieces - 1)
    for i in range(pieces):
        offset = round(i * step)
        vote(quote[offset : offset + seed], offset)
    tail = anchor.prefix[-SHORT_QUOTE:]
    vote(tail, -len(tail))
    vote(anchor.suffix[:SHORT_QUOTE], len(quote))
    # Hits of different seeds on one passage differ by the edits' length
    # changes: group them, so one passage is aligned once.
    groups: list[list[int]] = []  # [start, votes]
    radius = max(8, len(quote) // 4)
    for start in sorted(votes):
        if groups and start - groups[-1][0] <= radius:
            if votes[start] > groups[-1][1]:
                groups[-1] = [start, groups[-1][1] + votes[start]]
            else:
                groups[-1][1] += votes[start]
        else:
            groups.append([start, votes[start]])
    groups.sort(key=lambda g: -g[1])
    return [g[0] for g in groups[:8]]


def _similar_quote(quote: str, found: str) -> float | None:
    """The similarity of a changed quote, or None when it is not the same passage."""
    if not FUZZY_LENGTH[0] <= len(found) / len(quote) <= FUZZY_LENGTH[1]:
        return None
    ratio = Indel.normalized_similarity(quote, found)
    if ratio < FUZZY_MIN_RATIO:
        return None
    quote_words, found_words = _WORD.findall(quote), _WORD.findall(found)
    if Indel.normalized_similarity(quote_words, found_words) < FUZZY_MIN_WORDS:
        return None
    if sorted(filter(_has_digit, quote_words)) != sorted(filter(_has_digit, found_words)):
        # Another number is another fact (an amount, a year, the next item of
        # a numbered list): never the same passage, however alike the rest.
        return None
    return ratio


def _has_digit(word: str) -> bool:
    return any(char.isdigit() for char in word)


def _context_similarity(anchor: Anchor, text: str, start: int, end: int) -> tuple[float, float]:
    """Word-level similarity of the stored context with the context at start:end.

    Words, not characters: any two stretches of English share half their
    letters but rarely their words. And only the context inside the quote's
    paragraph counts, plus whether the paragraph begins (ends) there: the
    neighbouring paragraph is not the quote's context, as it changes whenever
    paragraphs are moved or reordered.
    """
    window = text[max(0, start - CONTEXT) : start]
    prefix_sim = _side_similarity(
        anchor.prefix.rpartition("\n")[2],
        "\n" in anchor.prefix or len(anchor.prefix) < CONTEXT,
        window.rpartition("\n")[2],
        "\n" in window or start < CONTEXT,
        from_end=True,
    )
    window = text[end : end + CONTEXT]
    suffix_sim = _side_similarity(
        anchor.suffix.partition("\n")[0],
        "\n" in anchor.suffix or len(anchor.suffix) < CONTEXT,
        window.partition("\n")[0],
        "\n" in window or end + CONTEXT > len(text),
        from_end=False,
    )
    return prefix_sim, suffix_sim


def _words(text: str) -> list[str]:
    """Words and punctuation marks, with typography and case set aside."""
    return _WORD.findall(text.translate(_PLAIN).casefold())


def _side_similarity(
    stored: str, stored_edge: bool, found: str, found_edge: bool, from_end: bool
) -> float:
    stored_words = _words(stored)
    found_words = _words(found)
    if stored_edge and not found_edge and not stored_words:
        return 0.0  # a paragraph began right here, and now the text runs on
    if not (stored_edge and found_edge):
        if not stored_edge and stored_words:
            # The stored window was cut at a fixed length, most likely inside
            # a word: that fragment says nothing.
            stored_words = stored_words[1:] if from_end else stored_words[:-1]
        # Compare as many words as were stored, the ones next to the quote.
        keep = len(stored_words)
        found_words = (found_words[-keep:] if from_end else found_words[:keep]) if keep else []
    similarity = Indel.normalized_similarity(stored_words, found_words)
    if stored_edge != found_edge:
        # One paragraph ends where the other goes on: the same words next to
        # the quote count for less.
        similarity *= 0.75
    return similarity


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _snap(anchor: Anchor, text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace; drop a partial word at either end of a changed span.

    Only inwards: a fuzzy span may lose a word at its edge but never gain one it
    did not have. A quote that began (ended) mid-word keeps its cut.
    """
    start, end = _trim(text, start, end)
    began_at_word = not anchor.prefix or not _is_word(anchor.prefix[-1])
    if began_at_word and 0 < start < end and _is_word(text[start - 1]) and _is_word(text[start]):
        while start < end and _is_word(text[start]):
            start += 1
    ended_at_word = not anchor.suffix or not _is_word(anchor.suffix[0])
    if (
        ended_at_word
        and start < end < len(text)
        and _is_word(text[end])
        and _is_word(text[end - 1])
    ):
        while end > start and _is_word(text[end - 1]):
            end -= 1
    return _trim(text, start, end)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or _is_mark(char)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


# --- the diff -----------------------------------------------------------------


# (equal, old start, old end, new start, new end); the ops tile both texts in order.
_Op = tuple[bool, int, int, int, int]


class _Alignment:
    """A character-level diff old→new, as a list of equal and changed blocks."""

    __slots__ = ("_new_starts", "_old_starts", "_ops", "_unmatched", "_unmatched_lengths")

    def __init__(self, ops: list[_Op]) -> None:
        self._ops = ops
        # (length, start, end) of each unmatched line that may be a moved
        # paragraph, shortest first; made when first asked for.
        self._unmatched: list[tuple[int, int, int]] = []
        self._unmatched_lengths: list[int] | None = None
        self._old_starts = [op[1] for op in ops]
        self._new_starts = [op[3] for op in ops]

    def _op_at_old(self, pos: int) -> _Op | None:
        """The block holding old character `pos` (zero-width inserts hold none)."""
        i = bisect_right(self._old_starts, pos) - 1
        if i < 0 or pos >= self._ops[i][2]:
            return None
        return self._ops[i]

    def _op_at_new(self, pos: int) -> _Op | None:
        i = bisect_right(self._new_starts, pos) - 1
        if i < 0 or pos >= self._ops[i][4]:
            return None
        return self._ops[i]

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Map old start:end into the new text, shrinking inwards over changes.

        A boundary in an unchanged block maps exactly. A boundary at the edge of
        a changed block keeps the block's new text (the quote's first or last
        words were rewritten: the rewrite is the quote now). A boundary inside a
        changed block moves past it, inwards: the block's new text is partly
        context, and taking context into a highlight is the wrong-words error.
        """
        if start >= end:
            return None
        first, last = self._op_at_old(start), self._op_at_old(end - 1)
        if first is None or last is None:
            return None
        equal, a0, a1, b0, b1 = first
        new_start = b0 + start - a0 if equal else (b0 if start == a0 else b1)
        equal, a0, a1, b0, b1 = last
        new_end = b0 + end - a0 if equal else (b1 if end == a1 else b0)
        if new_end <= new_start:
            return None
        return new_start, new_end

    def unmatched_lines(self, new: str, shortest: int, longest: int) -> list[tuple[int, int]]:
        """Lines of the new text, `shortest` to `longest` characters long, that
        are mostly not unchanged old text.

        A moved paragraph is an insertion to difflib; a line that is mostly
        unchanged text is something else (two paragraphs run together after a
        deletion, say) and is left out. Only lines a paragraph step 2 looks
        for could have become are collected (the regex skips the others at C
        speed), once per diff, sorted by length for each highlight's range.
        """
        if self._unmatched_lengths is None:
            for line in _MOVABLE_LINE.finditer(new):
                start, end = line.span()
                if not self.mostly_equal(start, end, new_side=True):
                    self._unmatched.append((end - start, start, end))
            self._unmatched.sort()
            self._unmatched_lengths = [line[0] for line in self._unmatched]
        lo = bisect_left(self._unmatched_lengths, shortest)
        hi = bisect_right(self._unmatched_lengths, longest)
        return [(start, end) for _, start, end in self._unmatched[lo:hi]]

    def mostly_equal(self, start: int, end: int, new_side: bool) -> bool:
        """True if most of start:end (old or new text) lies in unchanged blocks."""
        starts, lo, hi = (self._new_starts, 3, 4) if new_side else (self._old_starts, 1, 2)
        count = 0
        i = max(0, bisect_right(starts, start) - 1)
        while i < len(self._ops) and self._ops[i][lo] < end:
            op = self._ops[i]
            if op[0]:
                count += max(0, min(end, op[hi]) - max(start, op[lo]))
            i += 1
        return 2 * count >= end - start

    def same_block(self, start: int, end: int) -> bool:
        op = self._op_at_old(start)
        return op is not None and op[0] and end <= op[2]

    def nearest(self, pos: int) -> int:
        op = self._op_at_old(pos)
        if op is None:
            return self._ops[-1][4] if self._ops else 0
        equal, a0, _, b0, _ = op
        return b0 + pos - a0 if equal else b0

    def is_other_text(self, start: int, end: int, old_start: int, old_end: int) -> bool:
        """True if the diff says new start:end is old text other than old_start:old_end.

        Such a span was in the old version already, somewhere else: it cannot
        be where the anchored quote went, however alike the two read.
        """
        first, last = self._op_at_new(start), self._op_at_new(end - 1)
        if first is None or last is None or not (first[0] and last[0]):
            return False
        mapped_start = first[1] + start - first[3]
        mapped_end = last[1] + end - last[3]
        return mapped_end <= old_start or mapped_start >= old_end


class _Budget:
    """The pairs of equal units difflib may still look at (MAX_DIFF_WORK)."""

    __slots__ = ("left",)

    def __init__(self, work: int) -> None:
        self.left = work

    def spend(self, work: int) -> bool:
        """Take `work` from the budget; False (taking nothing) if there is not enough."""
        if work > self.left:
            return False
        self.left -= work
        return True


class _TooCostly(Exception):
    """A diff would look at more pairs than its budget allows."""


class _BoundedMatcher(SequenceMatcher[str]):
    """difflib's matcher, stopped (_TooCostly) before it outspends its budget.

    Its index of b costs a step per unit of b. A longest-match search over
    a[alo:ahi] visits, for every unit there, its occurrences in b: at most the
    sum of their counts, known before it runs (prefix sums) and paid before it
    runs.
    """

    def __init__(self, a: list[str], b: list[str], budget: _Budget) -> None:
        counts = Counter(b)
        # Per unit of a: its pairs, and one for the loop itself.
        pairs = map(counts.get, a, repeat(0))
        self._cost = list(accumulate(map(add, pairs, repeat(1)), initial=0))
        self._budget = budget
        if len(b) + self._cost[-1] > budget.left:
            # Not even the index is built when the first search could not follow.
            raise _TooCostly
        budget.spend(len(b))
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> Match:
        end = len(self._cost) - 1 if ahi is None else ahi
        if not self._budget.spend(self._cost[end] - self._cost[alo]):
            raise _TooCostly
        return super().find_longest_match(alo, ahi, blo, bhi)


def _align(old: str, new: str, budget: _Budget) -> _Alignment:
    ops: list[_Op] = []
    _diff(old, 0, len(old), new, 0, len(new), 0, ops, budget)
    return _Alignment(_merge(ops))


def _diff(
    old: str,
    a0: int,
    a1: int,
    new: str,
    b0: int,
    b1: int,
    level: int,
    out: list[_Op],
    budget: _Budget,
) -> None:
    """Diff old[a0:a1] against new[b0:b1] into `out`.

    Most re-extractions change little: the common head and tail are cut off
    first (C-speed string compares). What is left is diffed by lines
    (paragraphs: few, mostly unique, so difflib is fast and sees moves), then
    inside each changed run of lines by word tokens.
    """
    head = _common_prefix(old, a0, a1, new, b0, b1)
    if head:
        out.append((True, a0, a0 + head, b0, b0 + head))
        a0, b0 = a0 + head, b0 + head
    tail = _common_suffix(old, a0, a1, new, b0, b1)
    tail_op: _Op | None = None
    if tail:
        tail_op = (True, a1 - tail, a1, b1 - tail, b1)
        a1, b1 = a1 - tail, b1 - tail
    if a0 < a1 or b0 < b1:
        if a0 == a1 or b0 == b1 or level >= 2:
            out.append((False, a0, a1, b0, b1))
        else:
            _diff_units(old, a0, a1, new, b0, b1, level, out, budget)
    if tail_op is not None:
        out.append(tail_op)


def _diff_units(
    old: str,
    a0: int,
    a1: int,
    new: str,
    b0: int,
    b1: int,
    level: int,
    out: list[_Op],
    budget: _Budget,
) -> None:
    if level == 0:
        old_units = old[a0:a1].splitlines(keepends=True)
        new_units = new[b0:b1].splitlines(keepends=True)
    else:
        old_units = _TOKEN.findall(old, a0, a1)
        new_units = _TOKEN.findall(new, b0, b1)
        if len(old_units) > _MAX_DIFF_TOKENS and len(new_units) > _MAX_DIFF_TOKENS:
            out.append((False, a0, a1, b0, b1))
            return
    try:
        opcodes = _BoundedMatcher(old_units, new_units, budget).get_opcodes()
    except _TooCostly:
        out.append((False, a0, a1, b0, b1))
        return
    old_at = list(accumulate((len(u) for u in old_units), initial=a0))
    new_at = list(accumulate((len(u) for u in new_units), initial=b0))
    for tag, i0, i1, j0, j1 in opcodes:
        if tag == "equal":
            out.append((True, old_at[i0], old_at[i1], new_at[j0], new_at[j1]))
        elif tag == "replace":
            _diff(old, old_at[i0], old_at[i1], new, new_at[j0], new_at[j1], level + 1, out, budget)
        else:
            out.append((False, old_at[i0], old_at[i1], new_at[j0], new_at[j1]))


def _merge(ops: list[_Op]) -> list[_Op]:
    """Join neighbouring blocks of one kind: a delete next to an insert is one change."""
    merged: list[_Op] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and merged[-1][0] == op[0]:
            last = merged[-1]
            merged[-1] = (op[0], last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return merged


def _common_prefix(old: str, a0: int, a1: int, new: str, b0: int, b1: int) -> int:
    """Length of the common start of old[a0:a1] and new[b0:b1], in whole words.

    Bisection on slice comparisons (C speed). The result is cut back to a word
    boundary: "South" and "Skip" share an "S", and a diff that keeps that "S"
    would map the start of a quote into the wrong word.
    """
    lo, hi = 0, min(a1 - a0, b1 - b0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[a0 : a0 + mid] == new[b0 : b0 + mid]:
            lo = mid
        else:
            hi = mid - 1
    if lo > 0 and _is_word(old[a0 + lo - 1]):
        old_next = a0 + lo < a1 and _is_word(old[a0 + lo])
        new_next = b0 + lo < b1 and _is_word(new[b0 + lo])
        if old_next or new_next:
            while lo > 0 and _is_word(old[a0 + lo - 1]):
                lo -= 1
    return lo


def _common_suffix(old: str, a0: int, a1: int, new: str, b0: int, b1: int) -> int:
    """Length of the common end of old[a0:a1] and new[b0:b1], in whole words."""
    lo, hi = 0, min(a1 - a0, b1 - b0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[a1 - mid : a1] == new[b1 - mid : b1]:
            lo = mid
        else:
            hi = mid - 1
    if lo > 0 and _is_word(old[a1 - lo]):
        old_next = a1 - lo > a0 and _is_word(old[a1 - lo - 1])
        new_next = b1 - lo > b0 and _is_word(new[b1 - lo - 1])
        if old_next or new_next:
            while lo > 0 and _is_word(old[a1 - lo]):
                lo -= 1
    return lo
