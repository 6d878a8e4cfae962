"""`reader refresh`: a progress bar on a terminal, a line per feed otherwise, the summary."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

from reader.wording import done_of, grouping_note, plural

if TYPE_CHECKING:
    from reader.core.models import (
        FeedResult,
        RefreshTally,
    )
    from reader.core.service import Reader

from reader.cli.common import EXIT_OK


def cmd_refresh(reader: Reader, args: argparse.Namespace) -> int:
    # Start-up objects (modules, the parser) are frozen out of the collector's
    # scans; its thresholds are raised by the refresh itself while it runs
    # (core.refresh.fewer_collections), for the app's refreshes too.
    gc.freeze()
    feed_ids = [reader.feed_id(f) for f in args.feed] if args.feed else None
    from reader.core import clock

    started = clock.utcnow()  # what was stored from now on is what this refresh brought
    # Naming feeds is an explicit request: fetch them even while backing off.
    run_refresh(reader, feed_ids, force=args.force or bool(feed_ids))
    appeared = reader.followed_appeared(started)
    if appeared:
        print("followed: " + ", ".join(f"{name} ({plural(n, 'article')})" for name, n in appeared))
    waiting = reader.count_unanalysed()
    if waiting:
        print(
            f"{plural(waiting, 'article')} stored by an earlier version have no entities yet:"
            " run `reader reanalyse`"
        )
    return EXIT_OK


def run_refresh(reader: Reader, feed_ids: list[int] | None, *, force: bool) -> RefreshTally:
    from reader.core.models import RefreshTally

    started = time.monotonic()
    summary = RefreshTally()
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    for result in reader.refresh(feed_ids, force=force):
        summary.add(result)
        if progress is not None:
            progress.update(result, summary.new, len(summary.failed))
        else:
            print(_result_line(result), flush=True)
    if progress is not None:
        progress.finish()
    elapsed = time.monotonic() - started
    print(_summary_line(summary, elapsed))
    for failure in summary.failed:
        print(f"  failed  {failure.url}: {failure.error}")
    for skipped in summary.skipped:
        print(f"  skipped {skipped.url}: {skipped.error} (use --force to fetch now)")
    return summary


def _result_line(result: FeedResult) -> str:
    name = result.url
    if result.status == "updated":
        detail = f"{result.new} new, {result.updated} updated"
        if result.extraction_failures:
            detail += f", {result.extraction_failures} kept the feed's text"
    elif result.status in ("failed", "skipped"):
        detail = result.error or ""
    else:
        detail = result.status.replace("_", " ")
    return f"{result.status:<12} {name}  {detail}"


def _summary_line(summary: RefreshTally, elapsed: float) -> str:
    failed = len(summary.failed)
    parts = [
        f"{plural(summary.feeds, 'feed')} in {elapsed:.1f} s",
        f"{summary.changed_feeds} updated",
        plural(summary.new, "new article"),
        plural(summary.updated, "changed article"),
    ]
    if summary.not_modified:
        parts.append(f"{summary.not_modified} not modified")
    if summary.extraction_failures:
        parts.append(f"{plural(summary.extraction_failures, 'page')} fell back to the feed's text")
    if summary.skipped_articles:
        parts.append(f"{plural(summary.skipped_articles, 'article')} skipped as not about AI")
    if failed:
        parts.append(f"{failed} failed")
    if summary.skipped:
        parts.append(f"{len(summary.skipped)} skipped")
    return "refreshed " + ", ".join(parts)


class ProgressBar:
    """One self-rewriting stderr line: feeds done, articles extracted, failures."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def update(self, result: FeedResult, new: int, failed: int) -> None:
        p = result.progress
        total = max(p.feeds_total, 1)
        width = 24
        filled = int(width * p.feeds_done / total)
        bar = "█" * filled + "░" * (width - filled)
        line = (
            f"\r{bar} {done_of(p.feeds_done, p.feeds_total, 'feed')} · "
            f"{done_of(p.pages_done, p.pages_total, 'article')} extracted · {new:,} new"
            + (f" · {failed} failed" if failed else "")
            + grouping_note(p.stories_waiting, p.feeds_done, p.feeds_total)
            + f" · {time.monotonic() - self.started:.0f}s"
        )
        columns = _terminal_columns()
        self.stream.write(line[: columns + 1] + "\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def _terminal_columns() -> int:
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except OSError:
        columns = 0
    # A terminal that reports no size (0 columns) gets a sensible width.
    return columns - 1 if columns > 1 else 100
