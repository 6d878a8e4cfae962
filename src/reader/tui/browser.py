"""Opening an article in a web browser, and knowing whether that worked.

Over SSH there is usually no browser: Python's `webbrowser` then finds none
(or the command it tries fails) and says so by returning False. Textual's
`App.open_url` drops that answer, so the terminal app asks `webbrowser`
itself; under `textual serve` the browser is where the user is, so the app's
own `open_url` (which tells the web page) is used.
"""

from __future__ import annotations

import webbrowser


def open_in_browser(url: str) -> bool:
    """True if a browser accepted the URL. May wait for the browser command:
    call it off the UI thread."""
    try:
        return webbrowser.open(url)
    except (webbrowser.Error, OSError):
        return False
