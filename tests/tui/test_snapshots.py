"""One snapshot per screen and dialog (pytest-textual-snapshot).

Deterministic: 120x40, a fixed theme, no animation or cursor blink, the
database seeded (with a fixed clock) before the app starts so no refresh runs
while it is drawn, and no timer marks articles read. Update with
`pytest tests/tui/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from loopback import LoopbackServer
from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import AddFeedDialog, ConfirmDialog, ImportOpmlDialog
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList
from tui.helpers import (
    app_settings,
    core,
    pane_follows_cursor,
    seed_demo,
    seed_injection,
    wait_until,
)

SIZE = (120, 40)
THEME = "textual-dark"
FIXED_NOW = "2027-01-01T00:00:00Z"  # after every demo date: the list sorts by publication
KILN = "Kiln 0.9 [beta] fixes C++ [/usr/lib]"  # a demo title with brackets

Snap = Callable[..., bool]
MakeApp = Callable[..., ReaderApp]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeded rows get the same added/fetched times on every run."""
    import reader.core.service
    import reader.core.store.store

    for module in (reader.core.store.store, reader.core.service):
        monkeypatch.setattr(module, "utcnow", lambda: FIXED_NOW)


@pytest.fixture
def settings(tmp_path: Path, fixed_clock: None) -> Settings:
    return app_settings(tmp_path, theme=THEME)


@pytest.fixture
def demo(settings: Settings) -> Settings:
    seed_demo(settings)
    return settings


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


def on_screen(kind: type) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def wait(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))

    return wait


def kiln_id(settings: Settings) -> int:
    with core(settings) as reader:
        [kiln] = [a for a in reader.articles(ArticleQuery(limit=None)) if a.title.startswith(KILN)]
        return kiln.id


def open_article(article_id: int) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def jump(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        app.jump_to_article(article_id)
        await pilot.pause()
        assert app.screen.query_one(ArticleList).current_id == article_id

    return jump


def test_welcome(snap_compare: Snap, make_app: MakeApp, settings: Settings) -> None:
    assert snap_compare(make_app(settings), terminal_size=SIZE, run_before=then())


def test_main_with_the_demo(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), open_article(kiln_id(demo)))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_search(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    with core(demo) as reader:
        expected = reader.store.count_articles(ArticleQuery(search="Halcyon"))

    async def search(pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"Halcyon")
        listed = pilot.app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: listed.total == expected)

    run_before = then(on_screen(MainScreen), search)
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_wide_reading(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), open_article(kiln_id(demo)), keys("z"))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_add_feed_dialog(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("a"), on_screen(AddFeedDialog))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_import_dialog(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("i"), on_screen(ImportOpmlDialog))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_confirm_dialog(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("A"), on_screen(ConfirmDialog))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("question_mark"), on_screen(HelpScreen))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_injection_feed(
    snap_compare: Snap, make_app: MakeApp, settings: Settings, server: LoopbackServer
) -> None:
    seed_injection(settings, server)
    run_before = then(on_screen(MainScreen))
    assert snap_compare(make_app(settings), terminal_size=SIZE, run_before=run_before)
