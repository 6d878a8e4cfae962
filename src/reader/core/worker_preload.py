"""Imported once by the fork server that starts refresh workers, before it forks any.

Where the refreshing process runs threads (the app), its workers are not forked
from it but started by multiprocessing's fork server (reader.core.workers), a
process that lives as long as the app. The server imports the modules the pool
names (refresh.WORKER_PRELOAD: this one) before forking its first worker, so
every worker of every refresh starts with what its jobs need loaded, shared
copy-on-write, rather than loading it itself (~0.2 s of CPU a worker). The
workers' initializer asks for the same and finds it loaded.

Nothing here may stop the server: a failure is left for each worker's own
initializer to meet and report (a feed whose worker cannot start fails alone).
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(Exception):
    from reader.core.refresh import load_for_jobs

    load_for_jobs()
