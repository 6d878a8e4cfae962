"""The entity layer's data files, shipped in the package (reader/data/entities)."""

from __future__ import annotations

from functools import cache
from importlib import resources


def data_text(name: str) -> str:
    """A data file's text, or "" when the package lacks it (a trimmed install
    then works with less, as the callers say)."""
    path = resources.files("reader") / "data" / "entities" / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of a data file that lists words ("#" lines are comments)."""
    return frozenset(
        word
        for line in data_text(name).splitlines()
        if not line.startswith("#")
        for word in line.split()
    )
