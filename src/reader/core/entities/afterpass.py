"""Passes over the merged mentions that need every recogniser's answer first.

- Institutions are one name across their connectors: "Centre for Data Ethics
  and Innovation", "Office of the Director of National Intelligence", "Ohio
  State University" (a place's name followed by an institution's).
- An acronym in brackets right after a name is the same entity ("Centre for
  Data Ethics and Innovation (CDEI)"), and so is every later use of it.
- A company name the knowledge base knows, written in capitals ("NVIDIA",
  "SAMSUNG"), is that company.
- A model family's tier named alone ("Sonnet", "Opus 4.8", "Large 3") once
  the text names the family or its maker.
- A maker named right before its model is part of the model's name ("Google
  Gemini 2.5 Pro"); a known company before a unit word is one organisation
  ("Hitachi Energy"); ranges of amounts and ", Inc." are one span.

Each pass only fills text no mention claims, or replaces the pieces of one
longer name with that name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator

from reader.core.entities.automata import dfa, overlapping_matches
from reader.core.entities.capitals import long_capitals
from reader.core.entities.context import (
    LEADING_TITLES,
    NameRun,
    company_apposition,
    is_stop_word,
)
from reader.core.entities.kb import Entry
from reader.core.entities.orgheads import institution_end
from reader.core.entities.records import Mention

_ORG_HEADS = (
    "University|Institute|Academy|Department|Ministry|Center|Centre|Court|School|College|"
    "Bank|Council|Commission|Agency|Office|Foundation|Museum|Society|Association|Board|"
    "Bureau|Federation|Union|Laboratory|Laboratories|Observatory|Hospital|Administration|"
    "Authority|Force|Committee|Service|Services|Network|Fund|Trust|Forum|Alliance|"
    "Organization|Organisation|Secretariat|Directorate|Initiative|Coalition|Partnership|"
    "Consortium|Program|Programme|Project|Council|Tribunal|Parliament|Assembly|Court|Party|"
    "Kingdom|Republic|Duchy|Principality|Emirate|Sultanate|Commonwealth|"
    "Government|Embassy|Consulate|Church|Diocese|Archdiocese"
)
# Heads whose "X of Y" is a state, not an organisation: "Kingdom of England".
_GPE_HEADS = frozenset("Kingdom Republic Duchy Principality Emirate Sultanate Commonwealth".split())
_HEAD_WORDS = frozenset(_ORG_HEADS.split("|"))
_CAP = r"[A-Z][\w'’-]*"
# "Head of|for|on [the] Name ..." where the name's words may be joined by
# "and", "&", "of", "for" or "the": "Task Force on Climate and AI".
_OF_HEAD = re.compile(
    rf"\b(?:{_ORG_HEADS})\s(?:of|for|on)\s(?:the\s)?{_CAP}"
    rf"(?:\s{_CAP}|\s(?:and|&)\s{_CAP}|\s(?:of|for|on)\s(?:the\s)?{_CAP})*"
)
# The longest "X of Y" name looked for. Unbounded, each head's match ran to the
# end of a run of capitalised words and connectors, so a text made of such a
# run took time growing with its square (175 KB: 11 s); with the bound it is
# linear. Real names are far shorter ("Department of Electrical Engineering
# and Computer Science of the Massachusetts Institute of Technology": 103).
MAX_NAME_CHARS = 200
# "Ohio State University", "Harvard Medical School": capitalised words and
# then the institution word.
# (Found by the head word and widened to the words before it, as above:
# a regex starting at every capital costs more.)
_HEADS_AFTER = (
    "University",
    "College",
    "Polytechnic",
    "Hospital",
    "School",
    "Institute",
    "Department",
    "Fund",
    "Foundation",
    "Coalition",
    "Alliance",
    "Consortium",
    # A place's name before these is an organisation's first word
    # ("Karnataka Police Academy", "Chicago Police Department").
    "Academy",
    "Forum",
    "Government",
    "Embassy",
    "Consulate",
    "Club",
    "Company",
    "Corporation",
    "Authority",
    "Council",
    "Commission",
    "Church",
    "Diocese",
    "Archdiocese",
    "Society",
    "Association",
    # Research and oversight bodies: "Micron Research Labs", "Senate
    # Homeland Security Committee", "Kitt Peak National Observatory".
    "Labs",
    "Laboratory",
    "Laboratories",
    "Committee",
    "Observatory",
    "Museum",
)
_HEAD_AFTER = re.compile(rf"\b(?:{'|'.join(_HEADS_AFTER)})\b(?!\s(?:of|for|on)\s[A-Z])")
# Where an "X of Y" name may be: after a connector. Found with str.find and
# the head word before it looked up in a set: an alternation of head words
# tried at every word boundary cost more than all the other passes together.
_CONNECTORS = (" of ", " for ", " on ")
# (A hyphen inside a word only before a capital or a digit: "Times-Union", not
# "Thiel-backed", which ends the words before: "the Peter Thiel-backed
# Seasteading Institute" is an institution and its backer.)
_WORDS_BEFORE = re.compile(r"(?<![\w.-])(?:[A-Z][\w.&'’]*(?:-[A-Z\d][\w.&'’]*)*\s)+$")
_AND = re.compile(r"\s(?:and|&)\s")
_POSSESSIVE = re.compile(r"['’]s\s")
# After "Court on", "Council for": a day or a month is when, not the name's rest.
_DATE_WORD = re.compile(
    r"(?:the\s)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February"
    r"|March|April|May|June|July|August|September|October|November|December)\b"
)


def _ends_sentence(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` ends a sentence, not "U.S." or "St."."""
    word = text[text.rfind(" ", 0, dot) + 1 : dot + 1]
    return "." not in word[:-1] and word not in ("St.", "Mr.", "Ms.", "Dr.", "Inc.", "Corp.")


