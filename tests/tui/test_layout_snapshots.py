"""Snapshots of the main screen at 80x24, 120x40 and 200x50: the list or the
article below 100 columns, the text column of 60 to 80 characters beside the
list above, a panel under the article, a followed entity. The deterministic
set-up of test_snapshots.py (fixed theme and clock, seeded before start)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.screens.annotations import AnnotationsScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from reader.tui.widgets.article_list import ArticleList
from tui.helpers import core, wait_until
from tui.snapshots import SIZES, MakeApp, Snap, keys, kiln_id, on_screen, open_article, then


@pytest.mark.parametrize("size", SIZES)
def test_article_open(snap_compare: Snap, make_app: MakeApp, demo: Settings, size: str) -> None:
    run_before = then(on_screen(MainScreen), open_article(kiln_id(demo)), keys("enter"))
    assert snap_compare(make_app(demo), terminal_size=SIZES[size], run_before=run_before)


def test_list_at_80(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen))
    assert snap_compare(make_app(demo), terminal_size=SIZES["80x24"], run_before=run_before)


def test_sidebar_at_80(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("1", "j", "j", "j"))
    assert snap_compare(make_app(demo), terminal_size=SIZES["80x24"], run_before=run_before)


@pytest.fixture
def highlighted(demo: Settings) -> tuple[Settings, int]:
    """The Kiln article with a highlight over an organisation's name, and a note."""
    article_id = kiln_id(demo)
    with core(demo) as reader:
        store = reader.store
        org = next(m for m in store.mentions(article_id) if m.label == "ORG")
        store.highlight(article_id, max(0, org.start - 10), org.end + 10, note="Which **lab**?")
        store.add_note(article_id, "Try the new paths", tags=["todo"])
    return demo, article_id


def panel_open(pilot: Pilot[Any]) -> Any:
    return wait_until(pilot, lambda: bool(pilot.app.screen.query(AnnotationsPanel)))


@pytest.mark.parametrize("size", SIZES)
def test_annotations_panel_under_the_article(
    snap_compare: Snap, make_app: MakeApp, highlighted: tuple[Settings, int], size: str
) -> None:
    seeded, article_id = highlighted
    run_before = then(on_screen(MainScreen), open_article(article_id), keys("H"), panel_open)
    assert snap_compare(make_app(seeded), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", ["80x24", "200x50"])
def test_following_an_entity(
    snap_compare: Snap, make_app: MakeApp, demo: Settings, size: str
) -> None:
    with core(demo) as reader:
        [top] = reader.store.entity_counts(limit=1)
        total = reader.store.count_articles(ArticleQuery(entity=top.name))

    async def follow(pilot: Pilot[Any]) -> None:
        pilot.app.follow_entity(top.name)  # type: ignore[attr-defined]
        listed = pilot.app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: listed.total == total)

    run_before = then(on_screen(MainScreen), follow, keys("enter"))
    assert snap_compare(make_app(demo), terminal_size=SIZES[size], run_before=run_before)


def test_all_annotations_typed_filter_at_80(
    snap_compare: Snap, make_app: MakeApp, highlighted: tuple[Settings, int]
) -> None:
    seeded, _ = highlighted

    async def typed(pilot: Pilot[Any]) -> None:
        await pilot.press(*"lab")
        screen = pilot.app.screen
        await wait_until(
            pilot, lambda: "1 annotation" in str(screen.query_one("#annotations-title").render())
        )

    run_before = then(on_screen(MainScreen), keys("at"), on_screen(AnnotationsScreen), typed)
    assert snap_compare(make_app(seeded), terminal_size=SIZES["80x24"], run_before=run_before)
