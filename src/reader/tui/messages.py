"""Messages the background refresh sends to the app."""

from __future__ import annotations

from textual.message import Message
from textual.worker import Worker

from reader.core.models import FeedResult


class FeedRefreshed(Message):
    """One feed's refresh finished (stored, failed or skipped)."""

    def __init__(self, worker: Worker[None], result: FeedResult) -> None:
        super().__init__()
        self.worker = worker  # which refresh: the app ignores a replaced one's
        self.result = result


class RefreshFinished(Message):
    """The whole refresh is over."""

    def __init__(
        self,
        worker: Worker[None],
        feeds: int,
        new: int,
        failed: list[FeedResult],
        skipped: list[FeedResult],
        appeared: list[tuple[str, int]],
    ) -> None:
        super().__init__()
        self.worker = worker  # which refresh: the app ignores a replaced one's
        self.feeds = feeds
        self.new = new
        self.failed = failed
        self.skipped = skipped
        self.appeared = appeared  # (followed name, articles) stored since the refresh began