def _head_keys() -> tuple[tuple[str, bool], ...]:
    """The keys of the head words' automaton, each with whether a connector
    ends it: the head words with their connector ("University of ", "Office
    of ") and the heads that end a name ("University")."""
    with_connector = [(head + connector, True) for head in _HEAD_WORDS for connector in _CONNECTORS]
    return (*with_connector, *((head, False) for head in _HEADS_AFTER))


_HEAD_KEYS = _head_keys()
# Every head word in one scan of the text, a DFA's (ahocorasick_rs: a table
# look-up per character; see patterns.family_automaton). A regex of the head
# words grouped by first letter, then pyahocorasick on a window at each one,
# cost twice as much: the regex stopped at most capitals of the text.
_HEADS = dfa(key for key, _ in _HEAD_KEYS)


def _institution_heads(text: str) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """Matches of _OF_HEAD and of _HEAD_AFTER at the head words in `text`."""
    of_heads: list[re.Match[str]] = []
    after_heads: list[re.Match[str]] = []
    # Every occurrence of every key, by where it starts, then where it ends.
    found = overlapping_matches(_HEADS, text)
    for start, end, key in sorted((start, end, key) for key, start, end in found):
        if start and text[start - 1] not in ' \n("“':
            continue  # inside a word ("Programme"), or after a hyphen
        if _HEAD_KEYS[key][1]:
            match = _OF_HEAD.match(text, start, start + MAX_NAME_CHARS)
            if match is not None and not _DATE_WORD.match(text, end):
                of_heads.append(match)
        else:
            match = _HEAD_AFTER.match(text, start)
            if match is not None:
                after_heads.append(match)
    return of_heads, after_heads


