"""A feed removed while the app refreshes it (review14b finding 4).

Another process (the user's `reader remove`, or `x` in the app) unsubscribes
the feed while the app's refresh is fetching it. Its articles must not be
stored (they would belong to no feed), and the refresh must not call the feed
failed with a database error the user cannot act on ("cannot store the feed:
IntegrityError: FOREIGN KEY constraint failed"): the feed is just gone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from loopback import LoopbackServer, Request, Route, rss
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from tui.helpers import Notes, app_settings, core, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]

ITEMS = [
    {
        "title": f"Item {n}",
        "link": f"https://example.invalid/{n}",
        "guid": f"item-{n}",
        "description": f"<p>Body {n}</p>",
        "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT",
    }
    for n in range(3)
]


async def test_a_feed_removed_during_the_refresh_is_skipped_not_failed(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = app_settings(tmp_path)
    with LoopbackServer() as server:
        url = server.url("/feed.xml")
        with core(settings) as reader:
            feed_id = reader.add_feed(url, discover=False).feed_id

        def answer(request: Request) -> Route:
            # While the app waits for this answer, another process unsubscribes.
            with core(settings) as other:
                other.remove_feed(feed_id)
            return Route(rss(ITEMS, title="Removed meanwhile"))

        server.add("/feed.xml", answer)
        app = make_app(settings)
        notes = Notes(app)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
            await pilot.press("r")
            await wait_until(
                pilot, lambda: any(m.startswith("Refreshed") for m in notes.messages())
            )
            await settle(pilot)
            assert app.is_running
            assert server.hits("/feed.xml")
            [summary] = [m for m in notes.messages() if m.startswith("Refreshed")]
            assert "failed" not in summary
            assert not [t for _, t, _ in notes.seen if t == "Feed failed"], notes.seen
            assert not any("IntegrityError" in m for m in notes.messages())
    with core(settings) as reader:
        assert reader.store.feeds() == []
        assert reader.articles(ArticleQuery(limit=None)) == []
