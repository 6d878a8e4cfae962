"""A refresh killed at a random moment leaves a consistent database (SIGKILL, no cleanup)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from loopback import LoopbackServer, rss

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]
FEEDS = 24
ITEMS = 5


def test_killed_refresh_leaves_each_feed_whole_or_untouched(
    server: LoopbackServer, tmp_path: Path
) -> None:
    db = tmp_path / "crash.db"
    # Staggered answers, so feeds finish one after another over ~1.5 s.
    env = _feeds_added(server, tmp_path, db, lambda n: 0.25, etags=True)

    # --db on the command line: the worker processes show it in their cmdline too.
    proc = subprocess.Popen(
        [*COMMAND, "--db", str(db), "refresh"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stored = _feeds_fetched(db, at_least=1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert stored > 0
    # Its extraction workers go with it rather than lingering as orphans.
    _wait_for_no_process_mentioning(db)
    assert _processes_mentioning(str(db)) == []

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = conn.execute(
        """SELECT f.url, f.etag, f.last_fetched, count(a.id) FROM feeds f
           LEFT JOIN articles a ON a.feed_id = f.id GROUP BY f.id"""
    ).fetchall()
    done = [r for r in rows if r[2] is not None]
    untouched = [r for r in rows if r[2] is None]
    assert all(r[3] == ITEMS and r[1] is not None for r in done), done
    assert all(r[3] == 0 and r[1] is None for r in untouched), untouched
    assert len(untouched) > 0, "the kill came after the refresh finished; make feeds slower"
    fts_rows = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    assert fts_rows == sum(r[3] for r in rows)
    # Stories of fewer new articles than grouping.WRITE_EVERY are made once,
    # after the last feed, in one transaction: a refresh killed before it
    # has made none, and no index row without one (test_stories_batch.py
    # stops one that wrote some on the way).
    assert conn.execute("SELECT count(*) FROM story_articles").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM story_keys").fetchone()[0] == 0
    conn.close()

    # The next refresh picks up where the killed one stopped.
    subprocess.run([*COMMAND, "refresh"], env=env, check=True, capture_output=True, timeout=120)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == FEEDS * ITEMS
    assert (
        conn.execute("SELECT count(*) FROM feeds WHERE last_error IS NOT NULL").fetchone()[0] == 0
    )
    # Its own articles are in stories; those the killed one stored are
    # grouped when stories are first asked for: none is lost.
    grouped = conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]
    assert grouped == FEEDS * ITEMS - sum(r[3] for r in done)
    conn.close()
    subprocess.run(
        [*COMMAND, "stories", "--json"], env=env, check=True, capture_output=True, timeout=120
    )
    conn = sqlite3.connect(db)
    grouped = conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]
    assert grouped == FEEDS * ITEMS
    conn.close()


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            cmdline = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc_dir / "stat").read_text().split()[2]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(proc_dir.name))
    return found


def test_ctrl_c_during_a_refresh_says_so_in_one_line_and_keeps_what_finished(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """Ctrl-C reaches the whole process group (the terminal sends it so): the
    refresh stops with the one-line message and exit code 130, no traceback
    (a coroutine left pending on a closed loop printed one), no process left,
    and the feeds stored before it stay whole."""
    db = tmp_path / "interrupted.db"
    # The first feeds answer at once, the others slowly: the Ctrl-C comes
    # while the refresh waits on the network. Slowly is 15 s, under the read
    # timeout (20 s) so they cannot fail early, and far beyond a loaded
    # machine's start-up: at 3 s, a refresh that took that long to store its
    # first two feeds had finished all of them before the Ctrl-C.
    env = _feeds_added(server, tmp_path, db, lambda n: 0 if n < 2 else 15, etags=False)
    proc = subprocess.Popen(
        [*COMMAND, "--db", str(db), "refresh"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a group of its own, as a terminal's foreground job
    )
    stored = _feeds_fetched(db, at_least=2)
    time.sleep(0.2)  # waiting on the slow feeds now
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert stored == 2
    assert proc.returncode == 130, err
    assert err.decode().strip() == "reader: interrupted; what finished is stored.", err
    _wait_for_no_process_mentioning(db)
    assert _processes_mentioning(str(db)) == []
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2 * ITEMS
    conn.close()


SIBLING_CTRL_C = """
import asyncio, json, sys
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.refresh import Pipeline
from reader.core.service import _close_pipeline, make_reader

