"""Worker processes for the refresh's CPU work, with a time limit that stops the work.

concurrent.futures' ProcessPoolExecutor cannot stop a job once it runs:
`asyncio.wait_for` around its future only stops the wait, while the worker goes
on (trafilatura on a costly page: minutes), later jobs queue behind it and the
interpreter waits for it at exit. Its manager thread also raced with the
interpreter's exit hook (an `OSError: [Errno 9]` traceback about one exit in
fifty: `_python_exit` writes to a wakeup pipe the thread was closing).

Here each worker process runs one job at a time over its own pipe, a job's
limit counts from the moment a worker starts it (not while it waits for one),
and a job past its limit has its worker killed and replaced. Closing kills and
reaps every worker at once, on the calling thread: no thread or pipe outlives it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import signal
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
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


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False  # it said so once its initializer ran


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """A worker's life: run jobs until the parent closes the pipe or kills it."""
    # Ctrl-C reaches the whole process group; the parent reports the
    # interruption and ends its workers, which must not print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer(*initargs)
    conn.send(True)  # ready: the first job's time limit starts after this
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:
            reply = (False, _portable(exc))
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            conn.send((False, RuntimeError(f"the job's result cannot be sent back: {exc}")))


def _portable(exc: Exception) -> Exception:
    """The exception, or a stand-in saying the same when it cannot cross a pipe."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, just made
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class WorkerPool:
    """Up to `size` worker processes, started on first use.

    `run(..., urgent=True)` jobs (a feed's parsing) get the next free worker
    before the other waiting jobs (article pages), so a feed never waits behind
    other feeds' pages for its turn.
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
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._urgent: deque[asyncio.Future[_Worker]] = deque()
        self._waiting: deque[asyncio.Future[_Worker]] = deque()
        self._closed = False
        self._context: ForkContext | ForkServerContext | None = None

    async def run(self, fn: Callable[..., T], *args: Any, limit: float, urgent: bool = False) -> T:
        """fn(*args) in a worker; JobTimeoutError after `limit` seconds of work."""
        worker = await self._acquire(urgent)
        try:
            ok, value = await self._call(worker, fn, args, limit)
        except BaseException:
            # Timed out, cancelled mid-job or dead: the worker's state is
            # unknown, so it goes, and a fresh one takes its place.
            self._discard(worker)
            raise
        self._release(worker)
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
            self._release(self._start())

    def close(self) -> None:
        """Kill every worker and wait for each to be gone (milliseconds)."""
        self._closed = True
        for waiter in (*self._urgent, *self._waiting):
            waiter.cancel()
        self._urgent.clear()
        self._waiting.clear()
        for worker in list(self._all):
            self._discard(worker)

    # -- workers -------------------------------------------------------------------

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
        process = context.Process(
            target=_serve,
            args=(child_end, self._initializer, self._initargs),
            name="reader-worker",
            daemon=True,
        )
        try:
            process.start()
        finally:
            # Only the worker holds its end: its death then reads as EOF here.
            child_end.close()
        worker = _Worker(process, parent_end)
        self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.process.close()
        if not self._closed and self._waiters():
            # A job is waiting for the slot this worker held.
            self._release(self._start())

    def _waiters(self) -> bool:
        return any(not f.done() for f in (*self._urgent, *self._waiting))

    async def _acquire(self, urgent: bool) -> _Worker:
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        if self._idle:
            return self._idle.pop()
        if len(self._all) < self.size:
            return self._start()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._waiting).append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed over as we were cancelled
            raise

    def _release(self, worker: _Worker) -> None:
        for queue in (self._urgent, self._waiting):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(worker)
                    return
        self._idle.append(worker)

    async def _call(
        self, worker: _Worker, fn: Callable[..., Any], args: tuple[Any, ...], limit: float
    ) -> tuple[bool, Any]:
        if not worker.ready:
            # Its start-up (imports, the knowledge base) is not the job's time.
            await self._answer(worker, STARTUP_LIMIT, "starting a worker")
            worker.ready = True
        worker.conn.send((fn, args))
        reply: tuple[bool, Any] = await self._answer(worker, limit, "stopped")
        return reply

    async def _answer(self, worker: _Worker, limit: float, what: str) -> Any:
        """The worker's next message, waiting at most `limit` seconds for it."""
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not answered.done():
                answered.set_result(None)

        fd = worker.conn.fileno()
        loop.add_reader(fd, readable)
        try:
            async with asyncio.timeout(limit):
                await answered
        except TimeoutError:
            raise JobTimeoutError(f"{what} after {limit:g} s") from None
        finally:
            loop.remove_reader(fd)
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(1.0)
            code = worker.process.exitcode
            raise WorkerLostError(f"the worker process ended (exit code {code})") from None
