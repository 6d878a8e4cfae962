"""Refresh stalls from slow or fragmented answers (review13's findings 1-3).

Each ``--case`` builds one situation on loopback servers this script starts
and runs ``reader refresh`` through the real CLI of this interpreter's venv in
a fresh process, with a temporary database and config:

``drip``: one feed of ``--items`` items whose article pages (10 KB) drip one
byte every 50 ms, so every page runs into its deadline, beside 5 ordinary
feeds on another address. Prints the refresh's wall and CPU (the refresh and
its workers) and how many page requests the server saw.

``drip-twice``: the same dripping feed alone, served without validators, so
every refresh reads it again; refreshed ``--runs`` times (3). Prints each
run's wall, its page requests and the summary's last line ("N changed
articles").

``queue``: ``--feeds`` feeds (200) on one host, each answered after
``--delay`` s (3), extraction off. Prints how many feeds failed (and with
what) and how many requests reached the server: a request that waited for
its host's slot past its deadline fails without being sent.

``chunks``: a feed of 16 items whose article pages are endless bodies of
1-byte chunks, sent as fast as the socket takes them by a server in a child
process (2 addresses, 8 pages each), beside 20 ordinary feeds answered after
2 s. Prints the refresh's wall and CPU and how many ordinary feeds failed.

``--total-timeout`` sets ``[http] total_timeout`` (default: reader's, 60 s) to
make the runs short. Run from the repository root, once with each checkout's
interpreter for an A/B::

    python bench/fetch_stall_bench.py --case drip --items 40 --total-timeout 3
    python bench/fetch_stall_bench.py --case drip-twice --items 40 --total-timeout 3
    python bench/fetch_stall_bench.py --case queue
    python bench/fetch_stall_bench.py --case chunks

Only loopback addresses are used. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackServer, rss  # noqa: E402

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]
PAGE = b"<html><body><article><p>" + b"word " * 2000 + b"</p></article></body></html>"
DRIP = 0.05  # seconds between the page's bytes: 10 KB take ~500 s, past any deadline
REFRESH_LIMIT = 3600.0  # seconds; a refresh that takes longer is a finding of its own


def items(count: int, prefix: str) -> list[dict[str, str]]:
    return [
        {
            "title": f"{prefix} {i} about OpenAI",
            "guid": f"{prefix}-{i}",
            "link": f"http://127.0.0.1/{prefix}/{i}",
            "description": f"<p>Body of item {i}. Sam Altman said OpenAI will ship in June.</p>",
        }
        for i in range(count)
    ]


class Reader:
    """The `reader` CLI on a temporary database and config."""

    def __init__(self, tmp: str, config: str) -> None:
        path = Path(tmp) / "config.toml"
        path.write_text(config, encoding="utf-8")
        self.env = {
            **os.environ,
            "READER_DB": str(Path(tmp) / "bench.db"),
            "READER_CONFIG": str(path),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, *args], env=self.env, capture_output=True, text=True, timeout=REFRESH_LIMIT
        )

    def refresh(self) -> tuple[subprocess.CompletedProcess[str], float, float]:
        """The refresh's result, wall and CPU seconds (the refresh and its workers)."""
        start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = self.run("refresh")
        wall, after = time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
        if "Traceback" in done.stderr:
            print(done.stderr)
        return done, wall, sum(after[:2]) - sum(before[:2])

    def failed_feeds(self) -> list[str]:
        listed = self.run("feeds", "--json")
        return [f["last_error"] for f in json.loads(listed.stdout) if f["last_error"]]


def last_line(text: str) -> str:
    lines: list[str] = text.strip().splitlines()
    return lines[-1] if lines else ""


def dripping_feed(server: LoopbackServer, count: int) -> str:
    entries = items(count, "Drip")
    for i, entry in enumerate(entries):
        entry["link"] = server.add(f"/p{i}", body=PAGE, content_type="text/html", drip=DRIP)
    return server.add("/feed.xml", body=rss(entries))


def page_requests(server: LoopbackServer) -> int:
    return sum(1 for r in server.requests if r.path.startswith("/p"))


def http_config(total_timeout: float | None) -> str:
    return f"[http]\ntotal_timeout = {total_timeout}\n" if total_timeout else ""


def case_drip(args: argparse.Namespace, tmp: str) -> None:
    reader = Reader(tmp, http_config(args.total_timeout))
    with LoopbackServer() as server, LoopbackServer("127.0.0.2") as good:
        feed = dripping_feed(server, args.items)
        normal = [good.add(f"/g{i}.xml", body=rss(items(3, f"G{i}"))) for i in range(5)]
        reader.run("add", "--no-fetch", feed, *normal)
        done, wall, cpu = reader.refresh()
        requests = page_requests(server)
    print(f"drip: {args.items} dripping pages beside 5 feeds, total_timeout {args.tt_text}")
    print(f"reader refresh: exit {done.returncode}, wall {wall:.1f} s, CPU {cpu:.1f} s")
    print(f"page requests: {requests}; feeds failed: {len(reader.failed_feeds())}")


