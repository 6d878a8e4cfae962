"""A database made by the first release (4e66162) keeps one article per entry
after the upgrade: its refresh finds the articles stored under that version's
keys and gives them this version's, the user's marks and notes kept."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer
from reader.core.service import make_reader
from reader.core.store.schema import apply_migrations

# The linky.xml items of the upgrade review (review14a), whose keys 4e66162
# was seen to write (run on its own checkout): a relative guid, a path guid,
# an opaque one, two entries with neither guid nor link, and a guid whose
# article was pruned.
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Numeric guids</title>
<link>http://example.com/blog/</link>
<item><title>Post A</title><link>http://example.com/blog/a</link><guid>12345</guid>
<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate><description>Alpha text.</description></item>
<item><title>Post B</title><link>http://example.com/blog/b</link><guid>/2026/11/post-b</guid>
<pubDate>Mon, 30 Nov 2026 11:00:00 +0000</pubDate><description>Beta text.</description></item>
<item><title>Opaque</title><guid isPermaLink="false">opaque-1</guid>
<description>Gamma text.</description></item>
<item><title>  No   link  &amp; no guid </title><pubDate>Mon, 30 Nov 2026 13:00:00 GMT</pubDate>
<description>four</description></item>
<item><title>No date</title><description>five</description></item>
<item><title>Pruned</title><link>http://example.com/blog/p</link><guid>pruned-1</guid>
<pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate><description>Old.</description></item>
</channel></rss>"""


def _old_hash(title: str, published: str, summary: str) -> str:
    # 4e66162 src/reader/core/feeds.py, _make_entry: an entry with neither guid
    # nor link is keyed "hash:" + _digest(title, published or "", summary_html),
    # _digest a SHA-1 of the parts, each followed by a NUL byte.
    return "hash:" + hashlib.sha1(f"{title}\0{published}\0{summary}\0".encode()).hexdigest()


def _first_release_database(path: Path, feed_url: str, base: str) -> dict[str, str]:
    """The database 4e66162 left after reading FEED at `feed_url`: schema
    0001 only, its articles under the keys it made. Its parser was
    feedparser.parse(content, response_headers=..., sanitize_html=True), which
    resolves an RSS guid (not one marked isPermaLink="false") against the
    feed's URL, as it does links; _make_entry keyed an entry "guid:" + guid,
    else "link:" + url, else _old_hash. Returns title -> key."""
    keys = {
        "Post A": f"guid:{base}/12345",
        "Post B": f"guid:{base}/2026/11/post-b",
        "Opaque": "guid:opaque-1",
        "No link & no guid": _old_hash("No link & no guid", "2026-11-30T13:00:00Z", "four"),
        "No date": _old_hash("No date", "", "five"),
    }
    # What 4e66162 wrote for the two hashed items of the review's linky.xml.
    assert keys["No link & no guid"] == "hash:af1914b8eaa6a9fbefe8fa49c43c8a35ce464858"
    assert keys["No date"] == "hash:ad005930aef0728df1d82240a222dfcacfaf0279"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, stop_before="0002_app")
    conn.execute(
        "INSERT INTO feeds (id, url, title, added_at, etag) VALUES (1, ?, 'Numeric guids',"
        " '2026-11-30T08:00:00Z', '\"v0\"')",
        (feed_url,),
    )
    for title, key in keys.items():
        guid = key[5:] if key.startswith("guid:") else ""
        conn.execute(
            "INSERT INTO articles (feed_id, key, guid, title, added_at, sort_date, text,"
            " entry_hash) VALUES (1, ?, ?, ?, '2026-11-30T08:00:00Z', '2026-11-30T08:00:00Z',"
            " ?, 'sanitised')",
            (key, guid, title, f"{title} text."),
        )
    conn.execute(
        "INSERT INTO article_tombstones (feed_id, key, deleted_at)"
        " VALUES (1, ?, '2026-11-30T08:30:00Z')",
        (f"guid:{base}/pruned-1",),
    )
    conn.close()
    return keys


