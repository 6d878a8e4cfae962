"""Colours for entity labels and highlight colours, from the theme's variables.

Entities colour the text (foreground) and highlights colour the background,
so both show where they overlap. Only theme variables are used, so every
built-in theme keeps them readable (the $text-* shades are made for text on
the theme's background; the *-muted shades for backgrounds under text).
"""

from __future__ import annotations

LABEL_STYLES: dict[str, str] = {
    "PERSON": "$text-accent",
    "ORG": "$text-primary",
    "PRODUCT": "$text-secondary",
    "AI_MODEL": "bold $text-warning",
    "MONEY": "bold $text-success",
    "PERCENT": "$text-success",
    "DATE": "italic $text-muted",
    "GPE": "underline $text-secondary",
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

HIGHLIGHT_STYLES: dict[str, str] = {
    "yellow": "on $warning-muted",
    "green": "on $success-muted",
    "blue": "on $primary-muted",
    "pink": "on $error-muted",
    "purple": "on $accent-muted",
}
