"""The records the recognisers produce and consume."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.pickling import as_tuple

# The labels, in the order the app lists them. PERCENT earns its own colour:
# growth, share and benchmark numbers are what readers scan a story for.
LABELS: tuple[str, ...] = (
    "PERSON",
    "ORG",
    "PRODUCT",
    "AI_MODEL",
    "MONEY",
    "PERCENT",
    "DATE",
    "GPE",
)
# Labels whose entities are names worth following across articles; amounts
# and dates are highlighted but not listed as entities to follow.
NAME_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "AI_MODEL", "GPE"})

# Which recogniser found a mention, strongest first; the merge uses this order.
SOURCES: tuple[str, ...] = ("user", "kb", "pattern", "context", "model")


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention: code-point offsets into the analysed text."""

    start: int
    end: int
    label: str
    text: str  # the surface, text[start:end]
    entity: str  # canonical name (for amounts and dates: the surface)
    source: str  # one of SOURCES

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


@dataclass(frozen=True, slots=True)
class Rule:
    """One of the user's entity rules; they win over every recogniser.

    kind "entity": `surface` is an entity called `entity` with `label` (adding
    an entity, or changing the type of a known one); "alias": `surface` means
    the entity `entity`; "ignore": never mark `surface` (or the entity of that
    name) as an entity.
    """

    kind: str
    surface: str
    entity: str = ""
    label: str = ""
