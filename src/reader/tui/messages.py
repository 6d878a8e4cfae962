"""Messages the background refresh sends to the app."""

from __future__ import annotations

from textual.message import Message

from reader.core.models import FeedResult


class FeedRefreshed(Message):
    """One feed's refresh finished (stored, failed or skipped)."""

    def __init__(self, result: FeedResult) -> None:
        super().__init__()
        self.result = result


class RefreshFinished(Message):
    """The whole refresh is over."""

    def __init__(
        self, feeds: int, new: int, failed: list[FeedResult], skipped: list[FeedResult]
    ) -> None:
        super().__init__()
        self.feeds = feeds
        self.new = new
        self.failed = failed
        self.skipped = skipped
