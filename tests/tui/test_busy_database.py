"""A write that meets a database another process holds (review12 finding 2).

Another connection (a real second SQLite connection, as another `reader`
process would hold) keeps a write transaction open past the app's busy
timeout (short here: `[storage] busy_timeout` is a setting). Each write the
user asks for then fails in SQLite. The app must say so in the command
line's words, keep running, change nothing on screen that was not stored,
give back what the user typed, and do the write once the database is free.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from reader.core.config import Settings
from reader.core.models import AnnotationFilter
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.reading_pane import ReadingPane
from tui.helpers import Notes, app_settings, core, seed_demo, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (160, 50)
BUSY = "is busy: another reader is writing to it"
NOT_SAVED = "nothing more was saved, try again when it has finished"


@pytest.fixture
def busy_demo(tmp_path: Path) -> Settings:
    settings = app_settings(tmp_path)
    settings = dataclasses.replace(
        settings, storage=dataclasses.replace(settings.storage, busy_timeout=0.2)
    )
    seed_demo(settings)
    return settings


@contextmanager
def held(settings: Settings) -> Iterator[None]:
    """Another connection holds a write transaction (as a long `reader` write does)."""
    other = sqlite3.connect(settings.db_path(), isolation_level=None, timeout=5)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE articles SET starred = starred")
        yield
        other.execute("COMMIT")
    finally:
        other.close()


def read_state(settings: Settings, article_id: int) -> bool:
    with core(settings) as reader:
        return reader.article(article_id).summary.read


def said_busy(notes: Notes) -> bool:
    return any(BUSY in m and NOT_SAVED in m for m in notes.messages("error"))


async def list_ready(pilot: Pilot[Any]) -> int:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("2")
    articles = app.screen.query_one(ArticleList)
    await wait_until(pilot, lambda: articles.current_id is not None)
    assert articles.current_id is not None
    return articles.current_id


async def test_mark_read_on_a_busy_database_is_a_notice_then_works(
    busy_demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(busy_demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        article_id = await list_ready(pilot)
        assert not read_state(busy_demo, article_id)
        with held(busy_demo):
            await pilot.press("m")
            await wait_until(pilot, lambda: said_busy(notes))
            await settle(pilot)
            assert app.is_running and app.return_code is None
            assert [t for _, t, s in notes.seen if s == "error"] == ["Not saved"]
            assert not read_state(busy_demo, article_id)
            # The app goes on: another write, another notice.
            await pilot.press("s")
            await wait_until(pilot, lambda: len(notes.messages("error")) == 2)
            assert app.is_running
        # The database is free again: the same key does it.
        await pilot.press("m")
        await wait_until(pilot, lambda: read_state(busy_demo, article_id))
        assert app.is_running


async def test_a_note_typed_while_the_database_is_busy_is_offered_again(
    busy_demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(busy_demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        await list_ready(pilot)
        await pilot.press("enter")
        pane = app.screen.query_one(ReadingPane)
        await wait_until(pilot, lambda: pane.article is not None and pane.has_focus)
        assert pane.article is not None
        article_id = pane.article.summary.id
        with held(busy_demo):
            await pilot.press("N")
            await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
            first = app.screen
            await pilot.press(*"Check the S-1", "ctrl+s")
            await wait_until(pilot, lambda: said_busy(notes))
            # The dialog is back, with the note in it, not lost.
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, AnnotationDialog) and app.screen is not first,
            )
            assert app.screen.query_one(TextArea).text == "Check the S-1"
            assert app.is_running
        with core(busy_demo) as reader:
            assert reader.store.annotations(AnnotationFilter(article_id=article_id)) == []
        # Saved again once the other writer is done.
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        with core(busy_demo) as reader:
            [note] = reader.store.annotations(AnnotationFilter(article_id=article_id))
        assert (note.kind, note.note) == ("note", "Check the S-1")


async def test_every_write_of_the_main_screen_survives_a_busy_database(
    busy_demo: Settings, make_app: MakeApp
) -> None:
    """Star, save a search, tag: each a notice, none a crash, nothing changed."""
    app = make_app(busy_demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        notes = Notes(app)
        await list_ready(pilot)
        with core(busy_demo) as reader:
            before = (
                [(a.id, a.starred, a.tags) for a in reader.articles(ArticleQuery(limit=None))],
                reader.saved_searches(),
            )
        with held(busy_demo):
            failures = 0

            async def failed_once_more() -> None:
                nonlocal failures
                failures += 1
                await wait_until(pilot, lambda: len(notes.messages("error")) == failures)
                await settle(pilot)
                assert app.is_running, notes.seen

            await pilot.press("s")  # star
            await failed_once_more()
            await pilot.press("/", *"model")
            await settle(pilot)
            await pilot.press("enter", "S")  # save the search
            await failed_once_more()
            await pilot.press("2", "t")  # tags of the article
            await settle(pilot)
            await pilot.press(*"later", "enter")
            await failed_once_more()
            assert all(BUSY in m for m in notes.messages("error"))
        with core(busy_demo) as reader:
            after = (
                [(a.id, a.starred, a.tags) for a in reader.articles(ArticleQuery(limit=None))],
                reader.saved_searches(),
            )
        assert after == before
