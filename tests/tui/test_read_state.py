"""Read state is the reader's choice: what is opened (Enter, the focused
reading pane, Space past the end) is read; what was only previewed is not,
unless `[ui] preview_marks_read` asks for it. Pilot drives the real app on a
real database; each test checks the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MARK_READ_AFTER, MainScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_panel import EntityPanel
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import app_settings, off_loop, pane_follows_cursor, seed_demo, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)
DEMO_ARTICLES = 20


def unread(app: ReaderApp) -> int:
    return app.reader.store.count_articles(ArticleQuery(unread=True))


def is_read(app: ReaderApp, article_id: int | None) -> bool:
    assert article_id is not None
    return app.reader.store.article(article_id).summary.read


async def test_previews_mark_nothing_read(tmp_path: Path, make_app: MakeApp) -> None:
    # The defaults: opening marks read, previews do not.
    settings = app_settings(tmp_path, mark_read_on_open=True)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        listed = screen.query_one(ArticleList)
        pane = screen.query_one(ReadingPane)
        # Launching: the first article shows in the pane, longer than a preview took.
        await wait_until(pilot, lambda: pane.article is not None)
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert unread(app) == DEMO_ARTICLES

        # Moving in the sidebar previews each view's first article.
        await pilot.press("1", "j", "j", "j", "j", "j")
        assert screen.query_one(Sidebar).current.key.startswith("feed:")
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert unread(app) == DEMO_ARTICLES

        # The top result of a search.
        await pilot.press("2", "slash", *"Halcyon")
        await wait_until(pilot, lambda: listed.view_query.search is not None and listed.total > 0)
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert unread(app) == DEMO_ARTICLES
        await pilot.press("escape")  # the search's input: back to the list
        await pilot.press("escape")  # clears the search

        # Following an entity from the panel, and coming back.
        await pilot.press("E")
        panel = screen.query_one(EntityPanel)
        assert panel.display and panel.entities
        await pilot.press("enter")
        assert listed.view_query.entity is not None
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.press("escape")
        assert listed.view_query.entity is None
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert unread(app) == DEMO_ARTICLES

        # Running the cursor down the list.
        await pilot.press("2", "j", "j", "j")
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert unread(app) == DEMO_ARTICLES


async def test_opening_reading_and_paging_past_the_end_mark_read(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = app_settings(tmp_path, mark_read_on_open=True)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        listed = screen.query_one(ArticleList)
        pane = screen.query_one(ReadingPane)
        await wait_until(pilot, pane_follows_cursor(app))

        first = listed.current_id
        await pilot.press("enter")  # opened
        assert pane.has_focus and is_read(app, first)
        assert unread(app) == DEMO_ARTICLES - 1

        await pilot.press("escape", "j")  # previewed only
        second = listed.current_id
        await wait_until(pilot, pane_follows_cursor(app))
        assert not is_read(app, second)
        await pilot.press("3")  # reading it in the focused pane
        assert pane.has_focus and is_read(app, second)

        # m marks it unread again; the pane keeping it does not undo that.
        await pilot.press("m")
        assert not is_read(app, second)
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert not is_read(app, second)

        # Space past its end: read, and the next unread one opened (and read).
        for _ in range(60):
            await pilot.press("space")
            if pane.article is not None and pane.article.summary.id != second:
                break
        assert is_read(app, second)
        assert pane.article is not None and is_read(app, pane.article.summary.id)

        # n from the focused pane: the next unread article is read there.
        shown = pane.article.summary.id
        await pilot.press("n")
        await wait_until(
            pilot, lambda: pane.article is not None and pane.article.summary.id != shown
        )
        assert pane.has_focus and is_read(app, pane.article.summary.id)


async def test_preview_marks_read_when_asked(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path, mark_read_on_open=True, preview_marks_read=True)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        listed = app.screen.query_one(ArticleList)
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.press("j")
        previewed = listed.current_id
        await wait_until(pilot, lambda: is_read(app, previewed))
        # Moving on before the moment passes leaves the article unread.
        await pilot.press("j", "j")
        await wait_until(pilot, lambda: is_read(app, listed.current_id))
        assert not is_read(app, listed.id_at(listed.cursor - 1))


async def test_nothing_marked_read_when_opening_does_not(tmp_path: Path, make_app: MakeApp) -> None:
    settings = app_settings(tmp_path, mark_read_on_open=False, preview_marks_read=True)
    await off_loop(seed_demo, settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, pane_follows_cursor(app))
        await pilot.press("enter", "escape", "j", "3")
        await pilot.pause(MARK_READ_AFTER + 0.3)
        assert unread(app) == DEMO_ARTICLES