def join_institutions(text: str, mentions: list[Mention]) -> list[Mention]:
    """One ORG for "X of Y" and "X University" names; the pieces inside go.
    An "X of Y" name ends before a person or a date its run of words runs on
    into (`orgheads.institution_end`)."""
    # Sorted by start, so each candidate name looks only at the mentions near
    # it (a bisection), not at all of them: a text of thousands of
    # "Ohio State University" took time growing with its square (176 KB: 44 s).
    mentions = sorted(mentions, key=_start)
    heads = _institution_heads(text)
    if not heads[0] and not heads[1]:
        return mentions  # most short texts name no institution
    # Where a name the knowledge base knows starts: "and" before one ends the
    # institution's name ("University of Oxford and Google" is two names).
    starts = {m.start for m in mentions if m.source in ("kb", "user")}
    people: frozenset[int] | None = None  # made at the first "X of Y" name
    longest = max((m.end - m.start for m in mentions), default=0)
    for pattern, matches in zip((_OF_HEAD, _HEAD_AFTER), heads, strict=True):
        pos = 0
        for match in matches:
            start, end = match.start(), match.end()
            if start < pos:
                continue
            for conn in _AND.finditer(text, start, end):
                # "... and Google" (a known name) or "... and Kingdom of Scotland"
                # (another institution) is where this name ends.
                next_word = text[conn.end() : end].split(" ", 1)[0]
                if conn.start() > start and (conn.end() in starts or next_word in _HEAD_WORDS):
                    end = conn.start()
                    break
            if pattern is _OF_HEAD:
                if people is None:
                    # Where people named in full start (one word may be the
                    # institution's own: "Republican Women", "Carnegie").
                    people = frozenset(
                        m.start for m in mentions if m.label == "PERSON" and " " in m.text
                    )
                end = institution_end(text, start, end, people)
            if end - start >= MAX_NAME_CHARS:
                continue  # cut off at the bound: a run of words, not one name
            # A possessive ends the name: "Department of Energy's Lawrence
            # Berkeley National Laboratory" is two (the guideline).
            owner = _POSSESSIVE.search(text, start, end)
            if owner is not None:
                end = owner.start()
            pos = end  # a name cut short leaves the rest to search
            before = _WORDS_BEFORE.search(text, max(0, start - 80), start)
            if before is not None:
                # Not across a sentence's end ("SAMSUNG. When Harvard ...").
                start = before.start()
                # Nor across a possessive: in "DOE's Office of Science" and
                # "Ireland's Data Protection Commission" the owner is a name of its own.
                for owner in _POSSESSIVE.finditer(text, start, match.start()):
                    start = owner.end()
                stop = text.find(". ", start, match.start())
                while stop >= 0:
                    if _ends_sentence(text, stop):
                        start = stop + 2
                    stop = text.find(". ", stop + 2, match.start())
            while True:  # leading sentence words are not part of the name
                word_end = text.find(" ", start, end)
                if word_end < 0 or not is_stop_word(text[start:word_end]):
                    break
                start = word_end + 1
            surface = text[start:end]
            if surface.endswith(("’s", "'s")):
                end -= 2
                surface = surface[:-2]
            if " " not in surface:
                continue
            # Every mention overlapping [start, end) starts after start - longest.
            low = bisect.bisect_left(mentions, start - longest, key=_start)
            high = bisect.bisect_left(mentions, end, key=_start)
            near = mentions[low:high]
            inside = [m for m in near if start <= m.start and m.end <= end]
            crossing = [m for m in near if m.start < end and m.end > start and m not in inside]
            if crossing or any(m.start == start and m.end == end for m in inside):
                continue
            if any(m.source == "user" for m in inside):
                continue
            if pattern is _HEAD_AFTER and not inside:
                continue  # nothing to join: left to the context rules
            mentions[low:high] = [m for m in near if m not in inside]
            label = "GPE" if match.group().split(" ", 1)[0] in _GPE_HEADS else "ORG"
            bisect.insort(
                mentions, Mention(start, end, label, surface, surface, "context"), key=_start
            )
            longest = max(longest, end - start)
            starts.add(start)
    return mentions


def _start(mention: Mention) -> int:
    return mention.start


_ACRONYM = re.compile(r" \(([A-Z][A-Z0-9&.-]{1,9})\)")


def bracketed_acronyms(
    text: str, mentions: list[Mention], free: Callable[[int, int], bool]
) -> list[Mention]:
    """The acronym in "Name (ACR)" and its later uses, as the named entity."""
    if " (" not in text:
        return []
    ends = {m.end: m for m in mentions if m.label in ("ORG", "PRODUCT", "AI_MODEL", "GPE")}
    found: list[Mention] = []
    learned: dict[str, Mention] = {}
    for match in _ACRONYM.finditer(text):
        named = ends.get(match.start())
        start, end = match.span(1)
        if named is None or not free(start, end) or len(named.text) <= end - start:
            continue
        acronym = match.group(1)
        found.append(Mention(start, end, named.label, acronym, named.entity, "context"))
        learned.setdefault(acronym, named)
    if learned:
        taken = {m.start for m in found}
        for start, end in learned_uses(text, learned):
            if start in taken or not free(start, end):
                continue
            acronym = text[start:end]
            named = learned[acronym]
            found.append(Mention(start, end, named.label, acronym, named.entity, "context"))
    return found


# Where an acronym may start: a capital beginning a word, and a second
# character an acronym can have (every key _ACRONYM learns is of that shape).
_ACRONYM_START = re.compile(r"(?<![\w-])[A-Z](?=[A-Z0-9&.-])")
_WORD_GOES_ON = re.compile(r"[\w-]")


