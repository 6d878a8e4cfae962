"""Colours for entity labels and highlight colours, from the theme's variables.

Entities colour the text (foreground) and highlights colour the background,
so both show where they overlap. Only theme variables are used, so every
built-in theme keeps them readable (the *-muted shades are made for
backgrounds under text; the $entity-* colours are the theme's own text colours
brought to a readable contrast, see entity_theme.py). Labels that share a hue
in some theme differ by weight or decoration.
"""

from __future__ import annotations

LABEL_STYLES: dict[str, str] = {
    "PERSON": "$entity-person",
    "ORG": "$entity-org",
    "PRODUCT": "$entity-product",
    "AI_MODEL": "bold $entity-ai-model",
    "MONEY": "bold $entity-money",
    "PERCENT": "$entity-percent",
    "DATE": "italic $entity-date",
    "GPE": "underline $entity-gpe",
}

LABEL_NAMES: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "PRODUCT": "product",
    "AI_MODEL": "AI model",
    "MONEY": "money",
    "PERCENT": "percent",
    "DATE": "date",
    "GPE": "place",
}

# Shades made per theme by highlight_theme.py.
HIGHLIGHT_STYLES: dict[str, str] = {
    name: f"on $highlight-{name}" for name in ("yellow", "green", "blue", "pink", "purple")
}
