"""Server answers that once pinned a feed or held the parent's CPU (review14c).

Validators that cannot be sent back (a non-ASCII ETag or Last-Modified: every
later refresh failed before its request, for good), bytes after the end of a
compressed body (read without limit), gzip bodies of several members (cut after
the first) and endless `100 Continue` heads (parsed until the deadline). Each
runs against a real server on loopback, the refresh ones with a real database.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.config import HttpSettings
from reader.core.fetch import Fetcher, FetchError, FetchResult
from reader.core.service import Reader
from reader.core.store import ArticleQuery

FEED = rss([{"title": "One", "guid": "1"}, {"title": "Two", "guid": "2"}])
ASCII_DATE = "Mon, 07 Dec 2026 10:00:00 GMT"
# As the server's bytes reach httpx: Latin-1 é, and UTF-8 é (which
# http.server writes as the Latin-1 of these two characters).
NON_ASCII_VALIDATORS = {
    "latin1-etag": {"etag": '"caf\u00e9"'},
    "utf8-etag": {"etag": '"caf\u00c3\u00a9"'},
    "last-modified": {"last_modified": "Mon, 07 D\u00e9c 2026 10:00:00 GMT"},
}


@pytest.fixture
def http(tmp_path: Path) -> HttpSettings:
    return make_settings(tmp_path).http


def fetch(settings: HttpSettings, url: str, **kwargs: str | None) -> FetchResult | FetchError:
    async def run() -> FetchResult | FetchError:
        async with Fetcher(settings) as fetcher:
            try:
                return await fetcher.get(url, **kwargs)
            except FetchError as exc:
                return exc

    return asyncio.run(asyncio.wait_for(run(), 30))


# -- validators ------------------------------------------------------------------------


def test_a_non_ascii_validator_is_not_kept_and_its_feed_refreshes_again(
    server: LoopbackServer, reader: Reader
) -> None:
    urls = {
        name: server.add(f"/{name}.xml", body=FEED, **validator)
        for name, validator in NON_ASCII_VALIDATORS.items()
    }
    for url in urls.values():
        reader.add_feed(url, discover=False)
    for _ in range(2):
        results = list(reader.refresh(force=True))
        assert [(r.status, r.error) for r in results if r.status == "failed"] == []
        assert len(results) == 3
    for name in urls:
        second = server.hits(f"/{name}.xml")[1].headers
        assert "if-none-match" not in second and "if-modified-since" not in second
    assert {(s.etag, s.last_modified) for s in reader.store.feed_states(None)} == {(None, None)}


def test_a_stored_validator_that_cannot_be_sent_is_left_out(
    server: LoopbackServer, reader: Reader
) -> None:
    # As an older version stored them. The server has since mended its ETag.
    url = server.add("/feed.xml", body=FEED, etag='"v2"')
    feed_id = reader.add_feed(url, discover=False).feed_id
    with sqlite3.connect(reader.settings.db_path()) as conn:
        conn.execute(
            "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
            ('"caf\u00e9"', NON_ASCII_VALIDATORS["last-modified"]["last_modified"], feed_id),
        )
    [result] = reader.refresh(force=True)
    assert (result.status, result.error) == ("updated", None)
    sent = server.hits("/feed.xml")[0].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent
    # The server's own validator replaced the old one and is sent next time.
    [result] = reader.refresh(force=True)
    assert result.status == "not_modified"
    assert server.hits("/feed.xml")[1].headers["if-none-match"] == '"v2"'
    assert len(reader.articles(ArticleQuery(feed_id=feed_id))) == 2


def test_ascii_validators_still_go_back_as_they_came(
    server: LoopbackServer, http: HttpSettings
) -> None:
    etag = 'W/"a b/c=="'
    url = server.add("/feed.xml", body=FEED, etag=etag, last_modified=ASCII_DATE)
    first = fetch(http, url)
    assert isinstance(first, FetchResult)
    assert (first.etag, first.last_modified) == (etag, ASCII_DATE)
    again = fetch(http, url, etag=first.etag, last_modified=first.last_modified)
    assert isinstance(again, FetchResult) and again.not_modified