def case_drip_twice(args: argparse.Namespace, tmp: str) -> None:
    reader = Reader(tmp, http_config(args.total_timeout))
    print(f"drip-twice: {args.items} dripping pages, no validators, total_timeout {args.tt_text}")
    with LoopbackServer() as server:
        reader.run("add", "--no-fetch", dripping_feed(server, args.items))
        seen = 0
        for run in range(1, args.runs + 1):
            done, wall, cpu = reader.refresh()
            requests, seen = page_requests(server) - seen, page_requests(server)
            print(
                f"refresh {run}: exit {done.returncode}, wall {wall:.1f} s, CPU {cpu:.1f} s, "
                f"page requests {requests}; {last_line(done.stdout)}"
            )
        print(f"page requests in all: {seen}")


def case_queue(args: argparse.Namespace, tmp: str) -> None:
    reader = Reader(tmp, "[refresh]\nextract = false\n" + http_config(args.total_timeout))
    with LoopbackServer() as server:
        urls = [
            server.add(f"/f{i}.xml", body=rss(items(2, f"F{i}")), delay=args.delay)
            for i in range(args.feeds)
        ]
        reader.run("add", "--no-fetch", *urls)
        done, wall, cpu = reader.refresh()
        served = len(server.requests)
    failed = reader.failed_feeds()
    print(
        f"queue: {args.feeds} feeds on one host answered after {args.delay:g} s, "
        f"total_timeout {args.tt_text}"
    )
    print(f"reader refresh: exit {done.returncode}, wall {wall:.1f} s, CPU {cpu:.1f} s")
    print(f"feeds failed: {len(failed)} of {args.feeds} {sorted(set(failed))}")
    print(f"requests that reached the server: {served}")


def serve_chunks(hosts: int, addresses: multiprocessing.Queue[list[str]]) -> None:
    """Answer every request on `hosts` loopback addresses with endless 1-byte chunks.

    A child process of its own, so the sending does not take the GIL from the
    loopback server of the ordinary feeds; it ends when the parent terminates it.
    """
    block = b"1\r\nx\r\n" * 20_000

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                conn.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
                while True:
                    conn.sendall(block)
            except OSError:
                pass  # the client gave the body up

    def accept(listener: socket.socket) -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    bound = []
    for h in range(hosts):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((f"127.0.1.{h + 1}", 0))
        listener.listen(256)
        bound.append(f"127.0.1.{h + 1}:{listener.getsockname()[1]}")
        threading.Thread(target=accept, args=(listener,), daemon=True).start()
    addresses.put(bound)
    time.sleep(REFRESH_LIMIT)


def case_chunks(args: argparse.Namespace, tmp: str) -> None:
    hosts, pages, normal_count = 2, 16, 20
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[str]] = context.Queue()
    child = context.Process(target=serve_chunks, args=(hosts, queue), daemon=True)
    child.start()
    try:
        addresses = queue.get(timeout=30)
        reader = Reader(tmp, http_config(args.total_timeout))
        with LoopbackServer() as server, LoopbackServer("127.0.0.2") as good:
            entries = items(pages, "Chunk")
            for i, entry in enumerate(entries):
                entry["link"] = f"http://{addresses[i % hosts]}/p{i}"
            feed = server.add("/feed.xml", body=rss(entries))
            normal = [
                good.add(f"/g{i}.xml", body=rss(items(3, f"G{i}")), delay=2)
                for i in range(normal_count)
            ]
            reader.run("add", "--no-fetch", feed, *normal)
            done, wall, cpu = reader.refresh()
    finally:
        child.terminate()
        child.join(timeout=10)
    failed = [
        f["last_error"]
        for f in json.loads(reader.run("feeds", "--json").stdout)
        if f["last_error"] and f["url"] in normal
    ]
    print(
        f"chunks: {pages} pages of endless 1-byte chunks on {hosts} addresses, beside "
        f"{normal_count} feeds answered after 2 s, total_timeout {args.tt_text}"
    )
    print(f"reader refresh: exit {done.returncode}, wall {wall:.1f} s, CPU {cpu:.1f} s")
    print(f"ordinary feeds failed: {len(failed)} of {normal_count} {sorted(set(failed))}")


CASES = {
    "drip": case_drip,
    "drip-twice": case_drip_twice,
    "queue": case_queue,
    "chunks": case_chunks,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", choices=sorted(CASES), required=True)
    parser.add_argument("--items", type=int, default=24, help="dripping pages (drip cases)")
    parser.add_argument("--runs", type=int, default=3, help="refreshes (drip-twice)")
    parser.add_argument("--feeds", type=int, default=200, help="feeds on one host (queue)")
    parser.add_argument("--delay", type=float, default=3.0, help="seconds to answer (queue)")
    parser.add_argument("--total-timeout", type=float, default=None, help="[http] total_timeout")
    args = parser.parse_args()
    args.tt_text = f"{args.total_timeout:g} s" if args.total_timeout else "default"
    print(f"interpreter: {sys.executable}")
    with tempfile.TemporaryDirectory() as tmp:
        CASES[args.case](args, tmp)


if __name__ == "__main__":
    main()
