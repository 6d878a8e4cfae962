"""Shared helpers for the app tests: settings, seeded databases, waiting."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.config import Settings, UiSettings
from reader.core.service import Reader, make_reader
from reader.tui.app import ReaderApp

# Untrusted text that must be shown as typed, never parsed as markup.
HOSTILE_TEXT = ("[@click=app.quit]x[/]", "C++ [/usr/lib]", "arr[/]", "[link=https://x]")
# Terminal escapes (OSC 52 writes the clipboard; CSI 2J clears the screen).
HOSTILE_ESCAPES = ("\x1b]52;c;SGVsbG8=\x07", "\x1b[2J")
INJECTION_FEED_TITLE = (
    f"Hostile {' '.join(HOSTILE_TEXT)} {HOSTILE_ESCAPES[0]}feed{HOSTILE_ESCAPES[1]}"
)
INJECTION_FEED_SHOWN = f"Hostile {' '.join(HOSTILE_TEXT)} feed"  # the escapes removed whole


def app_settings(tmp_path: Path, *, extract: bool = False, **ui: Any) -> Settings:
    """Test settings; articles are not marked read by a timer unless asked."""
    settings = make_settings(tmp_path, extract=extract)
    ui.setdefault("mark_read_on_open", False)
    return dataclasses.replace(settings, ui=dataclasses.replace(UiSettings(), **ui))


@contextmanager
def core(settings: Settings) -> Iterator[Reader]:
    """The core on the app's database, for seeding and for checking the store."""
    reader = make_reader(settings)
    try:
        yield reader
    finally:
        reader.close()


def seed_demo(settings: Settings) -> None:
    with core(settings) as reader:
        results = list(reader.refresh(reader.add_demo()))
    assert [r.status for r in results] == ["updated"] * 4


def injection_items() -> list[dict[str, str]]:
    description = " ".join((*HOSTILE_TEXT, *HOSTILE_ESCAPES))
    return [
        {
            "title": f"{text} story {n}{HOSTILE_ESCAPES[n % 2]}",
            "link": f"https://example.invalid/story-{n}",
            "guid": f"hostile-{n}",
            "description": f"<p>Body {n}: {description}</p>",
            "pubDate": f"Mon, 0{n + 2} Nov 2026 10:00:00 GMT",
        }
        for n, text in enumerate(HOSTILE_TEXT)
    ]


def serve_injection_feed(server: LoopbackServer) -> str:
    """A feed whose titles and text carry markup and terminal escapes."""
    return server.add("/hostile.xml", body=rss(injection_items(), title=INJECTION_FEED_TITLE))


def seed_injection(settings: Settings, server: LoopbackServer) -> int:
    url = serve_injection_feed(server)
    with core(settings) as reader:
        feed_id = reader.add_feed(url, discover=False).feed_id
        [result] = reader.refresh([feed_id])
    assert result.status == "updated", result
    return feed_id


class Notes:
    """Every notification the app raised (toasts expire; this list does not)."""

    def __init__(self, app: ReaderApp) -> None:
        self.seen: list[tuple[str, str | None, str]] = []
        notify = app.notify

        def recording(message: str, **kwargs: Any) -> None:
            severity = kwargs.get("severity", "information")
            self.seen.append((str(message), kwargs.get("title", ""), severity))
            notify(message, **kwargs)

        app.notify = recording  # type: ignore[method-assign]

    def messages(self, severity: str | None = None) -> list[str]:
        return [m for m, _, s in self.seen if severity is None or s == severity]


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 30.0
) -> None:
    """Let the app run until `condition()` is true (a deadline, never a fixed sleep).

    The deadline is generous because a refresh starts worker processes, which on
    a loaded 2-core machine can be slow (one such test timed out at 15 s under load);
    passing runs never wait it.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker (refresh, add-feed) and the messages they posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: ReaderApp) -> str:
    """The screen as plain text, exactly as drawn (the screenshot without colours)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


async def off_loop(fn: Callable[..., Any], *args: Any) -> Any:
    """Run blocking core work (a refresh runs its own event loop) in a thread."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(fn, *args)


def pane_follows_cursor(app: ReaderApp) -> Callable[[], bool]:
    """True once the reading pane shows the article under the list's cursor
    (the pane follows the cursor after a short rest)."""
    from reader.tui.screens.main import MainScreen
    from reader.tui.widgets.article_list import ArticleList
    from reader.tui.widgets.reading_pane import ReadingPane

    def check() -> bool:
        main = next(s for s in reversed(app.screen_stack) if isinstance(s, MainScreen))
        current = main.query_one(ArticleList).current_id
        article = main.query_one(ReadingPane).article
        shown = article.summary.id if article is not None else None
        return shown == current

    return check
