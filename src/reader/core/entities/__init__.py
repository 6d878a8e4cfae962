"""Entity recognition for tech and AI news (no Textual here).

`recognize(text)` runs the shipped recognisers; `Recognizer(rules)` adds the
user's own rules. See recognizer.py for how the recognisers are merged.

The records are imported here; the recognisers (regular expressions compiled
at import, the knowledge base) only when first used, so the store and the
command line start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.core.entities.records import LABELS, NAME_LABELS, Mention, Rule

if TYPE_CHECKING:
    from reader.core.entities.recognizer import Recognizer, recognize, salience

__all__ = ["LABELS", "NAME_LABELS", "Mention", "Recognizer", "Rule", "recognize", "salience"]


def __getattr__(name: str) -> Any:
    if name in ("Recognizer", "recognize", "salience"):
        from reader.core.entities import recognizer

        return getattr(recognizer, name)
    raise AttributeError(name)
