"""The SQLite store on real temporary files: schema, FTS, tags, retention."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path

import pytest

from reader.core.store import (
    MAX_SEARCH_TERMS,
    ArticleQuery,
    ArticleRecord,
    NotFoundError,
    Store,
    fts_query,
    fts_terms,
)
from reader.core.store.base import WAL_CHECKPOINT_PAGES
from reader.core.store.schema import MIGRATIONS, apply_migrations, pending_migrations
from records import record as make_record
from records import write


def record(key: str, title: str, text: str, published: str | None = None) -> ArticleRecord:
    return make_record(key, text, title=title, published=published)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.db")


def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.db")
    assert pending_migrations(store.conn) == []
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    # Re-opening runs nothing again and keeps the data.
    again = Store(tmp_path / "new.db")
    applied = again.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert applied == len(MIGRATIONS)


def test_every_connection_journals_statements_in_memory_and_checkpoints_less_often(
    tmp_path: Path,
) -> None:
    """The refresh's settings hold for each thread's own connection too, and
    the WAL is copied into the database only past WAL_CHECKPOINT_PAGES, not at
    SQLite's 1,000 pages: ~8 MB of commits leave it all in the WAL."""
    store = Store(tmp_path / "s.db")
    seen: list[tuple[int, int]] = []

    def look() -> None:
        conn = store.conn
        seen.append(
            (
                conn.execute("PRAGMA temp_store").fetchone()[0],
                conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
            )
        )

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(10)
    look()
    assert seen == [(2, WAL_CHECKPOINT_PAGES)] * 2  # 2: MEMORY
    value = "x" * 4000
    for batch in range(20):
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO preferences (key, value) VALUES (?, ?)",
                [(f"{batch}.{i}", value) for i in range(100)],
            )
    wal = tmp_path / "s.db-wal"
    assert wal.stat().st_size > 7_000_000  # SQLite's default had reset it at ~4 MB
    store.close()
    again = Store(tmp_path / "s.db")
    assert again.conn.execute("SELECT count(*) FROM preferences").fetchone()[0] == 2000
    again.close()


def test_a_partly_migrated_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    last = MIGRATIONS[-1][0]
    apply_migrations(conn, stop_before=last)
    assert pending_migrations(conn) == [last]
    conn.close()
    store = Store(path)
    assert pending_migrations(store.conn) == []


