"""The search field over the article list: `/` shows it, Escape empties and
hides it. It says what was typed at once (for the list's title) and asks for
the search only when typing pauses."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from reader.tui.widgets.article_list import as_typed

# Seconds of no typing before a search runs. A typist's next key usually comes
# 0.1-0.2 s later; a search started between two keys runs off the screen's
# thread, and its result is dropped when a newer search starts.
SEARCH_DEBOUNCE = 0.06


class SearchBar(Input):
    class Typed(Message):
        """The field changed: `text` as typed (None when empty), `query` what
        runs (the word being typed searched as a prefix)."""

        def __init__(self, text: str | None, query: str | None) -> None:
            super().__init__()
            self.text = text
            self.query = query

    class Settled(Message):
        """Typing paused on a non-empty field: time to search."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(placeholder="Search titles and text…", **kwargs)
        self.display = False
        self._timer: Timer | None = None

    def open(self) -> None:
        self.display = True
        self.focus()

    def close(self) -> None:
        """Empty and hide the field (the screen resets its search itself)."""
        self._cancel_pending()  # a search still waiting must not run after this
        self.value = ""
        self.display = False

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value.strip() or None
        self._cancel_pending()
        self.post_message(self.Typed(text, as_typed(event.value)))
        if text is not None:
            self._timer = self.set_timer(SEARCH_DEBOUNCE, self._settled)

    def _cancel_pending(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _settled(self) -> None:
        self._timer = None
        self.post_message(self.Settled())
