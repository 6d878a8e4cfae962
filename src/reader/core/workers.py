"""Worker processes for the refresh's CPU work, with a time limit that stops the work.

concurrent.futures' ProcessPoolExecutor cannot stop a job once it runs:
`asyncio.wait_for` around its future only stops the wait, while the worker goes
on (trafilatura on a costly page: minutes), later jobs queue behind it and the
interpreter waits for it at exit. Its manager thread also raced with the
interpreter's exit hook (an `OSError: [Errno 9]` traceback about one exit in
fifty: `_python_exit` writes to a wakeup pipe the thread was closing).

Here each worker process runs one job at a time over its own pipe, with the
next one already sent (JOBS_PER_WORKER); a job's limit counts from the moment
its worker starts it (not while it waits for one), and a job past its limit has
its worker killed and replaced, the jobs that waited in it going to the next.
Closing kills and reaps every worker at once, on the calling thread: no thread
or pipe outlives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import queue
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext

T = TypeVar("T")


class JobTimeoutError(Exception):
    """The job ran past its limit; its worker was killed."""


class WorkerLostError(Exception):
    """The worker process ended in the middle of the job (killed, out of memory)."""


# How long a new worker may take to start (fork server, imports) before it is
# given up. Generous: a busy machine, a cold disk.
STARTUP_LIMIT = 120.0


# How long closing the pool (or dropping a worker) waits for the killed workers
# to be reported gone. A killed worker is gone in milliseconds; its end is
# reported by its parent: this process for a forked worker, else the fork
# server, which hears of it by SIGCHLD only. Where that never comes (SIGCHLD
# blocked in the process that started the server, or ignored here, so that
# nobody can wait for the worker), the wait stops at this limit instead of
# lasting for ever (a CI run hung for 90 minutes on it).
REAP_LIMIT = 5.0


# Jobs sent to one worker at once: the one it runs and the next two. Those
# wait in the worker, not in the parent: a worker that finishes a page starts
# the following one at once, instead of after the parent has read the answer
# and chosen the next job. The parent is slow to do so while it stores a
# finished feed (the event loop waits for that: ~20 ms of CPU a feed of real
# pages, ~50 ms more when it also writes a batch of stories) or while the
# workers and the parent share the two cores. With one job each, the workers
# stood idle ~12 of 105 s of the full first refresh with real pages; with two
# (one page, ~18 ms of CPU on average, waiting behind the running one), a
# store that outlasted it still left them idle. Refreshes of 2,000 real pages
# at a load of 6-10: 1.6-3.4 s of the workers' idle time fell inside the
# parent's stores with two jobs a worker, 1.1-1.8 s with three.
JOBS_PER_WORKER = 3


@dataclass(eq=False)
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    limit: float
    urgent: bool
    answer: asyncio.Future[tuple[bool, Any]]
    message: bytes | None = None  # (fn, args) pickled, once it is to be sent
    size: int = 0  # the message's length, once sent


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False  # it said so once its initializer ran
    # Sent to it and not yet answered, in the order it runs them: the first
    # runs (once it is ready), the others wait in the worker.
    jobs: deque[_Job] = field(default_factory=deque)
    # Ends the running job (or the start-up) when it passes its limit.
    timer: asyncio.TimerHandle | None = None
    # Bytes its pipe holds before a sender waits (_roomy).
    room: int = 0


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """A worker's life: run jobs until the parent closes the pipe or kills it."""
    # Ctrl-C reaches the whole process group; the parent reports the
    # interruption and ends its workers, which must not print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer(*initargs)
    conn.send(True)  # ready: the first job's time limit starts after this
    # A thread takes the jobs off the pipe as they come, so the parent never
    # waits to send the next one (a page can be larger than the pipe's buffer)
    # while this process is busy or sending an answer the parent has not read.
    jobs: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None]
    jobs = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, jobs), daemon=True).start()
    while (job := jobs.get()) is not None:
        fn, args = job
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:
            reply = (False, _portable(exc))
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            conn.send((False, RuntimeError(f"the job's result cannot be sent back: {exc}")))


def _receive(
    conn: Connection, jobs: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None]
) -> None:
    while True:
        try:
            jobs.put(conn.recv())
        except (EOFError, OSError):
            jobs.put(None)  # the parent is gone or closed the pipe: the worker ends
            return


