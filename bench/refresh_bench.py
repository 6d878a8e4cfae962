"""Refresh speed and memory: our `reader refresh` against lemon24/reader and newsboat.

What it measures, all on loopback feed servers that this script starts itself
(tests/loopback.py: HTTP/1.1, keep-alive, Nagle off, conditional GET):

- 300 feeds x 20 items (``--feeds``), 10 feeds per loopback address
  (127.0.0.1 ... 127.0.0.30), 100 ms server-side latency on every request;
  each feed has an ETag and a Last-Modified, so an unchanged refresh is 304;
  each item links to a news article page on the same address: by default the
  real news pages of the extraction benchmark (``--pages``, default
  ``../shared/corpora/extraction/article-extraction-benchmark``; 91 pages of
  real sites, ~150 KB of HTML each, served in turn), or with ``--pages
  generated`` (or when that folder is missing) a generated ~5 KB page.
- ours, through the real CLI in a fresh process
  (``reader --db DB --config CFG refresh``):
  (a) first refresh, feed only (``[refresh] extract = false``), fresh database;
  (b) the unchanged refresh right after it (checked: every feed answered 304,
      no page fetched, the articles count unchanged);
  (c) first refresh with extraction of every article page (``extract = true``);
  (d) its unchanged refresh.
  (a) and (b) are medians of ``--runs`` runs; (c) and (d) run once.
- peers on the same servers, when installed (each skipped with a message
  otherwise): lemon24/reader 3.26 (``python -m reader update --workers 16
  --no-scheduled``, its own venv, ``--lemon24 PATH``) and newsboat
  (``newsboat -x reload`` with ``reload-threads`` = number of feeds; its second
  reload sends no conditional headers, so its third counts as "unchanged").

Per run: wall time (process start to exit), CPU seconds of the process tree
(``RUSAGE_CHILDREN`` delta around the wait: user + system time of the process
and of every descendant it waited for, e.g. extraction workers), and peak RSS
of the tree: every 20 ms the VmRSS of the process and all its descendants
(from /proc/PID/task/TID/children) is summed and the maximum kept. A sum of
VmRSS counts pages shared by forked workers once per process, so it
over-states; the peak of summed PSS (sampled from smaps_rollup every 100 ms for
the first 2 s, then every second)
is printed beside it.

The servers run in a separate process by default (``--server-mode process``):
the benchmark process then only samples memory and waits, and the servers'
CPU work is scheduled like any other process on the 2 cores.
``--server-mode thread`` runs them in this process instead (for comparison).

Run from the repository root::

    python bench/refresh_bench.py                 # full: 300 feeds, 3 runs
    python bench/refresh_bench.py --quick         # smoke: 60 feeds, 1 run
    python bench/refresh_bench.py --per-host 10   # adds rows with those settings
    python bench/refresh_bench.py --no-stories    # ours without story grouping (A/B)

Only loopback addresses are used. The script prints figures; it asserts nothing
and exits 0 unless a run fails outright.
"""

from __future__ import annotations

import argparse
import email.utils
import multiprocessing
import multiprocessing.connection
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))

from loopback import LoopbackServer, Route, rss  # noqa: E402

DEFAULT_READER = Path(sys.executable).parent / "reader"
DEFAULT_LEMON24 = Path("/work/peers/lemon24/bin/python")
# The shared corpora sit beside the checkout, or beside the folder holding it when
# the checkout is a git worktree (wt/NAME): either is the default.
DEFAULT_PAGES = next(
    (
        folder / "shared/corpora/extraction/article-extraction-benchmark"
        for folder in (REPO_ROOT.parent, REPO_ROOT.parent.parent)
        if (folder / "shared/corpora/extraction/article-extraction-benchmark/html").is_dir()
    ),
    REPO_ROOT.parent / "shared/corpora/extraction/article-extraction-benchmark",
)
INSTALL_LEMON24 = (
    "python3 -m venv /work/peers/lemon24"
    " && /work/peers/lemon24/bin/pip install 'reader[cli]' sgmllib3k"
)
INSTALL_NEWSBOAT = "apt-get update && apt-get install -y newsboat"
SAMPLE_INTERVAL = 0.020
# PSS is read on every 5th sample for the first PSS_SOON samples (a peer's
# whole refresh may take 2 s), then on every 50th, once a second: the kernel
# walks each process's page tables for smaps_rollup, ~3.3 ms of CPU for the
# refresh's three processes at ~300 MB. Read every 100 ms all through it took
# ~4 % of a core from the 2 cores the refresh runs on (1.4 s of CPU in a 32 s
# run, ~1.3 s of the full-pages refresh's wall); memory moves more slowly.
PSS_EVERY_SOON, PSS_SOON, PSS_EVERY = 5, 100, 50
LISTEN_BACKLOG = 512  # http.server's default of 5 drops SYNs under 300 threads

