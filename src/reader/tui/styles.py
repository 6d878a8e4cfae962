"""Colours for entity labels and highlight colours, from the theme's variables.

Entities colour the text (foreground) and highlights colour the background,
so both show where they overlap. Only theme variables are used, so every
built-in theme keeps them readable (the *-muted shades are made for
backgrounds under text; the $entity-* colours are the theme's own text colours
brought to a readable contrast, see entity_theme.py). Labels that share a hue
in some theme differ by weight or decoration.
"""

from __future__ import annotations

from reader.core.models import COLORS, ENTITY_LABELS


def entity_variable(code: str) -> str:
    """The CSS variable (without `$`) of a label's colour: "entity-ai-model"."""
    return "entity-" + code.lower().replace("_", "-")


LABEL_STYLES: dict[str, str] = {
    label.code: f"{label.decoration} ${entity_variable(label.code)}".strip()
    for label in ENTITY_LABELS
}

LABEL_NAMES: dict[str, str] = {label.code: label.name for label in ENTITY_LABELS}

# Shades made per theme by highlight_theme.py.
HIGHLIGHT_STYLES: dict[str, str] = {name: f"on $highlight-{name}" for name in COLORS}
