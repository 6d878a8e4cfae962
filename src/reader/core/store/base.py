"""What every part of the store shares: the database file, a connection per
thread, and the short transaction each write runs in.

Each thread that touches the store gets its own sqlite3 connection on first
use (as lemon24/reader's storage does), so the app's workers and the command
line share one `Store` and no caller opens a connection of its own. A
connection is closed when its thread ends, or by `close()`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core.store.schema import apply_migrations, pending_migrations

# Pages of WAL between two automatic checkpoints (open_connection): ~40 MB.
WAL_CHECKPOINT_PAGES = 10_000


def create_private(path: Path) -> None:
    """Create the database file 0600 and the folders it needs 0700, whatever the
    umask: it holds what the user reads and writes. SQLite gives its -wal and
    -shm files the database file's mode. An existing file or folder is left as it is.
    A link is followed: through one that points nowhere yet, the file it names
    is created so (O_EXCL refuses any link, and SQLite then made it by the umask)."""
    path = Path(os.path.realpath(path))
    missing = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


def open_connection(path: str, busy_timeout: float) -> sqlite3.Connection:
    """A connection with the store's settings: WAL, foreign keys on, and
    another process's write waited for up to `busy_timeout` seconds."""
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE),
    # so a writer never upgrades a read lock halfway and deadlocks.
    # check_same_thread=False only so that close() and a finished thread's
    # clean-up may close it; it is used by the thread that opened it alone.
    conn = sqlite3.connect(
        path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # Statement journals in memory: a multi-row statement that may stop
        # halfway (the refresh's upsert of a feed's articles, its full-text
        # trigger and indexes: ~0.6 MB of pages) keeps the pages it changed
        # until it ends, and past 64 KiB SQLite spilled them to a temporary
        # file, created, written and deleted for every feed (a first refresh
        # of 300 feeds: 290 files, 179 MB in 56,739 write calls, ~0.15 s of
        # the storing process's CPU). Sorts and temporary tables stay in memory
        # too; the store makes no large ones.
        conn.execute("PRAGMA temp_store = MEMORY")
        # The WAL is copied into the database (a checkpoint, two fsyncs) every
        # WAL_CHECKPOINT_PAGES pages instead of SQLite's 1,000 (4 MB), which a
        # first refresh passed 30 times, waiting on the disk each time in the
        # process that stores (~0.3 s). Pages written again between two
        # checkpoints are copied once. The WAL file grows to about that size
        # (it is removed when the last connection closes); what a crash leaves
        # is the same.
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    except BaseException:
        conn.close()  # a file that is not a database: no open handle left behind
        raise
    return conn


class _ThreadConnection:
    """Held in a thread-local: when its thread ends, the holder is collected
    and its finalizer closes the connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        weakref.finalize(self, conn.close)


class StoreBase:
    """The database file and this thread's connection to it."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._target = str(path)
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._holders: weakref.WeakSet[_ThreadConnection] = weakref.WeakSet()
        self._closed = False
        if self._target != ":memory:":
            create_private(self.path)
        # The first connection runs the migrations, before any thread reads.
        conn = self.conn
        try:
            if pending_migrations(conn):
                apply_migrations(conn)
        except BaseException:
            self.close()
            raise

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        holder: _ThreadConnection | None = getattr(self._local, "holder", None)
        if holder is None:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            holder = _ThreadConnection(open_connection(self._target, self._busy_timeout))
            self._local.holder = holder
            with self._lock:
                self._holders.add(holder)
        return holder.conn

    def wait_here_at_most(self, seconds: float) -> None:
        """This thread's connection waits at most `seconds` (never longer than
        the store's busy timeout) for another connection's write; the other
        threads' keep the store's."""
        timeout = min(seconds, self._busy_timeout)
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def close(self) -> None:
        """Close every thread's connection."""
        self._closed = True
        with self._lock:
            holders = list(self._holders)
        for holder in holders:
            holder.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