# -- generated content -------------------------------------------------------------

COMPANIES = [
    "Northwind Labs", "Helio Systems", "Quarry AI", "Bluefin Robotics", "Openfield",
    "Cobalt Compute", "Marrow Health", "Tessellate", "Kestrel Networks", "Lumen Data",
    "Arbor Cloud", "Vantage Silicon", "Pinecrest Security", "Driftwood Games", "Orchid Bio",
]  # fmt: skip
PEOPLE = [
    "Maya Okafor", "Jonas Lindqvist", "Priya Raman", "Diego Salcedo", "Hannah Weiss",
    "Tomasz Nowak", "Aiko Tanaka", "Samuel Osei", "Elena Petrova", "Ravi Menon",
    "Claire Dubois", "Mateo Ferreira", "Lena Vogel", "Kwame Mensah", "Sofia Marino",
]  # fmt: skip
ROLES = [
    "chief executive", "head of research", "security lead", "principal engineer",
    "analyst at Halvorsen Partners", "professor of computer science", "product director",
    "chief technology officer", "open-source maintainer", "policy adviser",
]  # fmt: skip
THINGS = [
    "a new language model", "its inference chips", "an open-weights release",
    "a data-centre expansion", "a privacy audit", "the quarterly results",
    "a robotics platform", "a browser extension", "an agent framework",
    "a vulnerability disclosure", "a developer preview", "a pricing change",
    "a benchmark suite", "a compiler rewrite", "an edge device", "a cloud region",
]  # fmt: skip
VERBS = [
    "unveiled", "delayed", "open-sourced", "defended", "expanded", "paused",
    "announced", "priced", "shipped", "overhauled", "acquired", "benchmarked",
]  # fmt: skip
FACTS = [
    "latency fell by {n} percent in internal tests",
    "the rollout covers {n} regions by the end of the quarter",
    "roughly {n} customers took part in the early access programme",
    "the team grew to {n} engineers over the past year",
    "training used about {n} thousand GPU hours",
    "costs per request dropped to {n} cents",
    "the code base now counts {n} thousand lines",
    "about {n} percent of the traffic already uses the new path",
]  # fmt: skip
OPENERS = [
    "According to people familiar with the plans,", "In a statement on Tuesday,",
    "Speaking at a developer conference,", "In a filing seen by reporters,",
    "Earlier this month,", "After months of speculation,", "By its own account,",
    "In an interview,", "Despite earlier objections,", "As expected by analysts,",
]  # fmt: skip
CLAUSES = [
    "which critics say arrives too late", "a move that surprised several partners",
    "although regulators have asked for more detail", "while competitors remain cautious",
    "and the first reviews have been mixed", "in a market that is cooling quickly",
    "even as hiring slows across the sector", "following a year of steady growth",
    "and more announcements are expected soon", "though pricing was not disclosed",
]  # fmt: skip
SECTIONS = ["AI", "Cloud", "Security", "Hardware", "Policy", "Open source", "Science", "Startups"]


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(5)
    company, thing = rng.choice(COMPANIES), rng.choice(THINGS)
    if kind == 0:
        return (
            f"{rng.choice(OPENERS)} {company} {rng.choice(VERBS)} {thing}, {rng.choice(CLAUSES)}."
        )
    if kind == 1:
        fact = rng.choice(FACTS).format(n=rng.randint(3, 97))
        return f"{company} said {fact}, {rng.choice(CLAUSES)}."
    if kind == 2:
        person, role = rng.choice(PEOPLE), rng.choice(ROLES)
        quote = f"We {rng.choice(VERBS)} {thing} because customers asked for it"
        return f'"{quote}," said {person}, {role} at {company}.'
    if kind == 3:
        return (
            f"{rng.choice(PEOPLE)}, {rng.choice(ROLES)}, expects {thing} to matter "
            f"more than {rng.choice(THINGS)} over the next {rng.randint(2, 9)} years."
        )
    fact = rng.choice(FACTS).format(n=rng.randint(3, 97))
    return f"Separately, {fact} at {company}, {rng.choice(CLAUSES)}."


def _title(rng: random.Random) -> str:
    return f"{rng.choice(COMPANIES)} {rng.choice(VERBS)} {rng.choice(THINGS)}"


