"""The one rule for the dates feeds give (reader.core.feed_dates; review14c
findings 1, 5 and 8): the same for the fast path, feedparser's path and JSON
Feed; a date that breaks it is the item's missing date, never the feed's
failure; rows stored by earlier versions are repaired when the database opens.
Real SQLite, real HTTP on 127.0.0.1, the installed command."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core import feeds
from reader.core.feeds_fast import parse_plain_feed
from reader.core.service import Reader, make_reader
from reader.core.store.schema import apply_migrations
from reader.core.stories.queries import since_stamp
from records import TEXT, record, write
from test_cli import cli_runner

URL = "http://127.0.0.1/feed"
RSS = {"content-type": "application/rss+xml"}
ATOM = {"content-type": "application/atom+xml"}
JSON_FEED = {"content-type": "application/feed+json"}
CONFIG = "[http]\ntotal_timeout = 5.0\n[refresh]\nextract = false\n"

# (date as written, as stored): on main the first ones were stored as
# "1-01-01T00:00:00Z", "999-01-01T00:00:00Z", "1999-12-27T19:21:00Z" (an offset
# of 100 hours), "2024-03-01T00:00:00Z", "2000-01-02T00:00:00Z", "2000-01-01T00:00:00Z".
BROKEN = [
    "Mon, 01 Jan 0001 00:00:00 GMT",
    "Sat, 01 Jan 0999 00:00:00 GMT",
    "Sat, 01 Jan 0100 00:00:00 GMT",
    "Sat, 01 Jan 1899 12:00:00 GMT",
    "Sat, 01 Jan 2000 00:00:00 +9999",
    "Sat, 01 Jan 2000 00:00:00 +99:99",
    "Sat, 01 Jan 2000 00:00:00 +2400",
    "Fri, 31 Dec 9999 23:59:59 -1200",
    "0001-01-01T00:00:00Z",
    "0999-06-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-14:00",
    "2000-01-01T00:00:00+99:99",
    "2000-01-01T00:00:00+00:60",
    "2024-02-30T00:00:00Z",
    "2024-02-30",
    "2000-13-01",
    "2000-01-01T24:00:00Z",
    "-0001-01-01T00:00:00Z",
]
KEPT = [
    ("Tue, 03 Jun 2025 09:39:21 +0200", "2025-06-03T07:39:21Z"),
    ("Sat, 01 Jan 2000 00:00:00 +2359", "1999-12-31T00:01:00Z"),
    ("Fri, 31 Dec 9999 23:59:59 GMT", "9999-12-31T23:59:59Z"),
    ("Mon, 01 Jan 1900 00:00:00 GMT", "1900-01-01T00:00:00Z"),
    ("2025-06-03T09:39:21.5-05:00", "2025-06-03T14:39:21Z"),
    ("2024-06-01T10:00:00+0530", "2024-06-01T04:30:00Z"),  # feedparser: 05:00
    ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
    ("2024-12-25", "2024-12-25T00:00:00Z"),
]


def _rss(date: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<link>http://x.example/</link><item><title>a</title><link>http://x.example/1</link>"
        f"<guid>a</guid><pubDate>{date}</pubDate></item></channel></rss>"
    ).encode()


def _atom(date: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>A</title><entry><title>a</title><id>urn:a</id>"
        f"<link href='http://x.example/1'/><published>{date}</published></entry></feed>"
    ).encode()


def _json(*dates: str) -> bytes:
    items = [
        {"id": f"j{i}", "title": f"item {i}", "content_text": "x", "date_published": date}
        for i, date in enumerate(dates)
    ]
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items}
    ).encode()


def _every_way(date: str) -> set[str | None]:
    """The stored date of one item so dated, by every way of reading a feed."""
    found = set()
    for content, headers in ((_rss(date), RSS), (_atom(date), ATOM)):
        found.add(feeds.parse_feed(content, headers, URL).entries[0].published)
        found.add(feeds._parse_with_feedparser(content, headers, URL).entries[0].published)
        plain = parse_plain_feed(content, headers)
        if plain is not None:
            found.add(feeds._from_plain(plain, URL).entries[0].published)
    found.add(feeds.parse_feed(_json(date), JSON_FEED, URL).entries[0].published)
    return found


@pytest.mark.parametrize("date", BROKEN)
def test_a_date_that_breaks_the_rule_is_missing_by_every_way_of_reading(date: str) -> None:
    assert _every_way(date) == {None}


@pytest.mark.parametrize(("date", "stored"), KEPT)
def test_a_real_date_is_the_same_by_every_way_of_reading(date: str, stored: str) -> None:
    ways = _every_way(date)
    if not date[0].isdigit():  # (RFC 822 is no JSON Feed date: fromisoformat reads none)
        ways.discard(None)
    assert ways == {stored}


def test_one_out_of_range_date_loses_that_date_not_the_json_feed() -> None:
    # On main: "cannot parse the feed: OverflowError: date value out of range".
    for odd in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00"):
        parsed = feeds.parse_feed(_json("2026-12-01T00:00:00Z", odd, ""), JSON_FEED, URL)
        assert [e.published for e in parsed.entries] == ["2026-12-01T00:00:00Z", None, None]


def test_json_feed_fields_that_are_not_strings_are_left_out() -> None:
    # On main the title ["x"] was stored as the text "['x']" (and so were the
    # feed's title, an author's name, content_html).
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ["Feed", "title"],
        "home_page_url": ["http://x.example/"],
        "items": [
            {
                "id": 7,  # the spec: an id of another type is coerced to text
                "title": ["x"],
                "url": ["http://x.example/1"],
                "external_url": "http://x.example/ext",
                "content_html": {"p": 1},
                "content_text": "plain words",
                "summary": ["s"],
                "authors": [{"name": ["Ada"]}, {"name": "Grace"}, "Bob"],
                "date_published": ["2026-01-01"],
                "date_modified": "2026-02-01T00:00:00Z",
            },
            {"id": "b", "title": "fine", "author": {"name": 5}, "authors": 3},
        ],
    }
    parsed = feeds.parse_feed(json.dumps(document).encode(), JSON_FEED, URL)
    assert parsed.title == ""
    assert parsed.site_url == ""
    first, second = parsed.entries
    assert (first.guid, first.title, first.url) == ("7", "", "http://x.example/ext")
    assert first.content_html == "plain words"  # content_text, as with no content_html
    assert first.summary_html == ""
    assert first.author == "Grace"
    assert first.published == first.updated == "2026-02-01T00:00:00Z"
    assert (second.title, second.author) == ("fine", "")


def test_a_json_feed_with_an_out_of_range_date_is_added_and_refreshed(
    reader: Reader, server: LoopbackServer
) -> None:
    url = server.add(
        "/j.json",
        body=_json("2026-12-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z"),
        content_type="application/feed+json",
    )
    added = reader.add_feed(url)
    [result] = list(reader.refresh([added.feed_id]))
    assert (result.status, result.new, result.error) == ("updated", 3, None)


def _year_one_feed(server: LoopbackServer) -> str:
    return server.add(
        "/bad.xml",
        body=rss(
            [
                {
                    "title": "Old news about OpenAI",
                    "guid": "old",
                    "pubDate": "Mon, 01 Jan 0001 00:00:00 GMT",
                    "description": "OpenAI and Google said things.",
                },
                {
                    "title": "Fine item",
                    "guid": "fine",
                    "pubDate": "Mon, 07 Dec 2026 10:00:00 GMT",
                    "description": "Microsoft news.",
                },
            ]
        ),
    )


def test_an_item_dated_year_one_leaves_every_command_working(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # On main: the feed "failed ... cannot store the feed: ValueError: Invalid
    # isoformat string: '1-01-01T00:00:00Z'" (its articles stored all the same),
    # then `stories`, `digest` and every `refresh` ended in that error for good.
    run = cli_runner(tmp_path, CONFIG)
    goods = [
        server.add(
            f"/good{i}.xml",
            body=rss(
                [
                    {
                        "title": f"Google launches Gemini {i}",
                        "guid": f"g{i}",
                        "pubDate": "Mon, 07 Dec 2026 09:00:00 GMT",
                        "description": f"Google and DeepMind launched Gemini {i} today.",
                    }
                ]
            ),
        )
        for i in range(3)
    ]
    run("add", *goods)
    bad = _year_one_feed(server)
    added = run("add", bad)
    assert "failed" not in added.stdout, added.stdout
    assert "2 new articles" in added.stdout
    for command in (["stories"], ["digest"], ["refresh", "--force"], ["articles"]):
        done = run(*command)
        assert "Invalid isoformat" not in done.stdout + done.stderr
    db = sqlite3.connect(tmp_path / "cli.db")
    assert db.execute(
        "SELECT error_count, last_error FROM feeds WHERE url = ?", (bad,)
    ).fetchone() == (
        0,
        None,
    )
    published, sort_date, added_at = db.execute(
        "SELECT published, sort_date, added_at FROM articles WHERE guid = 'old'"
    ).fetchone()
    assert published is None
    assert sort_date == added_at  # undated: the time it was fetched
    db.close()


def _old_database(path: Path, feed_url: str) -> None:
    """A database as earlier versions left it: every migration before 0010,
    and dates as they stored them (year 1 without padding, year 999 in three
    digits, year 1500 grouped in a story under that day)."""
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, stop_before="0010_feed_dates")
    conn.execute(
        "INSERT INTO feeds (id, url, added_at) VALUES (1, ?, '2026-12-01T00:00:00Z')", (feed_url,)
    )
    rows = [
        ("old", "1-01-01T00:00:00Z", "1-01-01T00:00:00Z"),
        ("nines", "999-01-01T00:00:00Z", "2026-12-01T08:00:00Z"),
        ("early", "1500-01-01T00:00:00Z", "1500-01-01T00:00:00Z"),
        ("kept", "2026-12-01T07:00:00Z", "2026-12-01T07:00:00Z"),
    ]
    for key, published, sort_date in rows:
        conn.execute(
            "INSERT INTO articles (feed_id, key, guid, title, published, updated, added_at,"
            " sort_date, text, entry_hash) VALUES (1, ?, ?, ?, ?, ?, '2026-12-01T08:00:00Z', ?,"
            " ?, ?)",
            (f"guid:{key}", key, f"Story {key}", published, published, sort_date, TEXT, key),
        )
    conn.execute("INSERT INTO stories (id, created_at) VALUES (1, '2026-12-01T08:00:00Z')")
    conn.execute(
        "INSERT INTO story_articles (article_id, story_id, sort_date)"
        " SELECT id, 1, sort_date FROM articles WHERE key = 'guid:early'"
    )
    conn.close()


def test_dates_stored_by_earlier_versions_are_repaired_when_the_database_opens(
    tmp_path: Path, server: LoopbackServer
) -> None:
    # On main before this change (no migration 0010) `reader stories`, `reader digest` and
    # `reader refresh` failed on the year-1 row: "Invalid isoformat string".
    bad = _year_one_feed(server)
    _old_database(tmp_path / "cli.db", bad)
    run = cli_runner(tmp_path, CONFIG)
    run("stories")
    run("digest")
    refreshed = run("refresh")
    assert "failed" not in refreshed.stdout, refreshed.stdout
    db = sqlite3.connect(tmp_path / "cli.db")
    dates = {
        key: (published, updated, sort_date)
        for key, published, updated, sort_date in db.execute(
            "SELECT key, published, updated, sort_date FROM articles"
        )
    }
    assert dates["guid:old"] == (None, None, "2026-12-01T08:00:00Z")  # (the refresh kept it)
    assert dates["guid:nines"] == (None, None, "2026-12-01T08:00:00Z")
    assert dates["guid:early"] == (None, None, "2026-12-01T08:00:00Z")
    assert dates["guid:kept"] == ("2026-12-01T07:00:00Z",) * 3
    # The article whose place changed was grouped again, under its new day.
    assert db.execute(
        "SELECT s.sort_date FROM story_articles s JOIN articles a ON a.id = s.article_id"
        " WHERE a.key = 'guid:early'"
    ).fetchone() == ("2026-12-01T08:00:00Z",)
    db.close()


def test_a_feed_whose_articles_were_stored_is_not_reported_as_not_stored(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """The new articles are added to the refresh's stories after the feed's
    transaction commits; a failure there (here: a stored story date that no
    version writes, left by another tool) is no failure to store the feed."""
    reader = make_reader(make_settings(tmp_path, extract=False))
    first = reader.store.add_feed("https://a.example/feed")[0]
    write(reader.store, first, record("a"))
    reader.group_pending()
    reader.store.conn.execute("UPDATE story_articles SET sort_date = 'garbage'")
    copy = server.add(
        "/copy.xml",
        body=rss(
            [
                {
                    "title": "Story a",
                    "guid": "b",
                    "pubDate": "Sun, 01 Mar 2026 10:00:00 GMT",
                    "description": TEXT.replace("\n\n", " "),
                }
            ]
        ),
    )
    feed_id = reader.add_feed(copy, discover=False).feed_id
    [result] = list(reader.refresh([feed_id]))
    # On main: "failed", "cannot store the feed: ValueError: Invalid isoformat
    # string: 'garbage'", and the feed on backoff, its article stored.
    assert (result.status, result.new, result.error) == ("updated", 1, None)
    assert result.warning is not None
    assert "stored but not yet in their stories (ValueError" in result.warning
    state = reader.store.conn.execute(
        "SELECT error_count, next_fetch_after FROM feeds WHERE id = ?", (feed_id,)
    ).fetchone()
    assert tuple(state) == (0, None)
    assert reader.feed(feed_id).last_warning == result.warning  # shown by `reader feeds`
    assert (
        reader.store.conn.execute(
            "SELECT count(*) FROM articles WHERE feed_id = ?", (feed_id,)
        ).fetchone()[0]
        == 1
    )
    reader.close()


def test_a_since_date_is_written_as_the_stored_dates_are() -> None:
    # On main: "999-01-01T00:00:00Z", after every 2026 date (`reader stories
    # --since 0999-01-01` listed nothing), and OverflowError ("unexpected
    # error") for a moment before year 1.
    assert since_stamp("0999-01-01") == "0999-01-01T00:00:00Z"
    assert since_stamp("99999999999w") == "0001-01-01T00:00:00Z"
    with pytest.raises(ValueError, match="not a time"):
        since_stamp("0001-01-01T00:00:00+01:00")
