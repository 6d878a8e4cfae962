from __future__ import annotations

import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer, Request, Route, article_page, rss
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleQuery

FEED = rss([{"title": "One", "guid": "1"}, {"title": "Two", "guid": "2"}])


def test_refresh_fetches_feed_and_article_pages(server: LoopbackServer, reader: Reader) -> None:
    page = server.add(
        "/a1",
        body=article_page("Model launch", ["OpenAI released a model today. " * 20]),
        content_type="text/html",
    )
    feed_url = server.add(
        "/feed.xml",
        body=rss([{"title": "Model launch", "link": page, "guid": "a1", "description": "short"}]),
        etag='"v1"',
    )
    reader.add_feed(feed_url, discover=False)
    results = list(reader.refresh())
    assert [(r.status, r.new) for r in results] == [("updated", 1)]
    [summary] = reader.articles(ArticleQuery())
    article = reader.article(summary.id)
    assert article.summary.extraction == "page"
    assert "OpenAI released a model today." in article.text
    # The second refresh is a conditional GET answered 304.
    results = list(reader.refresh())
    assert [r.status for r in results] == ["not_modified"]
    assert server.hits("/feed.xml")[-1].headers["if-none-match"] == '"v1"'
    assert len(server.hits("/a1")) == 1


def test_a_page_that_failed_is_tried_again_when_the_feed_next_changes(
    server: LoopbackServer, reader: Reader
) -> None:
    page = server.add("/a1", status=503, body=b"busy", content_type="text/plain")
    body = rss([{"title": "Launch", "link": page, "guid": "a1", "description": "short teaser"}])
    feed_url = server.add("/feed.xml", body=body)
    reader.add_feed(feed_url, discover=False)
    list(reader.refresh())
    [summary] = reader.articles(ArticleQuery())
    assert (
        reader.article(summary.id).extraction_error == "article page: HTTP 503 Service Unavailable"
    )

    server.add(
        "/a1", body=article_page("Launch", ["The full story. " * 30]), content_type="text/html"
    )
    # Unchanged entry, but its page failed last time: fetched again, updated in place.
    [result] = list(reader.refresh())
    assert (result.new, result.updated) == (0, 1)
    article = reader.article(summary.id)
    assert article.summary.extraction == "page" and article.extraction_error is None
    assert "The full story." in article.text
    # Once it worked, the page is not fetched again.
    list(reader.refresh())
    assert len(server.hits("/a1")) == 2


def test_a_feed_linking_to_many_sites_fetches_from_all_at_once(tmp_path: Path) -> None:
    # One feed whose 48 items link to pages on four hosts, each answered after 0.3 s:
    # the pages it holds ahead of extraction are bounded per host, so all four
    # hosts are asked for as many as the fetcher's per-host limit allows.
    in_flight = most = 0
    lock = threading.Lock()

    def slow_page(request: Request) -> Route:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        body = article_page(f"Story {request.path}", [f"The harbour story {request.path}. " * 20])
        return Route(body=body, content_type="text/html")

    reader = make_reader(make_settings(tmp_path, extract_workers=1, per_host=8))
    with ExitStack() as stack:
        stack.callback(reader.close)
        servers = [stack.enter_context(LoopbackServer(f"127.0.0.{h + 1}")) for h in range(4)]
        items = [
            {"title": f"Story {i}", "link": servers[i % 4].add(f"/p{i}", slow_page), "guid": str(i)}
            for i in range(48)
        ]
        reader.add_feed(servers[0].add("/feed.xml", body=rss(items)), discover=False)
        results = list(reader.refresh())
        articles = reader.articles(ArticleQuery())
    assert [(r.status, r.new) for r in results] == [("updated", 48)]
    assert len(articles) == 48 and all(a.extraction == "page" for a in articles)
    assert most > 16  # up to 4 hosts x 8; a bound per feed alone would keep it to 8


def test_a_feeds_pages_wait_to_be_fetched_while_its_fetched_pages_wait_for_a_worker(
    tmp_path: Path,
) -> None:
    # 16 long pages on one host, answered at once, one worker that needs a while
    # for each: without a bound all 16 bodies would be fetched (8 at a time) and
    # wait in the parent. With it, the 9th is asked for only once a page was
    # extracted and let go, which takes at least half an extraction's time after
    # the first was asked for. (Measured from the first, not the 8th: under load
    # the server's thread for the 8th may run late, even after the first
    # extraction ended.)
    from reader.core.extract import extract_page

    paragraphs = [
        f"Paragraph {i} of the harbour report, long enough to be text." for i in range(1000)
    ]
    page = article_page("Harbour report", paragraphs)
    timings = []
    for _ in range(3):  # the first reading in this process may pay for imports
        started = time.perf_counter()
        extract_page(page, "https://herald.example/report")
        timings.append(time.perf_counter() - started)
    extraction = min(timings)
    arrivals: list[float] = []
    lock = threading.Lock()

    def long_page(request: Request) -> Route:
        with lock:
            arrivals.append(time.perf_counter())
        return Route(body=page, content_type="text/html")

    reader = make_reader(make_settings(tmp_path, extract_workers=1, per_host=8))
    with ExitStack() as stack:
        stack.callback(reader.close)
        server = stack.enter_context(LoopbackServer())
        items = [{"title": f"Part {i}", "link": server.add(f"/p{i}", long_page)} for i in range(16)]
        reader.add_feed(server.add("/feed.xml", body=rss(items)), discover=False)
        [result] = list(reader.refresh())
    assert (result.status, result.new) == ("updated", 16)
    arrivals.sort()
    assert arrivals[8] - arrivals[0] >= extraction / 2