def article_html(
    rng: random.Random, *, site: str, url: str, title: str, author: str, published: float
) -> bytes:
    """A news-like article page: head metadata, header nav, article, aside, footer."""
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(published))
    day = time.strftime("%d %B %Y", time.gmtime(published))
    paragraphs = [
        " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
        for _ in range(rng.randint(6, 10))
    ]
    body: list[str] = []
    for i, para in enumerate(paragraphs):
        if i == len(paragraphs) // 2:
            body.append(f"<h2>What {escape(rng.choice(COMPANIES))} changes</h2>")
        body.append(f"<p>{escape(para)}</p>")
    related = "".join(
        f'<li><a href="/{rng.randrange(10**6)}.html">{escape(_title(rng))}</a></li>'
        for _ in range(4)
    )
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in SECTIONS)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | {escape(site)}</title>"
        f'<meta name="description" content="{escape(paragraphs[0][:150])}">'
        f'<meta name="author" content="{escape(author)}">'
        f'<meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:site_name" content="{escape(site)}">'
        f'<meta property="article:published_time" content="{iso}">'
        f'<link rel="canonical" href="{escape(url)}">'
        '<link rel="stylesheet" href="/static/site.css"></head><body>'
        f'<header class="site"><a class="logo" href="/">{escape(site)}</a>'
        f'<nav><ul>{nav}</ul></nav><form action="/search"><input name="q"></form></header>'
        f'<main><article class="post"><h1>{escape(title)}</h1>'
        f'<p class="byline">By <a rel="author" href="/authors">{escape(author)}</a> · '
        f'<time datetime="{iso}">{day}</time></p>'
        f'<div class="post-body">{"".join(body)}</div>'
        '<ul class="tags"><li><a href="/tags/ai">AI</a></li>'
        '<li><a href="/tags/industry">Industry</a></li></ul></article>'
        f'<aside class="most-read"><h2>Most read</h2><ol>{related}</ol></aside></main>'
        '<footer><nav><a href="/about">About</a> <a href="/privacy">Privacy</a> '
        '<a href="/newsletter">Newsletter</a> <a href="/contact">Contact</a></nav>'
        f"<p>© 2026 {escape(site)}. All rights reserved.</p></footer></body></html>"
    ).encode()


# -- the servers -------------------------------------------------------------------


@dataclass(frozen=True)
class FarmConfig:
    feeds: int
    feeds_per_host: int
    items: int
    latency: float
    seed: int = 20261128
    pages: Path | None = None  # a folder of real pages (html/*.html.gz); None: generated


@dataclass
class ServerStats:
    feed_requests: int = 0
    feed_304: int = 0
    if_none_match: int = 0
    if_modified_since: int = 0
    page_requests: int = 0
    connections: int = 0
    page_bytes_mean: float = 0.0

    @property
    def feed_200(self) -> int:
        return self.feed_requests - self.feed_304


def _real_pages(folder: Path) -> list[bytes]:
    """The benchmark's real news pages, in a fixed order."""
    import gzip

    return [gzip.decompress(p.read_bytes()) for p in sorted((folder / "html").glob("*.html.gz"))]


