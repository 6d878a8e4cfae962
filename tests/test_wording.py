"""reader.wording: counts said the same way by the command line and the app."""

from __future__ import annotations

from reader.wording import done_of, grouping_note


def test_progress_counts_are_grouped_by_thousands_like_every_other_count() -> None:
    assert done_of(1164, 1200, "article") == "1,164/1,200 articles"
    assert done_of(1, 1, "feed") == "1/1 feed"
    assert done_of(0, 2, "feed") == "0/2 feeds"


def test_grouping_is_said_only_once_every_feed_is_done() -> None:
    assert grouping_note(1200, 59, 60) == ""
    assert grouping_note(1200, 60, 60) == " · grouping 1,200 articles into stories…"
    assert grouping_note(0, 60, 60) == ""
