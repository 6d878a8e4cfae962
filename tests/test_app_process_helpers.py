"""The app starts multiprocessing's fork server itself, before Textual takes
the terminal (tui.app.start_process_helpers): the refresh workers it forks
must find what their jobs need loaded there (refresh.WORKER_PRELOAD), as
workers started by a pool's own fork server do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import asyncio
import threading

from reader.core.refresh import WORKER_PRELOAD
from reader.core.workers import WorkerPool


def loaded(names):
    import sys

    return [name in sys.modules for name in names]


def nothing():
    pass


def main():
    from reader.tui.app import start_process_helpers

    start_process_helpers(pages=True)
    # A thread runs, as in the app: the pool's workers come from the fork server.
    threading.Thread(target=threading.Event().wait, args=(30,), daemon=True).start()

    async def ask():
        pool = WorkerPool(1, nothing, preload=WORKER_PRELOAD)
        try:
            names = ["reader.core.worker_preload", "reader.core.analysis", "trafilatura"]
            return await pool.run(loaded, names, limit=60)
        finally:
            pool.close()

    print(asyncio.run(ask()))


if __name__ == "__main__":
    main()
"""


def test_the_apps_fork_server_preloads_what_the_workers_need(tmp_path: Path) -> None:
    (tmp_path / "probe_preload.py").write_text(PROBE)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "probe_preload.py")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True, True, True]"
