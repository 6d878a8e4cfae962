"""Snapshots of the annotation and tag screens, with the deterministic set-up
of test_snapshots.py (120x40, fixed theme and clock, seeded before start)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.screens.annotations import AnnotationsScreen
from reader.tui.screens.highlight_dialog import AnnotationDialog
from reader.tui.screens.main import MainScreen
from reader.tui.screens.tag_editor import TagEditor
from reader.tui.widgets.annotations_panel import AnnotationsPanel
from tui.helpers import core, wait_until
from tui.snapshots import (
    SIZE,
    MakeApp,
    Snap,
    article_shown,
    keys,
    on_screen,
    open_article,
    then,
)


@pytest.fixture
def annotated(demo: Settings) -> tuple[Settings, int]:
    """The newest article with a highlight of each kind of state and a note."""
    with core(demo) as reader:
        store = reader.store
        article = reader.articles(ArticleQuery(limit=1))[0]
        text = store.article(article.id).text
        store.highlight(article.id, 0, text.index(" ", 8), note="Who files **now**?")
        end = text.index(" ", 30)
        store.highlight(article.id, 20, end, color="green", tags=["ipo", "money"])
        store.add_note(article.id, "Compare with last year's filings", tags=["todo"])
        orphan = store.highlight(article.id, 40, 50, color="pink", note="was a number")
        with store.transaction() as conn:
            conn.execute("UPDATE annotations SET state = 'orphan' WHERE id = ?", (orphan.id,))
    return demo, article.id


def panel_open(pilot: Pilot[Any]) -> Any:
    return wait_until(pilot, lambda: bool(pilot.app.screen.query(AnnotationsPanel)))


def test_highlight_dialog(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(
        on_screen(MainScreen),
        keys("enter"),
        article_shown,
        keys("v", "W", "W", "enter"),
        on_screen(AnnotationDialog),
    )
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)


def test_annotations_panel(
    snap_compare: Snap, make_app: MakeApp, annotated: tuple[Settings, int]
) -> None:
    seeded, article_id = annotated
    run_before = then(on_screen(MainScreen), open_article(article_id), keys("H"), panel_open)
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=run_before)


def test_all_annotations(
    snap_compare: Snap, make_app: MakeApp, annotated: tuple[Settings, int]
) -> None:
    seeded, _ = annotated
    run_before = then(on_screen(MainScreen), keys("at"), on_screen(AnnotationsScreen))
    assert snap_compare(make_app(seeded), terminal_size=SIZE, run_before=run_before)


def test_tag_editor(snap_compare: Snap, make_app: MakeApp, demo: Settings) -> None:
    run_before = then(on_screen(MainScreen), keys("t", *"ai, l"), on_screen(TagEditor))
    assert snap_compare(make_app(demo), terminal_size=SIZE, run_before=run_before)