def learned_uses(text: str, learned: Iterable[str]) -> Iterator[tuple[int, int]]:
    r"""The spans of the `learned` acronyms standing as words in `text`,
    leftmost first, not overlapping; where two fit at one place ("AT" and
    "AT&T"), the first learned. This is what the alternation
    `(?<![\w-])(?:AT|AT&T|...)(?![\w-])` finds, but the alternation tried
    every acronym at every capital: a text that defines thousands of them
    took time growing with its square (320 KB: 1.8 s). Here each place
    looks up one slice per acronym length."""
    rank = {acronym: i for i, acronym in enumerate(learned)}
    sizes = sorted({len(acronym) for acronym in rank})
    pos = 0
    for capital in _ACRONYM_START.finditer(text):
        start = capital.start()
        if start < pos:
            continue
        best: str | None = None
        for size in sizes:
            key = text[start : start + size]
            if key not in rank or (best is not None and rank[best] < rank[key]):
                continue
            if _WORD_GOES_ON.match(text, start + size) is None:
                best = key
        if best is not None:
            pos = start + len(best)
            yield start, pos


def capitalised_names(
    text: str,
    folded: dict[str, Entry],
    free: Callable[[int, int], bool],
    capitals: list[tuple[int, int]],
) -> list[Mention]:
    """Companies, products and places the knowledge base knows, written in
    capitals ("NVIDIA", "WASHINGTON" in a dateline): among the words of four
    capitals or more (`capitals`: the text's capital_runs, scanned once by
    the recogniser)."""
    found = []
    for start, end in long_capitals(capitals):
        word = text[start:end]
        if (start and (text[start - 1].isalnum() or text[start - 1] in "-_")) or (
            end < len(text) and (text[end].isalnum() or text[end] in "-_")
        ):
            continue
        entry = folded.get(word.lower())
        if entry is None or entry.ambiguous or entry.label not in ("ORG", "PRODUCT", "GPE"):
            continue
        if free(start, end):
            found.append(Mention(start, end, entry.label, word, entry.name, "kb"))
    return found


# A tier word, the family it belongs to and the makers whose name also
# introduces it ("Anthropic ... Opus is the largest"). Tiers that are also
# ordinary words are taken only with a version ("Large 3").
_TIERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Sonnet": ("Claude", ("Anthropic",)),
    "Opus": ("Claude", ("Anthropic",)),
    "Haiku": ("Claude", ("Anthropic",)),
    "Fable": ("Claude", ("Anthropic",)),
    "Mythos": ("Claude", ("Anthropic",)),
    "Flash": ("Gemini", ("Google", "Google DeepMind", "DeepMind")),
    "Flash-Lite": ("Gemini", ("Google", "Google DeepMind", "DeepMind")),
    "Nano": ("Gemini", ("Google", "Google DeepMind", "DeepMind")),
    "Scout": ("Llama", ("Meta",)),
    "Maverick": ("Llama", ("Meta",)),
    "Behemoth": ("Llama", ("Meta",)),
    "Sol": ("GPT", ("OpenAI",)),
    "Terra": ("GPT", ("OpenAI",)),
    "Luna": ("GPT", ("OpenAI",)),
    "Large": ("Mistral", ("Mistral AI",)),
    "Medium": ("Mistral", ("Mistral AI",)),
    "Small": ("Mistral", ("Mistral AI",)),
}
_DISTINCT_TIERS = frozenset({"Sonnet", "Opus", "Haiku", "Fable", "Mythos"})
_NEEDS_VERSION = frozenset({"Large", "Medium", "Small", "Nano"})
_TIER_WORD = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(_TIERS, key=len, reverse=True)) + r")"
    r"(?:[ -]\d+(?:\.\d+)?(?![\w.]\d))?(?: Preview)?(?![\w-])(?! [A-Z])"
)
_TIER_VERSION = re.compile(r"[ -]\d| Preview")
# Whether any tier word is in the text at all: one scan that skips to the
# tiers' first letters (a substring search per tier cost twice as much).
_ANY_TIER = re.compile("|".join(map(re.escape, _TIERS)))


