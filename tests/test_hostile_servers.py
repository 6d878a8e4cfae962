"""Servers that attack the reader, not just break: control sequences in headers
and redirects, a page built to stall extraction, links to local services,
malformed redirects. Each runs the real refresh against the loopback server
and a real database, next to feeds that must come through untouched.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from loopback import LoopbackServer, article_page, rss
from reader.core.addresses import address_kind
from reader.core.fetch import Fetcher, FetchError
from reader.core.service import Reader
from reader.core.store import ArticleQuery
from test_hostile_feeds import (  # the suite's fixture and helpers
    MakeReader,
    add_good_feed,
    assert_good_stored,
    feed,
    make,
    refresh,
    subscribe,
)

__all__ = ["make"]  # a fixture, used by name

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]
# Any C0 control but \n and \t, DEL, or a C1 control (U+0080-U+009F, one-byte CSI included).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
STORY = ["The page has the whole story in it, told at length. " * 12]


def assert_no_controls(*values: str | None) -> None:
    for value in values:
        assert value is None or not CONTROL.search(value), repr(value)


def by_title(reader: Reader, feed_id: int) -> dict[str, object]:
    return {
        s.title: reader.article(s.id)
        for s in reader.articles(ArticleQuery(feed_id=feed_id, limit=None))
    }


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READER_DB": str(db), "READER_CONFIG": str(db.with_suffix(".toml"))}
    db.with_suffix(".toml").write_text("[refresh]\nextract_workers = 1\n", encoding="utf-8")
    done = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


# -- control sequences in headers and redirects ------------------------------------------

ESC_HEADER = "x/y\x1b[4h"  # CSI 4h: the terminal switches to insert mode
C1_LOCATION = "/landed\x9b4h\x85\x90q\x9c"  # one-byte CSI, NEL and a DCS string


def serve_hostile_headers(server: LoopbackServer) -> str:
    page = server.add("/pages/odd-type", body=b"binary", content_type=ESC_HEADER)
    server.add(
        "/landed",  # what the Location names once its controls are gone
        body=article_page("Landed", STORY),
        content_type="text/html",
    )
    moved = server.add("/pages/moved", status=302, headers={"Location": C1_LOCATION})
    items = [
        {"title": "Odd type", "guid": "h1", "link": page, "description": "Feed text one."},
        {"title": "Moved page", "guid": "h2", "link": moved, "description": "Feed text two."},
    ]
    server.add("/feeds/hostile.xml", body=rss(items, title="Hostile headers"))
    # The feed moved for good, with controls in the new address.
    return server.add(
        "/hostile-old.xml",
        status=301,
        headers={"Location": "/feeds/hostile.xml\x9b2J\x1b[4h", "ETag": '"e\x1b[4h"'},
    )


def test_controls_in_headers_and_redirects_are_not_stored(
    server: LoopbackServer, make: MakeReader
) -> None:
    reader = make(extract=True)
    hostile_id, good_id = subscribe(reader, serve_hostile_headers(server), add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    assert results[hostile_id].status == "updated"
    hostile = feed(reader, hostile_id)
    assert hostile.url == server.url("/feeds/hostile.xml")  # followed, controls gone
    articles = by_title(reader, hostile_id)
    odd, moved = articles["Odd type"], articles["Moved page"]
    assert odd.extraction_error == "article page is x/y, not HTML"  # type: ignore[attr-defined]
    assert moved.extraction_error is None  # type: ignore[attr-defined]
    assert "whole story" in moved.text  # type: ignore[attr-defined]
    # What the database holds, column by column, not just what the store hands out.
    with sqlite3.connect(reader.settings.db_path()) as conn:
        for row in conn.execute("SELECT * FROM feeds"):
            assert_no_controls(*(v for v in row if isinstance(v, str)))
        for row in conn.execute("SELECT url, title, extraction_error, text FROM articles"):
            assert_no_controls(*row)
    # What the command line prints.
    shown = run_cli(reader.settings.db_path(), "show", str(odd.summary.id)).stdout  # type: ignore[attr-defined]
    assert "(text from the feed: article page is x/y, not HTML)" in shown
    listed = run_cli(reader.settings.db_path(), "feeds").stdout
    assert server.url("/feeds/hostile.xml") in listed
    for output in (shown, listed):
        assert_no_controls(output)


def test_error_texts_are_cleaned(server: LoopbackServer, make: MakeReader) -> None:
    """A refused redirect target is quoted in the error: without its controls."""
    url = server.add("/bad.xml", status=302, headers={"Location": "https://\x1b[4h\x9b2J/feed"})
    reader = make()
    bad_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    error = results[bad_id].error
    assert error == "redirected to a forbidden URL: URL has no host: https:///feed"
    assert feed(reader, bad_id).last_error == error


def plant_old_rows(reader: Reader, server: LoopbackServer) -> tuple[int, int]:
    """A feed and an article as an older version may have stored them: raw
    ESC and C1 controls in every string column the outputs show."""
    url = server.add("/old.xml", body=rss([{"title": "Plain", "guid": "o1"}], title="Plain"))
    [feed_id] = subscribe(reader, url)
    refresh(reader)
    [summary] = reader.articles(ArticleQuery(feed_id=feed_id))
    evil = "\x1b[4h\x1b]52;c;SGVsbG8=\x07\x9b2J"
    with sqlite3.connect(reader.settings.db_path()) as conn:
        conn.execute(
            "UPDATE feeds SET title = ?, url = ?, last_error = ?, last_warning = ? WHERE id = ?",
            (f"Old {evil}feed", f"{url}?{evil}", f"HTTP {evil}500", f"warn{evil}", feed_id),
        )
        conn.execute(
            "UPDATE articles SET title = ?, url = ?, author = ?, extraction_error = ?, text = ?"
            " WHERE id = ?",
            (
                f"Old {evil}title",
                f"http://x.invalid/{evil}",
                f"Ann {evil}",
                f"article page is x/y{evil}, not HTML",
                f"Old text {evil}here.",
                summary.id,
            ),
        )
    return feed_id, summary.id


def test_old_rows_with_raw_controls_are_printed_safely(
    server: LoopbackServer, make: MakeReader
) -> None:
    reader = make()
    feed_id, article_id = plant_old_rows(reader, server)
    db = reader.settings.db_path()
    with sqlite3.connect(db) as conn:  # really stored raw
        [(title,)] = conn.execute("SELECT title FROM articles WHERE id = ?", (article_id,))
    assert "\x1b[4h" in title
    shown = run_cli(db, "show", str(article_id)).stdout
    assert "Old title" in shown and "Old text here." in shown
    assert "(text from the feed: article page is x/y, not HTML)" in shown
    listed = run_cli(db, "feeds").stdout
    assert "Old feed" in listed and "HTTP 500" in listed
    articles = run_cli(db, "articles").stdout
    assert "Old title" in articles
    for output in (shown, listed, articles, run_cli(db, "show", "--json", str(article_id)).stdout):
        assert_no_controls(output)
    # The core hands out clean rows to every caller (the app reads the same records).
    article = reader.article(article_id)
    [old_feed] = [f for f in reader.feeds() if f.id == feed_id]
    assert_no_controls(
        article.summary.title,
        article.summary.url,
        article.summary.author,
        article.summary.feed_title,
        article.extraction_error,
        article.text,
        old_feed.title,
        old_feed.url,
        old_feed.last_error,
        old_feed.last_warning,
    )


# -- a page built to stall extraction ---------------------------------------------------

# <article> and 200,000 tiny paragraphs: 2 MB, and minutes of trafilatura.
COSTLY_PAGE = b"<html><body><article>" + b"<p>a b</p>" * 200_000 + b"</article></body></html>"


def serve_feed_with_pages(server: LoopbackServer, name: str, extra: list[dict[str, str]]) -> str:
    items = list(extra)
    for i in range(2):
        page = server.add(
            f"/{name}/p{i}", body=article_page(f"{name} {i}", STORY), content_type="text/html"
        )
        items.append({"title": f"{name} story {i}", "guid": f"{name}-{i}", "link": page})
    return server.add(f"/{name}.xml", body=rss(items, title=name))


def test_costly_page_does_not_stall_the_refresh(server: LoopbackServer, make: MakeReader) -> None:
    assert 2_000_000 < len(COSTLY_PAGE) < 3_000_000
    costly = server.add("/costly", body=COSTLY_PAGE, content_type="text/html")
    costly_item = {
        "title": "Costly",
        "guid": "costly",
        "link": costly,
        "description": "The feed's own summary.",
    }
    urls = [
        serve_feed_with_pages(server, "first", [costly_item]),
        serve_feed_with_pages(server, "second", []),
        serve_feed_with_pages(server, "third", []),
    ]
    reader = make(extract=True, extract_timeout=30.0, http={"max_response_bytes": 3_000_000})
    ids = subscribe(reader, *urls)
    start = time.monotonic()
    results = refresh(reader)
    elapsed = time.monotonic() - start
    # The page is refused before trafilatura sees it: far below the 30 s limit.
    assert elapsed < 15, f"refresh took {elapsed:.1f} s"
    assert all(results[i].status == "updated" for i in ids)
    for feed_id, name in zip(ids, ("first", "second", "third"), strict=True):
        articles = by_title(reader, feed_id)
        for i in range(2):
            page_article = articles[f"{name} story {i}"]
            assert page_article.summary.extraction == "page"  # type: ignore[attr-defined]
            assert "whole story" in page_article.text  # type: ignore[attr-defined]
    costly_article = by_title(reader, ids[0])["Costly"]
    assert costly_article.text == "The feed's own summary."  # type: ignore[attr-defined]
    assert costly_article.extraction_error == (  # type: ignore[attr-defined]
        "article page too complex to extract (400,006 tags, limit 40,000)"
    )
    assert results[ids[0]].extraction_failures == 1


def test_broken_json_ld_does_not_stall_the_page(server: LoopbackServer, make: MakeReader) -> None:
    # 23,000 "author": keys and a brace, then the one that names someone: a
    # JSON-LD script json.loads rejects. trafilatura's crude author pattern
    # scanned from every key to the brace (~90 s of CPU for these 256 KB; on
    # main the page was stopped at the limit and kept the feed's text).
    script = "{" + '"author":1,' * 23_000 + '},"author":{"name":"Late Name"}'
    page = article_page("Broken", STORY).replace(
        b"</head>", f'<script type="application/ld+json">{script}</script></head>'.encode()
    )
    url = server.add("/broken-ld", body=page, content_type="text/html")
    item = {"title": "Broken", "guid": "broken", "link": url, "description": "Summary."}
    reader = make(extract=True, extract_timeout=20.0)
    [feed_id] = subscribe(reader, serve_feed_with_pages(server, "first", [item]))
    refresh(reader)
    article = by_title(reader, feed_id)["Broken"]
    assert article.extraction_error is None  # type: ignore[attr-defined]
    assert article.summary.extraction == "page"  # type: ignore[attr-defined]
    assert article.summary.author == "Late Name"  # type: ignore[attr-defined]


def test_slow_extraction_is_stopped_at_its_limit(server: LoopbackServer, make: MakeReader) -> None:
    # Under the tag limit, but seconds of trafilatura: the time limit must stop it.
    slow_page = b"<html><body><article>" + b"<p>a b</p>" * 19_000 + b"</article></body></html>"
    slow = server.add("/slow", body=slow_page, content_type="text/html")
    slow_item = {"title": "Slow", "guid": "slow", "link": slow, "description": "Summary."}
    first = serve_feed_with_pages(server, "first", [slow_item])
    second = serve_feed_with_pages(server, "second", [])
    reader = make(extract=True, extract_timeout=1.0)
    ids = subscribe(reader, first, second)
    results = refresh(reader)
    assert all(results[i].status == "updated" for i in ids)
    slow_article = by_title(reader, ids[0])["Slow"]
    assert slow_article.extraction_error == "extraction stopped after 1 s"  # type: ignore[attr-defined]
    assert slow_article.text == "Summary."  # type: ignore[attr-defined]
    for feed_id, name in zip(ids, ("first", "second"), strict=True):
        articles = by_title(reader, feed_id)
        assert all(articles[f"{name} story {i}"].summary.extraction == "page" for i in range(2))  # type: ignore[attr-defined]
    # The work was stopped, not abandoned: no worker process outlives the refresh.
    assert multiprocessing.active_children() == []


def test_slow_feed_parsing_is_stopped_at_its_limit(
    server: LoopbackServer, make: MakeReader
) -> None:
    # 10,000 items: seconds of feedparser, far past a 0.5 s limit.
    big = rss([{"title": f"Item {i}", "guid": f"g{i}"} for i in range(10_000)])
    url = server.add("/big.xml", body=big)
    reader = make(parse_timeout=0.5)
    start = time.monotonic()
    big_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    elapsed = time.monotonic() - start
    assert_good_stored(reader, results, good_id)
    assert results[big_id].status == "failed"
    assert results[big_id].error == "parsing the feed took longer than 0.5 s; stopped"
    assert feed(reader, big_id).articles == 0
    assert elapsed < 10, f"refresh took {elapsed:.1f} s"
    assert multiprocessing.active_children() == []


# -- links and redirects to local addresses ---------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "loopback"),  # connects to this machine on Linux
        ("::", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::", "link-local"),  # 6to4 of 169.254.169.254
        ("fec0::1", "private"),  # site-local (deprecated)
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("::ffff:192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),  # a cloud machine's metadata service
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("::ffff:169.254.1.1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "reserved"),  # carrier-grade NAT
        ("240.0.0.1", "reserved"),
        ("8.8.8.8", None),
        ("172.32.0.1", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


@pytest.mark.parametrize(
    ("mode", "target", "feed_network", "refused"),
    [
        ("feed-network", "http://10.0.0.1/x", None, "10.0.0.1 is a private address"),
        ("feed-network", "http://10.0.0.1/x", "loopback", "10.0.0.1 is a private address"),
        ("feed-network", "http://10.0.0.1/x", "private", None),
        ("feed-network", "http://[::ffff:10.0.0.1]/x", None, "is a private address"),
        ("feed-network", "http://169.254.169.254/latest", "private", "link-local"),
        ("feed-network", "http://224.0.0.1/", "private", "multicast"),
        ("feed-network", "http://127.0.0.1/admin", None, "127.0.0.1 is a loopback address"),
        ("feed-network", "http://127.0.0.1/admin", "loopback", None),
        ("feed-network", "http://localhost/admin", None, "is a loopback address"),
        ("feed-network", "http://192.0.2.1/", None, "192.0.2.1 is a private"),  # documentation
        ("never", "http://10.0.0.1/x", "private", "is a private address"),
        ("never", "http://127.0.0.1/admin", "loopback", "is a loopback address"),
        ("always", "http://10.0.0.1/x", None, None),
        ("always", "http://[fe80::1]/x", None, None),
    ],
)
def test_local_targets_are_judged_after_resolution(
    mode: str, target: str, feed_network: str | None, refused: str | None
) -> None:
    """The decision alone: names are resolved (locally: IP literals and
    localhost), nothing is connected to."""
    import dataclasses

    from conftest import make_settings

    settings = dataclasses.replace(make_settings(Path("unused")).http, private_addresses=mode)

    async def judge() -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.refuse_local_target(target, feed_network, redirected=False)

    if refused is None:
        asyncio.run(judge())
    else:
        with pytest.raises(FetchError, match=re.escape(refused)) as caught:
            asyncio.run(judge())
        assert caught.value.kind == "address"
        assert "[http] private_addresses" in caught.value.reason


def test_the_private_addresses_setting_takes_one_of_its_words() -> None:
    from reader.core.config import ConfigError, settings_from_mapping

    for mode in ("feed-network", "always", "never"):
        http = settings_from_mapping({"http": {"private_addresses": mode}}).http
        assert http.private_addresses == mode
    with pytest.raises(ConfigError, match="must be one of feed-network, always, never"):
        settings_from_mapping({"http": {"private_addresses": "sometimes"}})


def local_links(server: LoopbackServer) -> list[dict[str, str]]:
    port = server.port
    server.add("/admin", body=article_page("Admin", STORY), content_type="text/html")
    return [
        {"title": "Direct", "guid": "l1", "link": f"http://127.0.0.1:{port}/admin?a=1"},
        {"title": "By name", "guid": "l2", "link": f"http://localhost:{port}/admin?a=2"},
        {"title": "Mapped", "guid": "l3", "link": f"http://[::ffff:127.0.0.1]:{port}/admin?a=3"},
        {"title": "Other loopback", "guid": "l4", "link": f"http://127.0.0.2:{port}/admin?a=4"},
    ]


def test_links_to_local_addresses_are_refused_when_the_rule_applies(
    server: LoopbackServer, make: MakeReader
) -> None:
    """The loopback server plays every role, so the rule is tested in its strict
    form ("never": even a local feed may not send the reader to local
    addresses); the default exemption is what lets every other test's loopback
    feed reach its loopback pages (below)."""
    url = server.add("/local.xml", body=rss(local_links(server), title="Local links"))
    reader = make(extract=True, http={"private_addresses": "never"})
    local_id, good_id = subscribe(reader, url, add_good_feed(server))
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)  # the feeds themselves: the user's choice
    assert results[local_id].status == "updated"
    articles = by_title(reader, local_id)
    assert len(articles) == 4
    for title, article in articles.items():
        error = article.extraction_error  # type: ignore[attr-defined]
        assert error is not None and error.startswith("article page: "), title
        assert "is a loopback address, refused for a link or a redirect from a feed" in error
    assert server.hits("/admin") == []
    assert not [r for r in server.requests if r.path.startswith("/admin")]


def test_a_feed_on_a_local_network_keeps_its_local_pages(
    server: LoopbackServer, make: MakeReader
) -> None:
    url = server.add("/local.xml", body=rss(local_links(server)[:2], title="Intranet"))
    reader = make(extract=True)  # the default: "feed-network"
    [local_id] = subscribe(reader, url)
    refresh(reader)
    articles = by_title(reader, local_id)
    assert all(a.extraction_error is None for a in articles.values())  # type: ignore[attr-defined]
    assert len(server.hits("/admin?a=1")) == len(server.hits("/admin?a=2")) == 1


def test_a_page_announcing_a_local_feed_is_held_to_the_same_rule(
    server: LoopbackServer, make: MakeReader
) -> None:
    from reader.core.service import AddError

    server.add("/feed.xml", body=rss([{"title": "Found", "guid": "f"}]))
    page = server.add(
        "/home",
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        b"</head><body>Home</body></html>",
        content_type="text/html",
    )
    with pytest.raises(AddError, match=re.escape("127.0.0.1 is a loopback address")):
        make(http={"private_addresses": "never"}).add_feed(page)
    assert server.hits("/feed.xml") == []
    assert make().add_feed(page).url == server.url("/feed.xml")  # the default: same network


def test_redirects_to_local_addresses_are_refused(server: LoopbackServer, make: MakeReader) -> None:
    server.add("/real.xml", body=rss([{"title": "Moved", "guid": "m"}]))
    moved = server.add("/moved.xml", status=302, headers={"Location": "/real.xml"})
    reader = make(http={"private_addresses": "never"})
    [moved_id] = subscribe(reader, moved)
    result = refresh(reader)[moved_id]
    assert result.status == "failed"
    assert result.error is not None
    assert result.error.startswith("redirected to a forbidden URL: 127.0.0.1 is a loopback")
    assert server.hits("/real.xml") == []
    # The default lets a loopback feed's redirect stay on loopback.
    relaxed = make()
    [relaxed_id] = subscribe(relaxed, moved)
    assert refresh(relaxed, force=True)[relaxed_id].status == "updated"


# -- malformed redirects ------------------------------------------------------------------


@pytest.mark.parametrize("location", ["http://[::1", "https://[foo]/feed", "http://[::1]:99999/"])
def test_redirect_to_a_malformed_url_is_a_clear_error(
    server: LoopbackServer, make: MakeReader, location: str
) -> None:
    bad = server.add("/bad.xml", status=302, headers={"Location": location})
    page = server.add("/pages/bad", status=301, headers={"Location": location})
    server.add(
        "/with-page.xml",
        body=rss([{"title": "Bad link", "guid": "b", "link": page, "description": "Kept."}]),
    )
    reader = make(extract=True)
    bad_id, page_feed_id, good_id = subscribe(
        reader, bad, server.url("/with-page.xml"), add_good_feed(server)
    )
    results = refresh(reader)
    assert_good_stored(reader, results, good_id)
    error = results[bad_id].error
    assert error is not None and error.startswith("redirected to a forbidden URL: invalid URL")
    assert "\n" not in error
    [article] = by_title(reader, page_feed_id).values()
    assert article.text == "Kept."  # type: ignore[attr-defined]
    assert article.extraction_error.startswith(  # type: ignore[attr-defined]
        "article page: redirected to a forbidden URL: invalid URL"
    )


# -- the process pool at exit -----------------------------------------------------------


def test_refresh_leaves_no_worker_process_or_thread(
    server: LoopbackServer, make: MakeReader
) -> None:
    """What made ~1 exit in 46 print `OSError: [Errno 9]`: concurrent.futures'
    manager thread, left running by shutdown(wait=False), closing its wakeup
    pipe while the interpreter's exit hook wrote to it. Nothing may outlive a
    refresh now."""
    import concurrent.futures.process

    reader = make(extract=True)
    [feed_id] = subscribe(reader, serve_feed_with_pages(server, "exit", []))
    threads_before = set(threading.enumerate())
    assert refresh(reader)[feed_id].status == "updated"
    assert multiprocessing.active_children() == []
    assert not concurrent.futures.process._threads_wakeups
    # The loopback server's own handler threads are left out: one ends when it
    # sees the refresh's connection closed, which may be a moment after the
    # refresh returns (so the test failed 2 runs in 25 on main, under load).
    assert {t for t in set(threading.enumerate()) - threads_before if not _serving(t)} <= {
        t for t in threading.enumerate() if t.name.startswith(("asyncio_", "ThreadPoolExecutor"))
    }


def _serving(thread: threading.Thread) -> bool:
    """A thread of the test's http.server answering one connection."""
    return "(process_request_thread)" in thread.name


def test_many_short_refreshes_print_no_traceback(server: LoopbackServer, tmp_path: Path) -> None:
    urls = [serve_feed_with_pages(server, f"short{i}", []) for i in range(2)]
    db = tmp_path / "short.db"
    run_cli(db, "add", "--no-fetch", *urls)
    deadline = time.monotonic() + 60
    runs = 0
    while runs < 8 and time.monotonic() < deadline:
        done = run_cli(db, "refresh", "--force")
        assert "Traceback" not in done.stderr and "Errno" not in done.stderr, done.stderr
        runs += 1
    assert runs >= 4, f"only {runs} refreshes in 60 s"
