"""What the snapshot tests share: the terminal size, and steps that bring the
app to a steady state (no animation, no blinking cursor, workers done) before
it is drawn. The seeded, fixed-clock databases are fixtures in conftest.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList
from tui.helpers import core, pane_follows_cursor, wait_until

SIZE = (120, 40)
# The widths a reader's terminal has: small, medium, large.
SIZES = {"80x24": (80, 24), "120x40": (120, 40), "200x50": (200, 50)}
KILN = "Kiln 0.9 [beta] fixes C++ [/usr/lib]"  # a demo title with brackets

Snap = Callable[..., bool]
MakeApp = Callable[..., ReaderApp]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def steady(app: ReaderApp) -> None:
    """No animation and no blinking cursor anywhere on screen."""
    app.animation_level = "none"
    for field in app.screen.query(Input):
        field.cursor_blink = False


def then(*steps: Callable[[Pilot[Any]], Awaitable[None]]) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        await pilot.pause()
        steady(app)
        for step in steps:
            await step(pilot)
            await pilot.pause()
            steady(app)
        await app.workers.wait_for_complete()
        if any(isinstance(screen, MainScreen) for screen in app.screen_stack):
            await wait_until(pilot, pane_follows_cursor(app))
        await pilot.pause()

    return run_before


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def press(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)

    return press


def article_shown(pilot: Pilot[Any]) -> Awaitable[None]:
    """Wait until the reading pane shows the article under the cursor: the app shows
    it a moment after the key (a held key shows only the last), so keys that act on
    the pane's text must wait for it."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    return wait_until(pilot, pane_follows_cursor(app))


def on_screen(kind: type) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def wait(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))

    return wait


def open_article(article_id: int) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def jump(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        app.jump_to_article(article_id)
        await pilot.pause()
        assert app.screen.query_one(ArticleList).current_id == article_id

    return jump


def kiln_id(settings: Settings) -> int:
    """The demo article whose title has brackets (shown as typed)."""
    with core(settings) as reader:
        [kiln] = [a for a in reader.articles(ArticleQuery(limit=None)) if a.title.startswith(KILN)]
        return kiln.id
