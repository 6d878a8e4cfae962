"""The entity layer's data files, shipped in the package (reader/data/entities)."""

from __future__ import annotations

from importlib import resources


def data_text(name: str) -> str:
    """A data file's text, or "" when the package lacks it (a trimmed install
    then works with less, as the callers say)."""
    path = resources.files("reader") / "data" / "entities" / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
