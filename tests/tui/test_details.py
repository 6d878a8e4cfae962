"""The small things: entity colours readable on every highlight of every
theme, the followed entity emphasised, a quiet week apart from a week with one
article, grammar, and dialog errors that wrap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.color import Color
from textual.content import Content
from textual.widgets import Static

from loopback import LoopbackServer
from reader.core.config import Settings
from reader.core.entities import Rule
from reader.tui.app import ReaderApp
from reader.tui.entity_theme import MIN_CONTRAST, contrast
from reader.tui.highlight_theme import HUES
from reader.tui.screens.dialogs import AddFeedDialog
from reader.tui.screens.entity_dialogs import describe_rule
from reader.tui.styles import LABEL_STYLES
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.entity_header import BARS, QUIET, trend
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.reading_pane import FOLLOWED_STYLE, ReadingPane
from reader.wording import a_or_an, plural
from tui.helpers import app_settings, pane_follows_cursor, screen_text, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]


def label_variable(style: str) -> str:
    [variable] = [word[1:] for word in style.split() if word.startswith("$")]
    return variable


def test_every_label_colour_reads_on_every_highlight_of_every_theme(
    settings: Settings, make_app: MakeApp
) -> None:
    app = make_app(settings)
    checked = 0
    for name in app.available_themes:
        if name.startswith("textual-ansi"):
            continue  # terminal colours: the terminal decides
        app.theme = name
        variables = app.get_css_variables()
        backgrounds = {"background": variables["background"]}
        backgrounds |= {f"highlight-{hue}": variables[f"highlight-{hue}"] for hue in HUES}
        for label, style in LABEL_STYLES.items():
            colour = Color.parse(variables[label_variable(style)])
            for where, background in backgrounds.items():
                ratio = contrast(colour, Color.parse(background))
                assert ratio >= MIN_CONTRAST, (name, label, where, round(ratio, 2))
        checked += 1
    assert checked >= 15


def test_a_week_with_one_article_is_not_a_quiet_week() -> None:
    bars = trend([0, 1, 20, 0, 2], width=40).plain
    assert bars[0] == QUIET and bars[3] == QUIET
    assert bars[1] in BARS and bars[4] in BARS
    assert bars[2] == BARS[-1]
    # More weeks than cells: neighbours summed, a quiet pair stays quiet.
    assert trend([0, 0, 1, 0, 5, 5], width=3).plain == f"{QUIET}{BARS[0]}{BARS[-1]}"
    assert trend([], width=10).plain == ""


def test_grammar() -> None:
    assert plural(1, "feed") == "1 feed"
    assert plural(2, "feed") == "2 feeds"
    assert plural(1200, "new article") == "1,200 new articles"
    assert a_or_an("organisation") == "an organisation"
    assert a_or_an("AI model") == "an AI model"
    assert a_or_an("person") == "a person"
    assert describe_rule(Rule("label", "Veridian", "Veridian", "ORG")).startswith(
        "Veridian is now an organisation"
    )


async def test_the_followed_entity_stands_out_in_the_article(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, pane_follows_cursor(app))
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None
        await pilot.press("E")
        panel = app.screen.query_one(EntityPanel)
        followed = panel.entities[0].name
        await pilot.press("enter")

        def emphasised() -> set[str]:
            content = app.screen.query_one("#article-body", ArticleBody).content
            assert isinstance(content, Content)
            return {
                content.plain[s.start : s.end] for s in content.spans if s.style == FOLLOWED_STYLE
            }

        mentioned = {m.text for m in pane.mentions if m.entity.casefold() == followed.casefold()}
        assert mentioned and emphasised() == mentioned
        await pilot.press("escape")  # no longer followed: no longer emphasised
        await pilot.pause()
        assert emphasised() == set()


async def test_add_feed_errors_wrap(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    # A URL long enough to need three lines in the dialog at 80 columns.
    missing = server.url("/" + "/".join(["a-rather-long-folder-name"] * 6) + "/feed-ending.xml")
    app = make_app(app_settings(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AddFeedDialog))
        await pilot.press(*missing, "enter")
        status = app.screen.query_one("#status", Static)
        await wait_until(pilot, lambda: "feed-ending.xml" in str(status.content))
        await pilot.pause()
        assert status.region.height >= 3
        # Every word of the message is on screen, the end of the URL too.
        assert "feed-ending.xml" in screen_text(app).replace("\n", "")
