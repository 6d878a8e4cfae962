"""Closing the worker pool ends, whoever reports (or never reports) the workers' ends.

A killed worker is reported gone by its parent: this process for a forked one,
else multiprocessing's fork server, which hears of it by SIGCHLD only. Each
case runs in a fresh interpreter (the fork server is started once per process,
with the signal mask of the thread that starts it) under a deadline: a close
that waited for a report that never comes hung a CI run for 90 minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reader.core.workers import REAP_LIMIT

SCRIPT = """
import asyncio, json, os, signal, sys, threading, time
from reader.core.workers import WorkerPool

case = sys.argv[1]
if case == "SIGCHLD ignored":
    # Nobody can wait for a forked worker: the system reaps it at once.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
else:
    # As a launcher may start the program. A running thread, as in the app:
    # the workers come from the fork server.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    if case == "fork server started with SIGCHLD blocked":
        from multiprocessing import forkserver

        forkserver.ensure_running()  # by other code, before the pool's first worker


def dead(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


async def main():
    pool = WorkerPool(2, int)
    pool.prestart(2)
    pids = set(await asyncio.gather(*(pool.run(os.getpid, limit=60) for _ in range(4))))
    start = time.monotonic()
    pool.close()
    return sorted(pids), time.monotonic() - start


pids, closing = asyncio.run(main())
deadline = time.monotonic() + 5
while not all(dead(pid) for pid in pids) and time.monotonic() < deadline:
    time.sleep(0.02)
print(json.dumps({"workers": len(pids), "dead": all(map(dead, pids)), "closing": closing}))
"""


@pytest.mark.parametrize(
    ("case", "longest"),
    [
        # The pool starts the fork server with SIGCHLD unblocked: it reports at once.
        ("SIGCHLD blocked", 2.0),
        # Started by someone else, the server never reports: the close stops
        # waiting at REAP_LIMIT, and the program still exits.
        ("fork server started with SIGCHLD blocked", REAP_LIMIT + 2.0),
        # No exit status to wait for: the close neither waits nor fails.
        ("SIGCHLD ignored", 2.0),
    ],
    ids=["blocked", "server-started-blocked", "ignored"],
)
def test_close_ends_and_the_program_exits_when_worker_ends_go_unreported(
    case: str, longest: float
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, case], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["workers"] == 2
    assert found["dead"]  # killed, whether or not anybody reaped them
    assert found["closing"] < longest, found