# Bytes a message may leave in a worker's pipe before its sender waits for the
# other side to take them. A page (~180 KB here, a few MB at most) sent to a busy
# worker waited for the worker's receiving thread to get the GIL: 2.4 ms a send
# on average, up to 70 ms, with the event loop stopped (600 real pages, load 6).
# The other way, a worker's answer (a long article with its mentions) need not
# wait for a parent that is storing a feed before the worker starts its next job.
# Linux caps it at net.core.wmem_max (4 MB here; often 208 KB).
PIPE_BUFFER_BYTES = 4 * 1024 * 1024


# What a pipe whose buffer cannot be read holds for certain (Linux's least).
PIPE_BUFFER_LEAST = 64 * 1024


def _roomy(conn: Connection) -> int:
    """Ask for PIPE_BUFFER_BYTES of send buffer on one end of a pipe; the bytes
    it then holds before a sender waits (Linux reports about as much)."""
    with contextlib.suppress(OSError):  # a pipe without socket options keeps its own
        duplicate = socket.socket(fileno=os.dup(conn.fileno()))
        with duplicate:  # closing the copy leaves the pipe open; the option stays
            duplicate.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIPE_BUFFER_BYTES)
            return max(PIPE_BUFFER_LEAST, duplicate.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
    return PIPE_BUFFER_LEAST


def _portable(exc: Exception) -> Exception:
    """The exception, or a stand-in saying the same when it cannot cross a pipe."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, just made
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class WorkerPool:
    """Up to `size` worker processes, started on first use.

    `run(..., urgent=True)` jobs (a feed's parsing) are sent to the next
    worker with room before the other waiting jobs (article pages), so a feed
    never waits behind other feeds' pages for its turn, only behind the
    JOBS_PER_WORKER already sent.
    """

    def __init__(
        self,
        size: int,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...] = (),
        *,
        preload: Sequence[str] = (),
    ) -> None:
        """`preload`: modules a fork server imports before it forks workers,
        when workers are started by one (see _start): what the initializer
        loads, loaded there once instead of in every worker. They must not
        raise (the server would stop); a missing one is skipped."""
        self.size = max(1, size)
        self._initializer = initializer
        self._initargs = initargs
        self._preload = list(preload)
        self._all: list[_Worker] = []
        self._urgent: deque[_Job] = deque()
        self._waiting: deque[_Job] = deque()
        self._closed = False
        self._context: ForkContext | ForkServerContext | None = None
        self._event_loop: asyncio.AbstractEventLoop | None = None

    async def run(self, fn: Callable[..., T], *args: Any, limit: float, urgent: bool = False) -> T:
        """fn(*args) in a worker; JobTimeoutError after `limit` seconds of work."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        job = _Job(fn, args, limit, urgent, asyncio.get_running_loop().create_future())
        (self._urgent if urgent else self._waiting).append(job)
        self._dispatch()
        try:
            ok, value = await job.answer
        except asyncio.CancelledError:
            # Not sent yet: it never runs. Sent: the worker runs it (within its
            # limit) and its answer is dropped; the worker is fine for the next.
            for waiting in (self._urgent, self._waiting):
                if job in waiting:
                    waiting.remove(job)
            raise
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]  # a job's result comes untyped off the pipe

    @property
    def started(self) -> int:
        """How many worker processes there are now (busy, idle or starting)."""
        return len(self._all)

    def prestart(self, count: int) -> None:
        """Start up to `count` workers now (never more than `size`), idle until a
        job comes: their start-up (imports, the knowledge base) then runs while
        the caller waits on the network rather than after its first answer."""
        while not self._closed and len(self._all) < min(count, self.size):
            self._start()

    def close(self) -> None:
        """Kill every worker and wait for each to be gone (milliseconds; at
        most REAP_LIMIT seconds in all)."""
        self._closed = True
        for job in (*self._urgent, *self._waiting):
            job.answer.cancel()
        self._urgent.clear()
        self._waiting.clear()
        workers = list(self._all)
        # All are killed before any is waited for: they end together, and
        # the waits share one limit.
        for worker in workers:
            _kill(worker.process)
        reap_by = time.monotonic() + REAP_LIMIT
        for worker in workers:
            for job in worker.jobs:
                job.answer.cancel()
            worker.jobs.clear()
            self._discard(worker, reap_by)

    # -- jobs ----------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Send waiting jobs, urgent ones first, to the workers with room: an
        idle worker first, then a new one (up to `size`), then a busy one."""
        while not self._closed and (self._urgent or self._waiting):
            try:
                worker = self._worker_with_room()
            except OSError as exc:  # no process to spare: the job's own failure
                (self._urgent or self._waiting).popleft().answer.set_exception(exc)
                continue
            if worker is None:
                return
            queued = self._urgent or self._waiting
            job = queued[0]
            try:
                if job.message is None:
                    job.message = bytes(ForkingPickler.dumps((job.fn, job.args)))
            except Exception as exc:  # the job cannot be pickled: its own error
                queued.popleft().answer.set_exception(exc)
                continue
            if not self._free_to_read(worker, job.message):
                # Sent now, it could stop the event loop (and with it every
                # time limit) until the worker reads it: the job waits here
                # for a worker free to read it, the ones behind it too.
                return
            queued.popleft()
            worker.jobs.append(job)
            try:
                worker.conn.send_bytes(job.message)
            except OSError:
                # Its pipe is broken: the worker died (at start, or in the job it
                # ran). One job fails with it, as when it dies running it: the one
                # it ran, else this one (sent again, a worker that cannot start
                # would take it round forever); one behind it waits again.
                self._lost(worker)
                continue
            job.size, job.message = len(job.message), None
            if len(worker.jobs) == 1 and worker.ready:
                self._time(worker, job.limit, "stopped")

    def _worker_with_room(self) -> _Worker | None:
        idle = [w for w in self._all if not w.jobs]
        if idle:
            return next((w for w in idle if w.ready), idle[0])
        if len(self._all) < self.size:
            return self._start()
        with_room = [w for w in self._all if len(w.jobs) < JOBS_PER_WORKER]
        return min(with_room, key=lambda w: len(w.jobs), default=None)

    @staticmethod
    def _free_to_read(worker: _Worker, message: bytes) -> bool:
        """Whether the worker takes the message off its pipe without waiting
        on its jobs. A worker reads its jobs on a thread of their own, but only
        once started, and not while a job runs in C code that keeps the GIL (a
        runaway regular expression): what is sent to it then must fit in the
        pipe's buffer beside the jobs it may not have read yet (all of them
        before it starts; once started, all but the one it runs)."""
        if worker.ready and not worker.jobs:
            return True
        unread = sum(job.size for job in worker.jobs)
        if worker.ready:
            unread -= worker.jobs[0].size
        # Linux charges each write its buffers' upkeep too (a pipe with room
        # for 8 MB took 7.9 MB of 180 KB writes): an eighth is kept spare.
        return unread + len(message) <= worker.room - worker.room // 8

    def _time(self, worker: _Worker, limit: float, what: str) -> None:
        if worker.timer is not None:
            worker.timer.cancel()
        worker.timer = self._loop().call_later(limit, self._past_limit, worker, limit, what)

    def _past_limit(self, worker: _Worker, limit: float, what: str) -> None:
        # Timed out: the worker's state is unknown, so it goes, and a fresh
        # one takes the jobs that were waiting in it.
        worker.timer = None
        self._fail_running(worker, JobTimeoutError(f"{what} after {limit:g} s"))
        self._discard(worker)

    def _answered(self, worker: _Worker) -> None:
        """The worker's next message: that it is ready, or its running job's answer."""
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return
        except Exception as exc:
            # The answer arrived whole (the pipe stays in step) but cannot be
            # unpickled here: that job fails with the reason, the worker serves on.
            message = (False, RuntimeError(f"the job's answer cannot be read back: {exc}"))
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if not worker.ready:
            worker.ready = True
        elif worker.jobs:
            job = worker.jobs.popleft()
            if not job.answer.done():
                job.answer.set_result(message)
        if worker.jobs:  # it starts the next one now
            self._time(worker, worker.jobs[0].limit, "stopped")
        self._dispatch()

    def _lost(self, worker: _Worker) -> None:
        """The worker process ended: its running job fails, the others wait again."""
        worker.process.join(1.0)
        error = WorkerLostError(f"the worker process ended (exit code {worker.process.exitcode})")
        self._fail_running(worker, error)
        self._discard(worker)

    def _fail_running(self, worker: _Worker, error: Exception) -> None:
        """The job the worker ran fails; if it never started, the first one
        sent to it or, held back for it (_free_to_read), the first waiting:
        a worker that cannot start then fails each job rather than none."""
        if worker.jobs:
            job = worker.jobs.popleft()
        elif not worker.ready and (self._urgent or self._waiting):
            job = (self._urgent or self._waiting).popleft()
        else:
            return
        if not job.answer.done():
            job.answer.set_exception(error)

    # -- workers -------------------------------------------------------------------

    def _loop(self) -> asyncio.AbstractEventLoop:
        """The event loop that reads the workers' answers: the one running now."""
        self._event_loop = asyncio.get_running_loop()
        return self._event_loop

    def _start(self) -> _Worker:
        # fork: workers inherit the imported modules, so they start in
        # milliseconds; they never touch the parent's sockets or database.
        # Forking a process that runs other threads (the app, a test runner)
        # can copy a lock held by one of them, so there a fork server starts
        # the workers instead. Chosen once, at the pool's first worker, as
        # the refresh starts (later, its own DNS lookups run in threads).
        if self._context is None:
            if threading.active_count() == 1:
                self._context = multiprocessing.get_context("fork")
            else:
                self._context = multiprocessing.get_context("forkserver")
                # Heeded when the server starts (the process's first pool
                # using it); it then serves every later pool, preloaded.
                # "__main__", multiprocessing's own default, stays first: the
                # server imports the program's main module once, and the
                # workers do not run it again each.
                if self._preload:
                    self._context.set_forkserver_preload(["__main__", *self._preload])
        context = self._context
        parent_end, child_end = context.Pipe()
        room = _roomy(parent_end)
        _roomy(child_end)
        process = context.Process(
            target=_serve,
            args=(child_end, self._initializer, self._initargs),
            name="reader-worker",
            daemon=True,
        )
        try:
            with _child_exits_heard():
                process.start()
        finally:
            # Only the worker holds its end: its death then reads as EOF here.
            child_end.close()
        worker = _Worker(process, parent_end, room=room)
        self._all.append(worker)
        self._loop().add_reader(parent_end.fileno(), self._answered, worker)
        # Its start-up (imports, the knowledge base) is not a job's time.
        self._time(worker, STARTUP_LIMIT, "starting a worker")
        return worker

    def _discard(self, worker: _Worker, reap_by: float | None = None) -> None:
        """Kill the worker and wait until it is gone (until `reap_by` at the
        latest, else REAP_LIMIT from now); its waiting jobs go to the others."""
        if worker not in self._all:
            return
        self._all.remove(worker)
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        if self._event_loop is not None and not self._event_loop.is_closed():
            self._event_loop.remove_reader(worker.conn.fileno())
        worker.conn.close()
        _end_process(worker.process, reap_by)
        # Jobs that waited in it never started: they go first to the next worker.
        for job in reversed(worker.jobs):
            if not job.answer.done():
                (self._urgent if job.urgent else self._waiting).appendleft(job)
        worker.jobs.clear()
        self._dispatch()


