"""The worker pool behind the refresh: real processes, real time limits.

Jobs are standard-library functions, so a worker started by the fork server
needs nothing from the tests to run them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import pytest

from reader.core import workers as workers_module
from reader.core.pickling import as_tuple
from reader.core.workers import JOBS_PER_WORKER, JobTimeoutError, WorkerLostError, WorkerPool


def pool(size: int = 1) -> WorkerPool:
    return WorkerPool(size, gc.collect)  # a harmless initializer


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_job_past_its_limit_is_killed_and_its_worker_replaced() -> None:
    async def scenario() -> tuple[int, int, float]:
        workers = pool()
        try:
            stuck_pid = await workers.run(os.getpid, limit=10)
            start = time.monotonic()
            with pytest.raises(JobTimeoutError, match=r"stopped after 0\.3 s"):
                await workers.run(time.sleep, 60, limit=0.3)
            stopped_after = time.monotonic() - start
            fresh_pid = await workers.run(os.getpid, limit=10)
            return stuck_pid, fresh_pid, stopped_after
        finally:
            workers.close()

    stuck_pid, fresh_pid, stopped_after = asyncio.run(scenario())
    assert stopped_after < 3  # 0.3 s, with room for a busy machine
    assert gone(stuck_pid)  # killed and reaped, not left sleeping for a minute
    assert fresh_pid != stuck_pid
    assert multiprocessing.active_children() == []


def test_the_limit_counts_from_the_start_of_the_job_not_the_wait() -> None:
    async def scenario() -> list[object]:
        workers = pool()
        try:
            # The second job waits ~0.6 s for the only worker, then runs 0.05 s.
            return await asyncio.gather(
                workers.run(time.sleep, 0.6, limit=10),
                workers.run(time.sleep, 0.05, limit=0.4),
                return_exceptions=True,
            )
        finally:
            workers.close()

    assert asyncio.run(scenario()) == [None, None]


def test_a_slow_start_is_not_charged_to_the_first_job() -> None:
    async def scenario() -> int:
        workers = WorkerPool(1, time.sleep, (1.0,))  # an initializer that takes 1 s
        try:
            return await workers.run(int, "7", limit=0.3)
        finally:
            workers.close()

    assert asyncio.run(scenario()) == 7


def test_urgent_jobs_go_before_waiting_ones() -> None:
    async def scenario() -> tuple[float, float]:
        workers = pool()
        try:
            busy = asyncio.ensure_future(workers.run(time.sleep, 0.4, limit=10))
            await asyncio.sleep(0.1)  # the worker is taken
            # Jobs sent to the worker behind the running one (JOBS_PER_WORKER) go
            # in their order; the next page then waits in the pool.
            sent = [
                asyncio.ensure_future(workers.run(time.monotonic, limit=10))
                for _ in range(JOBS_PER_WORKER - 1)
            ]
            page = asyncio.ensure_future(workers.run(time.monotonic, limit=10))
            await asyncio.sleep(0)
            feed = asyncio.ensure_future(workers.run(time.monotonic, limit=10, urgent=True))
            await busy
            await asyncio.gather(*sent)
            # time.monotonic is system-wide on Linux: the worker's clock readings compare.
            return await page, await feed
        finally:
            workers.close()

    page_ran_at, feed_ran_at = asyncio.run(scenario())
    assert feed_ran_at < page_ran_at


def test_a_job_sent_ahead_starts_as_the_one_before_it_ends() -> None:
    async def scenario() -> tuple[float, float]:
        workers = pool()
        try:
            await workers.run(int, "1", limit=60)  # started and ready, whatever the load
            first = asyncio.ensure_future(workers.run(time.sleep, 0.2, limit=10))
            second = asyncio.ensure_future(workers.run(time.monotonic, limit=10))
            await asyncio.sleep(0.05)
            # The parent's event loop is held up (as while it stores a feed): the
            # second job was sent with the first, so the worker starts it anyway.
            time.sleep(1.0)
            blocked_until = time.monotonic()
            await first
            return await second, blocked_until
        finally:
            workers.close()

    second_ran_at, blocked_until = asyncio.run(scenario())
    assert second_ran_at < blocked_until


def test_every_job_sent_ahead_starts_while_the_loop_is_held() -> None:
    # A store of a feed with a batch of stories holds the parent's loop longer
    # than one page takes: the worker goes on through the two jobs sent behind
    # the one it runs.
    async def scenario() -> tuple[list[float], float]:
        workers = pool()
        try:
            await workers.run(int, "1", limit=60)  # started and ready, whatever the load
            first = asyncio.ensure_future(workers.run(time.sleep, 0.2, limit=10))
            ahead = [asyncio.ensure_future(workers.run(time.monotonic, limit=10)) for _ in range(2)]
            await asyncio.sleep(0.05)
            time.sleep(1.0)
            blocked_until = time.monotonic()
            await first
            return list(await asyncio.gather(*ahead)), blocked_until
        finally:
            workers.close()

    ran_at, blocked_until = asyncio.run(scenario())
    assert all(t < blocked_until for t in ran_at)


@pytest.mark.parametrize(
    ("first", "error"),
    [((time.sleep, 60), JobTimeoutError), ((os._exit, 3), WorkerLostError)],
    ids=["timed-out", "died"],
)
def test_jobs_waiting_in_a_worker_that_ends_run_in_its_replacement(
    first: tuple[object, ...], error: type[Exception]
) -> None:
    async def scenario() -> list[object]:
        workers = pool()
        try:
            return await asyncio.gather(
                workers.run(*first, limit=0.3),
                *(workers.run(int, str(n), limit=10) for n in range(3)),
                return_exceptions=True,
            )
        finally:
            workers.close()

    ended, *rest = asyncio.run(scenario())
    assert isinstance(ended, error)
    assert rest == [0, 1, 2]
    assert multiprocessing.active_children() == []


def test_a_dying_worker_is_an_error_and_the_pool_goes_on() -> None:
    async def scenario() -> int:
        workers = pool()
        try:
            with pytest.raises(WorkerLostError, match="exit code 3"):
                await workers.run(os._exit, 3, limit=10)
            with pytest.raises(ValueError, match="invalid literal"):
                await workers.run(int, "not a number", limit=10)  # the job's own error
            return await workers.run(int, "42", limit=10)
        finally:
            workers.close()

    assert asyncio.run(scenario()) == 42


class HomeSick:
    """Unpickles anywhere but in the process that made it: an answer the
    parent cannot read back, though the worker could send it."""

    def __init__(self, home: int) -> None:
        self.home = home

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (_come_home, (self.home,))


def _come_home(home: int) -> HomeSick:
    if os.getpid() == home:
        raise ValueError("cannot be rebuilt here")
    return HomeSick(home)


def test_an_answer_the_parent_cannot_read_fails_its_job_and_the_worker_serves_on() -> None:
    async def scenario() -> tuple[int, int]:
        workers = pool()
        try:
            with pytest.raises(RuntimeError, match="cannot be read back: cannot be rebuilt here"):
                await workers.run(list, [HomeSick(os.getpid())], limit=10)
            pids = {w.process.pid for w in workers._all}
            answer = await workers.run(int, "42", limit=10)
            return answer, len(pids & {w.process.pid for w in workers._all})
        finally:
            workers.close()

    assert asyncio.run(scenario()) == (42, 1)  # the same worker answered


def test_close_ends_busy_and_idle_workers_at_once() -> None:
    async def scenario() -> float:
        workers = pool(2)
        await workers.run(os.getpid, limit=10)  # one idle worker
        busy = asyncio.ensure_future(workers.run(time.sleep, 60, limit=120))
        await asyncio.sleep(0.3)
        start = time.monotonic()
        busy.cancel()
        await asyncio.gather(busy, return_exceptions=True)
        workers.close()
        return time.monotonic() - start

    assert asyncio.run(scenario()) < 3
    assert multiprocessing.active_children() == []


def test_prestarted_workers_wait_idle_and_take_the_first_jobs() -> None:
    async def scenario() -> tuple[int, int, set[int]]:
        workers = pool(2)
        try:
            workers.prestart(5)  # never more than the pool's size
            started = workers.started
            pids = set(await asyncio.gather(*(workers.run(os.getpid, limit=10) for _ in range(4))))
            return started, workers.started, pids
        finally:
            workers.close()

    started, after, pids = asyncio.run(scenario())
    assert (started, after, len(pids)) == (2, 2, 2)


def test_a_refresh_starts_workers_before_its_answers_only_for_feeds_without_validators() -> None:
    from reader.core.config import Settings
    from reader.core.models import FeedState
    from reader.core.refresh import Pipeline

    def feed(n: int, etag: str | None) -> FeedState:
        # Nothing listens on port 9: each fetch fails, so no job is ever sent.
        return FeedState(n, f"http://127.0.0.1:9/{n}.xml", "", etag, None, 0, None)

    async def started(states: list[FeedState]) -> int:
        pipeline = Pipeline(Settings(), lambda feed_id: ({}, set(), set()))
        try:
            await pipeline.start(states)
            return pipeline.pool.started
        finally:
            await pipeline.close()

    assert asyncio.run(started([feed(1, '"v1"'), feed(2, '"v2"')])) == 0  # expect 304s
    assert asyncio.run(started([feed(1, '"v1"'), feed(2, None)])) == 1
    assert asyncio.run(started([feed(n, None) for n in range(5)])) == min(5, os.cpu_count() or 2)


def test_a_cancelled_job_sent_ahead_leaves_its_worker_serving() -> None:
    async def scenario() -> tuple[int, int]:
        workers = pool()
        try:
            before = await workers.run(os.getpid, limit=10)
            running = asyncio.ensure_future(workers.run(time.sleep, 0.2, limit=10))
            ahead = asyncio.ensure_future(workers.run(time.sleep, 0.1, limit=10))
            await asyncio.sleep(0.05)
            ahead.cancel()
            await running
            return before, await workers.run(os.getpid, limit=10)
        finally:
            workers.close()

    before, after = asyncio.run(scenario())
    assert before == after


def test_a_worker_that_cannot_start_fails_each_job_and_never_hangs() -> None:
    async def scenario() -> list[object]:
        workers = WorkerPool(1, os._exit, (4,))  # every worker dies in its start-up
        try:
            return await asyncio.wait_for(
                asyncio.gather(
                    *(workers.run(int, str(n), limit=10) for n in range(3)),
                    return_exceptions=True,
                ),
                timeout=30,
            )
        finally:
            workers.close()

    results = asyncio.run(scenario())
    assert all(isinstance(result, WorkerLostError) for result in results)
    assert multiprocessing.active_children() == []


PRELOAD_PROBE = """
import asyncio, sys, threading
from reader.core import refresh
from reader.core.pickling import as_tuple  # noqa: F401 (any import: the app has many)
from reader.core.workers import WorkerPool

