"""A note typed and not saved is not thrown away unasked (review14b finding 5).

ctrl+q (Textual's quit key) used to end the app at once from the note or
highlight dialog, and Escape closed the dialog: either lost what was typed.
Now both ask first when the dialog holds something unsaved; the answer n (or
Escape) goes back to the dialog with the text. With nothing typed, both act
at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from reader.core.config import Settings
from reader.core.models import AnnotationFilter, ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.reading_pane import ReadingPane
from tui.helpers import core, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)


async def note_dialog(pilot: Pilot[Any]) -> AnnotationDialog:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("2", "enter")
    pane = app.screen.query_one(ReadingPane)
    await wait_until(pilot, lambda: pane.article is not None and pane.has_focus)
    await pilot.press("N")
    await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
    assert isinstance(app.screen, AnnotationDialog)
    return app.screen


def stored_notes(settings: Settings) -> list[str]:
    with core(settings) as reader:
        return [a.note for a in reader.annotations(AnnotationFilter())]


async def test_ctrl_q_with_a_note_typed_asks_and_no_goes_back_to_it(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await note_dialog(pilot)
        await pilot.press(*"half typed", "ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog) or not app.is_running)
        assert app.is_running and isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is dialog)
        assert dialog.query_one(TextArea).text == "half typed"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
    assert stored_notes(demo) == ["half typed"]


async def test_ctrl_q_with_a_note_typed_quits_when_told_to(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await note_dialog(pilot)
        await pilot.press(*"not wanted", "ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert stored_notes(demo) == []


async def test_ctrl_q_again_while_asked_quits(demo: Settings, make_app: MakeApp) -> None:
    """The question is asked once: a second ctrl+q is the answer, not a second question."""
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await note_dialog(pilot)
        await pilot.press(*"not wanted", "ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert stored_notes(demo) == []


async def test_ctrl_q_with_nothing_typed_quits_at_once(demo: Settings, make_app: MakeApp) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await note_dialog(pilot)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_escape_with_a_note_typed_asks_before_discarding(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await note_dialog(pilot)
        await pilot.press(*"a thought", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # no: back, the text kept
        await wait_until(pilot, lambda: app.screen is dialog)
        assert dialog.query_one(TextArea).text == "a thought"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")  # discard
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
    assert stored_notes(demo) == []


async def test_escape_closes_at_once_what_holds_nothing_unsaved(
    demo: Settings, make_app: MakeApp
) -> None:
    """A new note left empty, and a note opened for editing and left as it was
    (stored with the trailing spaces the command line kept: the dialog saves
    it stripped, which is no change to ask about)."""
    with core(demo) as reader:
        [first] = reader.articles(ArticleQuery(limit=1))
        reader.add_note(first.id, "kept as it is  ", tags=["x"])
    app = make_app(demo)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await note_dialog(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("H")
        await wait_until(pilot, lambda: bool(app.screen.query(AnnotationsPanel)))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationDialog))
        assert app.screen.query_one(TextArea).text == "kept as it is  "
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    assert stored_notes(demo) == ["kept as it is  "]
