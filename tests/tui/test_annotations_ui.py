"""Pilot tests of tags and annotations: each flow drives the app by its keys
and checks the store and what the widgets show."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, RadioButton

from reader.core.config import Settings
from reader.core.models import AnnotationFilter
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.annotations import AnnotationsScreen
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.screens.tag_editor import RenameTagDialog, TagEditor
from reader.tui.styles import HIGHLIGHT_STYLES
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import app_settings, core, seed_demo, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (160, 50)


def ids_in_order(settings: Settings) -> list[int]:
    with core(settings) as reader:
        return [a.id for a in reader.articles(ArticleQuery(limit=None))]


def annotations(settings: Settings, **where: Any) -> list[Any]:
    with core(settings) as reader:
        return reader.store.annotations(AnnotationFilter(**where))


def pane(app: ReaderApp) -> ReadingPane:
    return app.screen.query_one(ReadingPane)


def body(app: ReaderApp) -> Content:
    content = pane(app).query_one("#article-body", ArticleBody).content
    assert isinstance(content, Content)
    return content


def styles_in_body(app: ReaderApp) -> set[str]:
    return {str(span.style) for span in body(app).spans}


async def open_first(pilot: Pilot[Any]) -> int:
    """Open the article under the list's cursor; the reading pane has the focus."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    await pilot.press("enter")
    await wait_until(pilot, lambda: pane(app).article is not None and pane(app).has_focus)
    article = pane(app).article
    assert article is not None
    return article.summary.id


async def on(pilot: Pilot[Any], kind: type) -> Any:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


def panel_ids(app: ReaderApp) -> list[str]:
    panel = app.screen.query_one(AnnotationsPanel)
    return [o.id for o in panel.options if o.id is not None]


# -- highlights ------------------------------------------------------------------------


