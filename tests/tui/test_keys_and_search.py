"""Keys and search as a keyboard user expects them: j/k in the sidebar
without wrapping, the word being typed searched as a prefix, typing on the
all-annotations screen filtering it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from textual import events
from textual.widgets import Input, OptionList

from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.annotations import AnnotationsScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList, as_typed, search_keys
from reader.tui.widgets.reading_pane import ReadingPane
from reader.tui.widgets.sidebar import Sidebar
from tui.helpers import core, pane_follows_cursor, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)


async def test_j_and_k_move_in_the_sidebar_without_wrapping(
    demo: Settings, make_app: MakeApp
) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.screen.query_one(Sidebar)
        await pilot.press("1")
        assert sidebar.has_focus and sidebar.current.key == "all"
        await pilot.press("k")  # at the top: stays
        assert sidebar.current.key == "all"
        await pilot.press("j", "j")
        assert sidebar.current.key == "starred"
        await pilot.press("j")  # over the "Feeds" heading
        assert sidebar.current.key.startswith("feed:")
        await pilot.press("k")
        assert sidebar.current.key == "starred"
        last = [o.id for o in sidebar.options if not o.disabled][-1]
        await pilot.press(*"j" * (sidebar.option_count + 3))
        assert sidebar.current.key == last  # the last entry, not All articles again
        await pilot.press("down")
        assert sidebar.current.key == last


def test_the_typed_word_is_a_prefix() -> None:
    assert as_typed("quant") == "quant*"
    assert as_typed("open quant") == "open quant*"
    assert as_typed("quant ") == "quant"  # a space ends the word
    assert as_typed("quant*") == "quant*"
    assert as_typed('"lattice attention"') == '"lattice attention"'
    assert as_typed("qu") == "qu"  # too short: it would match nearly everything
    assert as_typed("c++") == "c++"  # the last token is "c"
    assert as_typed("   ") is None


async def test_search_finds_the_word_being_typed(demo: Settings, make_app: MakeApp) -> None:
    with core(demo) as reader:
        whole_word = reader.store.count_articles(ArticleQuery(search="quant"))
        ranked = search_keys(reader.store, ArticleQuery(search="quant*"))
    assert whole_word == 0 and len(ranked) > 0  # "Quantisation", "quantised"...
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        listed = app.screen.query_one(ArticleList)
        await pilot.press("slash", *"quant")
        title = app.screen.query_one("#list-title")
        # "quan", typed on the way, may find the same: wait for the whole word's title.
        await wait_until(
            pilot, lambda: listed.total == len(ranked) and "for “quant”" in str(title.render())
        )
        # The store's ranking, unchanged.
        assert [listed.id_at(i) for i in range(listed.total)] == [i for _, i in ranked]
        pane = app.screen.query_one(ReadingPane)
        await wait_until(pilot, pane_follows_cursor(app))
        assert pane.article is not None and pane.article.summary.id == ranked[0][1]
        # A space after the word: the word alone, which no article has.
        await pilot.press("space")
        await wait_until(pilot, lambda: listed.total == 0)


async def test_clearing_a_search_stays_on_the_article_picked_in_it(
    demo: Settings, make_app: MakeApp
) -> None:
    with core(demo) as reader:
        ranked = search_keys(reader.store, ArticleQuery(search="halcyon*"))
    assert len(ranked) >= 2
    picked = ranked[1][1]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        listed = app.screen.query_one(ArticleList)
        await pilot.press("slash", *"halcyon")
        await wait_until(pilot, lambda: listed.total == len(ranked))
        await pilot.press("enter", "j")
        assert listed.current_id == picked
        await pilot.press("escape")
        await wait_until(pilot, lambda: listed.total == 20)
        await pilot.pause()
        assert listed.current_id == picked


async def test_typing_on_the_annotations_screen_filters(demo: Settings, make_app: MakeApp) -> None:
    with core(demo) as reader:
        [first, second] = [a.id for a in reader.articles(ArticleQuery(limit=2))]
        reader.store.highlight(first, 0, 6, color="yellow")
        wanted = reader.store.highlight(second, 0, 5, color="green", note="quarry road")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("at")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnotationsScreen))
        screen = app.screen
        field = screen.query_one("#annotation-filter", Input)
        results = screen.query_one("#all-annotations", OptionList)
        assert field.has_focus
        # q, r and a are the app's quit, refresh and add-feed keys: here they are text.
        await pilot.press(*"quarry")
        assert field.value == "quarry"
        await wait_until(pilot, lambda: [o.id for o in results.options if o.id] == [str(wanted.id)])
        # From the list too, a letter goes to the filter.
        results.focus()
        await pilot.press("backspace")  # not a letter: the list ignores it
        await pilot.press("a")
        assert field.has_focus and field.value == "quarrya"
        assert app.is_running and isinstance(app.screen, AnnotationsScreen)
        await pilot.press("backspace")
        assert field.value == "quarry"  # added to, not replaced: the filter stays
        await pilot.press("enter")  # Enter opens the list's choice
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        pane = app.screen.query_one(ReadingPane)
        await wait_until(
            pilot, lambda: pane.article is not None and pane.article.summary.id == second
        )


async def test_a_held_key_ends_on_the_article_under_the_cursor(
    demo: Settings, make_app: MakeApp
) -> None:
    # A held j: keys arrive as a terminal's key repeat sends them (every 1/30 s,
    # nobody waiting for the app). The pane skips what the cursor passes over
    # and shows the article the cursor stops on.
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        listed = screen.query_one(ArticleList)
        await wait_until(pilot, lambda: screen.query_one(ReadingPane).article is not None)
        driver = app._driver
        assert driver is not None
        for _ in range(8):
            key = events.Key("j", "j")
            key.set_sender(app)
            driver.send_message(key)
            await asyncio.sleep(1 / 30)
        await wait_until(pilot, lambda: listed.cursor == 8)
        await wait_until(pilot, pane_follows_cursor(app))
        pane = screen.query_one(ReadingPane)
        assert pane.article is not None
        assert pane.article.summary.id == listed.id_at(8)
