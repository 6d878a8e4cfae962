"""A first refresh's story grouping, in a process of its own.

The process that stores a refresh's feeds is what a first refresh waits on:
its feeds queue up behind it (the bench's 300 feeds: up to 120 parsed and
waiting) while the workers have cycles to spare. Meeting each new article's
candidates and judging the pairs (StoryBatch.add) was ~1.3 s of its ~4.4 s
of CPU there; here it runs beside it, on the other core's spare cycles.

Only for a batch begun on an empty archive (a first refresh) of the feeds'
own text (service.Reader._story_batch; with pages the refresh waits on the
workers instead): its articles meet only each other, so the process needs no
database and holds the whole batch index in memory. It is sent each feed's
arrivals once their feed is committed, and answers with each arrival's links
(the earlier arrivals it was judged to be in a story with). The storing
process keeps the rest of StoryBatch (the arrivals, their days, what is
written) and writes the stories of the arrivals whose links are back, in its
own transactions as before (StoryBatch.write_some): the stored result and
what a crash leaves are the same. If the process is lost, or the links are
late past COLLECT_LIMIT, the arrivals whose links never came are grouped in
the storing process at the end (group_later, StoryBatch.group_rest), as a
batch that met stored articles is.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from reader.core.stories.grouping import Arrival, StoryBatch, day_of, group_articles

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext

# How long the end of a refresh waits for links still to come before it
# groups those arrivals itself. The process answers each feed in
# milliseconds; only a stopped or starved process takes long.
COLLECT_LIMIT = 30.0


def _serve(conn: Connection, initializer: Callable[[], None] | None) -> None:
    """The grouping process: meet each feed's arrivals, answer their links."""
    # Ctrl-C reaches the whole process group; the refresh ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()
    batch = StoryBatch()
    while True:
        try:
            arrivals: list[Arrival] = conn.recv()
        except (EOFError, OSError):
            return  # the refresh is over or gone
        batch.add(None, arrivals)
        conn.send([batch.links[a.article_id] for a in arrivals])


class ProcessBatch(StoryBatch):
    """A StoryBatch begun on an empty archive whose meeting and judging run in
    another process (see the module's docstring). Close it when the refresh
    ends, however it ends."""

    def __init__(
        self,
        context: ForkContext | ForkServerContext,
        initializer: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.archive_empty = True
        parent_end, child_end = context.Pipe()
        # A feed's arrivals are ~1 KB an article and its links a few bytes:
        # with the buffers this asks for (8 MB granted here), the storing
        # process would wait on a send only behind some 9,000 unanswered
        # arrivals, i.e. a process stopped, not a slow one.
        from reader.core.workers import roomy, start_process

        roomy(parent_end)
        roomy(child_end)
        self._process = context.Process(
            target=_serve, args=(child_end, initializer), name="reader-stories", daemon=True
        )
        try:
            start_process(self._process)
        finally:
            child_end.close()  # only the process holds its end: its death reads as EOF
        self._conn = parent_end
        self._linked = 0  # the first arrivals, whose links came back
        self._lost = False

    def add(self, conn: sqlite3.Connection | None, arrivals: Sequence[Arrival]) -> None:
        ordered = sorted(arrivals, key=lambda a: a.article_id)
        self.days.update((a.article_id, day_of(a)) for a in ordered)
        self.arrivals.extend(ordered)
        if not self._lost:
            try:
                self._conn.send(ordered)
            except OSError:
                self._lost = True
        self._receive(0)

    def linked(self) -> int:
        self._receive(0)
        return self._linked

    def collect(self) -> None:
        deadline = time.monotonic() + COLLECT_LIMIT
        while not self._lost and self._linked < len(self.arrivals):
            left = deadline - time.monotonic()
            if left <= 0:
                self._lost = True  # starved or stopped: grouped here instead
                break
            self._receive(left)

    def group_rest(self, conn: sqlite3.Connection, present: Sequence[Arrival]) -> None:
        # Nothing was met here: the arrivals not written meet the stored
        # index (the written ones among it) and each other afresh.
        group_articles(conn, present)

    def close(self) -> None:
        """End the process (at once: what it holds is in the links or lost)."""
        from reader.core.workers import end_process

        self._lost = True
        self._conn.close()
        end_process(self._process)

    def _receive(self, timeout: float) -> None:
        """Take the links that came back, waiting up to `timeout` seconds for one answer."""
        try:
            while self._linked < len(self.arrivals) and self._conn.poll(timeout):
                for links in self._conn.recv():
                    self.links[self.arrivals[self._linked].article_id] = links
                    self._linked += 1
                timeout = 0
        except (EOFError, OSError):
            self._lost = True
