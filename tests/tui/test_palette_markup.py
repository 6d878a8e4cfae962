"""Feed text in the one place the app must hand Textual a markup string: the
command palette's help line (review12 finding 3).

A feed titled "Daily [ @click=app.quit]Briefing[/] [Updated]" kept a live
click action in the palette (textual.markup.escape misses a `[` followed by a
space): clicking the help line quit the app, and "[Updated]" vanished. The
palette must draw feed text as typed, and a click on it must run nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.geometry import Offset

from reader.core.config import Settings
from reader.tui.app import ReaderApp
from records import record
from tui.helpers import app_settings, core, screen_text, settle, wait_until

MakeApp = Callable[..., ReaderApp]

HOSTILE = ("[ @click=app.quit]", "[$accent]", "[Updated]", "[bold]", "\\[")
TITLE = "Daily [ @click=app.quit]Briefing[/] [Updated] [$accent]x [bold]y \\[z"
FEED_URL = "https://news.example/feed?edition=[ @click=app.quit]late[/]"


@pytest.fixture
def hostile_feed(tmp_path: Path) -> Settings:
    settings = app_settings(tmp_path)
    with core(settings) as reader:
        feed_id, _ = reader.store.add_feed(FEED_URL)
        reader.store.write_feed(
            feed_id,
            url=None,
            title=TITLE,
            site_url="",
            etag=None,
            last_modified=None,
            warning=None,
            articles=[record("q1", "Quokka sightings rise on the island.")],
        )
    return settings


def palette_help_cells(app: ReaderApp) -> tuple[str, list[object]]:
    """The palette's drawn text, and every click action found in its cells."""
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    region = palette.query_one(CommandList).region
    actions = []
    for y in range(region.y, region.bottom):
        for x in range(region.x, region.right):
            meta = app.screen.get_style_at(x, y).meta or {}
            if "@click" in meta:
                actions.append(meta["@click"])
    return screen_text(app), actions


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("typed", "help_line"),
    [
        ("quokka", f"{TITLE} · 2026-03-01"),  # ArticlesProvider: feed title
        ("feed: daily", f"1 unread · {FEED_URL}"),  # FeedsProvider: the feed's URL
    ],
    ids=["article", "feed"],
)
async def test_palette_help_shows_feed_text_as_typed_and_runs_nothing(
    hostile_feed: Settings, make_app: MakeApp, typed: str, help_line: str
) -> None:
    app = make_app(hostile_feed)
    with core(hostile_feed) as reader:
        assert reader.feeds()[0].url == FEED_URL  # stored as given, brackets and all
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        # Elsewhere the title is Content, never parsed: as typed (cut to fit).
        byline = f"{TITLE} · 2026-03-01"  # the reading pane's
        await wait_until(pilot, lambda: byline in screen_text(app))
        drawn = screen_text(app)
        assert "Daily [ @click=a… " in drawn  # the list's feed column
        assert "Daily [ @click=app.qui…▎" in drawn  # the sidebar
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*typed)
        await wait_until(pilot, lambda: help_line in screen_text(app))
        drawn, actions = palette_help_cells(app)
        assert actions == []
        for text in HOSTILE:
            assert text in drawn
        # Clicking the help line does nothing but what a click on a hit does.
        palette = app.screen
        region = palette.query_one(CommandList).region
        row = next(
            y
            for y, line in enumerate(drawn.splitlines())
            if help_line in line and region.y <= y < region.bottom
        )
        column = drawn.splitlines()[row].index("[ @click") + 2
        await pilot.click(offset=Offset(column, row))
        await settle(pilot)
        assert app.is_running and app.return_code is None
