"""AI relevance: how much an article is about artificial intelligence.

The text alone has to carry a clear AI story, whatever feed it came from. A
curated vocabulary (reader/data/relevance/ai_vocabulary.tsv: the field's words,
methods, agents, benchmarks, labs, products and people) is matched in one
Aho–Corasick pass, as whole words, with case rules for acronyms ("AI" is not
"ai" in Italian nor the "AI" in "AI171"; "ML" is not in "HTML" nor "ML-KEM").
Words with other senses (agent, inference, tokens, transformer, benchmark)
and compute words (GPU, data centre, chip, Nvidia) only add to strong
evidence: a GPU driver bug or a data-centre planning row is not AI news.
An AI name in a title-case headline stays strong before a word running text
writes in lower case ("Codex Hacked a TV"; casing.py), and "GPT", "LLM" and
"RAG" glued onto a word name AI projects ("nanoGPT"). AI model names found by
the recogniser's model grammar count as strong evidence (not one everyday word
such as "Solar"), and so do identifiers shaped as models are named ("Name-V2.5",
"-27B-GGUF"; relevance_shapes.py, which also reads hub and repository listings
and the grammar of paper titles).

The evidence is summed into a few features (title, lead, body density, the
feed's title, strong evidence in the first sentence, or in a later sentence that
defines the headline's subject: the story's subject rather than a passing
mention) and weighed by a logistic model whose weights were fitted on
the development labels (bench/train_ai_relevance.py) and ship as package data.
Beside those features the model weighs the words of the headline and lead
themselves ("agents", "prompt", "Claude", "chips", "appointed"): a word has a
weight only when it was seen in the labelled items of several sources, so no
one feed's habits are learned, and the weights are small (regularised) so
they shift the evidence rather than decide alone. Weak words with no strong
evidence beside them ("Parallel agents in Zed") and compute words alone ("GPU
driver flaw") have features of their own, so the fit decides how much such a
headline is worth instead of a fixed gate.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat
from operator import mul
from typing import NamedTuple

import ahocorasick

from reader.core.entities.automata import automaton
from reader.core.entities.casing import word_case
from reader.core.entities.records import Mention
from reader.core.entities.relevance_shapes import (
    hub_listing,
    listing_name,
    model_identifiers,
    paper_title_cues,
)

LEAD_CHARS = 600
KINDS = ("strong", "name", "tier", "weak", "hardware", "stop")
_EVIDENCE = ("strong", "weak", "hardware")

_AI_FEED = re.compile(
    r"\b(?:AI|A\.I\.|artificial intelligence|machine learning|ML|LLMs?|deep learning|"
    r"OpenAI|Anthropic|DeepMind|Hugging Face|Mistral|arXiv|cs\.AI|cs\.LG|cs\.CL)\b",
    re.IGNORECASE,
)


# Asked for every article, answered once per feed: a refresh analyses a feed's
# items one after another with the same feed title.
@lru_cache(maxsize=256)
def _ai_feed(feed_title: str) -> bool:
    """The feed's title names the field or an AI lab or product: "xAI News",
    "Huggingface Daily Papers", "Minimax Blog" (lower-cased, so the vocabulary's
    names match however the feed capitalises them)."""
    if not feed_title:
        return False
    if _AI_FEED.search(feed_title):
        return True
    return any(hit.kind == "strong" for hit in find_terms(feed_title.lower()))


# A capitalised word after a `name` ("Claude Monet", "Gemini Observatory").
_NEXT_WORD = re.compile(r"(?:'s|’s|s)?[ \t]+([A-Z][\w.+-]*)")
_WORD = re.compile(r"[^\W\d_]+")
# A model's size in parameters followed by what says it is one ("70B-parameter",
# "a 7B open model").
_SIZE_CONTEXT = re.compile(r"[- ]param(?:eter)?s?\b| (?:[\w-]+ ){0,2}models?\b")


# Letters and digits of Latin-script words; CJK text has no spaces between words,
# so "AI日报" still has "AI" as a word. (A set: a membership test costs a tenth of a
# call, and the vocabulary's matches test the characters around each one.)
_WORD_CHARS = frozenset(ch for ch in map(chr, range(0x370)) if ch == "_" or ch.isalnum())


def _is_word_char(ch: str) -> bool:
    return ch in _WORD_CHARS


# Where a word ending at a position ends once a plural or possessive s is allowed
# (_word_end): the suffixes tried in order, each taken only when no word character
# follows it. One match in C rather than a loop over the suffixes.
_WORD_END = re.compile("(?:|s|'s|’s|es)(?![" + "".join(map(re.escape, sorted(_WORD_CHARS))) + "])")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    # The cased and the lower-case words in one automaton, run over the lower-cased
    # text: a key is a word in lower case (_lowered_forms), its value (length, the
    # kind of the lower-case word or None, the cased words it lowers from with
    # their kinds). A cased word counts where the text holds it as written. One
    # scan instead of one for each: the scan is most of what finding the words costs.
    both: ahocorasick.Automaton
    lowered: ahocorasick.Automaton  # cased strong words in lower case, for all-lower-case text
    tiers: frozenset[str]
    digest: str


def _automaton(entries: dict[str, str]) -> ahocorasick.Automaton:
    return automaton((surface, (len(surface), kind)) for surface, kind in entries.items())


def parse_vocabulary(text: str) -> Vocabulary:
    cased: dict[str, str] = {}
    folded: dict[str, str] = {}
    tiers: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        surface, _, kind = (part.strip() for part in line.partition("\t"))
        if not surface or kind not in KINDS:
            continue
        if kind == "tier":
            tiers.add(surface)
        elif surface == surface.lower():
            folded.setdefault(surface, kind)
        else:
            cased.setdefault(surface, kind)
    # Headlines and leads written all in lower case ("anthropic's claude ...") lose the
    # case rules; there the cased AI names are matched in lower case as strong evidence.
    lowered = {s.lower(): "strong" for s, kind in cased.items() if kind in ("strong", "name")} | {
        s.lower(): "stop" for s, kind in cased.items() if kind == "stop"
    }
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Vocabulary(_both(cased, folded), _automaton(lowered), frozenset(tiers), digest)


def _both(cased: dict[str, str], folded: dict[str, str]) -> ahocorasick.Automaton:
    entries: dict[str, tuple[int, str | None, tuple[tuple[str, str], ...]]] = {
        surface: (len(surface), kind, ()) for surface, kind in folded.items()
    }
    for surface, kind in cased.items():
        for key in _lowered_forms(surface):
            length, folded_kind, words = entries.get(key, (len(key), None, ()))
            entries[key] = (length, folded_kind, (*words, (surface, kind)))
    return automaton(entries.items())


def _lowered_forms(surface: str) -> set[str]:
    """How a text holding `surface` reads once lower-cased by _lower: each character
    lowered on its own, but one that lowers to several (kept as it is) and a capital
    sigma, which str.lower writes as a final or an inner sigma by what follows it."""
    forms = [""]
    for ch in surface:
        lowered = ch.lower()
        options = ("σ", "ς") if ch == "Σ" else (lowered if len(lowered) == 1 else ch,)
        forms = [form + option for form in forms for option in options]
    return set(forms)


def _data_text(name: str) -> str:
    return (resources.files("reader") / "data" / "relevance" / name).read_text(encoding="utf-8")


@cache
def vocabulary() -> Vocabulary:
    return parse_vocabulary(_data_text("ai_vocabulary.tsv"))


class Hit(NamedTuple):
    # (A named tuple: a feed item makes several, and a frozen dataclass costs
    # about four times as much to build.)
    start: int
    end: int
    kind: str  # "strong", "weak" or "hardware"


def _word_end(text: str, end: int) -> int | None:
    """Where the word ending at `end` ends once a plural or possessive s is allowed;
    None when a letter or digit follows (the match is inside a longer word)."""
    found = _WORD_END.match(text, end)
    return None if found is None else found.end()


def _vocabulary_matches(both: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str]]:
    """The cased words where `text` holds them as written, then the lower-case words
    where its lower-cased form does, as _matches finds each in its own automaton (in
    the order of their ends: each scan's order); the word boundaries are read in the
    text each was matched in."""
    cased: list[tuple[int, int, str]] = []
    folded: list[tuple[int, int, str]] = []
    lowered = _lower(text)
    word_end = _WORD_END.match
    for last, (length, folded_kind, words) in both.iter(lowered):
        start = last + 1 - length
        if folded_kind is not None and not (start > 0 and lowered[start - 1] in _WORD_CHARS):
            end = word_end(lowered, last + 1)
            if end is not None:
                folded.append((start, end.end(), folded_kind))
        if words and not (start > 0 and text[start - 1] in _WORD_CHARS):
            written = text[start : last + 1]
            for surface, kind in words:
                if surface == written:
                    end = word_end(text, last + 1)
                    if end is not None:
                        cased.append((start, end.end(), kind))
                    break
    return cased + folded


def _matches(automaton: ahocorasick.Automaton, haystack: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    if len(automaton) == 0:
        return found
    word_end = _WORD_END.match
    for last, (length, kind) in automaton.iter(haystack):
        start = last + 1 - length
        if start > 0 and haystack[start - 1] in _WORD_CHARS:
            continue
        end = word_end(haystack, last + 1)
        if end is not None:
            found.append((start, end.end(), kind))
    return found


def _title_case(text: str) -> bool:
    words = _WORD.findall(text)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


# Casing buckets (casing.py) of words running text writes in lower case at least as
# often as capitalised.
_COMMON_WORD = frozenset("Llm")


def _name_kind(text: str, start: int, end: int, tiers: frozenset[str], headline: bool) -> str:
    """A `name` is strong unless it is followed by a capitalised word that is not a
    tier ("Claude Monet"), or is the end of a hyphenated first name ("Jean-Claude").
    In a headline in title case every word is capitalised, so the word after a
    product's name ("Codex Hacked a TV", "Kimi Open Platform") says nothing by its
    capital: there the name is strong when running text writes that word in lower
    case, and weak otherwise ("Claude Monet", "Claude Lelouch Returns")."""
    if start > 1 and text[start - 1] == "-" and text[start - 2].isalpha():
        return "stop"
    following = _NEXT_WORD.match(text, end)
    # A tier joined to more by a hyphen is still the tier ("Gemini Robotics-ER 1.6").
    if following is None or following.group(1).rstrip(".").split("-")[0] in tiers:
        return "strong"
    if following.group(1)[:1].isdigit():
        return "strong"
    if not headline:
        return "stop"
    # (Only the vocabulary's capitalised names: "Agents Raid ..." is not a product.)
    if text[start].isupper() and text[start + 1 : start + 2].islower():
        next_word = following.group(1).rstrip(".,:;!?'’").split("-")[0]
        if word_case().get(next_word.lower()) in _COMMON_WORD:
            return "strong"
    return "weak"


def _occurrences(text: str, literal: str) -> list[int]:
    """Where `literal` occurs (str.find runs in C; a regex led by a character class
    would try every position of the text)."""
    found = []
    i = text.find(literal)
    while i != -1:
        found.append(i)
        i = text.find(literal, i + 1)
    return found


# The field's acronyms that projects and labs glue onto a word in camel case.
_CAMEL_SUFFIX_WORDS = ("AI", "GPT", "LLM", "RAG")
_CAMEL_SUFFIXES = re.compile("|".join(_CAMEL_SUFFIX_WORDS))


def _camel_case_labs(text: str) -> list[tuple[int, int, str]]:
    """A lab's or a project's name with the field's acronym glued on in camel case:
    "OpenAI", "CrewAI", "nanoGPT", "MobileLLM", "GraphRAG" (never an all-capital word
    such as "THAI" or "MAIN", nor "AI" inside a longer word)."""
    found: list[tuple[int, int, str]] = []
    # (One scan for the four literals, not one str.find each, where the text holds any:
    # a substring test in C costs a fraction of a regex step at every character.)
    if not any(map(text.__contains__, _CAMEL_SUFFIX_WORDS)):
        return found
    for hit in _CAMEL_SUFFIXES.finditer(text, 2):
        i, end = hit.span()
        if text[i - 1].islower() and _word_end(text, end) is not None:
            start = i
            while start > 0 and text[start - 1].isalpha():
                start -= 1
            if (start == 0 or not _is_word_char(text[start - 1])) and text[start:i].isalpha():
                found.append((start, end, "strong"))
    return found


# A unit after a word character that may be a digit: any but "_" and the ASCII
# letters (str.isdigit's digits are all \w).
_UNIT_AFTER_DIGIT = re.compile(r"[^\W_A-Za-z][BMb]")
# ASCII digits as "0" and the units as "B", all else blank: in ASCII text a unit
# follows a digit where "0B" is found (a table lookup a byte, a third of the regex's time).
_DIGITS_AND_UNITS = (
    bytes(
        ord("0") if chr(byte).isdigit() else ord("B") if chr(byte) in "BMb" else ord(" ")
        for byte in range(128)
    )
    + b" " * 128
)


def _unit_after_digit(text: str) -> bool:
    """Whether `text` may hold a size in parameters: most texts have no unit after
    a digit, and "b" is in every other word, each a step of the loop below."""
    if text.isascii():
        return b"0B" in text.encode().translate(_DIGITS_AND_UNITS)
    return _UNIT_AFTER_DIGIT.search(text) is not None


def _parameter_sizes(text: str) -> list[tuple[int, int, str]]:
    """A model's size in parameters. Strong inside a model's identifier
    ("Qwen3-72B-Instruct", "Llama-3.1-8B") or said to be one ("70B-parameter",
    "a 7B model"); a bare "70B" is weak. Not money ("$3B") nor "F-35B"."""
    found: list[tuple[int, int, str]] = []
    if not _unit_after_digit(text):
        return found
    # Lower-case "b" only inside an identifier ("talkie-1930-13b-it", "llama-3-8b").
    for unit in ("B", "M", "b"):
        for i in _occurrences(text, unit):
            end = i + 1
            if i == 0 or not text[i - 1].isdigit() or (end < len(text) and text[end] in "+$"):
                continue
            if end < len(text) and _is_word_char(text[end]):
                continue
            start = i
            while start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
                start -= 1
            if not 1 <= i - start <= 5 or text[start] == ".":
                continue
            before = text[start - 1] if start > 0 else " "
            if before == "-":
                stem = start - 1
                while stem > 0 and (_is_word_char(text[stem - 1]) or text[stem - 1] in ".-"):
                    stem -= 1
                if sum(ch.isalpha() for ch in text[stem : start - 1]) >= 2:
                    found.append((stem, end, "strong"))
            elif unit != "b" and not _is_word_char(before) and before not in "$€£¥.,":
                if _SIZE_CONTEXT.match(text, end):
                    found.append((start, end, "strong"))
                elif unit == "B":
                    found.append((start, end, "weak"))
    return found


# Tier words that follow only AI models' versions ("Orion 2.5 Flash", "Sable-4 Coder",
# "Qwen3-32B-Instruct"); "Pro", "Ultra" and "Mini" also follow phones and laptops.
_MODEL_TIERS = ("Coder", "Instruct", "Thinking", "Flash")
_BEFORE_TIER = re.compile(r"[A-Z][\w.]*[- ]v?\d{1,3}(?:\.\d{1,2})?[BM]?[- ]$")


def _versioned_models(text: str) -> list[tuple[int, int, str]]:
    """A name, a version and a model tier: an AI model's name even when unknown."""
    found: list[tuple[int, int, str]] = []
    if not any(map(text.__contains__, _MODEL_TIERS)):  # (most texts have none: one scan each)
        return found
    for tier in _MODEL_TIERS:
        for i in _occurrences(text, tier):
            end = _word_end(text, i + len(tier))
            if end is None:
                continue
            before = _BEFORE_TIER.search(text, max(0, i - 40), i)
            if before is not None and (
                before.start() == 0 or not _is_word_char(text[before.start() - 1])
            ):
                found.append((before.start(), end, "strong"))
    return found


def _lower_case_matches(vocab: Vocabulary, text: str) -> list[tuple[int, int, str]]:
    """Cased AI names in paragraphs written all in lower case ("anthropic's claude"),
    where the case rules cannot apply; a lead in lower case may sit above a body
    in ordinary case."""
    found: list[tuple[int, int, str]] = []
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph.islower():
            found += [(s + offset, e + offset, k) for s, e, k in _matches(vocab.lowered, paragraph)]
        offset += len(paragraph) + 1
    return found


def _lower(text: str) -> str:
    """`text` in lower case with its offsets kept ("İ" lowers to two code points)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


# The field's acronyms: glued to a number by a hyphen they name something else.
_FIELD_ACRONYMS = frozenset({"AI", "AGI", "ASI", "ML", "KI"})


def find_terms(text: str, headline: bool = False) -> list[Hit]:
    """The AI vocabulary in `text`, longest match first, stops and guards applied."""
    vocab = vocabulary()
    found = _vocabulary_matches(vocab.both, text)
    found += _camel_case_labs(text) + _parameter_sizes(text) + _versioned_models(text)
    found += [(start, end, "strong") for start, end in model_identifiers(text)]
    found += _lower_case_matches(vocab, text)
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    hits = []
    last_end = -1
    # Whether a headline is in title case, read at its first name only (most have none).
    title_case: bool | None = None if headline else False
    for start, end, kind in found:
        if start < last_end:
            continue  # inside a longer match
        last_end = end
        # A name holding the field's acronym: "AGI-64" (a games label), "AI-171".
        if (
            end < len(text) - 1
            and text[end] == "-"
            and text[end + 1].isdigit()
            and text[start:end] in _FIELD_ACRONYMS
        ):
            continue
        if kind == "name":
            if title_case is None:
                title_case = _title_case(text)
            kind = _name_kind(text, start, end, vocab.tiers, title_case)
        if kind in _EVIDENCE:
            hits.append(Hit(start, end, kind))
    return hits


# An AI model written as models are: a hyphen before the version or a dotted version
# ("Phi-4", "Hermes-3", "SAM 3.1"; not "Genie 3").
_MODEL_SHAPE = re.compile(r"[A-Za-z]-\d|\d\.\d")


def _hit_under(m: Mention, hits: Sequence[Hit], starts: Sequence[int]) -> Hit | None:
    """The vocabulary hit overlapping the mention, if any (`hits` sorted, not
    overlapping; `starts` their starts)."""
    i = bisect.bisect_left(starts, m.end)  # the last hit starting before the mention ends
    return None if i == 0 or hits[i - 1].end <= m.start else hits[i - 1]


def model_evidence(m: Mention) -> bool:
    """Whether a mention is an AI model that may count as evidence: the span
    classifier's guesses (spans.py, source "model") are not evidence enough."""
    return m.label == "AI_MODEL" and m.source != "model"


# Casing buckets of words running text almost always writes in lower case.
_EVERYDAY_WORD = frozenset("Ll")


def _models(mentions: Sequence[Mention], hits: Sequence[Hit]) -> list[Mention]:
    """AI model mentions that are strong evidence the vocabulary did not already count
    (`hits` are sorted and do not overlap). A mention built on a weak family name
    ("Granite 4", "Genie 3": ordinary words with a number) counts only when written
    as models are ("Granite-4", "Phi-4", "SAM 3.1")."""
    starts: list[int] | None = None  # made at the first AI model: most texts name none
    found = []
    for m in mentions:
        if not model_evidence(m):
            continue
        if starts is None:
            starts = [h.start for h in hits]
        hit = _hit_under(m, hits, starts)
        if hit is None:
            # A model named by one everyday word ("Solar" in "IEA: Solar overtakes all
            # energy sources"): only a version makes it the model, and then it is no
            # longer one word.
            if word_case().get(m.text.lower()) not in _EVERYDAY_WORD:
                found.append(m)
        elif hit.kind == "weak" and _MODEL_SHAPE.search(m.text):
            found.append(m)
    return found


# The end of the text's first sentence: a stop and a space, or a line break.
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
FIRST_SENTENCE_CHARS = 300


def _first_sentence_end(text: str) -> int:
    found = _SENTENCE_END.search(text, 0, FIRST_SENTENCE_CHARS)
    return found.end() if found else min(len(text), FIRST_SENTENCE_CHARS)


# A sentence that says what the headline's subject is: "Workflows is the orchestration
# layer for enterprise AI." after "Workflows for work that runs the business".
_DEFINITION = re.compile(
    r"\s*((?:[A-Z][\w.+-]*)(?: [A-Z][\w.+-]*){0,3}) (?:is|are|lets|helps|brings|gives)\b"
)


# Sentence openings that refer back rather than name ("It is", "This is", "There are").
_PRONOUNS = frozenset("It This That These Those They There Here We He She Ours".split())


def _defines_subject(title: str, text: str, hits: Sequence[Hit], first: int) -> bool:
    """Whether a later sentence of the lead with strong evidence in it opens by
    defining a name the headline holds: the story's subject, defined as AI."""
    starts = [first] + [m.end() for m in _SENTENCE_END.finditer(text, first, LEAD_CHARS)]
    for hit in hits:
        if hit.kind != "strong" or hit.start < first:
            continue
        if hit.start >= LEAD_CHARS:
            break
        opening = starts[bisect.bisect_right(starts, hit.start) - 1]
        found = _DEFINITION.match(text, opening, hit.start)
        name = found.group(1) if found is not None else ""
        if name and name not in _PRONOUNS and _whole_words_in(name, title):
            return True
    return False


def _whole_words_in(name: str, text: str) -> bool:
    """Whether `name` occurs in `text` as whole words (not "Lay" in "Relay")."""
    size = len(name)
    return any(
        (at == 0 or not _is_word_char(text[at - 1]))
        and (at + size == len(text) or not _is_word_char(text[at + size]))
        for at in _occurrences(text, name)
    )


FEATURES = (
    "title_strong",
    "title_weak",
    "title_hardware",
    "lead_strong",
    "lead_weak",
    "lead_hardware",
    "body_strong",
    "body_weak",
    "body_hardware",
    "weak_alone",
    "hardware_alone",
    "feed",
    "listing",
    "paper_title",
    "first_sentence",
)
# Features that are evidence against AI or nothing (the fit keeps their weight at or
# below 0): compute words with no AI word beside them are hardware news.
SIGNED = frozenset({"hardware_alone"})


def ai_features(
    title: str,
    text: str,
    mentions: Sequence[Mention],
    feed_title: str = "",
    title_mentions: Sequence[Mention] = (),
) -> dict[str, float]:
    """The evidence, bounded so no single part can dominate.

    Title and lead count hits (capped); the body counts hits per 1,000 words so
    a passing mention in a long essay stays small. Weak and hardware words count
    only when strong evidence (a strong word or an AI model) is present.
    """
    title_hits = find_terms(title, headline=True)
    text_hits = find_terms(text)
    # A repository or hub listing ("lsdefine / GenericAgent") names its subject in an
    # identifier: its words, split apart ("Generic Agent"), count too, once each.
    listed = listing_name(title)
    listing = listed or ""
    listing_hits = []
    if listing:
        seen = {title[h.start : h.end].lower() for h in title_hits}
        found = find_terms(listing)
        listing_hits = [h for h in found if listing[h.start : h.end].lower() not in seen]
    # Hits counted by kind and place in plain integers (exact either way: they are
    # whole numbers), then capped as floats: a few dicts a feed item fewer.
    title_kinds = [hit.kind for hit in title_hits + listing_hits]
    title_strong = title_kinds.count("strong")
    # A hub lists models and datasets, and the guideline counts both as AI items.
    if listed is not None:
        title_strong += hub_listing(title, text[:LEAD_CHARS])
    lead = dict.fromkeys(_EVIDENCE, 0)
    body = dict.fromkeys(_EVIDENCE, 0)
    first_strong_at = len(text)  # where the first strong hit starts
    for hit in text_hits:
        (lead if hit.start < LEAD_CHARS else body)[hit.kind] += 1
        if hit.kind == "strong" and hit.start < first_strong_at:
            first_strong_at = hit.start
    title_strong += len(_models(title_mentions, title_hits))
    models = _models(mentions, text_hits)
    for model in models:
        (lead if model.start < LEAD_CHARS else body)["strong"] += 1
    # The first sentence states what the story is about: strong evidence there is the
    # story's subject, not a passing mention ("xAI is pleased to announce...").
    first = _first_sentence_end(text)
    first_strong = first_strong_at < first or any(m.start < first for m in models)
    if not first_strong and lead["strong"]:
        first_strong = _defines_subject(title, text, text_hits, first)
    gate = 1.0 if title_strong or lead["strong"] or body["strong"] else 0.0
    alone = 1.0 - gate
    # Different ambiguous words together say more than one repeated ("tokens ... tokens").
    # (Counted only where they count: with strong evidence, `alone` is 0.)
    weak_words = (
        {title[h.start : h.end].lower() for h in title_hits if h.kind == "weak"}
        | {listing[h.start : h.end].lower() for h in listing_hits if h.kind == "weak"}
        | {
            text[h.start : h.end].lower()
            for h in text_hits
            if h.kind == "weak" and h.start < LEAD_CHARS
        }
        if alone
        else set()
    )
    words = len(text[LEAD_CHARS:].split()) if len(text) > LEAD_CHARS else 0
    per_k = 1000 / max(words, 300)
    title_hardware = float(title_kinds.count("hardware"))
    return {
        "title_strong": min(float(title_strong), 2.0),
        "title_weak": gate * min(float(title_kinds.count("weak")), 2.0),
        "title_hardware": gate * min(title_hardware, 2.0),
        "lead_strong": min(float(lead["strong"]), 4.0),
        "lead_weak": gate * min(float(lead["weak"]), 4.0),
        "lead_hardware": gate * min(float(lead["hardware"]), 4.0),
        "body_strong": min(body["strong"] * per_k, 15.0),
        "body_weak": gate * min(body["weak"] * per_k, 30.0),
        "body_hardware": gate * min(body["hardware"] * per_k, 15.0),
        "weak_alone": alone * min(len(weak_words), 3.0),
        "hardware_alone": alone * min(title_hardware + lead["hardware"], 3.0),
        "feed": 1.0 if _ai_feed(feed_title) else 0.0,
        "listing": 1.0 if listing else 0.0,
        "paper_title": float(paper_title_cues(title)),
        "first_sentence": 1.0 if first_strong else 0.0,
    }


# A word of a headline or lead: letters only (versions and sizes vary too much to
# learn from), lower-cased except short all-capital acronyms ("AI" is not Italian "ai").
_TOKEN = re.compile(r"[^\W\d_]{2,}")


# Cached: every feed item maps ~40 words, most of them seen in earlier items,
# and a hit is answered in C (headline_words took a quarter less).
@lru_cache(maxsize=1 << 16)
def _token(word: str) -> str:
    return word if word.isupper() and len(word) <= 5 else word.lower()


_URL = re.compile(r"\bhttps?://\S+")


def headline_words(title: str, text: str) -> frozenset[str]:
    """The distinct words of the title and the lead (the text's first LEAD_CHARS),
    web addresses left out."""
    title, lead = _without_urls(title), _without_urls(text[:LEAD_CHARS])
    if title.isascii() and lead.isascii():
        # The same words as _TOKEN finds, a fifth of the time: in ASCII its letters
        # are A-Z and a-z, so the runs of letters are what is left between the other
        # characters once those are blanked out by one table lookup a byte. The
        # runs of one letter are mapped to "" and left out, so the set is made
        # from the same words in the same order (its order is the score's sum's).
        letters = f"{title} {lead}".encode().translate(_LETTERS_ONLY).split()
        return frozenset(filter(None, map(_ascii_token, letters)))
    found = _TOKEN.findall(title) + _TOKEN.findall(lead)
    # (map, not a generator: a feed item has ~40 words and this runs for each.)
    return frozenset(map(_token, found))


# Every byte but the ASCII letters, blanked out.
_LETTERS_ONLY = bytes(
    byte if chr(byte).isascii() and chr(byte).isalpha() else ord(" ") for byte in range(256)
)


@lru_cache(maxsize=1 << 16)
def _ascii_token(word: bytes) -> str:
    """_token of a run of ASCII letters; "" for a single letter, which _TOKEN skips."""
    return _token(word.decode()) if len(word) >= 2 else ""


def _without_urls(text: str) -> str:
    # Most titles and leads hold no address: the substitution's scan is skipped.
    return _URL.sub(" ", text) if "://" in text else text


@dataclass(frozen=True, slots=True)
class Weights:
    bias: float
    weights: dict[str, float]
    words: dict[str, float]  # headline_words -> weight
    digest: str


def parse_weights(text: str) -> Weights:
    data = json.loads(text)
    weights = {name: float(data["weights"].get(name, 0.0)) for name in FEATURES}
    words = {str(word): float(value) for word, value in (data.get("words") or {}).items()}
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Weights(float(data["bias"]), weights, words, digest)


@cache
def weights() -> Weights:
    return parse_weights(_data_text("ai_relevance_weights.json"))


def relevance_digest() -> str:
    """Changes whenever the vocabulary or the weights change (re-analyse stored articles)."""
    return f"{vocabulary().digest}{weights().digest}"


def score_features(
    features: dict[str, float],
    model: Weights | None = None,
    words: frozenset[str] = frozenset(),
) -> float:
    """The probability that the story is about AI, from `ai_features` and `headline_words`."""
    model = model or weights()
    # (The same products summed in the same order, by map in C, not a generator.)
    z = model.bias + sum(
        map(mul, map(model.weights.__getitem__, FEATURES), map(features.__getitem__, FEATURES))
    )
    z += sum(map(model.words.get, words, repeat(0.0)))  # (in `words`' order, as before)
    # Never quite 1: `ai_threshold = 1.0` means no automatic tag at all.
    return min(round(1.0 / (1.0 + math.exp(-z)), 4), 0.9999)


def ai_score(
    title: str,
    text: str,
    mentions: Sequence[Mention],
    feed_title: str = "",
    title_mentions: Sequence[Mention] | None = None,
) -> float:
    """How strongly the article is about AI, from 0 (not at all) to 1.

    `mentions` are the text's entities, `title_mentions` the title's (found here
    when not given); their AI model names count as AI evidence. Of the title's,
    only those `model_evidence` accepts are read (reader.core.analysis relies on
    it to recognise titles without the span classifier).
    """
    if title_mentions is None:
        from reader.core.entities.recognizer import recognize

        title_mentions = recognize(title)
    features = ai_features(title, text, mentions, feed_title, title_mentions)
    return score_features(features, words=headline_words(title, text))