def _end_process(process: BaseProcess, reap_by: float | None = None) -> None:
    """Kill the process and wait until it is reported gone, until `reap_by`
    at the latest (else REAP_LIMIT from now); never longer (see _forget)."""
    _kill(process)
    if reap_by is None:
        reap_by = time.monotonic() + REAP_LIMIT
    process.join(max(0.0, reap_by - time.monotonic()))
    if process.exitcode is None:
        _forget(process)
    else:
        process.close()


def _kill(process: BaseProcess) -> None:
    if process.exitcode is None:  # else its pid may be another process's by now
        process.kill()


def _forget(process: BaseProcess) -> None:
    """A killed worker whose end was not reported within REAP_LIMIT (see
    there): nobody waits for it again. multiprocessing would, without a limit,
    when the interpreter exits (it joins every child it knows of); the fork
    server or the system reaps it once it can."""
    children = getattr(multiprocessing.process, "_children", None)
    if isinstance(children, set):
        children.discard(process)


@contextlib.contextmanager
def _child_exits_heard() -> Iterator[None]:
    """SIGCHLD unblocked on this thread while it starts a worker.

    A fork server started now (by the process's first worker that needs one)
    inherits this thread's signal mask, and it learns that a worker ended only
    from SIGCHLD: started with it blocked (a launcher or a CI runner may start
    the program so), it reaps no worker and reports none gone."""
    previous = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