def test_pages_that_could_not_be_fetched_stay_retried_after_the_upgrade(tmp_path: Path) -> None:
    """Before 0006 the retry rule was the error's wording; the migration turns
    that wording into the extraction status, so nothing is lost or retried anew."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, stop_before="0006_extraction_status")
    conn.execute(
        "INSERT INTO feeds (id, url, added_at) VALUES (1, 'https://a.example/feed', '2025')"
    )
    for key, error in (
        ("unreachable", "article page: HTTP 503"),
        ("short", "page text too short; kept the feed's content"),
        ("fine", None),
    ):
        conn.execute(
            "INSERT INTO articles (feed_id, key, added_at, sort_date, entry_hash,"
            " extraction_error) VALUES (1, ?, '2025', '2025', ?, ?)",
            (key, f"hash-{key}", error),
        )
    conn.close()
    store = Store(path)
    statuses = dict(store.conn.execute("SELECT key, extraction_status FROM articles"))
    assert statuses == {"unreachable": "retry", "short": "failed", "fine": "done"}
    hashes, _, _ = store.known_entries(1)
    assert hashes == {"unreachable": "", "short": "hash-short", "fine": "hash-fine"}


def test_the_retry_rule_reads_the_status_not_the_message(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    unreachable = dataclasses.replace(
        record("a", "A", "x"), extraction_error="timed out", extraction_status="retry"
    )
    worded = dataclasses.replace(
        record("b", "B", "x"),
        extraction_error="article page: lookalike",
        extraction_status="failed",
    )
    write(store, feed_id, unreachable, worded)
    hashes, _, _ = store.known_entries(feed_id)
    assert hashes["a"] == "" and hashes["b"] == worded.entry_hash
    # A later refresh that reads the page makes it an ordinary article again.
    write(store, feed_id, record("a", "A", "x"))
    assert store.known_entries(feed_id)[0]["a"] == record("a", "A", "x").entry_hash


def test_each_thread_gets_its_own_connection_and_close_ends_them_all(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    write(store, feed_id, record("k1", "One", "text"))
    seen: list[object] = []

    def in_a_thread() -> None:
        seen.append(store.conn)
        seen.append(len(store.articles(ArticleQuery())))

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert seen[0] is not store.conn and seen[1] == 1
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.articles(ArticleQuery())


def test_deleting_a_feed_cascades_to_its_articles(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    write(store, feed_id, record("k1", "One", "text"))
    store.remove_feed(feed_id)
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        store.remove_feed(feed_id)


def test_write_counts_new_and_updated_and_keeps_user_state(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    assert write(store, feed_id, record("k1", "One", "first text")) == (1, 0)
    [article] = store.articles(ArticleQuery())
    store.set_read([article.id])
    store.set_starred([article.id])
    store.tag_article(article.id, ["keep"])
    assert write(store, feed_id, record("k1", "One, revised", "second text")) == (0, 1)
    [after] = store.articles(ArticleQuery())
    assert (after.id, after.title, after.read, after.starred, after.tags) == (
        article.id,
        "One, revised",
        True,
        True,
        ("keep",),
    )
    assert store.article(article.id).text == "second text"


def test_full_text_search_follows_updates_and_is_safe(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    write(
        store,
        feed_id,
        record("k1", "Chips", "Nvidia ships the H100 accelerator"),
        record("k2", "Models", "A new language model from Mistral"),
    )
    assert [a.title for a in store.articles(ArticleQuery(search="nvidia"))] == ["Chips"]
    assert [a.title for a in store.articles(ArticleQuery(search="accel*"))] == ["Chips"]
    write(store, feed_id, record("k1", "Chips", "Rebuilt text about TPUs"))
    assert store.articles(ArticleQuery(search="nvidia")) == []
    assert [a.title for a in store.articles(ArticleQuery(search="TPUs"))] == ["Chips"]
    for hostile in ['"unterminated', "c++", "NEAR(", "a OR", "-x", "^", ":", '""', "*"]:
        store.articles(ArticleQuery(search=hostile))  # must not raise


def test_a_pasted_search_is_cut_to_a_bounded_query(store: Store) -> None:
    """3,000 copies of `nvidia*` took 64 s on 50,000 articles (one FTS5 prefix
    scan each), one word of 3,000 hyphenated tokens 69 s: a repeated word is
    searched once, and at most MAX_SEARCH_TERMS tokens are."""
    feed_id, _ = store.add_feed("https://a.example/feed")
    write(store, feed_id, record("k1", "Chips", "Nvidia ships the H100 accelerator"))
    assert fts_query(" ".join(["nvidia*"] * 3000)) == '"nvidia"*'
    assert fts_query("Nvidia ships nvidia NVIDIA ships*") == '"Nvidia" "ships" "ships"*'
    many = [f"w{i}" for i in range(MAX_SEARCH_TERMS + 10)]
    assert fts_terms(" ".join(many)) == ([f'"{w}"' for w in many[:MAX_SEARCH_TERMS]], 10)
    # A phrase counts each of its tokens; a first word longer than the cap keeps its first ones.
    assert fts_terms("a-b-c " * 2 + " ".join(many)) == (
        ['"a-b-c"'] + [f'"{w}"' for w in many[: MAX_SEARCH_TERMS - 3]],
        13,
    )
    phrase = "-".join(["nvidia"] * 3000)
    assert fts_terms(phrase) == (['"' + " ".join(["nvidia"] * MAX_SEARCH_TERMS) + '"'], 1)
    for search in (" ".join(["nvidia*"] * 3000), "nvidia " * 2 + " ".join(many[:40])):
        expected = [] if "w0" in search else ["Chips"]
        assert [a.title for a in store.articles(ArticleQuery(search=search))] == expected


def test_a_feed_longer_than_one_upsert_statement_is_stored_and_indexed_whole(
    store: Store,
) -> None:
    """Articles are upserted in statements of several rows (store/articles.py):
    a feed of more than one statement's rows, new and updated ones mixed, is
    stored whole, and the full-text index holds exactly the stored texts."""
    feed_id, _ = store.add_feed("https://a.example/feed")
    first = [record(f"k{i}", f"Title {i}", f"oldword{i} first text") for i in range(50)]
    assert write(store, feed_id, *first) == (50, 0)
    second = [record(f"k{i}", f"Title {i}", f"newword{i} second text") for i in range(95)]
    assert write(store, feed_id, *second) == (45, 50)
    stored = dict(store.conn.execute("SELECT key, text FROM articles").fetchall())
    assert stored == {r.key: r.text for r in second}
    assert store.articles(ArticleQuery(search="oldword7")) == []
    for i in (0, 39, 40, 49, 50, 79, 80, 94):
        assert [a.title for a in store.articles(ArticleQuery(search=f"newword{i}"))] == [
            f"Title {i}"
        ]
    # FTS5 compares its index with the articles table (the content) itself.
    store.conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
    )


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('c++ "x') == '"c++" """x"'
    assert fts_query("gpt*") == '"gpt"*'
    assert fts_query("  ") is None


