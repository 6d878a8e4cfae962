"""Article writes: the refresh's per-feed transaction, retention, and the
reader's own marks (read, starred).

Every write is one short transaction; the refresh writes one transaction per
feed, so a crash leaves every feed either fully updated or not touched, and
the next refresh picks up where it stopped.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core import clock
from reader.core.models import PAGE_TIMED_OUT, ArticleQuery, ArticleRecord
from reader.core.store.annotations import (
    Anchoring,
    annotated_articles,
    reanchor_article,
    save_version,
)
from reader.core.store.base import StoreBase
from reader.core.store.common import in_chunks, text_sha
from reader.core.store.entities import Analysis, write_analyses
from reader.core.store.feeds import USER_MARKED
from reader.core.store.queries import article_keys
from reader.core.store.sites import forget_site_pages, remember_site_paragraphs, site_boilerplate

if TYPE_CHECKING:
    from reader.core.stories.grouping import Arrival, StoryBatch

# Articles deleted in one transaction by a prune (see ArticleStore.prune).
PRUNE_CHUNK = 500

# Read state, stars and tags are not named here: an update never touches them.
_UPSERT_ARTICLE = """
INSERT INTO articles (feed_id, key, guid, url, title, author, published, updated, added_at,
    sort_date, summary_html, content_html, text, text_sha, entry_hash, extraction,
    extraction_error, extraction_status, site_name, image_url, ai_score, analysed_with)
VALUES {rows}
ON CONFLICT (feed_id, key) DO UPDATE SET
    guid = excluded.guid, url = excluded.url, title = excluded.title,
    author = excluded.author, published = excluded.published, updated = excluded.updated,
    sort_date = CASE WHEN excluded.published IS NULL
                     THEN articles.sort_date ELSE excluded.sort_date END,
    summary_html = excluded.summary_html, content_html = excluded.content_html,
    text = excluded.text, text_sha = excluded.text_sha, entry_hash = excluded.entry_hash,
    extraction = excluded.extraction, extraction_error = excluded.extraction_error,
    extraction_status = excluded.extraction_status,
    site_name = excluded.site_name, image_url = excluded.image_url,
    ai_score = CASE WHEN excluded.analysed_with IS NOT NULL THEN excluded.ai_score
                    WHEN excluded.text_sha = articles.text_sha THEN articles.ai_score END,
    analysed_with = CASE WHEN excluded.analysed_with IS NOT NULL THEN excluded.analysed_with
                         WHEN excluded.text_sha = articles.text_sha THEN articles.analysed_with END
