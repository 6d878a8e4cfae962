"""The main screen laid out by width, at 80x24, 120x40 and 200x50: list or
article below 100 columns, a text column of 60 to 80 characters when there
is room, and panels that never hide the article."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reader.core.config import Settings
from reader.tui.app import ReaderApp
from reader.tui.layout import (
    LIST_FLOOR,
    SINGLE_PANE_BELOW,
    TEXT_FLOOR,
    TEXT_MAX,
    TEXT_MIN,
    Panes,
    panes,
    sidebar_fits,
)
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import pane_follows_cursor, screen_text, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]


@pytest.mark.parametrize("width", range(60, 261, 5))
@pytest.mark.parametrize("sidebar", [True, False])
@pytest.mark.parametrize("shift", [-40, 0, 80])
def test_panes_share_the_width(width: int, sidebar: bool, shift: int) -> None:
    shared = panes(width, sidebar=sidebar, reading=False, list_shift=shift)
    assert shared.sidebar + shared.list + shared.reader == width
    if width < SINGLE_PANE_BELOW:
        assert shared.reader == 0 and shared.list >= width * 2 // 3
        return
    assert shared.list >= LIST_FLOOR
    text = shared.reader - 7  # border, padding and scrollbar
    assert text >= TEXT_FLOOR  # `1` never squeezes the article
    if shift == 0 and not sidebar:
        assert TEXT_MIN - 3 <= text <= TEXT_MAX  # ~60 to 80 from 100 columns on
    if shift == 0 and sidebar_fits(width):
        assert TEXT_MIN <= text <= TEXT_MAX


def test_reading_alone_takes_the_width() -> None:
    for width in (80, 120, 200):
        assert panes(width, sidebar=True, reading=True) == Panes(0, 0, width)


def text_width(app: ReaderApp) -> int:
    return app.screen.query_one("#article-body").content_region.width


def shown(app: ReaderApp, selector: str) -> bool:
    widget = app.screen.query_one(selector)
    return bool(widget.display) and widget.region.width > 0


async def test_80_columns_list_or_article(demo: Settings, make_app: MakeApp) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        listed = screen.query_one(ArticleList)
        pane = screen.query_one(ReadingPane)
        await wait_until(pilot, pane_follows_cursor(app))
        assert shown(app, "#list-column") and listed.region.width == 80
        assert not shown(app, "#reading-column") and not shown(app, "#sidebar")
        assert listed.has_focus

        await pilot.press("enter")  # the article, full width
        await pilot.pause()
        assert pane.has_focus and shown(app, "#reading-column")
        assert not shown(app, "#list-column")
        assert TEXT_MIN <= text_width(app) <= TEXT_MAX
        assert pane.article is not None and pane.article.summary.title[:30] in screen_text(app)

        await pilot.press("escape")  # back to the list, on the same article
        await pilot.pause()
        assert listed.has_focus and shown(app, "#list-column")
        assert not shown(app, "#reading-column")
        assert listed.current_id == pane.article.summary.id

        await pilot.press("1")  # the sidebar beside the list, never a squeezed article
        await pilot.pause()
        assert shown(app, "#sidebar") and shown(app, "#list-column")
        assert not shown(app, "#reading-column")
        await pilot.press("1")  # pressed there again: hidden
        await pilot.pause()
        assert not shown(app, "#sidebar") and listed.has_focus

        await pilot.press("3")  # the reading pane's key also shows the article
        await pilot.pause()
        assert shown(app, "#reading-column") and not shown(app, "#list-column")
        await pilot.press("2")
        await pilot.pause()
        assert shown(app, "#list-column") and not shown(app, "#reading-column")


@pytest.mark.parametrize(("size", "sidebar"), [((120, 40), False), ((200, 50), True)])
async def test_text_column_and_the_list_beside_it(
    demo: Settings, make_app: MakeApp, size: tuple[int, int], sidebar: bool
) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_until(pilot, pane_follows_cursor(app))
        assert shown(app, "#list-column") and shown(app, "#reading-column")
        assert shown(app, "#sidebar") == sidebar
        assert TEXT_MIN <= text_width(app) <= TEXT_MAX
        listed = app.screen.query_one(ArticleList)
        # The list takes what is left: more than the text needs at 200 columns.
        assert listed.region.width >= (80 if size[0] == 200 else 45)

        await pilot.press("1")
        await pilot.pause()
        assert shown(app, "#sidebar") and app.screen.query_one(Sidebar).has_focus
        assert text_width(app) >= 50  # the sidebar takes from both, never all from the text
        assert listed.region.width >= LIST_FLOOR

        await pilot.press("z")  # wide reading: a text column of at most 80 still
        await pilot.pause()
        assert not shown(app, "#list-column") and text_width(app) == TEXT_MAX
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "#list-column")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_one_panel_at_a_time_and_the_article_stays(
    demo: Settings, make_app: MakeApp, size: tuple[int, int]
) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        pane = screen.query_one(ReadingPane)
        await wait_until(pilot, pane_follows_cursor(app))
        assert pane.article is not None
        first_words = pane.article.text.split("\n")[0][:25]
        entities = screen.query_one(EntityPanel)

        def annotations_open() -> bool:
            return bool(screen.query(AnnotationsPanel))

        await pilot.press("H")
        await pilot.pause()
        assert annotations_open() and not entities.display
        assert shown(app, "#reading-column")  # even from the list at 80 columns
        await pilot.press("E")  # opening one closes the other
        await pilot.pause()
        assert entities.display and not annotations_open()
        # The article keeps rows of its own, with its first words on screen.
        assert pane.region.height >= size[1] // 2
        assert first_words in screen_text(app)
        await pilot.press("H")
        await pilot.pause()
        assert annotations_open() and not entities.display
        assert pane.region.height >= size[1] // 2
        assert first_words in screen_text(app)
        await pilot.press("H")  # the same key again closes it
        await pilot.pause()
        assert not annotations_open() and not entities.display
        await pilot.press("E", "E")
        await pilot.pause()
        assert not entities.display


async def test_wider_and_narrower_list(demo: Settings, make_app: MakeApp) -> None:
    app = make_app(demo)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_until(pilot, pane_follows_cursor(app))
        listed = app.screen.query_one("#list-column")
        start = listed.region.width
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert listed.region.width == start + 5
        # Five columns from the text (the two kept for a scrollbar stay when it is not needed).
        assert TEXT_MAX - 5 <= text_width(app) <= TEXT_MAX - 3
        # Far past the limit, then one step back: it moves at once.
        await pilot.press(*["less_than_sign"] * 40)
        await pilot.pause()
        narrowest = listed.region.width
        assert narrowest < start and text_width(app) == TEXT_MAX  # the text stays at most 80
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert listed.region.width == narrowest + 5