def tier_names(
    text: str, mentions: list[Mention], free: Callable[[int, int], bool]
) -> list[Mention]:
    """Tiers named alone after the family or its maker was named earlier."""
    if not any(m.label == "AI_MODEL" for m in mentions):
        return []
    if _ANY_TIER.search(text) is None:
        return []
    found = []
    for match in _TIER_WORD.finditer(text):
        start, end = match.span()
        if not free(start, end):
            continue
        surface = match.group()
        tier = _TIER_VERSION.split(surface)[0]
        if tier in _NEEDS_VERSION and tier == surface:
            continue
        family, makers = _TIERS[tier]
        # The family or its maker named in the same text, before or after
        # ("beating Opus's score ... Claude Opus 4 ..."); a distinctive tier
        # with its version needs only some model named ("surpasses Opus 4.8").
        models = [m for m in mentions if m.label == "AI_MODEL" and family in m.entity]
        if (
            not models
            and not any(m.label == "ORG" and m.entity in makers for m in mentions)
            and not (tier in _DISTINCT_TIERS and surface != tier)
        ):
            continue
        # "Sonnet" alone is the Sonnet named last; "Sonnet 4.5" is its own.
        same_tier = [m.entity for m in models if tier in m.entity]
        entity = same_tier[-1] if surface == tier and same_tier else f"{family} {surface}"
        found.append(Mention(start, end, "AI_MODEL", surface, entity, "context"))
    return found


# A model code right after a known maker: "Atari 1850XLD", "Isuzu mu-X",
# "Casio F-91W". A code holds a digit and a letter, or is a lower-case word
# joined to a capital ("mu-X"); units, quarters and fiscal years are no codes.
# A quarter, a half or a fiscal year after a company's name ("Nvidia Q3",
# "Intel FY2025"): a period of its accounts, never part of a name.
_PERIOD = r"[QH][1-4]|FY\d+"
_MAKER_CODE = re.compile(
    r" (?!(?:\d+(?:G|GB|TB|MB|K|nm|mm|cm|km|kg|W|kW|MW|GW|Hz|MHz|GHz|x|B|M|k|p|s|th|st|nd|rd)"
    rf"|{_PERIOD})(?![\w-]))"
    r"((?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9][\w-]*|[a-z]+-[A-Z][\w-]*)(?![\w'-]|\.\w)"
)


def maker_codes(text: str, mentions: list[Mention]) -> list[Mention]:
    """A known company's name and the model code right after it, as one
    PRODUCT in the company's place ("Atari 1850XLD"): the maker's name is part
    of how the product is named (docs/labelling.md, maker prefixes). Only a
    code nobody claimed; `mentions` are returned as they are when none is found."""
    starts: set[int] | None = None
    out: list[Mention] | None = None
    for i, m in enumerate(mentions):
        if m.label != "ORG" or m.source != "kb" or not text.startswith(" ", m.end):
            continue
        code = _MAKER_CODE.match(text, m.end)
        if code is None:
            continue
        if starts is None:
            starts = {o.start for o in mentions}
        if code.start(1) in starts:
            continue  # the code is a name of its own ("Nvidia H100" is joined elsewhere)
        if out is None:
            out = list(mentions)
        surface = text[m.start : code.end()]
        out[i] = Mention(m.start, code.end(), "PRODUCT", surface, surface, "context")
    return mentions if out is None else out


