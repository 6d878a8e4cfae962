"""Entity colours made for the current theme.

Each label takes its hue from one of the theme's text colours. Those are not
all readable for body text: textual-light's $text-accent and $text-warning
reach a contrast of 3.3 on its background, atom-one-light's $text-success 3.2.
So each colour is darkened (light themes) or lightened (dark themes) until it
reaches WCAG AA for body text, and the app offers them as CSS variables
($entity-person, ...) that LABEL_STYLES refers to. A name can sit inside a
highlight too, so the colour must also read on every highlight shade: an
organisation's blue on a yellow highlight was 2.8:1 before.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.color import Color, ColorParseError

from reader.core.models import ENTITY_LABELS
from reader.tui.styles import entity_variable

MIN_CONTRAST = 4.5  # WCAG AA for body text
STEP = 0.04


def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(a: Color, b: Color) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: Color, background: Color, *others: Color) -> Color:
    """`colour`, darkened or lightened away from the background until it reads
    there and on the `others` (highlight shades, all on the same side)."""
    dark_background = background.brightness < 0.5
    for _ in range(int(1 / STEP) + 1):
        if min(contrast(colour, b) for b in (background, *others)) >= MIN_CONTRAST:
            break
        colour = colour.lighten(STEP) if dark_background else colour.darken(STEP)
    return colour


def entity_variables(variables: dict[str, str], highlights: Iterable[str] = ()) -> dict[str, str]:
    """The $entity-* variables for a theme's generated variables, readable on
    the background and on each of the `highlights` shades."""
    result: dict[str, str] = {}
    for entity_label in ENTITY_LABELS:
        label = entity_label.code
        value = variables[entity_label.theme_colour]
        try:
            background = Color.parse(variables["background"])
            shades = [Color.parse(shade) for shade in highlights]
            colour = Color.parse(value)
        except ColorParseError:
            # ANSI themes name terminal colours: the terminal decides.
            result[entity_variable(label)] = value
            continue
        if entity_label.muted:
            # Mixed into the background first, then brought back to a
            # readable contrast like the others.
            colour = colour.blend(background, entity_label.muted)
        result[entity_variable(label)] = readable(colour, background, *shades).hex
    return result
