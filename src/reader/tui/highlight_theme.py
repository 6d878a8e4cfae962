"""Highlight backgrounds made for the current theme.

The highlight colours are names (stored in the database); their shades come
from here. A theme's own colours cannot serve: textual-dark has $accent ==
$warning, so a "purple" taken from the accent looked like "yellow". Each name
has a fixed hue, mixed into the theme's background just enough to be seen,
and never so much that the text on it falls below AA contrast (or, on a
theme whose text is barely AA on its own background, loses more than a tenth
of its contrast). The app offers
them as $highlight-yellow, ... (see ReaderApp.get_css_variables).
"""

from __future__ import annotations

from textual.color import Color, ColorParseError

from reader.core.models import HIGHLIGHT_COLOURS
from reader.tui.entity_theme import MIN_CONTRAST, contrast

HUES: dict[str, str] = {colour.name: colour.hue for colour in HIGHLIGHT_COLOURS}
# How much of the hue goes into the background, at most and at least.
STRONGEST, WEAKEST, STEP = 0.45, 0.05, 0.025


def highlight_variables(variables: dict[str, str]) -> dict[str, str]:
    """The $highlight-* variables for a theme's generated variables."""
    try:
        background = Color.parse(variables["background"])
        text = Color.parse(variables["foreground"])
    except (KeyError, ColorParseError):
        # ANSI themes: plain terminal colours, which the terminal keeps readable.
        return {f"highlight-{name}": hue for name, hue in HUES.items()}
    # Themes whose own text is barely AA (solarized-dark: 4.75) cannot keep it
    # under any tint; there the text may lose at most a tenth of its contrast.
    target = min(MIN_CONTRAST, 0.9 * contrast(text, background))
    result = {}
    for name, hue in HUES.items():
        share = STRONGEST
        shade = background.blend(Color.parse(hue), share)
        while share > WEAKEST and contrast(text, shade) < target:
            share -= STEP
            shade = background.blend(Color.parse(hue), share)
        result[f"highlight-{name}"] = shade.hex
    return result
