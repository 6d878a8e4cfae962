"""`reader add` against feeds that break the parser and pages that list many
feeds (review12, findings 6 and 7), over real HTTP on 127.0.0.1."""

from __future__ import annotations

import random
from pathlib import Path

from loopback import LoopbackServer, rss
from reader.core.feeds import find_feed_links
from reader.core.service import DISCOVERY_CANDIDATES, AddError, Reader
from test_cli import cli_runner

# A character reference to a lone surrogate: feedparser raises
# UnicodeEncodeError on it (its own surprise, not NotAFeedError).
_BAD_TITLE = b"<title>Bad &#xD800; feed</title>"


def _good_and_bad(server: LoopbackServer) -> tuple[str, str]:
    good = rss([{"title": "Fine", "guid": "g", "description": "ok"}], title="Good feed")
    bad = good.replace(b"<title>Good feed</title>", _BAD_TITLE)
    assert bad != good
    return server.add("/good.xml", body=good), server.add("/bad.xml", body=bad)


def test_a_feed_the_parser_fails_on_is_its_own_error_and_the_others_are_added(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # On main the parser's UnicodeEncodeError ended the whole command: no feed added.
    run = cli_runner(tmp_path, "[http]\ntotal_timeout = 5.0\n[refresh]\nextract = false\n")
    good, bad = _good_and_bad(server)
    done = run("add", good, bad, ok=False)
    assert done.returncode == 1  # as for any URL `reader add` cannot add
    assert f"subscribed to {good}" in done.stdout
    assert "1 new article" in done.stdout
    assert f"reader: cannot add {bad}: cannot parse the feed: UnicodeEncodeError:" in done.stderr
    assert "unexpected error" not in done.stderr
    assert "Good feed" in run("feeds").stdout


def test_a_linked_feed_the_parser_fails_on_leaves_the_next_one_tried(
    reader: Reader, server: LoopbackServer
) -> None:
    good, bad = _good_and_bad(server)
    home = server.add(
        "/",
        body=(
            f'<html><head><link rel="alternate" type="application/rss+xml" href="{bad}">'
            f'<link rel="alternate" type="application/rss+xml" href="{good}"></head></html>'
        ).encode(),
        content_type="text/html",
    )
    [added] = reader.add_feeds([home], discover=True)
    assert not isinstance(added, AddError)
    assert added.url == good


def test_a_page_listing_many_feeds_has_only_the_first_few_tried(
    reader: Reader, server: LoopbackServer
) -> None:
    # On main every one of them was fetched in turn (each up to the HTTP
    # timeout) and each failure went into the message.
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="/nf/{"x" * 300}{i}">'
        for i in range(50)
    )
    home = server.add(
        "/", body=f"<html><head>{links}</head></html>".encode(), content_type="text/html"
    )
    [failed] = reader.add_feeds([home], discover=True)
    assert isinstance(failed, AddError)
    # (Tried at once: in whatever order the requests came.)
    tried = sorted(r.path for r in server.requests if r.path.startswith("/nf/"))
    assert tried == sorted(f"/nf/{'x' * 300}{i}" for i in range(DISCOVERY_CANDIDATES))
    message = str(failed)
    assert message.endswith(f"; {50 - DISCOVERY_CANDIDATES} more not tried)")
    assert message.count("HTTP 404") == DISCOVERY_CANDIDATES
    # Each candidate's URL and reason are cut to a line: the message stays small.
    assert len(message) < DISCOVERY_CANDIDATES * 450


def _ranked_before(page: bytes, base: str) -> list[str]:
    """find_feed_links as main had it (a scan of the links kept per link)."""
    import lxml.html

    from reader.core.feeds import FEED_TYPES, _clean_url

    ranked: list[tuple[int, str]] = []
    for link in lxml.html.document_fromstring(page).iterfind(".//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        href = _clean_url(link.get("href"), base)
        if href and href not in (u for _, u in ranked):
            ranked.append((0 if "atom" in kind or "rss" in kind else 1, href))
    return [url for _, url in sorted(ranked, key=lambda pair: pair[0])]


def test_feed_links_are_deduplicated_in_the_same_order_as_before() -> None:
    rng = random.Random(7)
    kinds = ["application/rss+xml", "application/atom+xml", "application/feed+json", "text/html"]
    for _ in range(300):
        links = "".join(
            f'<link rel="alternate" type="{rng.choice(kinds)}" href="/f{rng.randrange(6)}">'
            for _ in range(rng.randrange(1, 12))
        )
        page = f"<html><head>{links}</head><body>x</body></html>".encode()
        assert find_feed_links(page, "http://site.example/") == _ranked_before(
            page, "http://site.example/"
        )
