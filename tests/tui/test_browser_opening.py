"""`o` opens the article in a browser window, never a terminal browser on the
app's own terminal (review14b finding 3).

Over SSH, with w3m or lynx installed, Python's webbrowser ran that browser on
the app's terminal while the app kept drawing and reading keys there, waited
for it with no deadline, and then said "No browser available". The app now
starts only openers of a browser window, detached from the terminal, and waits
for them a few seconds at most. The browsers here are stand-in scripts on
PATH that record how they were run; none is a real browser.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.config import Settings
from reader.tui.app import ReaderApp
from tui.helpers import Notes, settle, wait_until

pytestmark = pytest.mark.anyio

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)
COPY = " — press c to copy the link."


def stand_in(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-ins first on PATH; no display, no $BROWSER; a terminal (as over SSH).

    webbrowser (which the app used before) reads the environment once: it is
    made to read it again, so the test says the same of that code as of this."""
    import webbrowser

    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return folder


async def press_o(app: ReaderApp, notes: Notes) -> str:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2", "o")
        await wait_until(pilot, lambda: any("rowser" in m or COPY in m for m in notes.messages()))
        await settle(pilot)
        assert app.is_running
    [message] = [m for m in notes.messages() if "rowser" in m or COPY in m]
    return message


async def test_over_ssh_a_terminal_browser_is_never_run(
    demo: Settings, make_app: MakeApp, bin_dir: Path, tmp_path: Path
) -> None:
    ran = tmp_path / "w3m-ran.txt"
    stand_in(bin_dir, "w3m", f'printf %s "$1" > {ran}')
    app = make_app(demo)
    notes = Notes(app)
    message = await press_o(app, notes)
    assert message == f"No graphical browser here (no display: over SSH?){COPY}"
    assert not ran.exists()


async def test_browser_naming_a_terminal_browser_is_not_run(
    demo: Settings,
    make_app: MakeApp,
    bin_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = tmp_path / "lynx-ran.txt"
    lynx = stand_in(bin_dir, "lynx", f'printf %s "$1" > {ran}')
    monkeypatch.setenv("BROWSER", f"{lynx} -accept_all_cookies %s")
    app = make_app(demo)
    notes = Notes(app)
    message = await press_o(app, notes)
    assert message.startswith("$BROWSER is lynx, a terminal browser")
    assert message.endswith(COPY)
    assert not ran.exists()


async def test_with_a_display_the_desktop_opener_gets_the_link_detached(
    demo: Settings,
    make_app: MakeApp,
    bin_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened = tmp_path / "opened.txt"
    # It records the URL, and whether it could reach a terminal (it must not:
    # a browser started from the app must not draw over it or read its keys;
    # this part only tells where the tests themselves run on a terminal).
    stand_in(
        bin_dir,
        "xdg-open",
        f'printf %s "$1" > {opened}\nif (: < /dev/tty) 2>/dev/null; then echo tty >> {opened}; fi',
    )
    monkeypatch.setenv("DISPLAY", ":99")
    app = make_app(demo)
    notes = Notes(app)
    message = await press_o(app, notes)
    assert message == "Opened in the browser."
    assert opened.read_text(encoding="utf-8").startswith("https://demo.reader.invalid/")
    assert "tty" not in opened.read_text(encoding="utf-8")


async def test_an_opener_that_fails_is_said_with_its_status(
    demo: Settings, make_app: MakeApp, bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(bin_dir, "xdg-open", "exit 3")
    monkeypatch.setenv("DISPLAY", ":99")
    app = make_app(demo)
    notes = Notes(app)
    message = await press_o(app, notes)
    assert message == f"xdg-open could not open the page (exit status 3){COPY}"


async def test_a_browser_that_stays_open_is_waited_for_a_few_seconds_only(
    demo: Settings,
    make_app: MakeApp,
    bin_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid_file = tmp_path / "browser.pid"
    browser = stand_in(bin_dir, "a-browser", f"echo $$ > {pid_file}\nexec sleep 60")
    monkeypatch.setenv("BROWSER", str(browser))
    app = make_app(demo)
    notes = Notes(app)
    started = time.monotonic()
    try:
        message = await press_o(app, notes)
        assert message == "Opened in the browser."
        # browser.OPENER_WAIT (3 s), not the browser's 60 s; generous under load.
        assert time.monotonic() - started < 25
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text(encoding="utf-8")), 15)


def test_a_browser_list_is_tried_past_an_entry_that_cannot_be_used(bin_dir: Path) -> None:
    """$BROWSER="a:b" (webbrowser's form): an entry not installed, or a terminal
    browser, is passed over for the next (review15: only the first was read)."""
    from reader.tui.browser import browser_command

    fakefox = stand_in(bin_dir, "fakefox", "exit 0")
    stand_in(bin_dir, "w3m", "exit 0")
    url = "https://example.org/a"
    path = os.environ["PATH"]
    for listed in ("nosuchbrowser", "w3m"):
        environ = {"PATH": path, "BROWSER": f"{listed}{os.pathsep}{fakefox}"}
        assert browser_command(url, environ) == [str(fakefox), url]
    # None usable: the first one's reason.
    environ = {"PATH": path, "BROWSER": f"w3m{os.pathsep}nosuchbrowser"}
    assert str(browser_command(url, environ)).startswith("$BROWSER is w3m, a terminal browser")
