"""The status bar a refresh shows under the panes: what is done, and a progress bar.

Hidden while no refresh runs. Feed titles never reach it: only counts.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from reader.core.models import FeedResult
from reader.wording import done_of, grouping_note


class RefreshStatus(Horizontal):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.display = False

    def compose(self) -> ComposeResult:
        yield Static(id="status-text")
        yield ProgressBar(id="progress", show_eta=False)

    def started(self, label: str) -> None:
        self.display = True
        self.query_one("#status-text", Static).update(Content(label))
        self.query_one("#progress", ProgressBar).update(total=None, progress=0)

    def progress(self, result: FeedResult) -> None:
        """One more feed done: the counts of feeds and of pages extracted."""
        p = result.progress
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(1, p.feeds_total), progress=p.feeds_done)
        text = f"Refreshing: {done_of(p.feeds_done, p.feeds_total, 'feed')}"
        if p.pages_total:
            text += f" · {done_of(p.pages_done, p.pages_total, 'article')} extracted"
        text += grouping_note(p.stories_waiting, p.feeds_done, p.feeds_total)
        self.query_one("#status-text", Static).update(Content(text))

    def finished(self) -> None:
        self.display = False