"""
# An article stored without analysis (its analysis job timed out) keeps the
# old analysis only while its text is the same: a new text makes it
# unanalysed (NULL above), so `reader reanalyse` finds it, and its old
# mentions, offsets into the old text, go (Store.write_feed).
_UPSERT_ROW = "(" + ",".join("?" * 22) + ")"
# Rows per upsert statement: 40 x 22 values stays under 999, the most an
# SQLite before 3.32 binds in one statement.
_UPSERT_ROWS = 40


def _upsert_articles(conn: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    """The rows in a few multi-row statements rather than one statement a
    row (executemany): each new row fires the full-text index's trigger, and
    FTS5 writes its pending terms out as a new segment at the end of every
    statement that changed it through one. A statement a row cost the
    refresh's process ~25 us an article (bench/refresh_bench.py's 300 x 20:
    ~0.15 s of ~3.7 s), and left 20 times the segments to merge. The index
    holds the same terms either way."""
    for start in range(0, len(rows), _UPSERT_ROWS):
        chunk = rows[start : start + _UPSERT_ROWS]
        conn.execute(
            _UPSERT_ARTICLE.format(rows=",".join([_UPSERT_ROW] * len(chunk))),
            [value for row in chunk for value in row],
        )


def _ids_for_keys(conn: sqlite3.Connection, feed_id: int, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk, marks in in_chunks(keys):
        for row in conn.execute(
            f"SELECT key, id FROM articles WHERE feed_id = ? AND key IN ({marks})",
            [feed_id, *chunk],
        ):
            found[row[0]] = row[1]
    return found


def _existing_keys(conn: sqlite3.Connection, feed_id: int, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk, marks in in_chunks(keys):
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT key FROM articles WHERE feed_id = ? AND key IN ({marks})",
                [feed_id, *chunk],
            )
        )
    return found


def _rename_keys(
    conn: sqlite3.Connection, feed_id: int, rekeyed: Sequence[tuple[str, str]]
) -> None:
    """Give articles (and pruned articles' tombstones) stored under an older
    version's key the key this version makes, once: the feed is then off the
    list of feeds to look through. OR IGNORE: a new key already taken (by
    another refresh since the feed was read) leaves the old article as it is."""
    renames = [(new, feed_id, old) for old, new in rekeyed]
    conn.executemany("UPDATE OR IGNORE articles SET key = ? WHERE feed_id = ? AND key = ?", renames)
    conn.executemany(
        "UPDATE OR IGNORE article_tombstones SET key = ? WHERE feed_id = ? AND key = ?", renames
    )
    conn.execute("DELETE FROM legacy_key_feeds WHERE feed_id = ?", (feed_id,))


class StoredWithoutStories(Exception):
    """write_feed committed the feed's articles, then failed to add the new
    ones to the refresh's story batch (the cause is chained). They wait,
    ungrouped, for the next time stories are asked for (group_pending)."""

    def __init__(self, new: int, updated: int) -> None:
        super().__init__(f"stored {new} new and {updated} updated articles")
        self.new = new
        self.updated = updated


# What makes an article the user's: a star, a tag they set, an annotation.


class ArticleStore(StoreBase):
    anchoring: Anchoring  # set by the composition (store.py)

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        super().__init__(path, busy_timeout=busy_timeout)
        self._entity_ids: dict[tuple[str, str], int] = {}  # (name, label) -> id

    # -- refresh writes ------------------------------------------------------------

    def known_entries(self, feed_id: int) -> tuple[dict[str, str], set[str], set[str]]:
        """(key -> entry_hash of stored articles, keys pruned by retention,
        keys whose page timed out last time).

        An article whose page could not be fetched last time is listed without
        a hash, so the next time its feed is fetched the page is tried again;
        one whose page timed out is also in the third set, so its site is
        asked carefully (refresh.Pipeline: one such page at a time).
        """
        hashes: dict[str, str] = {}
        slow: set[str] = set()
        for key, entry_hash, retry, timed_out in self.conn.execute(
            """SELECT key, entry_hash, extraction_status = 'retry',
                      extraction_error LIKE ? || '%'
                FROM articles WHERE feed_id = ?""",
            (PAGE_TIMED_OUT, feed_id),
        ):
            hashes[key] = "" if retry else entry_hash
            if retry and timed_out:
                slow.add(key)
        pruned = {
            row[0]
            for row in self.conn.execute(
                "SELECT key FROM article_tombstones WHERE feed_id = ?", (feed_id,)
            )
        }
        return hashes, pruned, slow

    def legacy_keyed_feeds(self) -> frozenset[int]:
        """Feeds whose articles an older version may have keyed differently
        (reader.core.legacy_keys): their refresh looks for those keys."""
        return frozenset(
            row[0] for row in self.conn.execute("SELECT feed_id FROM legacy_key_feeds")
        )

    def site_boilerplate(self, url: str) -> frozenset[int]:
        """Paragraph fingerprints that pages of the URL's site share (its template)."""
        return site_boilerplate(self.conn, url)

    def write_feed(
        self,
        feed_id: int,
        *,
        url: str | None,
        title: str,
        site_url: str,
        etag: str | None,
        last_modified: str | None,
        warning: str | None,
        articles: Sequence[ArticleRecord],
        skipped_keys: Sequence[str] = (),
        group_stories: bool = True,
        stories_later: StoryBatch | None = None,
        rekeyed: Sequence[tuple[str, str]] | None = None,
    ) -> tuple[int, int]:
        """Store a fetched feed and its new or changed articles in one transaction.

        Returns (new, updated). Read state, stars and tags of updated articles
        are kept: the upsert does not name those columns. `group_stories`:
        put the articles in their stories now (else when stories are asked for).
        `stories_later`: only the articles already in a story are regrouped
        now (an edit must not leave a stale story behind); the new ones are
        added to this batch once committed (meeting their candidates there),
        for the caller to write with the rest of its refresh
        (stories.grouping.group_later). If that never happens (the process
        is killed), they are grouped like articles stored with grouping off,
        when stories are asked for. `rekeyed`: given, the feed was looked
        through for articles an older version keyed differently, and these
        (old key, new key) were found; they take the new key before the
        articles are stored, so that they are updated, not stored again.

        A feed removed while it was fetched (unsubscribed in the app, or by
        another process) stores nothing: (0, 0), not a failure.
        """
        now = clock.utcnow()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM feeds WHERE id = ?", (feed_id,)).fetchone() is None:
                return 0, 0
            if url is not None:
                # A permanent redirect: follow it from now on, unless another
                # subscription already has that URL.
                clash = conn.execute(
                    "SELECT 1 FROM feeds WHERE url = ? AND id != ?", (url, feed_id)
                ).fetchone()
                if clash is None:
                    conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id))
            conn.execute(
                """UPDATE feeds SET title = ?, site_url = ?, etag = ?, last_modified = ?,
                   last_fetched = ?, last_error = NULL, last_warning = ?, error_count = 0,
                   next_fetch_after = NULL,
                   last_updated = CASE WHEN ? THEN ? ELSE last_updated END
                   WHERE id = ?""",
                (title, site_url, etag, last_modified, now, warning, bool(articles), now, feed_id),
            )
            if rekeyed is not None:
                _rename_keys(conn, feed_id, rekeyed)
            keys = [r.key for r in articles]
            stored = _existing_keys(conn, feed_id, keys)
            annotated = annotated_articles(conn, feed_id, keys)
            rows = []
            for record in articles:
                published = record.published
                sort_date = min(published, now) if published else now
                rows.append(
                    (
                        feed_id,
                        record.key,
                        record.guid,
                        record.url,
                        record.title,
                        record.author,
                        published,
                        record.updated,
                        now,
                        sort_date,
                        record.summary_html,
                        record.content_html,
                        record.text,
                        text_sha(record.text),
                        record.entry_hash,
                        record.extraction,
                        record.extraction_error,
                        record.extraction_status,
                        record.site_name,
                        record.image_url,
                        record.ai_score,
                        record.analysed_with,
                    )
                )
            for article_id in annotated:
                # The text the highlights are placed on, before it is replaced:
                # re-anchoring diffs it against the new text, and an orphan
                # keeps pointing at it.
                save_version(conn, article_id)
            _upsert_articles(conn, rows)
            ids = _ids_for_keys(conn, feed_id, keys)
            entity_ids = dict(self._entity_ids)
            write_analyses(
                conn,
                [
                    Analysis(ids[r.key], r.mentions, r.ai_score, r.auto_tags, r.analysed_with)
                    for r in articles
                    if r.analysed_with is not None
                ],
                entity_ids,
                fresh=frozenset(ids[key] for key in keys if key not in stored),
                scored=True,
            )
            unanalysed = [
                ids[r.key] for r in articles if r.analysed_with is None and r.key in stored
            ]
            for chunk, marks in in_chunks(unanalysed):
                emptied = conn.execute(
                    f"SELECT id FROM articles WHERE id IN ({marks}) AND analysed_with IS NULL",
                    chunk,
                )
                write_analyses(
                    conn,
                    [Analysis(article_id, (), None, (), None) for (article_id,) in emptied],
                    entity_ids,
                    scored=True,
                )
            for record in articles:
                article_id = ids[record.key]
                if article_id in annotated:
                    # The same transaction: the new text and the annotations'
                    # new places are stored together or not at all.
                    reanchor_article(conn, article_id, record.text, self.anchoring)
            remember_site_paragraphs(
                conn, [(r.url, r.site_paragraphs) for r in articles if r.site_paragraphs]
            )
            later: list[Arrival] = []
            if group_stories:
                # Imported here: grouping uses the store's helpers (a cycle at import).
                from reader.core.stories import grouping

                arriving = grouping.arrivals(conn, [(ids[r.key], r) for r in articles])
                if stories_later is not None:
                    grouped = grouping.in_stories(conn, [ids[key] for key in stored])
                    later = [a for a in arriving if a.article_id not in grouped]
                    arriving = [a for a in arriving if a.article_id in grouped]
                # In this transaction, so a story never keeps a stale member.
                grouping.group_articles(conn, arriving)
            # Filtered out at ingest: remembered like pruned articles, so the
            # next refresh neither stores nor re-fetches them.
            conn.executemany(
                "INSERT OR IGNORE INTO article_tombstones (feed_id, key, deleted_at)"
                " VALUES (?, ?, ?)",
                [(feed_id, key, now) for key in skipped_keys],
            )
            updated = len(stored)
            new = len(articles) - updated
        # Committed: these ids exist now (entities are never deleted), so the
        # next feeds skip looking them up. Not kept if the transaction failed.
        self._entity_ids = entity_ids
        if stories_later is not None and later:
            try:
                stories_later.add(self.conn, later)
            except Exception as exc:
                # Committed already: the feed is stored, whatever failed here
                # (a date in an old row stopped this, and the feed was then
                # reported as not stored, and put on backoff).
                raise StoredWithoutStories(new, updated) from exc
        return new, updated

    def prune(self, keep_days: int, *, keep_unread: bool = True) -> int:
        """Delete old read articles that carry no star or tag; remember their keys
        so the next refresh does not bring them back. Returns how many went.

        PRUNE_CHUNK articles a transaction, each whole (tombstones, site pages,
        the article with its text index, mentions and story places): the
        first prune after retention is turned on can delete thousands, which
        in one transaction held the write lock for seconds, past the app's
        3 s wait for a key's write (review16). A star or tag set between two
        chunks is seen by the next."""
        if keep_days <= 0:
            return 0
        cutoff = clock.days_ago(keep_days)
        unread_clause = "AND a.read = 1" if keep_unread else ""
        doomed = f"""SELECT a.id FROM articles a WHERE a.sort_date < ? {unread_clause}
            AND NOT ({USER_MARKED}) LIMIT {PRUNE_CHUNK}"""
        deleted = 0
        while True:
            with self.transaction() as conn:
                ids = [row[0] for row in conn.execute(doomed, (cutoff,))]
                if not ids:
                    return deleted
                marks = ",".join("?" * len(ids))
                conn.execute(
                    f"""INSERT OR IGNORE INTO article_tombstones (feed_id, key, deleted_at)
                    SELECT feed_id, key, ? FROM articles WHERE id IN ({marks})""",
                    (clock.utcnow(), *ids),
                )
                urls = [
                    row[0]
                    for row in conn.execute(f"SELECT url FROM articles WHERE id IN ({marks})", ids)
                ]
                forget_site_pages(conn, urls)
                deleted += conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids).rowcount

    # -- the reader's marks ---------------------------------------------------------

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET read = ?, read_at = ? WHERE id = ?",
                [(int(read), clock.utcnow() if read else None, i) for i in article_ids],
            )

    def set_starred(self, article_ids: Sequence[int], starred: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET starred = ? WHERE id = ?",
                [(int(starred), i) for i in article_ids],
            )

    def mark_all_read(self, query: ArticleQuery) -> list[int]:
        """Mark every unread article matching `query` (ignoring its limit) read;
        returns the ids of those that were unread (to undo it with set_read)."""
        unread = dataclasses.replace(query, limit=None, after=None, unread=True)
        ids = [i for _, i in article_keys(self.conn, unread)]
        with self.transaction() as conn:
            now = clock.utcnow()
            for chunk, marks in in_chunks(ids):
                conn.execute(
                    f"UPDATE articles SET read = 1, read_at = ? WHERE read = 0 AND id IN ({marks})",
                    [now, *chunk],
                )
        return ids