def test_pages_are_extracted_with_a_per_host_limit_of_zero(tmp_path: Path) -> None:
    # The fetcher reads 0 as 1; the pages a feed may hold ahead of extraction too.
    reader = make_reader(make_settings(tmp_path, per_host=0))
    with ExitStack() as stack:
        stack.callback(reader.close)
        server = stack.enter_context(LoopbackServer())
        page = article_page("Harbour", ["The harbour story in full. " * 20])
        link = server.add("/a1", body=page, content_type="text/html")
        items = [{"title": "Harbour", "link": link, "guid": "a1", "description": "short"}]
        reader.add_feed(server.add("/feed.xml", body=rss(items)), discover=False)
        [result] = list(reader.refresh())
        [summary] = reader.articles(ArticleQuery())
    assert (result.status, result.new) == ("updated", 1)
    assert summary.extraction == "page"


def test_the_collector_is_relaxed_while_a_refresh_runs_and_restored_after(
    server: LoopbackServer, reader: Reader
) -> None:
    import gc

    from reader.core.refresh import REFRESH_GC_THRESHOLDS

    before = gc.get_threshold()
    assert before != REFRESH_GC_THRESHOLDS
    for n in range(2):
        url = server.add(
            f"/f{n}.xml", body=rss([{"title": "T", "link": server.url("/a"), "guid": f"g{n}"}])
        )
        reader.add_feed(url, discover=False)
    running = reader.refresh()
    try:
        next(running)
        assert gc.get_threshold() == REFRESH_GC_THRESHOLDS
        # Another refresh overlapping this one leaves the thresholds to the last to end.
        list(reader.refresh(force=True))
        assert gc.get_threshold() == REFRESH_GC_THRESHOLDS
        list(running)
    finally:
        running.close()  # a failed assertion must not leave them raised for later tests
    assert gc.get_threshold() == before
    # Stopped early (the app's cancel): restored too.
    stopped = reader.refresh(force=True)
    next(stopped)
    stopped.close()
    assert gc.get_threshold() == before


def test_a_feeds_outcome_is_named_without_formatting_its_articles() -> None:
    """The command line's refresh takes each feed's outcome from asyncio.Runner.run,
    which formats its finished task, result included, twice (putting Ctrl-C's
    handler back): a repr holding every record's page text cost milliseconds a feed."""
    from reader.core.feeds import ParsedFeed
    from reader.core.fetch import FetchResult
    from reader.core.models import FeedState
    from reader.core.refresh import Fetched
    from records import record

    state = FeedState(7, "https://news.example/feed.xml", "News", None, None, 0, None)
    response = FetchResult(state.url, 200, b"<rss/>" * 10_000, {}, None, None, None)
    feed = ParsedFeed("News", "https://news.example/", (), None, 0)
    records = tuple(record(f"k{n}", "page text " * 2_000) for n in range(20))
    shown = repr(Fetched(state, response, feed, records, 0))
    assert shown == "Fetched('https://news.example/feed.xml', 20 records)"


def _unchanged_feeds(
    tmp_path: Path, server: LoopbackServer, count: int
) -> tuple[Reader, list[str], list[int]]:
    """A reader with `count` feeds refreshed once: the next refresh is all 304s."""
    reader = make_reader(make_settings(tmp_path, extract=False, per_host=count))
    urls = [server.add(f"/f{i}.xml", body=FEED, etag='"v1"') for i in range(count)]
    ids = [reader.add_feed(url, discover=False).feed_id for url in urls]
    assert {r.status for r in reader.refresh()} == {"updated"}
    return reader, [url.rsplit("/", 1)[1] for url in urls], ids


def test_feeds_finishing_together_are_yielded_one_by_one_in_the_order_they_finished(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # Eight answers at once (several finish in one step of the loop and are
    # taken without another), then four late ones. The late ones wait 1.2 s,
    # under the tests' 2 s read timeout: with 0.5 s a loaded machine (a full
    # suite on 2 cores beside other jobs) had not always finished the eight.
    reader, paths, ids = _unchanged_feeds(tmp_path, server, 12)
    for path in paths[8:]:
        server.add(f"/{path}", body=FEED, etag='"v1"', delay=1.2)
    try:
        results = list(reader.refresh())
    finally:
        reader.close()
    assert [r.status for r in results] == ["not_modified"] * 12
    assert {r.feed_id for r in results[:8]} == set(ids[:8])
    assert {r.feed_id for r in results[8:]} == set(ids[8:])
    progress = [r.progress for r in results]
    assert [p.feeds_done for p in progress if p is not None] == list(range(1, 13))


def test_a_stop_ends_the_refresh_though_finished_feeds_wait(
    tmp_path: Path, server: LoopbackServer
) -> None:
    reader, _, _ = _unchanged_feeds(tmp_path, server, 8)
    stop = threading.Event()
    results = []
    try:
        for result in reader.refresh(stop=stop):
            results.append(result)
            stop.set()  # the other seven answered in the same moment, most of them
    finally:
        reader.close()
    assert [r.status for r in results] == ["not_modified"]


def test_an_unchanged_refresh_imports_neither_the_parsers_nor_grouping(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # What an unchanged refresh (all 304) never uses is not imported: ~20 ms
    # of its start-up. A feed that changed imports them (the first refresh).
    reader, _, _ = _unchanged_feeds(tmp_path, server, 3)
    reader.close()
    code = (
        "import sys; from reader.cli.main import main;"
        f"code = main(['--db', {str(tmp_path / 'reader.db')!r}, 'refresh']);"
        "print(code, sorted(m for m in ('reader.core.feeds', 'reader.core.extract',"
        " 'reader.core.stories.grouping', 'feedparser') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "3 feeds" in done.stdout and "0 updated" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "0 []"