async def test_keyboard_highlight_is_stored_rendered_edited_and_deleted(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        article_id = await open_first(pilot)
        text = pane(app).article.text  # type: ignore[union-attr]
        second, third = text.split()[1:3]
        # v: a cursor on the first word; w moves one word on; W extends by one.
        await pilot.press("v", "w", "W", "enter")
        dialog = await on(pilot, AnnotationDialog)
        dialog.query(RadioButton)[1].value = True  # green
        await pilot.press(*"A note")
        await pilot.press("ctrl+s")
        await on(pilot, MainScreen)
        [made] = annotations(demo, article_id=article_id)
        assert made.exact == f"{second} {third}"
        assert text[made.start : made.end] == made.exact
        assert text.index(second) == made.start
        assert (made.color, made.note) == ("green", "A note")
        assert HIGHLIGHT_STYLES["green"] in styles_in_body(app)
        assert pane(app).cursor is None  # the selection ends with the dialog

        # On the highlight, Enter edits it.
        await pilot.press("v", "w", "enter")
        dialog = await on(pilot, AnnotationDialog)
        assert dialog.editing
        dialog.query_one("#tags", Input).value = "ipo, money"
        await pilot.press("ctrl+s")
        await on(pilot, MainScreen)
        [edited] = annotations(demo, article_id=article_id)
        assert (edited.id, edited.tags, edited.note) == (made.id, ("ipo", "money"), "A note")

        # d deletes it, after a confirmation.
        await pilot.press("v", "w", "d")
        await on(pilot, ConfirmDialog)
        await pilot.press("y")
        await on(pilot, MainScreen)
        assert annotations(demo, article_id=article_id) == []
        assert HIGHLIGHT_STYLES["green"] not in styles_in_body(app)


async def test_escape_cancels_the_selection_then_goes_back(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("v", "W")
        assert pane(app).selection is not None
        assert "reverse" in styles_in_body(app)
        await pilot.press("escape")
        assert pane(app).selection is None and pane(app).has_focus
        assert "reverse" not in styles_in_body(app)
        await pilot.press("escape")
        assert app.screen.query_one(ArticleList).has_focus


async def test_line_and_paragraph_moves(demo: Settings, make_app: MakeApp) -> None:
    with core(demo) as reader:
        store = reader.store
        article_id = next(i for i in ids_in_order(demo) if "\n" in store.article(i).text)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        app.jump_to_article(article_id)
        reading = pane(app)
        reading.focus()
        await pilot.pause()
        text = reading.article.text  # type: ignore[union-attr]
        await pilot.press("v", "right_curly_bracket")
        second_paragraph = re.search(r"\n+", text).end()  # type: ignore[union-attr]
        assert reading.cursor == second_paragraph
        await pilot.press("left_curly_bracket", "j")
        assert reading.cursor is not None and 0 < reading.cursor < text.index("\n")
        await pilot.press("k")
        assert reading.cursor == 0


async def test_article_note(demo: Settings, make_app: MakeApp) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        article_id = await open_first(pilot)
        await pilot.press("N")
        dialog = await on(pilot, AnnotationDialog)
        assert not dialog.query("#colors")  # a note has no colour
        await pilot.press(*"Read the S-1")
        await pilot.press("ctrl+s")
        await on(pilot, MainScreen)
        [note] = annotations(demo, article_id=article_id)
        assert (note.kind, note.note, note.start) == ("note", "Read the S-1", None)


# -- the panel -------------------------------------------------------------------------


@pytest.fixture
def extracted_demo(tmp_path: Path) -> Settings:
    """The demo with the pages' full text: an article longer than the pane."""
    settings = app_settings(tmp_path, extract=True)
    seed_demo(settings)
    return settings


async def test_panel_lists_and_jumps(extracted_demo: Settings, make_app: MakeApp) -> None:
    demo = extracted_demo
    first_id = ids_in_order(demo)[0]
    with core(demo) as reader:
        text = reader.store.article(first_id).text
        last_word = text.rstrip().rsplit(None, 1)[-1]
        start = len(text.rstrip()) - len(last_word)
        near = reader.store.highlight(first_id, 0, 6, color="blue")
        far = reader.store.highlight(first_id, start, start + len(last_word), note="the end")
        reader.store.add_note(first_id, "Whole-article thought")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("H")
        await wait_until(pilot, lambda: bool(app.screen.query(AnnotationsPanel)))
        panel = app.screen.query_one(AnnotationsPanel)
        assert panel.has_focus
        assert panel_ids(app) == [str(n.id) for n in annotations(demo, article_id=first_id)]
        assert set(panel_ids(app)) >= {str(near.id), str(far.id)}
        panel.highlighted = panel.get_option_index(str(far.id))
        await pilot.press("enter")
        reading = pane(app)
        await wait_until(pilot, lambda: reading.has_focus)
        assert reading.cursor == far.start
        assert reading.highlight_at_cursor() == far  # so Enter edits it, d deletes it
        await wait_until(pilot, lambda: reading.scroll_y > 0)  # scrolled down to it
        await pilot.press("H")
        await wait_until(pilot, lambda: not app.screen.query(AnnotationsPanel))


async def test_the_panel_opens_on_its_first_annotation(demo: Settings, make_app: MakeApp) -> None:
    """Enter and d act at once, without a j first to pick something."""
    first_id = ids_in_order(demo)[0]
    with core(demo) as reader:
        only = reader.store.highlight(first_id, 7, 12, color="green", note="why?")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("H")
        await wait_until(pilot, lambda: bool(app.screen.query(AnnotationsPanel)))
        panel = app.screen.query_one(AnnotationsPanel)
        assert panel.current == only
        await pilot.press("enter")
        reading = pane(app)
        await wait_until(pilot, lambda: reading.has_focus)
        assert reading.cursor == only.start


async def test_orphan_actions(demo: Settings, make_app: MakeApp) -> None:
    first_id = ids_in_order(demo)[0]
    with core(demo) as reader:
        store = reader.store
        lost = [store.highlight(first_id, 10, 20, note=f"lost {n}") for n in range(3)]
        # As re-anchoring leaves a highlight whose words left the article.
        with store.transaction() as conn:
            conn.execute("UPDATE annotations SET state = 'orphan'")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await pilot.press("v", "w")  # a selection to re-attach one to
        selection = pane(app).selection
        assert selection is not None
        await pilot.press("H")
        await wait_until(pilot, lambda: bool(app.screen.query(AnnotationsPanel)))
        panel = app.screen.query_one(AnnotationsPanel)
        prompts = [o.prompt.plain for o in panel.options]  # type: ignore[union-attr]
        assert any("orphan" in p for p in prompts)

        panel.highlighted = panel.get_option_index(str(lost[0].id))
        await pilot.press("r")
        await pilot.pause()
        panel.highlighted = panel.get_option_index(str(lost[1].id))
        await pilot.press("K")
        await pilot.pause()
        panel.highlighted = panel.get_option_index(str(lost[2].id))
        await pilot.press("d")
        await on(pilot, ConfirmDialog)
        await pilot.press("y")
        await on(pilot, MainScreen)

        reattached, kept = annotations(demo, article_id=first_id)[::-1]
        assert (reattached.state, reattached.start, reattached.end) == ("exact", *selection)
        assert (kept.kind, kept.note, kept.start) == ("note", "lost 1", None)
        assert len(annotations(demo, article_id=first_id)) == 2
        assert not any("orphan" in o.prompt.plain for o in panel.options)  # type: ignore[union-attr]


# -- all annotations -------------------------------------------------------------------


async def test_all_annotations_filter_and_open(demo: Settings, make_app: MakeApp) -> None:
    first, second = ids_in_order(demo)[:2]
    with core(demo) as reader:
        store = reader.store
        store.highlight(first, 0, 6, color="yellow", tags=["keep"])
        store.highlight(first, 7, 12, color="green", note="about compute")
        wanted = store.highlight(second, 0, 5, color="green", note="zebra crossing")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("at")
        screen = await on(pilot, AnnotationsScreen)
        results = screen.query_one("#all-annotations", OptionList)

        def listed() -> list[str]:
            return [o.id for o in results.options if o.id is not None]

        assert len(listed()) == 3
        headings = [o for o in results.options if o.disabled]
        assert len(headings) == 2  # grouped by article
        screen.query(RadioButton)[2].value = True  # green
        await wait_until(pilot, lambda: len(listed()) == 2)
        screen.query_one("#annotation-filter", Input).value = "zebra"
        await wait_until(pilot, lambda: listed() == [str(wanted.id)])
        screen.query(RadioButton)[0].value = True  # any colour
        screen.query_one("#annotation-filter", Input).value = "#keep"
        await wait_until(pilot, lambda: len(listed()) == 1 and listed() != [str(wanted.id)])
        screen.query_one("#annotation-filter", Input).value = "zebra"
        await wait_until(pilot, lambda: listed() == [str(wanted.id)])
        results.focus()
        await pilot.press("enter")
        await on(pilot, MainScreen)
        reading = pane(app)
        await wait_until(pilot, lambda: reading.cursor == wanted.start)
        assert reading.article is not None and reading.article.summary.id == second


# -- tags ------------------------------------------------------------------------------


def tags_of(settings: Settings, article_id: int) -> tuple[str, ...]:
    with core(settings) as reader:
        return reader.store.article(article_id).summary.tags


async def test_tag_editor_one_then_marked_articles(demo: Settings, make_app: MakeApp) -> None:
    first, second, third = ids_in_order(demo)[:3]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("t")
        await on(pilot, TagEditor)
        await pilot.press(*"llm", "enter")
        await on(pilot, MainScreen)
        assert "llm" in tags_of(demo, first)
        assert app.screen.query_one(Sidebar).views.get("tag:llm") is not None

        # v marks a row and moves on: mark the 2nd and 3rd, then tag them both.
        await pilot.press("j", "v", "v")
        assert app.screen.query_one(ArticleList).marked == {second, third}
        await pilot.press("t")
        editor = await on(pilot, TagEditor)
        await pilot.press("l", "l")
        field = editor.query_one("#tags", Input)
        # The marked articles share their automatic "ai" tag, which the field starts with.
        await wait_until(pilot, lambda: field._suggestion.endswith("llm"))
        await pilot.press("right", *", batch", "enter")  # → takes the completion
        await on(pilot, MainScreen)
        assert {"llm", "batch"} <= set(tags_of(demo, second))
        assert {"llm", "batch"} <= set(tags_of(demo, third))
        assert "batch" not in tags_of(demo, first)
        assert app.screen.query_one(ArticleList).marked == set()


async def test_rename_merge_and_delete_a_tag_from_the_sidebar(
    demo: Settings, make_app: MakeApp
) -> None:
    first, second = ids_in_order(demo)[:2]
    with core(demo) as reader:
        reader.store.tag_articles([first], ["alpha"])
        reader.store.tag_articles([second], ["beta"])
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.select_key("tag:alpha")
        await pilot.press("f2")
        dialog = await on(pilot, RenameTagDialog)
        dialog.query_one("#name", Input).value = "beta"  # into an existing tag: a merge
        await pilot.press("enter")
        await on(pilot, MainScreen)
        assert "alpha" not in sidebar.views.get("tag:alpha", sidebar.views["all"]).key
        assert "beta" in tags_of(demo, first) and "beta" in tags_of(demo, second)

        sidebar.select_key("tag:beta")
        await pilot.press("x")
        await on(pilot, ConfirmDialog)
        await pilot.press("y")
        await on(pilot, MainScreen)
        assert "beta" not in tags_of(demo, first) + tags_of(demo, second)
        assert "tag:beta" not in sidebar.views


async def test_combined_tag_filter(demo: Settings, make_app: MakeApp) -> None:
    first, second = ids_in_order(demo)[:2]
    with core(demo) as reader:
        reader.store.tag_articles([first, second], ["alpha"])
        reader.store.tag_articles([first], ["beta"])
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        sidebar = app.screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.select_key("tag:alpha")
        await pilot.press("plus")
        sidebar.select_key("tag:beta")
        await pilot.press("plus")
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: sidebar.current.key == "tags")
        await wait_until(pilot, lambda: articles.total == 1 and articles.current_id == first)
