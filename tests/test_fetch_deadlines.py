"""What a fetch's total deadline measures, and that it holds (review13).

The deadline is the server's time: it starts once the request holds its host's
and the global slot (time queued behind other feeds of the host counted, and
feeds never asked failed "timed out" with a backoff). And a body sent in tiny
chunks is cut off at the deadline, its pieces merged before they reach the
reader's decoding (each one cost the loop a pass through every layer).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.config import HttpSettings
from reader.core.fetch import Fetcher, FetchError
from reader.core.service import make_reader


def test_waiting_for_the_hosts_slot_is_not_the_servers_time(
    server: LoopbackServer, tmp_path: Path
) -> None:
    # 8 feeds on one host, 2 asked at once, each answered in 0.4 s: the last
    # round starts 1.2 s in, past the 1 s deadline, which only the wait made.
    urls = [
        server.add(f"/f{i}.xml", body=rss([{"title": f"T{i}", "guid": f"g{i}"}]), delay=0.4)
        for i in range(8)
    ]
    settings = make_settings(tmp_path, extract=False, per_host=2)
    settings = dataclasses.replace(
        settings, http=dataclasses.replace(settings.http, total_timeout=1.0)
    )
    reader = make_reader(settings)
    try:
        for url in urls:
            reader.add_feed(url, discover=False)
        results = list(reader.refresh())
        assert [r.error for r in results if r.status == "failed"] == []
        assert {r.status for r in results} == {"updated"}
        assert all(f.error_count == 0 and f.next_fetch_after is None for f in reader.feeds())
        assert sum(len(server.hits(f"/f{i}.xml")) for i in range(8)) == 8
    finally:
        reader.close()


def test_the_deadline_still_ends_a_slow_answer(server: LoopbackServer) -> None:
    url = server.add("/slow.xml", body=b"<rss/>", delay=1.5)

    async def fetch() -> FetchError:
        settings = HttpSettings(connect_timeout=2, read_timeout=5, total_timeout=0.5)
        async with Fetcher(settings) as fetcher:
            try:
                await fetcher.get(url)
            except FetchError as exc:
                return exc
        raise AssertionError("a 1.5 s answer came back within 0.5 s")

    error = asyncio.run(asyncio.wait_for(fetch(), 10))
    assert error.kind == "timeout" and error.reason == "timed out after 0.5 s"
