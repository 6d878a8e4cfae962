"""The command line's label and colour choices are the core's."""

from __future__ import annotations

from reader.cli import COLOR_CHOICES, LABEL_CHOICES
from reader.core.entities import LABELS
from reader.core.models import COLORS


def test_choices_match_the_core() -> None:
    assert LABEL_CHOICES == LABELS
    assert COLOR_CHOICES == COLORS