# The server's thread, as the app's: the workers come from the fork server.
with LoopbackServer() as server:
    settings = make_settings(Path(sys.argv[1]))
    reader = make_reader(settings)
    reader.add_feed(server.add("/slow.xml", body=rss([]), delay=5), discover=False)
    pipeline = Pipeline(settings, reader.store.known_entries)
    runner = asyncio.Runner()

    async def start():
        await pipeline.start(reader.store.feed_states(None))  # its fetch waits
        pipeline.pool.prestart(1)  # a worker to close

    runner.run(start())
    started = pipeline.pool.started

    async def sibling():
        raise KeyboardInterrupt

    siblings = []

    async def interrupted_in_a_sibling():
        # Runs in the loop's next round, before the finished step's stop.
        siblings.append(asyncio.get_running_loop().create_task(sibling()))

    loop = runner.get_loop()
    try:
        runner.run(interrupted_in_a_sibling())
        raised = None
    except KeyboardInterrupt:
        raised = "KeyboardInterrupt"
    _close_pipeline(runner, pipeline)
    print(json.dumps({
        "raised": raised,
        "workers started": started,
        "workers left": pipeline.pool.started,
        "loop closed": loop.is_closed(),
        "sibling's exception": type(siblings[0].exception()).__name__,
    }))
    reader.close()
"""


def test_a_ctrl_c_raised_in_another_task_still_lets_the_refresh_close(tmp_path: Path) -> None:
    """A Ctrl-C that lands in a sibling task once the running step has finished
    leaves that step's stop queued in the loop: closing the pipeline must
    still run to its end (it ended at once with "Event loop stopped before
    Future completed", the workers never closed). In a fresh interpreter
    under a deadline: the KeyboardInterrupt, the Runner's signal handler and
    the fork server then touch nothing of the test run's own."""
    tests = Path(__file__).parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tests), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", SIBLING_CTRL_C, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "raised": "KeyboardInterrupt",
        "workers started": 1,
        "workers left": 0,
        "loop closed": True,
        "sibling's exception": "KeyboardInterrupt",
    }


def _feeds_added(
    server: LoopbackServer,
    tmp_path: Path,
    db: Path,
    delay: Callable[[int], float],
    *,
    etags: bool,
) -> dict[str, str]:
    """FEEDS feeds of ITEMS items each, feed n answering after delay(n) seconds,
    added to db without fetching; returns the environment that points at db."""
    config = tmp_path / "config.toml"
    config.write_text("[refresh]\nextract = false\nconcurrency = 4\nper_host = 4\n")
    env = {**os.environ, "READER_DB": str(db), "READER_CONFIG": str(config)}
    urls = []
    for n in range(FEEDS):
        items = [
            {"title": f"f{n} item {i}", "guid": f"f{n}-{i}", "link": f"http://x.invalid/{n}/{i}"}
            for i in range(ITEMS)
        ]
        etag = f'"{n}"' if etags else None
        urls.append(server.add(f"/f{n}.xml", body=rss(items), etag=etag, delay=delay(n)))
    subprocess.run(
        [*COMMAND, "add", "--no-fetch", *urls],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


def _feeds_fetched(db: Path, *, at_least: int) -> int:
    """How many feeds the running refresh has stored, read as it goes (for up
    to 30 s) until there are at least `at_least`."""
    deadline = time.monotonic() + 30
    stored = 0
    while time.monotonic() < deadline and stored < at_least:
        time.sleep(0.02)
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                stored = conn.execute(
                    "SELECT count(*) FROM feeds WHERE last_fetched IS NOT NULL"
                ).fetchone()[0]
        except sqlite3.OperationalError:
            continue
    return stored


def _wait_for_no_process_mentioning(db: Path) -> None:
    """Gives the refresh's processes up to 5 s to end (the caller asserts they did)."""
    deadline = time.monotonic() + 5
    while _processes_mentioning(str(db)) and time.monotonic() < deadline:
        time.sleep(0.05)
