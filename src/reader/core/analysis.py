"""Analysis of an article's text: entity mentions, AI relevance, automatic tags.

Runs where the CPU work runs (the refresh's worker processes, or a worker
thread in the app for re-analysis); the store only writes the results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reader.core.config import EntitySettings
from reader.core.entities import Mention, Recognizer, Rule
from reader.core.entities.relevance import ai_score, model_evidence, relevance_digest
from reader.core.entities.statistical import load_model
from reader.core.models import ArticleRecord
from reader.core.pickling import as_tuple
from reader.core.stories.signature import fingerprint_mentions


@dataclass(frozen=True, slots=True)
class Analysis:
    mentions: tuple[Mention, ...]
    ai_score: float
    auto_tags: tuple[str, ...]
    digest: str  # which recognisers and rules produced it


@lru_cache(maxsize=4)
def recognizer_for(rules: tuple[Rule, ...], model: str = "") -> Recognizer:
    """One recogniser per rule set, reused (building one costs a few ms)."""
    return Recognizer(rules, model=load_model(model) if model else None)


def analyse(
    title: str,
    text: str,
    feed_title: str,
    settings: EntitySettings,
    rules: tuple[Rule, ...] = (),
) -> Analysis:
    recognizer = recognizer_for(rules, settings.model)
    [result] = _analyse_all(
        recognizer, analysis_digest(recognizer.digest), [(title, text)], feed_title, settings
    )
    return result


def _analyse_all(
    recognizer: Recognizer,
    digest: str,
    articles: Sequence[tuple[str, str]],
    feed_title: str,
    settings: EntitySettings,
) -> list[Analysis]:
    """The analysis of each (title, text). Step by step over them all, not
    article by article: each step's tables and code then stay in the processor's
    caches from one article to the next, where the recogniser's pushed the AI
    score's out and back (a feed's 20 items of the refresh bench: ~7% less CPU
    a whole worker job)."""
    mentions = [tuple(recognizer.find(text)) for _, text in articles]
    # (A feed item whose summary is its title is recognised once.)
    title_mentions = [
        found if title == text else _title_mentions(recognizer, title)
        for (title, text), found in zip(articles, mentions, strict=True)
    ]
    done = []
    for (title, text), found, in_title in zip(articles, mentions, title_mentions, strict=True):
        score = ai_score(title, text, found, feed_title, in_title)
        tags = (settings.ai_tag,) if settings.ai_tag and score >= settings.ai_threshold else ()
        done.append(Analysis(found, score, tags, digest))
    return done


def _title_mentions(recognizer: Recognizer, title: str) -> Sequence[Mention]:
    """The title's mentions as the AI score reads them: only its AI models
    (relevance.model_evidence), and the span classifier finds none of those.
    So the title is recognised without it, which costs about half as much on
    a real headline, every word capitalised (~120 µs instead of ~230). Where
    that finds an AI model, the title is recognised again in full: with the
    classifier's names a model can become longer ("Zyx Gemini 2", join_makers),
    and its span is part of the score."""
    lighter = _without_spans(recognizer)
    if lighter is None:
        return recognizer.find(title)
    found = lighter.find(title)
    return recognizer.find(title) if any(map(model_evidence, found)) else found


@lru_cache(maxsize=4)
def _without_spans(recognizer: Recognizer) -> Recognizer | None:
    """The same recogniser without the span classifier; None where that could
    change a title's AI models otherwise than above: with user rules (a type
    given to an entity applies to whatever found it) or a statistical model."""
    if recognizer.spans is None or recognizer.rules or recognizer.model is not None:
        return None
    return Recognizer(kb=recognizer.kb, use_spans=False)


@lru_cache(maxsize=8)
def analysis_digest(recognizer_digest: str) -> str:
    """The recogniser's digest combined with the relevance scorer's: stored articles
    are re-analysed when either changes."""
    both = f"{recognizer_digest}\n{relevance_digest()}"
    return hashlib.sha256(both.encode()).hexdigest()[:16]


def analyse_records(
    records: Sequence[ArticleRecord],
    feed_title: str,
    settings: EntitySettings,
    rules: tuple[Rule, ...],
    *,
    stories: bool = False,
) -> list[ArticleRecord]:
    """The records with their analysis filled in (run in a worker process).
    With `stories`, each also gets its story fingerprint, from the text and
    mentions as they will be stored (one copy of the record, not two)."""
    done = []
    # Looked up once for the batch, not per item (the rules' tuple is hashed each time).
    recognizer = recognizer_for(rules, settings.model)
    digest = analysis_digest(recognizer.digest)
    articles = [(record.title, record.text) for record in records]
    results = _analyse_all(recognizer, digest, articles, feed_title, settings)
    # (Fingerprinted after all are analysed, for the same reason.)
    prints = [
        fingerprint_mentions(title, text, result.mentions) if stories else None
        for (title, text), result in zip(articles, results, strict=True)
    ]
    for record, result, found in zip(records, results, prints, strict=True):
        values = list(as_tuple(record)[1])
        values[_MENTIONS] = result.mentions
        values[_AI_SCORE] = result.ai_score
        values[_AUTO_TAGS] = result.auto_tags
        values[_ANALYSED_WITH] = result.digest
        values[_FINGERPRINT] = found or record.fingerprint
        done.append(ArticleRecord(*values))
    return done


# The record with its analysis, as dataclasses.replace(record, mentions=...,
# fingerprint=...) would make it: replace looks up and checks all of the
# record's fields each time (~12 µs a record, as much as a tenth of the item's
# analysis). Here its values are read at once in C, in order, as the record is
# pickled (reader.core.pickling: `__match_args__` names every field), and passed
# in order, the analysis's in their places.
_FIELDS = ArticleRecord.__match_args__
_MENTIONS, _AI_SCORE, _AUTO_TAGS, _ANALYSED_WITH, _FINGERPRINT = map(
    _FIELDS.index, ("mentions", "ai_score", "auto_tags", "analysed_with", "fingerprint")
)
