"""Rows the app shows, deleted under it by another process (review14b finding 1).

The app lists rows it read earlier. Another process on the same database (a
cron `reader refresh` whose retention prunes old articles, `reader remove`, a
second app: here a second core on the same SQLite file) may delete one
since. A key on that row used to end the app ("unexpected error
(NotFoundError ...)"), and a note being typed was lost with it. Now: a notice,
the view reloaded (the row gone from it), the app still running, and what
the user typed offered again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from reader.core.config import Settings
from reader.core.models import AnnotationFilter
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.screens.stories import StoriesScreen
from reader.tui.screens.tag_editor import TagEditor
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import Notes, core, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (160, 50)
GONE = "it was deleted since it was shown"


def said_gone(notes: Notes) -> bool:
    return any(GONE in m for m in notes.messages("warning"))


async def gone_said(pilot: Pilot[Any], notes: Notes) -> None:
    """The notice, or the app ended (as it did): the test then fails on it."""
    app = pilot.app
    await wait_until(pilot, lambda: said_gone(notes) or not app.is_running)
    await settle(pilot)
    assert app.is_running and app.return_code is None, notes.seen
    assert said_gone(notes)


async def list_ready(pilot: Pilot[Any]) -> int:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("2")
    articles = app.screen.query_one(ArticleList)
    await wait_until(pilot, lambda: articles.current_id is not None)
    assert articles.current_id is not None
    return articles.current_id


def listed(app: ReaderApp) -> set[int | None]:
    articles = app.screen.query_one(ArticleList)
    return {articles.id_at(index) for index in range(articles.total)}


def remove_feed_of(settings: Settings, article_id: int) -> int:
    """Another process unsubscribes the article's feed (its articles go)."""
    with core(settings) as other:
        feed_id = other.article(article_id).summary.feed_id
        other.remove_feed(feed_id)
    return feed_id


@pytest.mark.parametrize("key", ["m", "s", "o", "c"])
async def test_a_key_on_a_row_deleted_by_another_process_is_a_notice(
    demo: Settings, make_app: MakeApp, key: str
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        article_id = await list_ready(pilot)
        remove_feed_of(demo, article_id)
        await pilot.press(key)
        await gone_said(pilot, notes)
        # The view was read again: the deleted row is no longer listed.
        assert article_id not in listed(app)
        assert not any("rowser" in m for m in notes.messages())  # `o` opened nothing


async def test_unsubscribing_a_feed_another_process_removed_is_a_notice(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        await list_ready(pilot)
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        for _ in range(12):
            if sidebar.current.which.feed_id is not None:
                break
            await pilot.press("down")
        feed_id = sidebar.current.which.feed_id
        assert feed_id is not None
        with core(demo) as other:
            other.remove_feed(feed_id)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await gone_said(pilot, notes)
        assert feed_id not in sidebar.feeds


async def test_a_note_typed_on_an_article_deleted_meanwhile_is_offered_again(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        article_id = await list_ready(pilot)
        await pilot.press("enter", "N")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
        first = app.screen
        await pilot.press(*"half typed thought")
        remove_feed_of(demo, article_id)  # while the dialog is open
        await pilot.press("ctrl+s")
        await gone_said(pilot, notes)
        # The note is not lost: the dialog again, with it, to copy it out.
        await wait_until(
            pilot, lambda: isinstance(app.screen, AnnotationDialog) and app.screen is not first
        )
        assert app.screen.query_one(TextArea).text == "half typed thought"
        assert any("What you typed is shown again" in m for m in notes.messages("warning"))


async def test_editing_a_note_another_process_deleted_is_offered_again(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        article_id = await list_ready(pilot)
        with core(demo) as other:
            note = other.add_note(article_id, "my precious note")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.query_one(ReadingPane).article is not None)
        await pilot.press("H")
        await wait_until(pilot, lambda: bool(app.screen.query(AnnotationsPanel)))
        with core(demo) as other:
            other.delete_annotation(note.id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
        first = app.screen
        await pilot.press("end", *" and more", "ctrl+s")
        await gone_said(pilot, notes)
        await wait_until(
            pilot, lambda: isinstance(app.screen, AnnotationDialog) and app.screen is not first
        )
        assert app.screen.query_one(TextArea).text == "my precious note and more"


async def test_deleting_a_highlight_another_process_deleted_is_a_notice(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        article_id = await list_ready(pilot)
        with core(demo) as other:
            highlight = other.highlight(article_id, 4, 20, note="n")
        await pilot.press("enter")
        pane = app.screen.query_one(ReadingPane)
        await wait_until(pilot, lambda: pane.article is not None and bool(pane.highlights))
        assert highlight.start is not None
        pane.place_cursor(highlight.start)
        await settle(pilot)
        with core(demo) as other:
            other.delete_annotation(highlight.id)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await gone_said(pilot, notes)
        assert app.reader.annotations(AnnotationFilter(article_id=article_id)) == []


async def test_tagging_while_the_pane_shows_a_deleted_article(
    demo: Settings, make_app: MakeApp
) -> None:
    """The tag goes on the marked article; the pane's deleted article is replaced."""
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        shown = await list_ready(pilot)
        articles = app.screen.query_one(ArticleList)
        ids = [i for i in listed(app) if i is not None]
        feed_of = {s.id: s.feed_id for s in app.reader.summaries(ids)}
        while feed_of[articles.current_id or 0] == feed_of[shown]:
            await pilot.press("j")
        marked = articles.current_id
        assert marked is not None
        await pilot.press("v")  # mark it
        await wait_until(pilot, lambda: marked in articles.marked)
        await pilot.press("g", "enter")  # back to the first, opened
        pane = app.screen.query_one(ReadingPane)
        await wait_until(pilot, lambda: pane.article is not None and pane.has_focus)
        assert pane.article is not None and pane.article.summary.id == shown
        remove_feed_of(demo, shown)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TagEditor))
        await pilot.press(*"keepme", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen) or not app.is_running)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert "keepme" in app.reader.article(marked).summary.tags
        assert pane.article is None or pane.article.summary.id != shown
        assert not notes.messages("error")


async def test_viewing_a_story_whose_article_was_deleted_is_a_notice(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        await list_ready(pilot)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, StoriesScreen))
        stories = app.screen
        assert isinstance(stories, StoriesScreen)
        await wait_until(pilot, lambda: stories._highlighted_story() is not None)
        story = stories._highlighted_story()
        assert story is not None
        with core(demo) as other:
            for feed_id in {other.article(a.id).summary.feed_id for a in story.articles}:
                other.remove_feed(feed_id)
        await pilot.press("v")
        await gone_said(pilot, notes)
        assert app.screen is stories
        # The list was read again: the story is gone from it.
        assert story.id not in {s.id for s in stories.stories}
