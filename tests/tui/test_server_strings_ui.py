"""Strings a server chose (headers, redirect targets, error texts), and rows an
older version stored raw, reach the screen without their control sequences."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from loopback import LoopbackServer, rss
from reader.tui.app import ReaderApp
from reader.tui.widgets.article_list import ArticleList
from test_hostile_servers import ESC_HEADER, plant_old_rows
from tui.helpers import (
    Notes,
    app_settings,
    core,
    off_loop,
    pane_follows_cursor,
    screen_text,
    settle,
    wait_until,
)

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_clean(drawn: str) -> None:
    # The drawn screen keeps its newlines; nothing else below 0x20, no DEL or C1.
    assert not CONTROL.search(drawn.replace("\n", "")), repr(CONTROL.findall(drawn))


async def show_first_article(app: ReaderApp, pilot: object) -> str:
    listed = app.screen.query_one(ArticleList)
    listed.cursor = 0
    await wait_until(pilot, pane_follows_cursor(app))  # type: ignore[arg-type]
    await pilot.pause()  # type: ignore[attr-defined]
    return screen_text(app)


async def test_header_and_redirect_controls_never_reach_the_screen(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    page = server.add("/odd", body=b"binary", content_type=ESC_HEADER)
    feed_url = server.add(
        "/hostile.xml",
        body=rss([{"title": "Odd type", "guid": "o", "link": page, "description": "Teaser."}]),
    )
    broken = server.add("/broken.xml", status=302, headers={"Location": "https://\x1b[4h/feed"})
    settings = app_settings(tmp_path, extract=True)
    with core(settings) as reader:
        reader.store.add_feed(feed_url)
        reader.store.add_feed(broken)
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await pilot.press("r")  # the real path: fetch, extract, store, show
        await wait_until(pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages()))
        await settle(pilot)
        drawn = await show_first_article(app, pilot)
        assert "Showing the feed's text: article page is x/y, not HTML" in drawn
        assert_clean(drawn)
        [failure] = [m for m, title, _ in notes.seen if title == "Feed failed"]
        assert failure.endswith("redirected to a forbidden URL: URL has no host: https:///feed")
        for message in notes.messages():
            assert_clean(message)


async def test_old_rows_with_raw_controls_are_shown_safely(
    tmp_path: Path, make_app: MakeApp, server: LoopbackServer
) -> None:
    settings = app_settings(tmp_path)

    def seed() -> None:  # refreshes run their own event loop: off this one
        with core(settings) as reader:
            plant_old_rows(reader, server)

    await off_loop(seed)
    app = make_app(settings)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        drawn = await show_first_article(app, pilot)
        assert "Old feed" in drawn  # the sidebar
        assert drawn.count("Old title") == 2  # its row and the reading pane's header
        assert "Old text here." in drawn
        assert "Showing the feed's text: article page is x/y, not HTML" in drawn
        assert_clean(drawn)
