"""The recognisers, merged: user rules, knowledge base, patterns, context, model.

Merge rules, in order:
1. The user's entities and aliases claim their spans first; their ignores and
   type changes apply to everything at the end.
2. Knowledge-base and pattern matches compete: the longer span wins ("Gemini
   2.5 Pro" over "Gemini"), then the stronger source.
3. Context names and the optional statistical model only fill text nobody
   claimed.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Sequence

import ahocorasick

from reader.core.entities.afterpass import (
    bracketed_acronyms,
    capitalised_names,
    company_or_product,
    company_units,
    drop_places_in_feature_names,
    drop_prefix_makers,
    join_institutions,
    join_makers,
    join_ranges_and_tails,
    listed_names,
    maker_codes,
    tier_names,
    titles_outside,
)
from reader.core.entities.capitals import capital_runs
from reader.core.entities.context import (
    NameRun,
    find_context_names,
    is_stop_word,
    sentence_start,
)
from reader.core.entities.cues import cued_names
from reader.core.entities.kb import Entry, KnowledgeBase, build, knowledge_base
from reader.core.entities.normalize import fold
from reader.core.entities.orgheads import branches, countable_products, service_names
from reader.core.entities.patterns import VERSION_TAIL, find_patterns
from reader.core.entities.records import NAME_LABELS, SOURCES, Mention, Rule, new_mention
from reader.core.entities.spans import SpanModel, classify_spans, shipped_model, surnames

# Bump when the recognisers change in a way that should re-analyse stored articles.
RECOGNISER_VERSION = "11"

_RANK = {source: i for i, source in enumerate(SOURCES)}
# Words near an ambiguous surface that say it means something else.
_OTHER_SENSE_WORDS = (
    r"constellation|zodiac|horoscopes?|astrolog\w*|star sign|pies?|orchards?|juice|cider|"
    r"fruits?|rainforest|river|basin|winds?|analysis|analyses|Monet|painter|poet|twins|"
    r"spacecraft|capsule|NASA|Apollo"
)
# Vocabulary that says a passage is about technology, for ambiguous surfaces.
_TECH_WORDS = (
    r"AI|A\.I\.|artificial intelligence|models?|LLMs?|chatbots?|software|apps?|startups?|"
    r"compan(?:y|ies)|chips?|GPUs?|cloud|data|users|developers?|launch(?:ed|es)?|released?|"
    r"CEO|billion|million|shares|stock|investors?|platform|device|iPhone|Google|Microsoft|"
    r"OpenAI|Nvidia|Amazon|Meta|Apple|tech|technology|assistant|agents?|coding|code|API|"
    r"benchmark|training|inference|subscription|revenue|valuation"
)


def _any_word(alternation: str) -> re.Pattern[str]:
    """A regex whose search finds a match exactly where `\\b(?:alternation)\\b`
    does (only whether there is one is asked: the match is one character).
    `\\b` first makes the engine try every position of the text; starting
    with the alternatives' first letters lets it skip to them: half the cost
    on a text that has none of the words (a text with an ambiguous name and
    no other tech name is read to its end). Every alternative starts with a
    letter (_OTHER_SENSE's are grouped by it first: see _by_first_letter)."""
    alternatives = _top_level(alternation)
    for alternative in alternatives:
        if not alternative[:1].isalnum() or alternative[1:2] in ("?", "*", "{"):
            raise ValueError(f"{alternative!r} does not start with a letter")
    letters = "".join(sorted({alternative[0] for alternative in alternatives}))
    # The letter, no word character before it, then the words from the letter on.
    return re.compile(rf"[{letters}](?<!\w.)(?<=(?=(?:{alternation})\b).)")


def _top_level(alternation: str) -> list[str]:
    """The alternatives of a regex alternation, "|" inside groups left alone."""
    parts: list[str] = []
    depth = start = 0
    escaped = False
    for i, ch in enumerate(alternation):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(alternation[start:i])
            start = i + 1
    parts.append(alternation[start:])
    return parts


def _by_first_letter(alternation: str) -> str:
    """The same alternatives grouped by their first letter ("c(?:ider|apsule)
    |p(?:ies?|oet)|..."): where the engine tries them at every word start
    (after `\\b`), it then reads one group instead of every alternative.
    (_OTHER_SENSE so searched the 240 characters around an ambiguous name in
    about 40% of the time, on the news articles.) Every alternative starts
    with a letter, as _any_word requires, and so does every group: _any_word
    of the groups skips to their first letters and reads one group there
    (5.7 against 4.9 µs a window, recspeed13; _any_word of the words
    ungrouped, 5.1, reads them all at each of those letters, which start
    most English words)."""
    groups: dict[str, list[str]] = {}
    for alternative in _top_level(alternation):
        if not alternative[:1].isalpha() or alternative[1:2] in ("?", "*", "{"):
            raise ValueError(f"{alternative!r} does not start with a letter")
        groups.setdefault(alternative[0], []).append(alternative[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_TECH = _any_word(_TECH_WORDS)
_OTHER_SENSE = _any_word(_by_first_letter(_OTHER_SENSE_WORDS))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class _Claims:
    """Spans already taken, kept sorted, for overlap checks in O(log n).
    Past _FLAT spans (a long text's) they move to _Blocks: an insert into
    one sorted list moves every span after it, and a 640 KB feed item of
    names claimed out of order spent 3 s of CPU in those moves alone."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.blocks: _Blocks | None = None

    def free(self, start: int, end: int) -> bool:
        if self.blocks is not None:
            return self.blocks.free(start, end)
        i = bisect.bisect_left(self.starts, end)
        return i == 0 or self.ends[i - 1] <= start

    def take(self, start: int, end: int) -> None:
        if self.blocks is not None:
            self.blocks.take(start, end)
            return
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def claim(self, candidates: Iterable[Mention], chosen: list[Mention]) -> None:
        """Each candidate whose span is still free is taken and added to
        `chosen`, in order. (`free` and `take` in one loop, with the lists in
        locals: every mention of every text passes here.)"""
        starts, ends, add = self.starts, self.ends, chosen.append
        candidates = iter(candidates)
        if self.blocks is None:
            for mention in candidates:
                start, end = mention.start, mention.end
                i = bisect.bisect_left(starts, end)
                if i == 0 or ends[i - 1] <= start:
                    j = bisect.bisect_left(starts, start, 0, i)  # (start <= end: not after i)
                    starts.insert(j, start)
                    ends.insert(j, end)
                    add(mention)
                    if len(starts) > _FLAT:
                        self.blocks = _Blocks(starts, ends)
                        break
        if self.blocks is not None:  # the rest of the candidates
            free, take = self.blocks.free, self.blocks.take
            for mention in candidates:
                if free(mention.start, mention.end):
                    take(mention.start, mention.end)
                    add(mention)

    @classmethod
    def of(cls, mentions: Iterable[Mention]) -> _Claims:
        """The spans of `mentions` (which do not overlap) taken at once."""
        claims = cls()
        spans = sorted((m.start, m.end) for m in mentions)
        claims.starts = [start for start, _ in spans]
        claims.ends = [end for _, end in spans]
        if len(spans) > _FLAT:
            claims.blocks = _Blocks(claims.starts, claims.ends)
        return claims


_FLAT = 2048  # spans kept in one list (an insert moves at most 16 KB)
_BLOCK = 1024  # spans per block when split (a block splits past twice that)


class _Blocks:
    """_Claims's sorted spans in blocks: read in turn, the same sequence as
    the one list, so every answer is the list's; an insert moves the spans of
    its block only. `lasts` holds each block's last start."""

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self.starts = [starts[i : i + _BLOCK] for i in range(0, len(starts), _BLOCK)]
        self.ends = [ends[i : i + _BLOCK] for i in range(0, len(ends), _BLOCK)]
        self.lasts = [block[-1] for block in self.starts]

    def _first_at_least(self, at: int) -> tuple[int, int]:
        """The block and place of the first start >= `at` (or just past the
        last): where the one list's bisect_left would point."""
        b = bisect.bisect_left(self.lasts, at)
        if b == len(self.lasts):
            return b - 1, len(self.starts[b - 1])
        return b, bisect.bisect_left(self.starts[b], at)

    def free(self, start: int, end: int) -> bool:
        # As _Claims.free: the span before the first start >= end ends by start.
        b, j = self._first_at_least(end)
        if j:
            return self.ends[b][j - 1] <= start
        return b == 0 or self.ends[b - 1][-1] <= start

    def take(self, start: int, end: int) -> None:
        # Where _Claims.claim inserts: at the first start >= start, and never
        # after the first start >= end (the same place when start <= end).
        b, j = min(self._first_at_least(start), self._first_at_least(end))
        starts, ends = self.starts[b], self.ends[b]
        starts.insert(j, start)
        ends.insert(j, end)
        self.lasts[b] = starts[-1]
        if len(starts) > 2 * _BLOCK:
            self.starts.insert(b + 1, starts[_BLOCK:])
            self.ends.insert(b + 1, ends[_BLOCK:])
            del starts[_BLOCK:], ends[_BLOCK:]
            self.lasts[b : b + 1] = [starts[-1], self.starts[b + 1][-1]]


class Recognizer:
    """Finds entity mentions in plain text; build one and reuse it."""

    def __init__(
        self,
        rules: Sequence[Rule] = (),
        *,
        kb: KnowledgeBase | None = None,
        model: object | None = None,
        spans: SpanModel | None = None,
        use_spans: bool = True,
    ) -> None:
        self.kb = kb or knowledge_base()
        self.rules = tuple(rules)
        self.model = model  # an optional statistical recogniser (see statistical.py)
        # The shipped classifier of unresolved name-like runs (see spans.py).
        self.spans = (spans or shipped_model()) if use_spans else None
        user_entries: dict[str, Entry] = {}
        self.relabel: dict[str, str] = {}
        self.ignored: set[str] = set()
        for rule in self.rules:
            if rule.kind == "ignore":
                self.ignored.add(rule.surface)
            elif rule.kind == "entity":
                self.relabel[rule.entity] = rule.label
        known = {e.name: e.label for e in self.kb.entries.values()}
        for rule in self.rules:
            if rule.kind == "entity":
                user_entries[rule.surface] = Entry(rule.entity, rule.label, False)
            elif rule.kind == "alias":
                label = self.relabel.get(rule.entity) or known.get(rule.entity) or "ORG"
                user_entries.setdefault(rule.surface, Entry(rule.entity, label, False))
        self._user: ahocorasick.Automaton | None = build(user_entries) if user_entries else None
        rules_text = "\n".join(f"{r.kind}\t{r.surface}\t{r.entity}\t{r.label}" for r in self.rules)
        self.digest = hashlib.sha256(
            f"{RECOGNISER_VERSION}\n{self.kb.digest}\n{rules_text}\n{model!r}\n{self.spans!r}".encode()
        ).hexdigest()[:16]

    def find(self, text: str) -> list[Mention]:
        """Mentions with offsets into `text`; matching runs on its folded copy
        (plain hyphens, spaces and apostrophes: see normalize.py)."""
        if not text:
            return []  # a feed item without a summary: nothing to set up
        folded = fold(text)
        mentions = self._find(folded.text)
        if folded.text == text:
            return mentions
        if folded.same_offsets:
            # Most mentions hold no folded character: kept as they are (a
            # comprehension: every mention of most texts passes here).
            return [
                m if text[m.start : m.end] == m.text else _in_original(m, text, m.start, m.end)
                for m in mentions
            ]
        out = []
        for m in mentions:
            start, end = folded.span(m.start, m.end)
            if start != m.start or end != m.end or text[start:end] != m.text:
                m = _in_original(m, text, start, end)
            out.append(m)
        return out

    def _find(self, text: str) -> list[Mention]:
        claims = _Claims()
        chosen: list[Mention] = []

        def claim(candidates: Iterable[Mention]) -> None:
            claims.claim(candidates, chosen)

        if self._user is not None:
            claim(sorted(self._matches(text, self._user, "user"), key=_by_length))
        kb = self._matches(text, self.kb.automaton, "kb")
        kb += find_patterns(text, self.kb.families)
        claim(sorted(kb, key=_by_length))
        # Tiers named alone ("Sonnet") before the context rules, which would
        # take "said Mythos Preview" for a person.
        claim(tier_names(text, chosen, claims.free))
        leftover: list[NameRun] = []
        claim(find_context_names(text, claims.free, self.kb.first_names, chosen, leftover))
        chosen = drop_places_in_feature_names(
            text, join_institutions(text, maker_codes(text, company_units(text, chosen)))
        )
        # The joined names replaced pieces: the later passes fill what is left.
        claims = _Claims.of(chosen)
        claim(bracketed_acronyms(text, chosen, claims.free))
        # Words in capitals, for this pass and the classifier's acronyms: one scan.
        capitals = capital_runs(text)
        claim(capitalised_names(text, self.kb.folded, claims.free, capitals))
        if leftover:
            claim(cued_names(text, leftover, claims.free, self.kb.first_names, surnames()))
            claim(service_names(text, leftover, claims.free))
        claim(listed_names(text, chosen, leftover, claims.free))
        if self.spans is not None:
            claim(
                classify_spans(
                    text,
                    self.spans,
                    leftover,
                    chosen,
                    claims.free,
                    self.kb.first_names,
                    capitals,
                )
            )
        if self.model is not None:
            claim(self.model.find(text))  # type: ignore[attr-defined]
        chosen = join_ranges_and_tails(text, drop_prefix_makers(text, join_makers(text, chosen)))
        chosen = countable_products(text, branches(text, titles_outside(chosen)))
        chosen = company_or_product(text, chosen)
        chosen = self._apply_rules(chosen)
        chosen.sort(key=_start)
        return chosen

    def _apply_rules(self, mentions: list[Mention]) -> list[Mention]:
        if not self.ignored and not self.relabel:
            return mentions
        kept = []
        for m in mentions:
            if m.text in self.ignored or m.entity in self.ignored:
                continue
            label = self.relabel.get(m.entity)
            if label and label != m.label:
                m = Mention(m.start, m.end, label, m.text, m.entity, m.source)
            kept.append(m)
        return kept

    def _matches(self, text: str, automaton: ahocorasick.Automaton, source: str) -> list[Mention]:
        found: list[Mention] = []
        if automaton.kind != ahocorasick.AHOCORASICK:
            return found  # nothing was added (an empty knowledge base)
        ambiguous: list[Mention] = []
        # Where the text names a tech company, model or product without doubt:
        # evidence for the ambiguous surfaces near it ("Anthropic ... Claude").
        evidence: list[int] = []
        size = len(text)
        for end_index, (length, entry) in automaton.iter_long(text):
            end = end_index + 1
            start = end - length
            if start > 0:
                before = text[start - 1]
                if before.isalnum() or before == "_":
                    continue  # inside a word
            label = entry.label
            if end < size and ((after := text[end]).isalnum() or after == "_"):
                if not (
                    label in _VERSIONED
                    and after == "s"
                    and not _is_word_char(text[end + 1 : end + 2] or " ")
                    and not text[start:end].islower()  # "iPhones" too, not "apps"
                ):
                    continue
                end += 1  # a plural is the same name: "Claudes", "Chromebooks"
            name = entry.name
            if label in _VERSIONED and text[end : end + 1] in _TAIL_STARTS:
                tail = VERSION_TAIL.match(text, end)
                if tail is not None:
                    end, name = tail.end(), text[start : tail.end()]
                elif label == "PRODUCT":
                    variant = _PRODUCT_VARIANT.match(text, end)
                    if variant is not None:  # "iMac Pro", "iPad Mini", "H100 SXM"
                        end, name = variant.end(), text[start : variant.end()]
            if text.startswith("-", end):
                after = text[end + 1 : end + 2]
                if after.isdigit():
                    # Part of a code ("FEC-1" is not the FEC). A name before a
                    # capital stays ("MiniMax-Hailuo": MiniMax made it).
                    continue
                if after.isupper() and text[start:end].isupper():
                    continue  # an acronym inside a longer name ("SEC-Bench")
            if start > 1 and text[start - 1] in "-/" and text[start - 2].isalnum():
                continue  # the second half of a compound name ("NVLink-Sharp", "FATE-H/X")
            if entry.name.startswith("The ") and text[max(0, start - 4) : start] not in _THE:
                continue  # "The Information" is named with its article
            if entry.weak and self._yields(text, start, end):
                continue  # "Francis Fukuyama": the context rules type the whole
            mention = new_mention(start, end, label, text[start:end], name, source)
            if entry.ambiguous:
                ambiguous.append(mention)
                continue
            if label in _TECH_LABELS:
                evidence.append(start)
            found.append(mention)
        if ambiguous:
            in_text = bool(evidence) or _TECH.search(text) is not None
            for mention in ambiguous:
                if (mention.label == "GPE" and mention.text.isupper()) and _not_in_capitals(
                    text, mention.start, mention.end
                ):
                    # "US" is ambiguous only in text set in capitals ("LET US
                    # GO"); in running text it needs no tech support.
                    found.append(mention)
                elif in_text and self._accept_ambiguous(text, mention.start, mention.end, evidence):
                    found.append(mention)
        return found

    def _inside_longer_name(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] is part of a longer capitalised name
        ("Claude Monet", "Masaki Kashiwara"), left to the context rules."""
        nxt = _NEXT_WORD.match(text, end, end + 30)
        if nxt and nxt.group(1) not in _NAME_FOLLOWERS and nxt.group(1) not in self.kb.entries:
            return True
        prev = _PREVIOUS_WORD.search(text, max(0, start - 30), start)
        # Inside a longer capitalised title too ("Socially Shared Cognition").
        return bool(
            prev and not is_stop_word(prev.group(1)) and not sentence_start(text, prev.start(1))
        )

    def _yields(self, text: str, start: int, end: int) -> bool:
        """Whether a weak surface is a part of a person's or a longer name:
        after a given name even at a sentence start ("Francis Fukuyama"), or
        an initial ("Arun K. Pati"), or inside a longer capitalised name."""
        if _INITIAL.search(text, max(0, start - 3), start):
            return True
        prev = _PREVIOUS_WORD.search(text, max(0, start - 30), start)
        if prev and prev.group(1) in self.kb.first_names:
            return True
        return self._inside_longer_name(text, start, end)

    def _accept_ambiguous(self, text: str, start: int, end: int, evidence: list[int]) -> bool:
        """An ambiguous surface ("Apple", "Gemini", "Meta") needs support."""
        after = text[end : end + 2]
        if after.startswith("-") and after[1:].islower():
            return False  # "Meta-analysis"
        if after[:1] == " " and after[1:].isdigit():
            return False  # "Figure 6", "Table 2"
        if self._inside_longer_name(text, start, end):
            return False
        window = text[max(0, start - 120) : end + 120]
        if _OTHER_SENSE.search(window):
            return False
        if sentence_start(text, start):
            i = bisect.bisect_left(evidence, start - _EVIDENCE_REACH)
            near = i < len(evidence) and evidence[i] <= end + _EVIDENCE_REACH
            return near or _TECH.search(window) is not None
        return True


def _in_original(m: Mention, text: str, start: int, end: int) -> Mention:
    """A mention found in the folded text, with its offsets and surface in `text`."""
    return new_mention(start, end, m.label, text[start:end], m.entity, m.source)


def _not_in_capitals(text: str, start: int, end: int) -> bool:
    """Whether the text around text[start:end] is running text, mostly lower
    case, not a headline or a shout set in capitals ("LET US GO")."""
    window = text[max(0, start - 30) : end + 30]
    return sum(map(str.islower, window)) > sum(map(str.isupper, window))


def _by_length(m: Mention) -> tuple[int, int, int]:
    """The merge order: the longer span first, then the stronger source."""
    return (-(m.end - m.start), _RANK[m.source], m.start)


def _start(m: Mention) -> int:
    return m.start


_NEXT_WORD = re.compile(r" ([A-Z][a-z]+)")
_PREVIOUS_WORD = re.compile(r"([A-Z][a-z]+) $")
_INITIAL = re.compile(r"(?<![\w.])[A-Z]\. $")  # a middle initial before a surname
# Labels whose names take a version after them, and what a version starts with.
_VERSIONED = frozenset({"AI_MODEL", "PRODUCT"})
_TAIL_STARTS = frozenset(" -")
# Variant words after a known product, without a version: "iMac Pro", "iPad
# Mini", "Trello Gold", "H100 SXM", "Galaxy Z Fold". Not before another
# capitalised word ("Mac Pro Display" may name something else).
_PRODUCT_VARIANT = re.compile(
    r"(?: (?:Pro|Max|Mini|mini|Ultra|Air|Plus|Lite|SE|XL|XR|XS|Fold|Flip|Gold|Premium|SXM|PCIe"
    r"|NVL\d+))+(?![\w'’-])(?! [A-Z])"
)
_THE = frozenset({"the ", "The "})
# Labels of unambiguous knowledge-base names that make a passage a tech one,
# and how far (in characters) such a name supports an ambiguous one.
_TECH_LABELS = frozenset({"ORG", "PRODUCT", "AI_MODEL"})
_EVIDENCE_REACH = 400


# Capitalised words that may follow a company or product name without making
# it part of a longer name ("Apple CEO", "Meta Platforms").
_NAME_FOLLOWERS = frozenset(
    "CEO CTO CFO Inc Corp Platforms Intelligence Music TV Pay Watch Store Vision Pro Max Ultra "
    "Mini Plus The A An In On At And But Or For Said".split()
)


_default: Recognizer | None = None


def recognize(text: str) -> list[Mention]:
    """Mentions in `text` with the shipped recognisers and no user rules."""
    global _default
    if _default is None:
        _default = Recognizer()
    return _default.find(text)


def salience(
    mentions: Sequence[Mention], title: str, text: str
) -> list[tuple[str, str, int, float]]:
    """(entity, label, mention count, score) for followable entities, best first.

    Mentions count once each; in the title five times and in the first
    paragraph twice, since those say what a story is about.
    """
    lead_end = text.find("\n\n")
    lead_end = len(text) if lead_end < 0 else lead_end
    scores: dict[tuple[str, str], list[float]] = {}
    for m in mentions:
        if m.label not in NAME_LABELS:
            continue
        entry = scores.setdefault((m.entity, m.label), [0, 0.0])
        entry[0] += 1
        entry[1] += 2.0 if m.start < lead_end else 1.0
    for (entity, _label), entry in scores.items():
        if re.search(rf"(?<!\w){re.escape(entity)}(?!\w)", title):  # "Meta", not "Metaverse"
            entry[1] += 5.0
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0][0]))
    return [(entity, label, int(v[0]), v[1]) for (entity, label), v in ranked]
