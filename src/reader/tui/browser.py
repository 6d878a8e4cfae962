"""Opening an article in a web browser, and knowing whether that worked.

The app owns the terminal. A browser that runs in a terminal (w3m, lynx,
links, elinks: what Python's `webbrowser` picks over SSH when one is
installed) would draw over the app and share its keys, and `webbrowser`
waits for it with no deadline. So the app only starts browsers that open
their own window: the user's `$BROWSER` unless it names a terminal browser,
else the desktop's opener (`open` on macOS, `xdg-open` under X or Wayland).
The command is detached (its own session, no terminal: even a terminal
browser met under another name cannot reach the screen or the keyboard),
and the app waits for it at most OPENER_WAIT seconds: an exit status in that
time says whether it worked; still running, it is the browser, open.
Without any, the app says why and offers `c` (copy the link, by OSC 52,
which works over SSH). Under `textual serve` the browser is where the user
is, and the app's own `open_url` (which tells the web page) is used instead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping

OPENER_WAIT = 3.0  # seconds: an opener that fails says so sooner
# Browsers that draw in the terminal they are started from.
TERMINAL_BROWSERS = frozenset(
    {"w3m", "lynx", "links", "links2", "elinks", "www-browser", "browsh", "carbonyl", "edbrowse"}
)
# Openers that hand a URL to the desktop's browser, tried in this order.
DESKTOP_OPENERS = ("xdg-open", "gio", "x-www-browser")


def browser_command(url: str, environ: Mapping[str, str]) -> list[str] | str:
    """The command that opens `url` in a browser window, or the reason there is none.

    $BROWSER may list several commands (`firefox:chromium`, as webbrowser reads
    it): the first that can be used wins; when none can, the first one's reason
    is given."""
    reasons: list[str] = []
    for chosen in environ.get("BROWSER", "").split(os.pathsep):
        if chosen.strip():
            command = _listed_browser(chosen, url, environ)
            if not isinstance(command, str):
                return command
            reasons.append(command)
    if reasons:
        return reasons[0]
    if sys.platform == "darwin":
        return ["open", url]
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return "No graphical browser here (no display: over SSH?)"
    for opener in DESKTOP_OPENERS:
        if shutil.which(opener, path=environ.get("PATH")) is not None:
            return ["gio", "open", url] if opener == "gio" else [opener, url]
    return "No browser opener found (xdg-open is not installed)"


def _listed_browser(chosen: str, url: str, environ: Mapping[str, str]) -> list[str] | str:
    """One command of $BROWSER with `url` in it, or why it cannot be used."""
    try:
        words = shlex.split(chosen)
    except ValueError:
        words = []
    if not words:
        return f"$BROWSER cannot be read as a command ({chosen!r})"
    name = os.path.basename(words[0])
    if name in TERMINAL_BROWSERS:
        return (
            f"$BROWSER is {name}, a terminal browser: it cannot share the screen with"
            " reader (quit, then run it on the link)"
        )
    if shutil.which(words[0], path=environ.get("PATH")) is None:
        return f"$BROWSER names {words[0]}, which is not installed"
    # webbrowser's convention: %s marks where the URL goes.
    if any("%s" in word for word in words):
        return [word.replace("%s", url) for word in words]
    return [*words, url]


def open_in_browser(url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Open `url` in a browser window; None if that worked, else why not.

    Waits up to OPENER_WAIT seconds: call it off the UI thread."""
    command = browser_command(url, os.environ if environ is None else environ)
    if isinstance(command, str):
        return command
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # no controlling terminal: the app's stays the app's
            close_fds=True,
        )
    except OSError as exc:
        return f"Cannot start {command[0]}: {exc.strerror or exc}"
    try:
        status = process.wait(timeout=OPENER_WAIT)
    except subprocess.TimeoutExpired:
        return None  # still running: the browser itself, with the page
    if status != 0:
        return f"{os.path.basename(command[0])} could not open the page (exit status {status})"
    return None
