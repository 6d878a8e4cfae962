"""Highlight shades: distinct per colour name and readable on every built-in theme."""

from __future__ import annotations

from textual.app import App
from textual.color import Color

from reader.tui.entity_theme import MIN_CONTRAST, contrast
from reader.tui.highlight_theme import HUES, highlight_variables


def test_every_theme_gets_distinct_readable_shades() -> None:
    app: App[None] = App()
    checked = 0
    for name in app.available_themes:
        if name.startswith("textual-ansi"):
            continue
        app.theme = name
        variables = app.get_css_variables()
        shades = highlight_variables(variables)
        assert set(shades) == {f"highlight-{n}" for n in HUES}
        # textual-dark has $accent == $warning: names must not share a shade.
        assert len(set(shades.values())) == len(HUES), name
        text = Color.parse(variables["foreground"])
        background = Color.parse(variables["background"])
        for shade in shades.values():
            colour = Color.parse(shade)
            assert colour != background, name  # visible at all
            floor = min(MIN_CONTRAST, 0.9 * contrast(text, background))
            assert contrast(text, colour) >= floor - 0.01, (name, shade)
        checked += 1
    assert checked >= 15
