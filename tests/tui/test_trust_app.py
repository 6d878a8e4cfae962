"""The app with bad input and failures: a clear message on screen, no hang, no
crash, nothing of the user's lost, and a crash that still happens is the exit code."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Static

from reader.core.config import Settings
from reader.core.store import ArticleQuery
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import AddFeedDialog, ConfirmDialog, ImportOpmlDialog
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.refresh_status import RefreshStatus
from tui.helpers import Notes, app_settings, core, screen_text, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (160, 50)


def status_text(dialog: AddFeedDialog | ImportOpmlDialog) -> str:
    return str(dialog.query_one("#status", Static).visual.plain)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (
            "[@click=app.quit]x[/]",
            "invalid URL: '@click=app.quit' does not appear to be an IPv4 or IPv6 address",
        ),
        ("http://[::1", "invalid URL: Invalid IPv6 URL"),
        ("ftp://example.org/feed", "unsupported URL scheme (ftp): only http and https"),
    ],
)
async def test_add_feed_dialog_shows_a_bad_url_at_once(
    tmp_path: Path, make_app: MakeApp, typed: str, shown: str
) -> None:
    app = make_app(app_settings(tmp_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AddFeedDialog))
        dialog = app.screen
        assert isinstance(dialog, AddFeedDialog)
        await pilot.press(*typed, "enter")
        await wait_until(pilot, lambda: shown in status_text(dialog))
        await settle(pilot)
        # Not stuck on "Looking for a feed…", not quit by the typed markup.
        assert app.is_running and app.screen is dialog
        assert "Looking for a feed" not in status_text(dialog)
        assert not dialog.query_one("#add", Button).disabled
        assert not dialog.query_one("#busy").display
        assert app.reader.store.feeds() == []
        # All of it on screen, wrapped, not cut after the first line.
        status = dialog.query_one("#status", Static)
        needed = -(-len(status.visual.plain) // status.size.width)  # type: ignore[union-attr]
        assert status.size.height >= needed
        assert shown.split()[-1] in screen_text(app)


async def test_opml_with_a_bad_url_imports_the_rest_and_names_it(
    tmp_path: Path, make_app: MakeApp
) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        """<opml version="2.0"><body>
        <outline text="Good" xmlUrl="https://good.example/feed"/>
        <outline text="Broken" xmlUrl="http://[::1"/>
        <outline text="Hostile" xmlUrl="https://[@click=app.quit]x[/]"/>
        </body></opml>""",
        encoding="utf-8",
    )
    settings = app_settings(tmp_path)
    with core(settings) as reader:
        reader.store.add_feed("https://kept.example/feed", tags=["mine"])
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportOpmlDialog))
        await pilot.press(*str(opml), "enter")
        await wait_until(pilot, lambda: any(m.startswith("Imported") for m in notes.messages()))
        app.workers.cancel_group(app, "refresh")  # the imported feeds do not exist
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        [message] = [m for m in notes.messages("warning") if m.startswith("Imported")]
        assert message.startswith("Imported 1 new feed (0 already there); skipped 2")
        assert "http://[::1: invalid URL: Invalid IPv6 URL" in message
        assert "https://[@click=app.quit]x[/]: invalid URL" in message
        feeds = {f.url: f.tags for f in app.reader.store.feeds()}
        assert feeds == {"https://good.example/feed": (), "https://kept.example/feed": ("mine",)}


async def test_remove_demo_keeps_annotated_tagged_and_starred_articles(
    demo: Settings, make_app: MakeApp
) -> None:
    settings = demo
    with core(settings) as reader:
        first, second, *_ = reader.articles(ArticleQuery(limit=None))
        word = reader.article(first.id).text.split()[0]
        highlight = reader.annotate(first.id, word, note="mine")
        reader.tag(second.id, ["keep"])
    app = make_app(settings)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.remove_demo()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        question = dialog.question.plain
        assert "Articles you starred, tagged or annotated are kept" in question
        await pilot.press("y")
        await settle(pilot)
        assert "Removed 4 demo feeds. Kept 2 articles you starred, tagged or annotated." in (
            notes.messages()
        )
        assert app.reader.store.feeds() == []
        kept = {a.id for a in app.reader.articles(ArticleQuery(limit=None))}
        assert kept == {first.id, second.id}
        assert [a.id for a in app.reader.annotations()] == [highlight.id]


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """As over SSH: no graphical display, no $BROWSER."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)


async def open_first_article_in_browser(app: ReaderApp, notes: Notes, pilot: object) -> str:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press("2", "o")
    await wait_until(pilot, lambda: any("rowser" in m for m in notes.messages()))
    await settle(pilot)
    [message] = [m for m in notes.messages() if "rowser" in m]
    return message


async def test_open_without_a_browser_says_so_and_offers_the_link(
    demo: Settings, make_app: MakeApp, no_display: None
) -> None:
    app = make_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        message = await open_first_article_in_browser(app, notes, pilot)
        assert message == (
            "No graphical browser here (no display: over SSH?) — press c to copy the link."
        )


async def test_open_with_a_browser_opens_the_link(
    tmp_path: Path,
    demo: Settings,
    make_app: MakeApp,
    no_display: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", str(browser))
    app = make_app(demo)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        message = await open_first_article_in_browser(app, notes, pilot)
        assert message == "Opened in the browser."
        assert opened.read_text(encoding="utf-8").startswith("https://demo.reader.invalid/")


async def test_a_crash_is_one_line_and_a_non_zero_exit_code(
    tmp_path: Path, make_app: MakeApp, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(app_settings(tmp_path))

    def broken_handler() -> None:
        raise RuntimeError("something [bold]nobody[/] expected")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            app.call_later(broken_handler)
            await pilot.pause()
    assert app.return_code == 1
    assert isinstance(app.crash, RuntimeError)
    err = capsys.readouterr().err
    assert err.strip() == (
        "reader: unexpected error (RuntimeError: something [bold]nobody[/] expected);"
        " rerun with --debug to see the traceback"
    )


@pytest.mark.anyio
async def test_a_refresh_ending_while_the_screen_is_taken_down_does_not_crash(
    demo: Settings, make_app: MakeApp
) -> None:
    # Quitting as a refresh ends: the refresh thread's last messages can be handled
    # after the screen's widgets went (seen as NoMatches for the status line in a
    # loaded test run). Taking the status line down by hand makes that moment
    # certain instead of a race.
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        main = app.screen
        assert isinstance(main, MainScreen)
        await main.query_one(RefreshStatus).remove()
        main.refresh_started("Refreshing…")
        main.refresh_finished()
        await pilot.pause()
        assert app.return_code is None  # still running: nothing raised
