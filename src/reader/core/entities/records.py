"""The records the recognisers produce and consume. They belong to the public
vocabulary (reader.core.models); named here too for the recognisers' modules."""

from __future__ import annotations

from reader.core.models import LABELS, NAME_LABELS, SOURCES, Mention, Rule

__all__ = ["LABELS", "NAME_LABELS", "SOURCES", "Mention", "Rule"]