extract = sys.argv[1] == "pages"
# A running thread, as in the app: workers then come from the fork server.
threading.Thread(target=threading.Event().wait, daemon=True).start()
LOADED = "tuple(m in __import__('sys').modules for m in {modules!r})"


async def main():
    preload = refresh.WORKER_PRELOAD + (refresh.WORKER_PRELOAD_PAGES if extract else ())
    pool = WorkerPool(1, refresh._init_worker, (extract,), preload=preload)
    try:
        return await pool.run(eval, LOADED, limit=60)
    finally:
        pool.close()


print(asyncio.run(main()))
"""


@pytest.mark.parametrize(("pages", "expected"), [("", (True, False)), ("pages", (True, True))])
def test_workers_from_the_fork_server_start_with_what_it_preloaded(
    pages: str, expected: tuple[bool, bool]
) -> None:
    # In a fresh interpreter: the fork server is started once per process, with
    # the preload of the first pool that needs it. The preload modules are
    # imported by nothing but the server, so a worker holding them got them
    # from it; the pages' one only when pages are extracted.
    modules = ("reader.core.worker_preload", "reader.core.worker_preload_pages")
    script = PRELOAD_PROBE.replace("{modules!r}", repr(modules))
    done = subprocess.run(
        [sys.executable, "-c", script, pages or "feeds"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == repr(expected)


def test_a_preload_module_that_is_missing_does_not_stop_the_workers() -> None:
    script = PRELOAD_PROBE.replace("{modules!r}", "()").replace(
        "preload=preload", "preload=('no_such_module_here',)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "feeds"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "()"


# More than any pipe's buffer (Linux caps one at net.core.wmem_max, 4 MB here).
LARGE = b"x" * (16 * 1024 * 1024)


def off_the_loop(scenario: object, stuck: list[int], timeout: float = 10) -> object:
    """asyncio.run(scenario) in a thread: a parent stuck writing to a worker that
    does not read fails the test instead of hanging it (the stuck workers are
    then killed, which ends the write)."""
    results: list[object] = []
    runner = threading.Thread(target=lambda: results.append(asyncio.run(scenario)))  # type: ignore[arg-type]
    runner.start()
    runner.join(timeout)
    if runner.is_alive():
        for pid in stuck:
            os.kill(pid, signal.SIGKILL)
        runner.join(30)
        pytest.fail("the event loop was stuck sending a job to a worker that did not read it")
    return results[0]


def test_a_large_job_never_waits_in_the_pipe_of_a_stuck_worker() -> None:
    # A job in C code that keeps the GIL (a runaway regular expression) keeps
    # the worker's receiving thread from reading too: here the worker is
    # stopped outright. The job past its limit must still end, and a large job
    # queued behind it run in the replacement, the event loop never waiting
    # on a write the stuck worker will not read.
    stuck: list[int] = []

    async def scenario() -> list[object]:
        workers = pool()
        try:
            stuck.append(await workers.run(os.getpid, limit=10))
            os.kill(stuck[0], signal.SIGSTOP)
            return await asyncio.gather(
                workers.run(int, "1", limit=0.5),
                workers.run(len, LARGE, limit=10),
                return_exceptions=True,
            )
        finally:
            workers.close()

    timed_out, length = off_the_loop(scenario(), stuck)  # type: ignore[misc]
    assert isinstance(timed_out, JobTimeoutError)
    assert length == len(LARGE)


def test_a_large_job_waits_for_its_worker_to_start_before_it_is_sent() -> None:
    # A worker reads jobs only once it has started; until then the event loop
    # must not wait on a write it cannot take (here: a start-up that never ends
    # but by its limit).
    async def scenario() -> object:
        workers = WorkerPool(1, time.sleep, (15,))
        try:
            return await asyncio.gather(workers.run(len, LARGE, limit=10), return_exceptions=True)
        finally:
            workers.close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers_module, "STARTUP_LIMIT", 0.5)
        (result,) = off_the_loop(scenario(), [], timeout=10)  # type: ignore[misc]
    assert isinstance(result, JobTimeoutError)


def test_jobs_sent_ahead_never_fill_the_pipe_of_a_worker_not_started() -> None:
    # A worker not started yet reads none of its jobs: together they must fit
    # in its pipe, however many a worker may hold, or the event loop waits on
    # a write nobody takes. Each of these fits alone, three do not.
    parent_end, child_end = multiprocessing.Pipe()
    room = workers_module._roomy(parent_end)
    parent_end.close()
    child_end.close()
    medium = b"x" * (room * 2 // 5)

    async def scenario() -> object:
        workers = WorkerPool(1, time.sleep, (15,))
        try:
            return await asyncio.gather(
                *(workers.run(len, medium, limit=10) for _ in range(3)), return_exceptions=True
            )
        finally:
            workers.close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers_module, "STARTUP_LIMIT", 0.5)
        results = off_the_loop(scenario(), [], timeout=20)
    assert all(isinstance(r, JobTimeoutError) for r in results)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OneField:
    value: int

    __reduce__ = as_tuple


@dataclass(frozen=True, slots=True)
class MoreFields(OneField):
    name: str = ""
    parts: tuple[int, ...] = ()

    __reduce__ = as_tuple


def test_records_cross_processes_as_their_field_values_in_order() -> None:
    for record in (OneField(1), MoreFields(2, "b", (3,))):
        assert as_tuple(record) == (type(record), dataclasses.astuple(record))
        assert pickle.loads(pickle.dumps(record)) == record