def test_the_first_refresh_after_an_upgrade_from_the_first_release_stores_no_copies(
    server: LoopbackServer, tmp_path: Path
) -> None:
    feed_url = server.add("/feed.xml", body=FEED, etag='"v1"')
    settings = make_settings(tmp_path, extract=False)
    db = Path(settings.storage.db)
    old_keys = _first_release_database(db, feed_url, server.url("").rstrip("/"))
    reader = make_reader(settings)
    try:
        conn = reader.store.conn
        ids = {t: i for i, t in conn.execute("SELECT id, title FROM articles")}
        reader.set_starred([ids["Post A"]])
        reader.set_read([ids["Post A"], ids["No date"]])
        reader.tag(ids["Post B"], ["important"])
        reader.note(ids["No link & no guid"], "my note")

        [result] = list(reader.refresh())
        assert (result.status, result.new, result.updated) == ("updated", 0, 5)
        rows = {
            title: (article_id, key, read, starred)
            for article_id, key, title, read, starred in conn.execute(
                "SELECT id, key, title, read, starred FROM articles"
            )
        }
        # One article per entry, the same rows, under this version's keys.
        assert {t: r[0] for t, r in rows.items()} == ids
        assert rows["Post A"][1:] == ("guid:12345", 1, 1)
        assert rows["Post B"][1] == "guid:/2026/11/post-b"
        assert rows["Opaque"][1] == old_keys["Opaque"]
        assert rows["No date"][1:] == (_old_hash("No date", "", ""), 1, 0)
        assert rows["No link & no guid"][1] == _old_hash(
            "No link & no guid", "2026-11-30T13:00:00Z", ""
        )
        # The pruned article stays pruned, under its new key.
        tombstones = [tuple(r) for r in conn.execute("SELECT key FROM article_tombstones")]
        assert tombstones == [("guid:pruned-1",)]
        tags = [
            tuple(r)
            for r in conn.execute(
                "SELECT a.title FROM article_tags x JOIN articles a ON a.id = x.article_id"
            )
        ]
        assert tags == [("Post B",)]
        notes = [tuple(r) for r in conn.execute("SELECT article_id, note FROM annotations")]
        assert notes == [(ids["No link & no guid"], "my note")]
        # Looked through once: the feed is off the list, later refreshes are plain.
        assert reader.store.legacy_keyed_feeds() == frozenset()
        server.add("/feed.xml", body=FEED + b"\n", etag='"v2"')
        [again] = list(reader.refresh())
        assert (again.new, again.updated) == (0, 0)
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    finally:
        reader.close()


def test_a_database_made_since_lists_no_feed_to_look_through(tmp_path: Path) -> None:
    reader = make_reader(make_settings(tmp_path))
    try:
        reader.add_feed("http://127.0.0.1:9/feed.xml", discover=False)
        assert reader.store.legacy_keyed_feeds() == frozenset()
    finally:
        reader.close()


def test_an_old_key_that_is_another_entrys_key_now_stays_with_that_entry() -> None:
    """`<guid>7</guid>` beside `<guid>http://host/7</guid>`: the first release
    resolved the first onto the second and stored one article, the second's.
    The first entry's old key is the second's key now, so that article (and
    the user's star on it) is not renamed to the first (review15)."""
    from reader.core.legacy_keys import renamed_entries

    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>http://host.example/</link>
<item><title>A</title><guid>http://host.example/7</guid><description>a</description></item>
<item><title>Relative B</title><guid>7</guid><description>b</description></item>
</channel></rss>"""
    url = "http://host.example/feed.xml"
    headers = {"content-type": "application/rss+xml"}
    # The stored article is A's; B's key now is unknown.
    assert renamed_entries(feed, headers, url, {"guid:7"}, {"guid:http://host.example/7"}) == ()
    # Without A in the feed, B's old key is A's article's no more: renamed.
    alone = feed.replace(
        b"<item><title>A</title><guid>http://host.example/7</guid><description>a</description></item>",
        b"",
    )
    assert renamed_entries(alone, headers, url, {"guid:7"}, {"guid:http://host.example/7"}) == (
        ("guid:http://host.example/7", "guid:7"),
    )
