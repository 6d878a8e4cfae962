"""One snapshot per screen and dialog (pytest-textual-snapshot).

Deterministic: 120x40, a fixed theme, no animation or cursor blink, the
database seeded (with a fixed clock) before the app starts so no refresh runs
while it is drawn, and no timer marks articles read. Update with
`pytest tests/tui/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from loopback import LoopbackServer
from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.screens.dialogs import AddFeedDialog, ConfirmDialog, ImportOpmlDialog
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList
from tui.helpers import (
    core,
    seed_injection,
    wait_until,
)
from tui.snapshots import (
    SIZE,
    MakeApp,
    Snap,
    keys,
    kiln_id,
    on_screen,
    open_article,
    then,
)


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
        title = pilot.app.screen.query_one("#list-title", Static)
        # "Halcyo", typed on the way, finds the same articles: wait for the last word.
        await wait_until(
            pilot,
            lambda: listed.total == expected and "“Halcyon”" in str(title.render()),
        )

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