class Farm:
    """All loopback servers with their feeds and pages; counts what clients sent."""

    def __init__(self, config: FarmConfig) -> None:
        self.config = config
        self.servers: list[LoopbackServer] = []
        self.feed_urls: list[str] = []
        self.routes: dict[tuple[int, str], Route] = {}  # (server index, path) -> route
        self.page_bytes_mean = 0.0

    def start(self) -> list[str]:
        c = self.config
        hosts = -(-c.feeds // c.feeds_per_host)
        if hosts > 254:
            raise SystemExit("at most 254 loopback addresses")
        rng = random.Random(c.seed)
        for h in range(hosts):
            server = LoopbackServer(f"127.0.0.{h + 1}", latency=c.latency)
            server._httpd.socket.listen(LISTEN_BACKLOG)  # re-listen: raise the backlog
            self.servers.append(server)
        base = time.time() - 86_400
        page_sizes = []
        real = _real_pages(c.pages) if c.pages is not None else []
        for i in range(c.feeds):
            h = i // c.feeds_per_host
            server = self.servers[h]
            site = f"{rng.choice(COMPANIES).split()[0]} Daily {i}"
            items = []
            for j in range(c.items):
                title, author = _title(rng), rng.choice(PEOPLE)
                published = base - (i * c.items + j) * 600
                page_url = server.url(f"/news/{i}/{j}.html")
                if real:
                    page = real[(i * c.items + j) % len(real)]
                else:
                    page = article_html(
                        rng,
                        site=site,
                        url=page_url,
                        title=title,
                        author=author,
                        published=published,
                    )
                page_sizes.append(len(page))
                server.add(
                    f"/news/{i}/{j}.html", body=page, content_type="text/html; charset=utf-8"
                )
                items.append(
                    {
                        "title": title,
                        "link": page_url,
                        "guid": f"{site}-{j}",
                        "description": " ".join(_sentence(rng) for _ in range(2)),
                        "pubDate": email.utils.formatdate(published, usegmt=True),
                        "author": author,
                    }
                )
            feed = rss(items, title=site, link=server.url("/"))
            path = f"/feeds/{i}.xml"
            self.feed_urls.append(
                server.add(
                    path,
                    body=feed,
                    etag=f'"feed-{i}-v1"',
                    last_modified=email.utils.formatdate(base, usegmt=True),
                )
            )
        self.page_bytes_mean = statistics.fmean(page_sizes) if page_sizes else 0.0
        for server in self.servers:
            server.start()
        return self.feed_urls

    def reset(self) -> None:
        for server in self.servers:
            with server._lock:
                server.requests.clear()

    def stats(self) -> ServerStats:
        s = ServerStats(page_bytes_mean=self.page_bytes_mean)
        for server in self.servers:
            with server._lock:
                requests = list(server.requests)
            s.connections += len({r.client for r in requests})
            for r in requests:
                if not r.path.startswith("/feeds/"):
                    s.page_requests += 1
                    continue
                s.feed_requests += 1
                route = server.routes[r.path]
                assert isinstance(route, Route)
                inm, ims = r.headers.get("if-none-match"), r.headers.get("if-modified-since")
                s.if_none_match += inm is not None
                s.if_modified_since += ims is not None
                # The same rule as LoopbackServer._respond.
                if (route.etag is not None and inm == route.etag) or (
                    route.last_modified is not None and ims == route.last_modified
                ):
                    s.feed_304 += 1
        return s

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def _farm_process(conn: multiprocessing.connection.Connection, config: FarmConfig) -> None:
    farm = Farm(config)
    conn.send((farm.start(), farm.page_bytes_mean))
    while True:
        command = conn.recv()
        if command == "stats":
            conn.send(farm.stats())
        elif command == "reset":
            farm.reset()
            conn.send(None)
        else:
            break
    farm.stop()


class FarmHandle:
    """The farm in this process (thread mode) or in a child process (process mode)."""

    def __init__(self, config: FarmConfig, mode: str) -> None:
        self.mode = mode
        self._farm: Farm | None = None
        self._proc: Any = None
        if mode == "thread":
            self._farm = Farm(config)
            self.feed_urls = self._farm.start()
            self.page_bytes_mean = self._farm.page_bytes_mean
        else:
            ctx = multiprocessing.get_context("fork")
            self._conn, child = ctx.Pipe()
            self._proc = ctx.Process(target=_farm_process, args=(child, config), daemon=True)
            self._proc.start()
            self.feed_urls, self.page_bytes_mean = self._conn.recv()

    def reset(self) -> None:
        if self._farm is not None:
            self._farm.reset()
        else:
            self._conn.send("reset")
            self._conn.recv()

    def stats(self) -> ServerStats:
        if self._farm is not None:
            return self._farm.stats()
        self._conn.send("stats")
        stats: ServerStats = self._conn.recv()
        return stats

    def stop(self) -> None:
        if self._farm is not None:
            self._farm.stop()
        else:
            self._conn.send("stop")
            self._proc.join(5)


# -- measuring a process tree ------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            tids = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
    return found


def _status_kib(pid: int, key: str, path: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed VmRSS (and PSS) of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss_kib = 0
        self.peak_pss_kib = 0
        self.max_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        n = 0
        while not self._stop_event.is_set():
            pids = _descendants(self.pid)
            self.max_processes = max(self.max_processes, len(pids))
            self.peak_rss_kib = max(self.peak_rss_kib, sum(_status_kib(p, "VmRSS:") for p in pids))
            if n % (PSS_EVERY_SOON if n < PSS_SOON else PSS_EVERY) == 0:
                pss = sum(_status_kib(p, "Pss:", "smaps_rollup") for p in pids)
                self.peak_pss_kib = max(self.peak_pss_kib, pss)
            n += 1
            self._stop_event.wait(SAMPLE_INTERVAL)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Run:
    wall: float
    cpu: float
    peak_rss_mb: float
    peak_pss_mb: float
    processes: int
    returncode: int
    output: str
    stats: ServerStats


def timed(cmd: Sequence[str], *, env: dict[str, str], cwd: Path, farm: FarmHandle) -> Run:
    """Run `cmd` once, timing it and sampling its tree's memory; server counters reset first."""
    farm.reset()
    log = cwd / "output.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        returncode = proc.wait()
        wall = time.perf_counter() - started
        sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output = log.read_text(errors="replace")
    if returncode != 0:
        print(f"    ! {cmd[0]} exited {returncode}: {output[-600:]}")
    return Run(
        wall=wall,
        cpu=cpu,
        peak_rss_mb=sampler.peak_rss_kib / 1024,
        peak_pss_mb=sampler.peak_pss_kib / 1024,
        processes=sampler.max_processes,
        returncode=returncode,
        output=output,
        stats=farm.stats(),
    )


def quiet(cmd: Sequence[str], *, env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"setup failed: {' '.join(cmd[:4])} ...: {done.stderr[-800:]}")


def compile_bytecode(cli: Path) -> None:
    """Write the bytecode of the package behind the console script `cli`.

    A pip-installed package (the peers, and ours for a user) comes with its
    bytecode; an editable install run with PYTHONDONTWRITEBYTECODE=1 (as on the
    shared machine) compiled ~50 of its modules again in every timed run,
    ~50 ms of CPU at each start and more in each worker. py_compile writes
    even under that variable; stale files are rebuilt from their sources.
    """
    python = cli.read_text(encoding="utf-8", errors="replace").partition("\n")[0].removeprefix("#!")
    if not python or not Path(python).exists():
        return
    subprocess.run(
        [
            python,
            "-c",
            "import compileall, os, reader; "
            "compileall.compile_dir(os.path.dirname(reader.__file__), quiet=1)",
        ],
        check=True,
    )


def sealed_env(home: Path) -> dict[str, str]:
    """The environment with a private HOME, so no tool reads a real config or cache."""
    env = dict(os.environ)
    for key in ("READER_DB", "READER_CONFIG", "READER_URL", "READER_PLUGINS"):
        env.pop(key, None)
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        NO_PROXY="*",
        no_proxy="*",
    )
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env.pop(key, None)
    return env


def describe(run: Run) -> str:
    s = run.stats
    return (
        f"{run.wall:6.2f} s wall, {run.cpu:5.2f} s CPU, peak RSS {run.peak_rss_mb:5.0f} MB "
        f"(PSS {run.peak_pss_mb:4.0f}, {run.processes} proc) | feeds {s.feed_requests} "
        f"({s.feed_304} x 304), pages {s.page_requests}, connections {s.connections}"
    )


def check(label: str, ok: bool, detail: str, run: Run | None = None) -> bool:
    print(f"    {'ok ' if ok else 'BAD'} {label}: {detail}")
    if not ok and run is not None:
        lines = [line for line in run.output.splitlines() if not line.startswith("updated ")]
        print("      output (last lines):\n" + "\n".join(f"      | {x}" for x in lines[-12:]))
    return ok


# -- the tools ---------------------------------------------------------------------


@dataclass
class Row:
    tool: str
    first: list[Run] = field(default_factory=list)
    unchanged: list[Run] = field(default_factory=list)
    note: str = ""
    valid: bool = True

    def first_s(self) -> float:
        return statistics.median(r.wall for r in self.first)

    def unchanged_s(self) -> float:
        return statistics.median(r.wall for r in self.unchanged)

    def peak_rss(self) -> float:
        return max(r.peak_rss_mb for r in (*self.first, *self.unchanged))

    def peak_pss(self) -> float:
        return max(r.peak_pss_mb for r in (*self.first, *self.unchanged))

    def cpu_first(self) -> float:
        return statistics.median(r.cpu for r in self.first)


def articles_in(db: Path) -> tuple[int, int]:
    """(articles, articles whose text came from the page) in our database."""
    with sqlite3.connect(db) as conn:
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        page = conn.execute("SELECT count(*) FROM articles WHERE extraction = 'page'").fetchone()[0]
    conn.close()
    return int(total), int(page)


def write_opml(path: Path, urls: Sequence[str]) -> None:
    outlines = "\n".join(
        f'<outline type="rss" text="feed {i}" xmlUrl="{xml_escape(u, {chr(34): "&quot;"})}"/>'
        for i, u in enumerate(urls)
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head><title>bench</title>'
        f"</head><body>\n{outlines}\n</body></opml>\n",
        encoding="utf-8",
    )


def run_ours(
    args: argparse.Namespace,
    farm: FarmHandle,
    work: Path,
    *,
    extract: bool,
    runs: int,
    label: str,
    refresh_overrides: dict[str, int],
) -> Row:
    row = Row(label)
    n_feeds = len(farm.feed_urls)
    expected = n_feeds * args.items
    for k in range(runs):
        d = (
            work
            / f"ours-{'x' if extract else 'f'}-{'-'.join(map(str, refresh_overrides.values()))}-{k}"
        )
        d.mkdir(parents=True)
        env = sealed_env(d / "home")
        db, cfg = d / "reader.db", d / "config.toml"
        lines = ["[refresh]", f"extract = {'true' if extract else 'false'}"]
        lines += [f"{key} = {value}" for key, value in refresh_overrides.items()]
        if args.no_stories:
            lines += ["[stories]", "group_on_refresh = false"]
        cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
        write_opml(d / "feeds.opml", farm.feed_urls)
        base = [str(args.reader), "--db", str(db), "--config", str(cfg)]
        quiet([*base, "import", str(d / "feeds.opml")], env=env, cwd=d)
        first = timed([*base, "refresh"], env=env, cwd=d, farm=farm)
        total, from_page = articles_in(db)
        print(f"  {label} first     #{k + 1}: {describe(first)}")
        ok = check(
            "first refresh",
            first.returncode == 0
            and first.stats.feed_200 == n_feeds
            and total == expected
            and first.stats.page_requests == (expected if extract else 0),
            f"{first.stats.feed_200}/{n_feeds} feeds 200, {total}/{expected} articles stored"
            + (f", {from_page} with page text" if extract else ""),
            first,
        )
        again = timed([*base, "refresh"], env=env, cwd=d, farm=farm)
        total2, _ = articles_in(db)
        s = again.stats
        print(f"  {label} unchanged #{k + 1}: {describe(again)}")
        ok &= check(
            "unchanged refresh",
            again.returncode == 0
            and s.feed_304 == n_feeds == s.feed_requests
            and s.page_requests == 0
            and total2 == total,
            f"{s.feed_304}/{n_feeds} feeds answered 304 (If-None-Match sent {s.if_none_match}, "
            f"If-Modified-Since {s.if_modified_since}), {s.page_requests} page requests, "
            f"articles {total} -> {total2}",
            again,
        )
        row.valid &= ok
        row.first.append(first)
        row.unchanged.append(again)
        if extract:
            row.note = f"{total / first.wall:.0f} articles/s, {from_page}/{total} page text"
        shutil.rmtree(d, ignore_errors=True)
    return row


LEMON24_SETUP = """
import sys
from reader import make_reader
r = make_reader(sys.argv[1])
for url in open(sys.argv[2]).read().split():
    r.add_feed(url)
r.close()
"""


def run_lemon24(args: argparse.Namespace, farm: FarmHandle, work: Path) -> Row | None:
    python = Path(args.lemon24)
    if not python.exists():
        print(f"  lemon24/reader: skipped, no interpreter at {python}; install: {INSTALL_LEMON24}")
        return None
    probe = subprocess.run(
        [str(python), "-c", "import reader, click; print(reader.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        print(f"  lemon24/reader: skipped, cannot import reader[cli]; install: {INSTALL_LEMON24}")
        return None
    row = Row(f"lemon24/reader {probe.stdout.strip()} (16 workers)")
    n_feeds = len(farm.feed_urls)
    for k in range(args.runs):
        d = work / f"lemon24-{k}"
        d.mkdir(parents=True)
        env = sealed_env(d / "home")
        db = d / "db.sqlite"
        (d / "urls.txt").write_text("\n".join(farm.feed_urls) + "\n")
        quiet([str(python), "-c", LEMON24_SETUP, str(db), str(d / "urls.txt")], env=env, cwd=d)
        cmd = [str(python), "-m", "reader", "--db", str(db), "update", "--workers", "16"]
        cmd.append("--no-scheduled")
        first = timed(cmd, env=env, cwd=d, farm=farm)
        print(f"  lemon24 first     #{k + 1}: {describe(first)}")
        again = timed(cmd, env=env, cwd=d, farm=farm)
        print(f"  lemon24 unchanged #{k + 1}: {describe(again)}")
        row.valid &= check(
            "lemon24 runs",
            first.returncode == again.returncode == 0
            and first.stats.feed_200 == n_feeds
            and again.stats.feed_304 == n_feeds,
            f"first {first.stats.feed_200}/{n_feeds} feeds 200; unchanged "
            f"{again.stats.feed_304}/{n_feeds} answered 304",
        )
        row.first.append(first)
        row.unchanged.append(again)
        shutil.rmtree(d, ignore_errors=True)
    return row


def run_newsboat(args: argparse.Namespace, farm: FarmHandle, work: Path) -> Row | None:
    newsboat = shutil.which(args.newsboat)
    if newsboat is None:
        print(f"  newsboat: skipped, `{args.newsboat}` not found; install: {INSTALL_NEWSBOAT}")
        return None
    version = subprocess.run([newsboat, "--version"], capture_output=True, text=True, check=False)
    name = version.stdout.split(" - ")[0].strip() or "newsboat"
    n_feeds = len(farm.feed_urls)
    row = Row(f"{name} (reload-threads {n_feeds})")
    second_walls = []
    for k in range(args.runs):
        d = work / f"newsboat-{k}"
        d.mkdir(parents=True)
        env = sealed_env(d / "home")
        (d / "urls").write_text("\n".join(farm.feed_urls) + "\n")
        (d / "config").write_text(f"reload-threads {n_feeds}\n")
        cmd = [newsboat, "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]
        first = timed(cmd, env=env, cwd=d, farm=farm)
        print(f"  newsboat first    #{k + 1}: {describe(first)}")
        second = timed(cmd, env=env, cwd=d, farm=farm)
        second_walls.append(second.wall)
        conditional = second.stats.if_none_match + second.stats.if_modified_since
        print(
            f"  newsboat second   #{k + 1}: {describe(second)} "
            f"(conditional headers sent: {conditional})"
        )
        third = timed(cmd, env=env, cwd=d, farm=farm)
        print(f"  newsboat third    #{k + 1}: {describe(third)}")
        row.valid &= check(
            "newsboat runs",
            first.returncode == third.returncode == 0
            and first.stats.feed_200 == n_feeds
            and third.stats.feed_304 == n_feeds,
            f"first {first.stats.feed_200}/{n_feeds} feeds 200; third "
            f"{third.stats.feed_304}/{n_feeds} answered 304",
        )
        row.first.append(first)
        row.unchanged.append(third)
        shutil.rmtree(d, ignore_errors=True)
    row.note = f"2nd reload (no conditional GET) {statistics.median(second_walls):.2f} s"
    return row


# -- report ------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_report(
    args: argparse.Namespace,
    ours: Row,
    ours_extract: Row,
    variants: list[Row],
    lemon24: Row | None,
    newsboat: Row | None,
) -> None:
    n = len(ours.first)
    print(
        f"\n## Results (median of {n} run{'s' * (n > 1)} for feed-only and peers; "
        "extraction: 1 run)\n"
    )
    print("| tool | first refresh s | unchanged s | CPU s (first) | peak RSS MB (PSS) | note |")
    print("|---|---:|---:|---:|---:|---|")
    extract_row = None if ours_extract is ours else ours_extract
    for row in [ours, *variants, extract_row, lemon24, newsboat]:
        if row is None:
            continue
        flag = "" if row.valid else " (checks failed)"
        print(
            f"| {row.tool}{flag} | {row.first_s():.2f} | {row.unchanged_s():.2f} | "
            f"{row.cpu_first():.2f} | {row.peak_rss():.0f} ({row.peak_pss():.0f}) | {row.note} |"
        )
    print()
    for peer in (lemon24, newsboat):
        if peer is None:
            continue
        print(
            f"- {peer.tool} / ours feed-only: first {peer.first_s() / ours.first_s():.2f}x, "
            f"unchanged {peer.unchanged_s() / ours.unchanged_s():.2f}x (above 1: ours faster)"
        )
    print("\n## Targets\n")
    if newsboat is not None:
        print(
            f"- {verdict(ours.first_s() <= newsboat.first_s())} first refresh at least as fast "
            f"as newsboat: {ours.first_s():.2f} s vs {newsboat.first_s():.2f} s"
        )
        print(
            f"- {verdict(ours.unchanged_s() <= newsboat.unchanged_s())} unchanged refresh at "
            f"least as fast as newsboat: {ours.unchanged_s():.2f} s vs "
            f"{newsboat.unchanged_s():.2f} s"
        )
    else:
        print("- (newsboat targets not checked: newsboat skipped)")
    if lemon24 is not None:
        print(
            f"- {verdict(2 * ours.first_s() <= lemon24.first_s())} first refresh at least 2x "
            f"faster than lemon24/reader: {ours.first_s():.2f} s vs {lemon24.first_s():.2f} s "
            f"({lemon24.first_s() / ours.first_s():.2f}x)"
        )
        print(
            f"- {verdict(2 * ours.unchanged_s() <= lemon24.unchanged_s())} unchanged refresh at "
            f"least 2x faster than lemon24/reader: {ours.unchanged_s():.2f} s vs "
            f"{lemon24.unchanged_s():.2f} s ({lemon24.unchanged_s() / ours.unchanged_s():.2f}x)"
        )
    else:
        print("- (lemon24/reader targets not checked: lemon24/reader skipped)")
    if ours_extract is ours:
        print("- (full refresh target not checked: --no-extract)")
    else:
        full = ours_extract.first_s()
        print(
            f"- {verdict(full <= 60)} full first refresh with extraction at most 60 s: "
            f"{full:.1f} s ({ours_extract.note})"
        )
    peak = max(ours.peak_rss(), ours_extract.peak_rss())
    print(
        f"- {verdict(peak < 400)} peak RSS under 400 MB (sum of VmRSS over the process tree): "
        f"{peak:.0f} MB (PSS {max(ours.peak_pss(), ours_extract.peak_pss()):.0f} MB)"
    )
    if not all(r.valid for r in (ours, ours_extract, *variants) if r):
        print("\nSome checks failed (see BAD lines above): the figures are not comparable.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, help="runs for feed-only and peers (default 3)")
    parser.add_argument("--quick", action="store_true", help="60 feeds, 1 run: a smoke run")
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--feeds-per-host", type=int, default=10)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--server-mode", choices=("process", "thread"), default="process")
    parser.add_argument("--reader", type=Path, default=DEFAULT_READER, help="our CLI")
    parser.add_argument("--lemon24", default=str(DEFAULT_LEMON24), help="its venv's python")
    parser.add_argument("--newsboat", default="newsboat")
    parser.add_argument("--per-host", type=int, help="also measure ours with this per_host")
    parser.add_argument("--concurrency", type=int, help="also measure ours with this concurrency")
    parser.add_argument("--no-extract", action="store_true", help="skip (c) and (d)")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--no-stories",
        action="store_true",
        help="ours without story grouping at refresh ([stories] group_on_refresh = false)",
    )
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="leave the bytecode of --reader's package alone (for another checkout)",
    )
    parser.add_argument(
        "--pages",
        default=str(DEFAULT_PAGES),
        help="folder of the real article pages, or 'generated' for generated ~5 KB pages",
    )
    args = parser.parse_args(argv)
    pages: Path | None = None
    if args.pages != "generated":
        pages = Path(args.pages)
        if not (pages / "html").is_dir():
            print(f"no real pages at {pages}: serving generated pages instead")
            pages = None
    if args.quick:
        args.feeds = 60
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if not args.reader.exists():
        found = shutil.which("reader")
        if found is None:
            raise SystemExit(f"our CLI not found at {args.reader}; pass --reader")
        args.reader = Path(found)

    config = FarmConfig(args.feeds, args.feeds_per_host, args.items, args.latency, pages=pages)
    started = time.perf_counter()
    farm = FarmHandle(config, args.server_mode)
    hosts = len({u.split("/")[2].split(":")[0] for u in farm.feed_urls})
    print(
        f"servers ({args.server_mode} mode): {len(farm.feed_urls)} feeds x {args.items} items "
        f"on {hosts} loopback addresses, {args.latency * 1000:.0f} ms latency, "
        f"{'real' if pages else 'generated'} pages "
        f"{farm.page_bytes_mean / 1024:.1f} KiB on average; ready in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, runs {args.runs}")
    work = Path(tempfile.mkdtemp(prefix="refresh-bench-"))
    if not args.no_compile:
        compile_bytecode(args.reader)
    try:
        print("\nours, feed only (a, b):")
        ours = run_ours(
            args,
            farm,
            work,
            extract=False,
            runs=args.runs,
            label="ours feed-only",
            refresh_overrides={},
        )
        variants = []
        overrides = {
            k: v
            for k, v in (("per_host", args.per_host), ("concurrency", args.concurrency))
            if v is not None
        }
        if overrides:
            label = "ours " + ", ".join(f"{k}={v}" for k, v in overrides.items())
            print(f"\n{label}, feed only:")
            variants.append(
                run_ours(
                    args, farm, work, extract=False, runs=args.runs, label=label,
                    refresh_overrides=overrides,
                )
            )  # fmt: skip
        lemon24 = newsboat = None
        if not args.no_peers:
            print("\npeers:")
            lemon24 = run_lemon24(args, farm, work)
            newsboat = run_newsboat(args, farm, work)
        if args.no_extract:
            ours_extract = ours
        else:
            print("\nours with extraction of every page (c, d):")
            ours_extract = run_ours(
                args, farm, work, extract=True, runs=1, label="ours + extraction",
                refresh_overrides={},
            )  # fmt: skip
        print_report(args, ours, ours_extract, variants, lemon24, newsboat)
    finally:
        farm.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
