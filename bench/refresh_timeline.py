"""Where the full-pages first refresh's wall time goes beyond its CPU: a timeline.

    python bench/refresh_timeline.py                   # 300 feeds x 20 real pages, this checkout
    python bench/refresh_timeline.py --python OTHER/.venv/bin/python   # another checkout's code
    python bench/refresh_timeline.py --feeds 100 --keep /tmp/tl  # keep the logs and database

It starts refresh_bench's farm (the same feeds and real pages, 100 ms latency),
imports the feeds and runs one first refresh with every page extracted through
the CLI of --python's checkout (``reader refresh``), with hooks that log, per
process and on the system-wide monotonic clock: each job's start and end in the
workers (a feed's parsing, a page's extraction), the parent's feed and page
GETs, each finished feed's store, the story batches written on the way, the
closing steps (the worker pool's close, story grouping, pruning, the
database's close and its WAL checkpoint) and the exit. A sampler reads /proc
every 100 ms: the CPU of the parent, each worker and the farm, and each
process's run-queue wait (/proc/PID/task/TID/schedstat).

It prints the phases (start-up: to the first page job; pages: to the start of
the last page job; tail: that job; end: from its end to the process's exit)
with their wall time, our CPU, the farm's CPU and the **idle-core seconds**:
the integral of 2 cores less what our processes could have run (per process
the larger of its CPU time and its running plus run-queue time) less the
farm's CPU. On an idle machine that is the time a core stood idle; on a shared
one the cores other jobs took are not counted as idle (a process waiting for
one counts as running). Then each worker's idle time between jobs, and how
much of it fell inside the parent's stores (the parent's event loop, which
sends the workers their next jobs, does not run while it stores a feed).

Only loopback addresses are used; nothing is asserted; exit 0 unless the
refresh fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SAMPLE_EVERY = 0.1
CORES = 2


# -- in the refreshing process: the CLI with hooks -----------------------------------


def run_cli_with_hooks(argv: list[str]) -> int:
    """`reader ARGV` with an event log per process in $TIMELINE_EVENTS (forked
    workers inherit the hooks: their jobs are looked up by name in the module)."""
    import atexit
    import functools
    import resource

    folder = os.environ["TIMELINE_EVENTS"]
    files: dict[int, Any] = {}

    def log(event: str, detail: str = "") -> None:
        pid = os.getpid()
        if pid not in files:
            files[pid] = open(f"{folder}/{pid}.log", "a", buffering=1)  # noqa: SIM115
        files[pid].write(f"{time.monotonic():.4f} {time.process_time():.4f} {event} {detail}\n")

    import reader.core.refresh as refresh
    import reader.core.service as service
    from reader.core.fetch import PAGE_ACCEPT, Fetcher
    from reader.core.store.store import Store

    def job(name: str, tag: str, url_at: int) -> None:
        original = getattr(refresh, name)

        @functools.wraps(original)
        def hooked(*args: Any, **kwargs: Any) -> Any:
            log(tag + "+", str(args[url_at]))
            try:
                return original(*args, **kwargs)
            finally:
                log(tag + "-", str(args[url_at]))

        setattr(refresh, name, hooked)  # pickled by name: the workers run this one

    job("_page_record", "page", 2)
    job("_read_feed", "feed", 2)

    original_get = Fetcher.get

    async def get(self: Fetcher, url: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original_get(self, url, *args, **kwargs)
        finally:
            log("get-page" if kwargs.get("accept") == PAGE_ACCEPT else "get-feed", url)

    Fetcher.get = get  # type: ignore[method-assign]

    def span(owner: Any, name: str, tag: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def hooked(*args: Any, **kwargs: Any) -> Any:
            log(tag + "+")
            try:
                return original(*args, **kwargs)
            finally:
                log(tag + "-")

        setattr(owner, name, hooked)

    span(service.Reader, "_store", "store")
    span(service.Reader, "group_some_refreshed", "stories")
    span(service.Reader, "group_refreshed", "group")
    span(service, "_close_pipeline", "close-pool")
    span(Store, "prune", "prune")
    span(Store, "close", "close-db")

    def at_exit() -> None:
        own, kids = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        log("exit", f"{own.ru_utime + own.ru_stime:.3f} {kids.ru_utime + kids.ru_stime:.3f}")

    atexit.register(at_exit)
    log("start")
    from reader.cli.main import main

    return main(argv)


# -- in this process: the farm, the sampler, the phases ------------------------------


def _proc_times(pid: int, tick: int) -> tuple[float, float] | None:
    """(CPU seconds, running + run-queue seconds over its live threads) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / tick
        runnable = 0
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    run_ns, wait_ns, _ = f.read().split()
                runnable += int(run_ns) + int(wait_ns)
            except (OSError, ValueError):
                pass
    except (OSError, ValueError, IndexError):
        return None
    return cpu, runnable / 1e9


