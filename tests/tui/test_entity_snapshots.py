"""Snapshots of entities in the app: colouring and legend, the panel, the
follow view. Same deterministic set-up as test_snapshots.py; update with
`pytest tests/tui/test_entity_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from tui.helpers import core
from tui.snapshots import (
    SIZE,
    keys,
    on_screen,
    open_article,
    then,
)

Snap = Callable[..., bool]
MakeApp = Callable[..., ReaderApp]
# A demo story with people, organisations, money, percentages and dates.
HALCYON = "Halcyon-3.1 70B lands under Apache 2.0"


def halcyon_id(seeded: Settings) -> int:
    with core(seeded) as reader:
        [found] = [
            a for a in reader.articles(ArticleQuery(limit=None)) if a.title.startswith(HALCYON)
        ]
        return found.id


def focus_reader() -> Callable[[Pilot[Any]], Awaitable[None]]:
    return keys("3")


def test_entity_colours(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), open_article(halcyon_id(demo)), focus_reader())
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_entity_panel(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), open_article(halcyon_id(demo)), keys("E"))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_follow_entity(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    # The demo's most mentioned name: several articles, a trend over weeks.
    with core(demo) as reader:
        [top] = reader.store.entity_counts(limit=1)

    async def follow(pilot: Pilot[Any]) -> None:
        assert isinstance(pilot.app, ReaderApp)
        pilot.app.follow_entity(top.name)

    run_before = then(on_screen(MainScreen), follow)
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)