def join_makers(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Google Gemini 2.5 Pro", "Meta Llama 3.1", "OpenAI o3", "NVIDIA Hopper":
    a maker's name right before its model's or product's is part of how it is
    named, so the two are one mention (docs/labelling.md). A possessive or any word between
    ("OpenAI's GPT-5") keeps them apart."""
    models = {m.start: m for m in mentions if m.label in ("AI_MODEL", "PRODUCT")}
    if not models:
        return mentions
    joined: list[Mention] = []
    gone: set[Mention] = set()
    for maker in mentions:
        if maker.label != "ORG" or maker.source == "user":
            continue
        model = models.get(maker.end + 1)
        if model is None or text[maker.end] != " " or model.source == "user":
            continue
        surface = text[maker.start : model.end]
        joined.append(
            Mention(maker.start, model.end, model.label, surface, model.entity, model.source)
        )
        gone.update((maker, model))
    if not joined:
        return mentions
    return [m for m in mentions if m not in gone] + joined


# Between two amounts, what makes them one range: "$5 million to $10 million".
_RANGE_GAPS = frozenset({" to ", "–", "-", " – ", "—"})
_COMPANY_TAIL = re.compile(r", (?:Inc\.|Inc\b|Ltd\.|LLC\b|Corp\.|Co\.)")


def join_ranges_and_tails(text: str, mentions: list[Mention]) -> list[Mention]:
    """One span for a range of amounts ("$5 million to $10 million", "20% to
    30%") and for a company with its ", Inc." ("Apple, Inc.")."""
    amounts = sum(m.label in ("MONEY", "PERCENT") for m in mentions)
    if amounts < 2 and (", " not in text or _COMPANY_TAIL.search(text) is None):
        # No range, and no company's tail anywhere in the text (one search
        # for ", " and what follows, instead of a pass over every mention).
        # The later passes do not depend on the mentions' order.
        return mentions
    ordered = sorted(mentions, key=lambda m: m.start)
    out: list[Mention] = []
    for m in ordered:
        prev = out[-1] if out else None
        if (
            prev is not None
            and m.label == prev.label
            and m.label in ("MONEY", "PERCENT")
            and text[prev.end : m.start] in _RANGE_GAPS
            and not (text[prev.end : m.start] == " to " and text.endswith("from ", 0, prev.start))
        ):  # "from 15.1% to 24.9%" is a change, two amounts
            surface = text[prev.start : m.end]
            out[-1] = Mention(prev.start, m.end, m.label, surface, surface, prev.source)
            continue
        if m.label == "ORG" and text.startswith(", ", m.end):
            tail = _COMPANY_TAIL.match(text, m.end)
            if tail is not None and not any(
                o.start < tail.end() and o.end > m.end for o in ordered
            ):
                m = Mention(
                    m.start, tail.end(), "ORG", text[m.start : tail.end()], m.entity, m.source
                )
        out.append(m)
    return out


# Words that make a known company's name a unit of it: "Hitachi Energy",
# "OpenAI Foundation", "Nvidia Research".
_UNIT_WORDS = frozenset(
    """Energy Capital Ventures Research Labs Lab Foundation Health Bank Motors Semiconductor
    Electronics Technologies Group Holdings Securities Financial Pharma Robotics Studios
    Entertainment Communications Systems Solutions Partners Investments Networks""".split()
)
_UNIT_AFTER = re.compile(r" ([A-Z][a-z]+)(?![\w-])(?! [A-Z])")


def company_units(text: str, mentions: list[Mention]) -> list[Mention]:
    """A known company followed by a unit word is one ORG ("Hitachi Energy")."""
    starts = {m.start for m in mentions}
    out = []
    for m in mentions:
        if m.label == "ORG" and m.source == "kb":
            unit = _UNIT_AFTER.match(text, m.end)
            if unit is not None and unit.group(1) in _UNIT_WORDS and unit.start(1) not in starts:
                surface = text[m.start : unit.end()]
                m = Mention(m.start, unit.end(), "ORG", surface, surface, "kb")
        out.append(m)
    return out


# A known company's name followed by a capitalised word nobody recognised and
# then a lower-case word: "Deepgram Nova on accuracy", "Qualcomm IVD in a
# setting". The company names something longer (a model, a data set, a test),
# so the company alone would be a wrong mention. Title-case text ("OpenAI
# Launches New Model") is left alone.
_UNKNOWN_AFTER = re.compile(r" ([A-Z][\w-]*)(?=[ ,.;:)]+[a-z(]|[,.;:)]?$)")
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s$")
_A_PERIOD = re.compile(rf"(?:{_PERIOD})$")
_NOT_PART_OF_A_NAME = frozenset(
    "CEO CTO CFO COO Inc Corp Ltd LLC AI The A An In On At And But Or For Said".split()
)


def titles_outside(mentions: list[Mention]) -> list[Mention]:
    """A known person listed with a leading title ("Pope Francis", "King
    Charles III", "Prince William") is named without it, as the context rules
    name "Archbishop Salvatore Pennacchio" (docs/labelling.md: titles stay
    outside a person's name); the entity keeps the listed name."""
    out = mentions
    for i, m in enumerate(mentions):
        if m.label != "PERSON" or m.source != "kb":
            continue
        title, space, rest = m.text.partition(" ")
        if space and title in LEADING_TITLES and rest[:1].isupper():
            if out is mentions:
                out = list(mentions)
            start = m.start + len(title) + 1
            out[i] = Mention(start, m.end, "PERSON", rest, m.entity, m.source)
    return out


def drop_prefix_makers(text: str, mentions: list[Mention]) -> list[Mention]:
    """Drop a knowledge-base company that is only the start of a longer name."""
    starts = {m.start for m in mentions}
    kept = []
    for m in mentions:
        if m.label == "ORG" and m.source == "kb" and text[m.end : m.end + 1] == " ":
            after = _UNKNOWN_AFTER.match(text, m.end)
            if (
                after is not None
                and after.start(1) not in starts
                and after.group(1) not in _NOT_PART_OF_A_NAME
                and not is_stop_word(after.group(1))
                and not _PLURAL_ACRONYM.match(after.group(1))  # "Nvidia GPUs"
                and not _A_PERIOD.match(after.group(1))  # "Nvidia Q3 revenue"
            ):
                continue
        kept.append(m)
    return kept


# After a place's name, words that make it part of the name of a street, a
# river, a sea or a war, which are no entities under docs/labelling.md:
# "Mississippi River", "100 Maryland Ave.", "Panama Canal", "Iraq War",
# "South China Sea", "Brooklyn Navy Yard". Before "America", words that make
# a region of it: "Latin America", "Central America".
_FEATURE_AFTER = re.compile(
    r" (?:River|Canal|Avenue|Ave|Street|Road|Boulevard|Blvd|Lane|Bridge|Lake|Mountains|Valley"
    r"|Desert|Sea|Ocean|Peninsula|Strait|Gulf|Harbor|Harbour|Creek|Canyon|War|Navy|Naval)\b"
)
_REGION_BEFORE = ("Latin ", "Central ", "South ", "North ", "Middle ", "middle ")


def drop_places_in_feature_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Known places that are only part of a feature's or an event's name go."""
    kept = []
    for m in mentions:
        if m.label == "GPE" and m.source == "kb":
            if _FEATURE_AFTER.match(text, m.end):
                continue
            if m.text == "America" and text.endswith(_REGION_BEFORE, 0, m.start):
                continue
        kept.append(m)
    return kept


# A company that is also its product ("Dropbox", "Twitch", "Windsurf") is named
# in the knowledge base by one label; the words around a mention say which is
# meant. Before it, words that make it the company; after it, words that make
# it the company, or the product ("a Dropbox folder").
_COMPANY_BEFORE = re.compile(
    r"(?:(?:[Cc]o-?[Ff]ounder|[Ff]ounder|[Cc]hief [Ee]xecutive|executive|CEO|CTO|president|chairman"
    r"|chairwoman|employees?|acquisition|purchase|investors?|shareholders?) of"
    r"|acquired|acquire|acquires|acquiring|purchased|bought|buy|buys|buying|joined|investor in"
    r"|stake in) $"
)
# How a text that _COMPANY_BEFORE finds ends: one of its last words, a space,
# and perhaps a line break (where "$" matches too). Tested first with
# str.endswith: the regex search tries every position of its window, for
# every one-word name, and the last words are rarely there.
_COMPANY_BEFORE_LAST = (
    "of in acquired acquire acquires acquiring purchased bought buy buys buying joined"
)
_COMPANY_BEFORE_ENDS = tuple(
    f"{word} {end}" for word in _COMPANY_BEFORE_LAST.split() for end in ("", "\n")
)
_COMPANY_AFTER = re.compile(
    r"(?:'s)? (?:employees?|staff|workers|founders?|co-founders?|CEO|chief executive"
    r"|executives|investors|shareholders|headquarters|engineers)\b"
    r"|,? (?:ha[sd] |have )?(?:said|says|announced|told|hired|sued|acquired|bought|laid off"
    r"|raised|secured|signed|agreed|reported|employs|partnered|backed out)\b"
)
_PRODUCT_AFTER = re.compile(
    r" (?:folders?|accounts?|keys?|workspaces?|repos?|repository|repositories|servers?"
    r"|instances?|integrations?|plugins?|plug-ins?|links?)\b"
)
_OWNED = (" a ", " an ", " my ", " your ", " our ", " their ", " his ", " her ", " its ")
# Whose one-word names the cues relabel: known names, and names a rule or the
# span classifier typed by their shape ("OmniGroup products", a camel-case word).
_CUED_SOURCES = frozenset({"kb", "context", "model"})


def _cued_label(m: Mention) -> bool:
    """Whether the company cues may relabel `m`: a company or product, or a
    place only the classifier guessed from a word's ending ("Ferrocore" like
    "Singapore": "Ferrocore has raised" is the company)."""
    return m.label in ("ORG", "PRODUCT") or (m.label == "GPE" and m.source == "model")


def company_or_product(text: str, mentions: list[Mention]) -> list[Mention]:
    """One-word knowledge-base names relabelled ORG or PRODUCT where the words
    around them say which is meant: "a co-founder of Twitch", "Windsurf
    employees", "Ulysses, a young company" (the company); "a Dropbox folder"
    (the product). Where the text cues one reading of a name only, its
    uncued mentions take that reading too ("the first Ulysses office")."""
    cues: dict[int, str] = {}
    for i, m in enumerate(mentions):
        if m.source not in _CUED_SOURCES or " " in m.text or not _cued_label(m):
            continue
        if (
            _COMPANY_AFTER.match(text, m.end)
            or (
                text.endswith(_COMPANY_BEFORE_ENDS, 0, m.start)
                and _COMPANY_BEFORE.search(text, max(0, m.start - 25), m.start)
            )
            or (text.startswith(", ", m.end) and company_apposition(text[m.end : m.end + 60]))
        ):
            cues[i] = "ORG"
        elif m.label == "GPE":
            continue
        elif _PRODUCT_AFTER.match(text, m.end) and text.endswith(_OWNED, 0, m.start):
            cues[i] = "PRODUCT"
    if not cues:
        return mentions  # most texts
    readings: dict[str, set[str]] = {}
    for i, cue in cues.items():
        readings.setdefault(mentions[i].text, set()).add(cue)
    out = list(mentions)
    for i, m in enumerate(mentions):
        label = cues.get(i)
        if label is None:
            seen = readings.get(m.text)
            if seen is None or len(seen) != 1 or not _cued_label(m):
                continue
            (label,) = seen
        if label != m.label:
            out[i] = Mention(m.start, m.end, label, m.text, m.entity, m.source)
    return out


# What joins the items of a list: "A, B, C and D", "A, B, or C".
_LIST_JOINS = (", and ", ", or ", ", ", " and ", " or ")
_JOIN_ENDS = frozenset({", ", "d ", "r "})  # the last two characters of a join
_LISTED_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "AI_MODEL"})


def listed_names(
    text: str, mentions: list[Mention], runs: list[NameRun], free: Callable[[int, int], bool]
) -> list[Mention]:
    """Untyped runs (`runs`, what context.py left) in a list of names whose
    typed items share one label take it: "NetNewsWire, Transmit, Little Snitch
    and Audio Hijack" after two of them are known products. A list needs
    three items or more, two typed ones, and no typed item of another label."""
    if not runs or ", " not in text:
        return []
    # Every item of a list but its first comes after a join: the runs that
    # do are all a list can type. Most texts have none, and then nothing else
    # is built. (The two characters before a run first: a regex scan of the
    # text for joins cost more than the rest of this pass.)
    listed = [
        run
        for run in runs
        if text[run.start - 2 : run.start] in _JOIN_ENDS
        and text.endswith(_LIST_JOINS, 0, run.start)
        and len(run.words) <= 3
        and not is_stop_word(run.words[0])
    ]
    if not listed:
        return []
    items: dict[int, tuple[int, str | None]] = {}  # start -> (end, label or None)
    for m in mentions:
        if m.label in _LISTED_LABELS:
            items[m.start] = (m.end, m.label)
    for run in listed:
        items.setdefault(run.start, (run.end, None))
    ends = {end: start for start, (end, _) in items.items()}
    seen: set[int] = set()
    found: list[Mention] = []
    for run in listed:
        if run.start in seen:
            continue
        first = run.start  # the list's first item, reached from this run
        while (previous := _joined_before(text, first, ends)) is not None and previous != first:
            first = previous
        chain = [first]
        end = items[first][0]
        while (nxt := _joined_after(text, end, items)) is not None:
            chain.append(nxt)
            end = items[nxt][0]
        seen.update(chain)
        labels = [items[i][1] for i in chain]
        typed = {label for label in labels if label is not None}
        if len(chain) < 3 or len(typed) != 1 or len(labels) - labels.count(None) < 2:
            continue
        (label,) = typed
        for i in chain:
            end = items[i][0]
            if items[i][1] is None and free(i, end):
                surface = text[i:end]
                found.append(Mention(i, end, label, surface, surface, "context"))
    return found


def _joined_before(text: str, start: int, ends: dict[int, int]) -> int | None:
    for join in _LIST_JOINS:
        if text.endswith(join, 0, start) and start - len(join) in ends:
            return ends[start - len(join)]
    return None


def _joined_after(text: str, end: int, items: dict[int, tuple[int, str | None]]) -> int | None:
    for join in _LIST_JOINS:
        if text.startswith(join, end) and end + len(join) in items:
            return end + len(join)
    return None
