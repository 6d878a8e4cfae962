"""An optional statistical recogniser: a spaCy pipeline the user installed.

Never required and never downloaded: it is used only when config names one
(`[entities] model`). Its labels are mapped to reader's; it only fills text
that the knowledge base, patterns and context rules left unclaimed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reader.core.entities.records import Mention

# spaCy (OntoNotes) label -> reader label; others are dropped.
LABEL_MAP = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "PRODUCT": "PRODUCT",
    "GPE": "GPE",
    "LOC": "GPE",
    "MONEY": "MONEY",
    "PERCENT": "PERCENT",
    "DATE": "DATE",
}


class ModelError(RuntimeError):
    """The configured model cannot be loaded."""


class StatisticalModel:
    def __init__(self, name: str, nlp: Any) -> None:
        self.name = name
        self.nlp = nlp

    def __repr__(self) -> str:  # part of the analysis digest
        meta = getattr(self.nlp, "meta", {}) or {}
        return f"spacy:{self.name}:{meta.get('version', '')}"

    def find(self, text: str) -> list[Mention]:
        found = []
        for ent in self.nlp(text).ents:
            label = LABEL_MAP.get(ent.label_)
            surface = ent.text
            if label is None or not surface.strip():
                continue
            found.append(Mention(ent.start_char, ent.end_char, label, surface, surface, "model"))
        return found


@cache
def load_model(name: str) -> StatisticalModel:
    try:
        import spacy
    except ImportError as exc:
        raise ModelError(
            f"[entities] model = {name!r}, but spaCy is not installed"
            " (pip install spacy, then install the pipeline)"
        ) from exc
    try:
        nlp = spacy.load(name, exclude=["parser", "lemmatizer", "tagger"])
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"[entities] model = {name!r} cannot be loaded: {exc}. reader never"
            " downloads models; install the pipeline or clear the setting."
        ) from exc
    return StatisticalModel(name, nlp)