class Sampler(threading.Thread):
    """Every SAMPLE_EVERY: (when, {pid: (CPU, runnable)} of our processes, the farm's CPU)."""

    def __init__(self, pid: int, farm_pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.farm_pid = pid, farm_pid
        self.samples: list[tuple[float, dict[int, tuple[float, float]], float]] = []
        self.stop_event = threading.Event()

    def run(self) -> None:
        from refresh_bench import _descendants

        tick = os.sysconf("SC_CLK_TCK")
        while not self.stop_event.is_set():
            now = time.monotonic()
            ours = {}
            for pid in _descendants(self.pid):
                times = _proc_times(pid, tick)
                if times is not None:
                    ours[pid] = times
            farm = _proc_times(self.farm_pid, tick)
            self.samples.append((now, ours, farm[0] if farm else 0.0))
            self.stop_event.wait(max(0.0, SAMPLE_EVERY - (time.monotonic() - now)))


@dataclass
class Load:
    ours_cpu: float = 0.0
    farm_cpu: float = 0.0
    idle_cores: float = 0.0


def load_between(samples: list[Any], start: float, end: float) -> Load:
    """Our CPU, the farm's and the idle-core seconds between two instants,
    each sampling interval counted for the part of it inside them."""
    load = Load()
    for (t0, ours0, farm0), (t1, ours1, farm1) in itertools.pairwise(samples):
        inside = min(end, t1) - max(start, t0)
        if inside <= 0:
            continue
        share = inside / (t1 - t0)
        cpu = runnable = 0.0
        for pid, (c1, r1) in ours1.items():
            if pid in ours0:
                c0, r0 = ours0[pid]
                cpu += c1 - c0
                runnable += max(c1 - c0, r1 - r0)
        load.ours_cpu += cpu * share
        load.farm_cpu += (farm1 - farm0) * share
        load.idle_cores += max(0.0, CORES * (t1 - t0) - runnable - (farm1 - farm0)) * share
    return load


def read_events(folder: Path) -> dict[int, list[tuple[float, float, str, str]]]:
    events = {}
    for path in folder.iterdir():
        rows = []
        for line in path.read_text().splitlines():
            at, cpu, name, *detail = line.split(" ", 3)
            rows.append((float(at), float(cpu), name, detail[0] if detail else ""))
        events[int(path.stem)] = rows
    return events


def spans(rows: list[tuple[float, float, str, str]], tag: str) -> list[tuple[float, float, float]]:
    """(start, end, CPU) of each hooked call named `tag` in one process's log."""
    found, open_ = [], {}
    for at, cpu, name, detail in rows:
        if name == tag + "+":
            open_[detail] = (at, cpu)
        elif name == tag + "-" and detail in open_:
            start, cpu0 = open_.pop(detail)
            found.append((start, at, cpu - cpu0))
    return found


def report(
    events: dict[int, list[Any]], parent: int, samples: list[Any], t0: float, t1: float
) -> None:
    main = events[parent]
    workers = {pid: rows for pid, rows in events.items() if pid != parent}
    jobs = {pid: sorted(spans(rows, "page") + spans(rows, "feed")) for pid, rows in workers.items()}
    pages = sorted(s for rows in workers.values() for s in spans(rows, "page"))
    stores = spans(main, "store")
    batches = spans(main, "stories")

    def first(name: str) -> float | None:
        return next((at for at, _, n, _ in main if n == name), None)

    def last(name: str) -> float | None:
        return max((at for at, _, n, _ in main if n == name), default=None)

    marks = {
        "first feed fetched": first("get-feed"),
        "last feed fetched": last("get-feed"),
        "first page job starts": pages[0][0],
        "last page fetched": last("get-page"),
        "last page job starts": pages[-1][0] if pages else None,
        "last page job ends": max(end for _, end, _ in pages),
        "last feed stored": stores[-1][1] if stores else None,
        "pool closed": last("close-pool-"),
        "stories grouped": last("group-"),
        "pruned": last("prune-"),
        "database closed": last("close-db-"),
        "exit handlers": last("exit"),
        "process gone": t1,
    }
    print("events (s from the CLI's start):")
    for name, at in marks.items():
        if at is not None:
            print(f"  {name:24s} {at - t0:8.2f}")
    last_start = max(start for start, _, _ in pages)
    last_end = max(end for _, end, _ in pages)
    phases = [
        ("start-up (to the first page job)", t0, pages[0][0]),
        ("pages (to the last page job's start)", pages[0][0], last_start),
        ("tail (the last page job)", last_start, last_end),
        ("end (to the process's exit)", last_end, t1),
        ("whole", t0, t1),
    ]
    print("\nphase                                   wall s   our CPU s  farm CPU s  idle-core s")
    for name, start, end in phases:
        load = load_between(samples, start, end)
        print(
            f"  {name:37s} {end - start:7.2f} {load.ours_cpu:10.2f} {load.farm_cpu:10.2f}"
            f" {load.idle_cores:11.2f}"
        )
    exit_line = [detail for _, _, name, detail in main if name == "exit"]
    if exit_line:
        own, kids = exit_line[0].split()
        print(f"\nCPU by getrusage: parent {float(own):.2f} s, workers {float(kids):.2f} s")
    window = (pages[0][0], last_end)
    idle = between_stores = 0.0
    for pid, spans_ in jobs.items():
        busy = sum(max(0.0, min(window[1], e) - max(window[0], s)) for s, e, _ in spans_)
        gaps = [(e0, s1) for (_, e0, _), (s1, _, _) in itertools.pairwise(spans_)]
        in_stores = sum(max(0.0, min(g1, e) - max(g0, s)) for g0, g1 in gaps for s, e, _ in stores)
        idle += window[1] - window[0] - busy
        between_stores += in_stores
        print(
            f"worker {pid}: {len(spans_)} jobs, {sum(c for *_, c in spans_):.2f} s of CPU in them;"
            f" idle {window[1] - window[0] - busy:.2f} s of the pages'"
            f" {window[1] - window[0]:.2f} s,"
            f" {in_stores:.2f} s of it while the parent stored"
        )
    store_wall = sum(e - s for s, e, _ in stores)
    print(
        f"parent: {len(stores)} feeds stored, {store_wall:.2f} s wall, "
        f"{sum(c for *_, c in stores):.2f} s CPU; {len(batches)} story batches on the way, "
        f"{sum(e - s for s, e, _ in batches):.2f} s wall, {sum(c for *_, c in batches):.2f} s CPU"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--python", default=sys.executable, help="the checkout's venv python")
    parser.add_argument("--keep", type=Path, help="keep the events, samples and database here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import refresh_bench as bench

    work = args.keep or Path(tempfile.mkdtemp(prefix="refresh-timeline-"))
    shutil.rmtree(work, ignore_errors=True)
    (work / "events").mkdir(parents=True)
    config = bench.FarmConfig(args.feeds, 10, 20, 0.1, pages=bench.DEFAULT_PAGES)
    farm = bench.FarmHandle(config, "process")
    try:
        env = bench.sealed_env(work / "home")
        env["TIMELINE_EVENTS"] = str(work / "events")
        (work / "config.toml").write_text("[refresh]\nextract = true\n", encoding="utf-8")
        bench.write_opml(work / "feeds.opml", farm.feed_urls)
        cli = [args.python, __file__, "--as-cli", "--db", str(work / "reader.db")]
        cli += ["--config", str(work / "config.toml")]
        subprocess.run([*cli, "import", str(work / "feeds.opml")], env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
        for stale in (work / "events").iterdir():
            stale.unlink()
        farm.reset()
        t0 = time.monotonic()
        with open(work / "output.log", "wb") as out:
            process = subprocess.Popen([*cli, "refresh"], env=env, stdout=out, stderr=out)
            sampler = Sampler(process.pid, farm._proc.pid)
            sampler.start()
            code = process.wait(timeout=1800)
            t1 = time.monotonic()
            sampler.stop_event.set()
            sampler.join(5)
        stats = farm.stats()
        print(
            f"{args.feeds} feeds, {stats.page_requests} pages, exit {code}, {t1 - t0:.2f} s wall,"
            f" load average {os.getloadavg()[0]:.1f} at the end\n"
        )
        if code != 0:
            print((work / "output.log").read_text(errors="replace")[-800:])
            return 1
        report(read_events(work / "events"), process.pid, sampler.samples, t0, t1)
        if args.keep:
            (work / "samples.json").write_text(json.dumps(sampler.samples), encoding="utf-8")
    finally:
        farm.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--as-cli"]:
        raise SystemExit(run_cli_with_hooks(sys.argv[2:]))
    raise SystemExit(main())