def test_keyset_paging_walks_every_article_once(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    write(
        store,
        feed_id,
        *[
            record(f"k{i}", f"T{i}", "x", published=f"2026-01-{1 + i % 5:02d}T00:00:00Z")
            for i in range(23)
        ],
    )
    seen: list[int] = []
    after = None
    for _ in range(23):  # five pages; a page that never moves on fails, not hangs
        page = store.articles(ArticleQuery(limit=5, after=after))
        if not page:
            break
        seen += [a.id for a in page]
        after = (page[-1].sort_date, page[-1].id)
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 23


def test_future_dates_do_not_pin_an_article_to_the_top(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    write(
        store,
        feed_id,
        record("old", "Old", "x", published="2020-01-01T00:00:00Z"),
        record("future", "Future", "x", published="2999-01-01T00:00:00Z"),
    )
    future = next(a for a in store.articles(ArticleQuery()) if a.title == "Future")
    assert future.published == "2999-01-01T00:00:00Z"
    assert future.sort_date < "2999"


def test_retention_prunes_old_read_untagged_articles_and_remembers_them(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    old = "2000-01-01T00:00:00Z"
    write(
        store,
        feed_id,
        record("read", "R", "x", old),
        record("unread", "U", "x", old),
        record("tagged", "T", "x", old),
        record("starred", "S", "x", old),
        record("fresh", "F", "x"),
    )
    by_title = {a.title: a.id for a in store.articles(ArticleQuery())}
    store.set_read([by_title[t] for t in "RTSF"])
    store.tag_article(by_title["T"], ["keep"])
    store.set_starred([by_title["S"]])
    assert store.prune(30) == 1
    assert {a.title for a in store.articles(ArticleQuery())} == {"U", "T", "S", "F"}
    hashes, pruned, _ = store.known_entries(feed_id)
    assert pruned == {"read"} and "read" not in hashes
    assert store.prune(0) == 0


def test_a_big_prune_lets_other_writers_in_between_its_chunks(store: Store) -> None:
    """Thousands of articles pruned at once held the write lock for seconds, past
    the app's 3 s wait for a key's write (review16): a prune commits every
    PRUNE_CHUNK articles, each chunk whole, and a star set meanwhile is kept."""
    from reader.core.store.articles import PRUNE_CHUNK

    feed_id, _ = store.add_feed("https://big.example/feed")
    old = "2000-01-01T00:00:00Z"
    count = 2 * PRUNE_CHUNK + 7
    write(store, feed_id, *(record(f"k{n}", f"T{n}", "x", old) for n in range(count)))
    ids = [a.id for a in store.articles(ArticleQuery(limit=None))]
    store.set_read(ids)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert store.prune(30) == count
    finally:
        store.conn.set_trace_callback(None)
    assert statements.count("COMMIT") == 4  # three chunks, and the one that found none
    assert store.articles(ArticleQuery(limit=None)) == []
    _, pruned, _ = store.known_entries(feed_id)
    assert len(pruned) == count


def test_feed_tags_filter_articles(store: Store) -> None:
    ai, _ = store.add_feed("https://ai.example/feed", tags=["ai"])
    other, _ = store.add_feed("https://other.example/feed")
    write(store, ai, record("a", "From AI feed", "x"))
    write(store, other, record("b", "Other", "x"))
    [found] = store.articles(ArticleQuery(tags=("ai",)))
    assert found.title == "From AI feed" and found.feed_tags == ("ai",)
    assert store.feed(ai).tags == ("ai",)


def test_title_order_pages_through_every_article(store: Store) -> None:
    feed_id, _ = store.add_feed("https://a.example/feed")
    titles = [f"{chr(ord('a') + i % 26)}{i:02d} Title" for i in range(30)]
    write(store, feed_id, *[record(f"k{i}", t, "x") for i, t in enumerate(titles)])
    seen: list[str] = []
    after = None
    for _ in range(30):  # five pages; a page that never moves on fails, not hangs
        page = store.articles(ArticleQuery(limit=7, after=after, by_title=True))
        if not page:
            break
        seen += [a.title for a in page]
        after = (page[-1].title.lower(), page[-1].id)
    assert seen == sorted(titles, key=str.lower)
