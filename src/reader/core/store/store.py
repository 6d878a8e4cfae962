"""The SQLite store: one connection per thread, WAL, foreign keys on.

Queries use the sqlite3 connection directly (sqlite-utils runs the migrations,
see schema.py). Every write is one short transaction; the refresh writes one
transaction per feed, so a crash leaves every feed either fully updated or not
touched, and the next refresh picks up where it stopped.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from reader.core.entities.records import Mention
from reader.core.models import Article, ArticleSummary, Feed
from reader.core.pickling import as_tuple
from reader.core.store.annotation_store import (
    AnnotationStore,
    annotated_articles,
    reanchor_article,
    save_version,
)
from reader.core.store.common import (
    NotFoundError,
    fts_query,
    in_chunks,
    joined_names,
    shown,
    tag_ids,
    text_sha,
    utcnow,
)
from reader.core.store.entity_store import Analysis, EntityStore, write_analyses
from reader.core.store.schema import apply_migrations, pending_migrations
from reader.core.store.site_store import (
    forget_site_pages,
    remember_site_paragraphs,
    site_boilerplate,
)
from reader.core.stories.signature import Fingerprint
from reader.core.textnorm import normalize_line, normalize_tag

T = TypeVar("T")

# Read state, stars and tags are not named here: an update never touches them.
# A search matching more articles than this lists the newest of them instead of
# ranking them all (bench/app_bench.py: 100,000 matches took ~0.3 s to rank).
RANK_AT_MOST = 20_000
RECENT_WINDOW = 20_000

_UPSERT_ARTICLE = """
INSERT INTO articles (feed_id, key, guid, url, title, author, published, updated, added_at,
    sort_date, summary_html, content_html, text, text_sha, entry_hash, extraction,
    extraction_error, site_name, image_url, ai_score, analysed_with)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (feed_id, key) DO UPDATE SET
    guid = excluded.guid, url = excluded.url, title = excluded.title,
    author = excluded.author, published = excluded.published, updated = excluded.updated,
    sort_date = CASE WHEN excluded.published IS NULL
                     THEN articles.sort_date ELSE excluded.sort_date END,
    summary_html = excluded.summary_html, content_html = excluded.content_html,
    text = excluded.text, text_sha = excluded.text_sha, entry_hash = excluded.entry_hash,
    extraction = excluded.extraction, extraction_error = excluded.extraction_error,
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


# What makes an article the user's: a star, a tag they set, an annotation.
# Such articles outlive retention and unsubscribing (automatic tags do not count).
_USER_MARKED = """a.starred = 1
    OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.source = 'user')
    OR EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = a.id)"""

# The prefix of an extraction_error that says the page itself could not be
# fetched (network, timeout, HTTP error): worth another try.
PAGE_FETCH_FAILED = "article page: "


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the refresh needs to know about a feed before fetching it."""

    id: int
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    error_count: int
    next_fetch_after: str | None


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One article as the refresh writes it."""

    key: str
    guid: str
    url: str
    title: str
    author: str
    published: str | None
    updated: str | None
    summary_html: str
    content_html: str
    text: str
    entry_hash: str
    extraction: str  # "page": extracted from the article page; "feed": the feed's content
    extraction_error: str | None
    site_name: str
    image_url: str
    # Filled in by the analysis step (reader.core.analysis) before storing.
    mentions: tuple[Mention, ...] = ()
    ai_score: float | None = None
    auto_tags: tuple[str, ...] = ()
    analysed_with: str | None = None
    # Fingerprints of the page's paragraphs as extracted, before the site's
    # known boilerplate was removed (reader.core.site_boilerplate): what the
    # archive learns the site's template from. Empty when no page was read.
    site_paragraphs: tuple[int, ...] = ()
    # What story grouping needs of the text and entities, made in the worker
    # with the analysis (reader.core.stories); None: made when stored.
    fingerprint: Fingerprint | None = None

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    feed_id: int | None = None
    tags: tuple[str, ...] = ()
    unread: bool = False
    starred: bool = False
    search: str | None = None
    entity: str | None = None  # articles mentioning this entity (canonical name)
    limit: int | None = 50
    oldest_first: bool = False
    by_title: bool = False  # A to Z by title instead of by date
    # Keyset paging: rows strictly after this (sort key, id) in the query's
    # order, the key being the date, or the lower-cased title with by_title.
    # Ignored with `search`, whose results are ranked by relevance.
    after: tuple[str, int] | None = None


def create_private(path: Path) -> None:
    """Create the database file 0600 and the folders it needs 0700, whatever the
    umask: it holds what the user reads and writes. SQLite gives its -wal and
    -shm files the database file's mode. An existing file or folder is left as it is."""
    missing = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        folder.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


class Store(EntityStore, AnnotationStore):
    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            create_private(self.path)
        # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE),
        # so a writer never upgrades a read lock halfway and deadlocks. Another
        # process's write is waited for up to busy_timeout seconds.
        self.conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None)
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            if pending_migrations(self.conn):
                apply_migrations(self.conn)
        except BaseException:
            self.conn.close()  # a file that is not a database: no open handle left behind
            raise
        self._entity_ids: dict[tuple[str, str], int] = {}  # (name, label) -> id

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- feeds ---------------------------------------------------------------------

    def add_feed(self, url: str, *, title: str = "", tags: Sequence[str] = ()) -> tuple[int, bool]:
        """Subscribe; returns (feed id, created). An existing feed gains the tags;
        a removed feed that kept some articles is subscribed again."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT id, unsubscribed_at FROM feeds WHERE url = ?", (url,)
            ).fetchone()
            created = row is None or row[1] is not None
            if row is None:
                feed_id = conn.execute(
                    "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?)",
                    (url, normalize_line(title), utcnow()),
                ).lastrowid
            else:
                feed_id = row[0]
                if row[1] is not None:
                    conn.execute(
                        "UPDATE feeds SET unsubscribed_at = NULL, etag = NULL,"
                        " last_modified = NULL WHERE id = ?",
                        (feed_id,),
                    )
            assert feed_id is not None
            for tag_id in tag_ids(conn, tags):
                conn.execute(
                    "INSERT OR IGNORE INTO feed_tags (feed_id, tag_id) VALUES (?, ?)",
                    (feed_id, tag_id),
                )
        return feed_id, created

    def remove_feed(self, feed_id: int, *, purge: bool = False) -> tuple[int, int]:
        """Unsubscribe. Articles the user starred, tagged or annotated are kept (the feed
        row stays, marked unsubscribed) unless `purge`; the rest go.
        Returns (deleted, kept)."""
        marked = f"({_USER_MARKED})"
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT 1 FROM feeds WHERE id = ? AND unsubscribed_at IS NULL", (feed_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no feed with id {feed_id}")
            kept = (
                0
                if purge
                else conn.execute(
                    f"SELECT count(*) FROM articles a WHERE a.feed_id = ? AND {marked}", (feed_id,)
                ).fetchone()[0]
            )
            if purge:
                # Asked for explicitly: the feed's annotations go with it
                # (the foreign key refuses to drop annotated articles otherwise).
                conn.execute(
                    "DELETE FROM annotations WHERE article_id IN"
                    " (SELECT id FROM articles WHERE feed_id = ?)",
                    (feed_id,),
                )
            if not kept:
                deleted = conn.execute(
                    "SELECT count(*) FROM articles WHERE feed_id = ?", (feed_id,)
                ).fetchone()[0]
                conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
                return deleted, 0
            deleted = conn.execute(
                f"DELETE FROM articles WHERE id IN (SELECT a.id FROM articles a"
                f" WHERE a.feed_id = ? AND NOT {marked})",
                (feed_id,),
            ).rowcount
            conn.execute("UPDATE feeds SET unsubscribed_at = ? WHERE id = ?", (utcnow(), feed_id))
            return deleted, kept

    def feeds(self, *, feed_id: int | None = None) -> list[Feed]:
        where = "WHERE f.unsubscribed_at IS NULL" + (" AND f.id = ?" if feed_id else "")
        params: tuple[int, ...] = (feed_id,) if feed_id is not None else ()
        rows = self.conn.execute(
            f"""
            SELECT f.*,
                   coalesce(counts.n_articles, 0) AS n_articles,
                   coalesce(counts.n_unread, 0) AS n_unread,
                   (SELECT group_concat(name, char(31)) FROM
                       (SELECT t.name FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id
                        WHERE ft.feed_id = f.id ORDER BY t.name)) AS tag_names
            FROM feeds f
            LEFT JOIN (SELECT feed_id, count(*) AS n_articles, sum(read = 0) AS n_unread
                       FROM articles GROUP BY feed_id) AS counts ON counts.feed_id = f.id
            {where}
            ORDER BY lower(coalesce(f.user_title, nullif(f.title, ''), f.url)), f.id
            """,
            params,
        ).fetchall()
        return [
            Feed(
                id=r["id"],
                url=shown(r["url"]),
                title=shown(r["user_title"] or r["title"]),
                site_url=shown(r["site_url"]),
                articles=r["n_articles"],
                unread=r["n_unread"],
                added_at=r["added_at"],
                last_fetched=r["last_fetched"],
                last_updated=r["last_updated"],
                last_error=shown(r["last_error"]),
                last_warning=shown(r["last_warning"]),
                error_count=r["error_count"],
                next_fetch_after=r["next_fetch_after"],
                tags=joined_names(r["tag_names"]),
            )
            for r in rows
        ]

    def has_feeds(self) -> bool:
        """Whether anything is subscribed (cheap: no counting)."""
        row = self.conn.execute("SELECT 1 FROM feeds WHERE unsubscribed_at IS NULL LIMIT 1")
        return row.fetchone() is not None

    def feed(self, feed_id: int) -> Feed:
        found = self.feeds(feed_id=feed_id)
        if not found:
            raise NotFoundError(f"no feed with id {feed_id}")
        return found[0]

    def feed_id_for_url(self, url: str) -> int:
        row = self.conn.execute(
            "SELECT id FROM feeds WHERE url = ? AND unsubscribed_at IS NULL", (url,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"not subscribed to {url}")
        return int(row[0])

    def feed_states(self, feed_ids: Sequence[int] | None = None) -> list[FeedState]:
        sql = (
            "SELECT id, url, coalesce(user_title, title) AS title, etag, last_modified,"
            " error_count, next_fetch_after FROM feeds WHERE unsubscribed_at IS NULL"
        )
        rows = self.conn.execute(sql + " ORDER BY id").fetchall()
        wanted = set(feed_ids) if feed_ids is not None else None
        return [
            FeedState(
                r["id"],
                shown(r["url"]),
                shown(r["title"]),
                r["etag"],
                r["last_modified"],
                r["error_count"],
                r["next_fetch_after"],
            )
            for r in rows
            if wanted is None or r["id"] in wanted
        ]

    # -- saved searches, tags, preferences --------------------------------------------

    def save_search(self, query: str, name: str = "") -> int:
        query = normalize_line(query)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO saved_searches (name, query, created_at) VALUES (?, ?, ?)",
                (normalize_line(name) or query, query, utcnow()),
            )
            row = conn.execute("SELECT id FROM saved_searches WHERE query = ?", (query,))
            return int(row.fetchone()[0])

    def saved_searches(self) -> list[tuple[int, str, str]]:
        """(id, name, query), oldest first."""
        rows = self.conn.execute("SELECT id, name, query FROM saved_searches ORDER BY id")
        return [(r[0], r[1], r[2]) for r in rows]

    def delete_search(self, search_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))

    def tag_names(self) -> list[str]:
        """Tags in use on an article or a subscribed feed, by name."""
        rows = self.conn.execute(
            """SELECT name FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags a
                   WHERE a.tag_id = t.id)
               OR EXISTS (SELECT 1 FROM feed_tags ft JOIN feeds f ON f.id = ft.feed_id
                   WHERE ft.tag_id = t.id AND f.unsubscribed_at IS NULL)
               ORDER BY name COLLATE NOCASE"""
        )
        return [r[0] for r in rows]

    def tag_counts(self) -> list[tuple[str, str, int]]:
        """(name, kind, articles) of every tag on an article, by name. A tag set
        both by the user and automatically counts as the user's ('user')."""
        rows = self.conn.execute(
            """SELECT t.name,
                      CASE WHEN max(at.source = 'user') THEN 'user' ELSE 'auto' END,
                      count(*)
               FROM tags t JOIN article_tags at ON at.tag_id = t.id
               GROUP BY t.id ORDER BY t.name COLLATE NOCASE"""
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag everywhere (articles, feeds, highlights); into an existing
        tag it is a merge. Returns how many articles carry the new name."""
        new = normalize_tag(new)
        if not new:
            raise ValueError("a tag needs a name")
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (old,)).fetchone()
            if row is None:
                raise NotFoundError(f"no tag {old!r}")
            old_id = row[0]
            target = conn.execute("SELECT id FROM tags WHERE name = ?", (new,)).fetchone()
            if target is None or target[0] == old_id:
                conn.execute("UPDATE tags SET name = ? WHERE id = ?", (new, old_id))
                new_id = old_id
            else:
                new_id = target[0]
                # Merge: a user's tag stays the user's on every article.
                conn.execute(
                    """INSERT INTO article_tags (article_id, tag_id, source)
                       SELECT article_id, ?, source FROM article_tags WHERE tag_id = ? AND true
                       ON CONFLICT (article_id, tag_id) DO UPDATE SET source =
                       CASE WHEN excluded.source = 'user' THEN 'user' ELSE source END""",
                    (new_id, old_id),
                )
                for table, owner in (
                    ("feed_tags", "feed_id"),
                    ("annotation_tags", "annotation_id"),
                ):
                    conn.execute(
                        f"INSERT OR IGNORE INTO {table} ({owner}, tag_id)"
                        f" SELECT {owner}, ? FROM {table} WHERE tag_id = ?",
                        (new_id, old_id),
                    )
                conn.execute("DELETE FROM tags WHERE id = ?", (old_id,))
            return int(
                conn.execute(
                    "SELECT count(*) FROM article_tags WHERE tag_id = ?", (new_id,)
                ).fetchone()[0]
            )

    def delete_tag(self, name: str) -> int:
        """Remove a tag from everything; returns how many articles had it."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFoundError(f"no tag {name!r}")
            count = conn.execute(
                "SELECT count(*) FROM article_tags WHERE tag_id = ?", (row[0],)
            ).fetchone()[0]
            conn.execute("DELETE FROM tags WHERE id = ?", (row[0],))
            return int(count)

    def tag_articles(
        self, article_ids: Sequence[int], tags: Sequence[str], *, remove: bool = False
    ) -> None:
        """Add (or remove) tags on several articles in one transaction (the user's tags)."""
        with self.transaction() as conn:
            chosen = (
                tag_ids(conn, tags)
                if not remove
                else [
                    r[0]
                    for t in tags
                    for r in conn.execute("SELECT id FROM tags WHERE name = ?", (normalize_tag(t),))
                ]
            )
            for article_id in article_ids:
                for tag_id in chosen:
                    if remove:
                        conn.execute(
                            "DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?",
                            (article_id, tag_id),
                        )
                    else:
                        conn.execute(
                            """INSERT INTO article_tags (article_id, tag_id, source)
                               VALUES (?, ?, 'user') ON CONFLICT (article_id, tag_id)
                               DO UPDATE SET source = 'user'""",
                            (article_id, tag_id),
                        )

    def preference(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM preferences WHERE key = ?", (key,))
        found = row.fetchone()
        return None if found is None else str(found[0])

    def set_preference(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO preferences (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def mark_all_read(self, query: ArticleQuery) -> list[int]:
        """Mark every unread article matching `query` (ignoring its limit) read;
        returns the ids of those that were unread (to undo it with set_read)."""
        unread = dataclasses.replace(query, limit=None, after=None, unread=True)
        ids = [i for _, i in self.article_keys(unread)]
        with self.transaction() as conn:
            now = utcnow()
            for chunk, marks in in_chunks(ids):
                conn.execute(
                    f"UPDATE articles SET read = 1, read_at = ? WHERE read = 0 AND id IN ({marks})",
                    [now, *chunk],
                )
        return ids

    # -- refresh writes ------------------------------------------------------------

    def known_entries(self, feed_id: int) -> tuple[dict[str, str], set[str]]:
        """(key -> entry_hash of stored articles, keys pruned by retention).

        An article whose page could not be fetched last time is listed without
        a hash, so the next time its feed is fetched the page is tried again.
        """
        hashes = {
            row[0]: "" if row[2] else row[1]
            for row in self.conn.execute(
                f"""SELECT key, entry_hash, extraction_error LIKE '{PAGE_FETCH_FAILED}%'
                    FROM articles WHERE feed_id = ?""",
                (feed_id,),
            )
        }
        pruned = {
            row[0]
            for row in self.conn.execute(
                "SELECT key FROM article_tombstones WHERE feed_id = ?", (feed_id,)
            )
        }
        return hashes, pruned

    def site_boilerplate(self, url: str) -> frozenset[int]:
        """Paragraph fingerprints that pages of the URL's site share (its template)."""
        return site_boilerplate(self.conn, url)

    def record_not_modified(self, feed_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_fetched = ?, last_error = NULL, error_count = 0,"
                " next_fetch_after = NULL WHERE id = ?",
                (utcnow(), feed_id),
            )

    def record_failure(self, feed_id: int, error: str, next_fetch_after: str | None) -> int:
        """Store the error on the feed; returns the new consecutive error count."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_fetched = ?, last_error = ?,"
                " error_count = error_count + 1, next_fetch_after = ? WHERE id = ?",
                (utcnow(), error, next_fetch_after, feed_id),
            )
            row = conn.execute("SELECT error_count FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return int(row[0]) if row else 0

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
    ) -> tuple[int, int]:
        """Store a fetched feed and its new or changed articles in one transaction.

        Returns (new, updated). Read state, stars and tags of updated articles
        are kept: the upsert does not name those columns. `group_stories`:
        put the articles in their stories now (else when stories are asked for).
        """
        now = utcnow()
        with self.transaction() as conn:
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
            conn.executemany(_UPSERT_ARTICLE, rows)
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
                    reanchor_article(conn, article_id, record.text)
            remember_site_paragraphs(
                conn, [(r.url, r.site_paragraphs) for r in articles if r.site_paragraphs]
            )
            if group_stories:
                # Imported here: grouping uses the store's helpers (a cycle at import).
                from reader.core.stories.grouping import group_written

                # In this transaction, so a story never misses an article.
                group_written(conn, [(ids[record.key], record) for record in articles])
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
        return new, updated

    def prune(self, keep_days: int, *, keep_unread: bool = True) -> int:
        """Delete old read articles that carry no star or tag; remember their keys
        so the next refresh does not bring them back. Returns how many went."""
        if keep_days <= 0:
            return 0
        cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        unread_clause = "AND a.read = 1" if keep_unread else ""
        with self.transaction() as conn:
            doomed = f"""SELECT a.id FROM articles a WHERE a.sort_date < ? {unread_clause}
                AND NOT ({_USER_MARKED})"""
            conn.execute(
                f"""INSERT OR IGNORE INTO article_tombstones (feed_id, key, deleted_at)
                SELECT feed_id, key, ? FROM articles WHERE id IN ({doomed})""",
                (utcnow(), cutoff),
            )
            urls = [
                row[0]
                for row in conn.execute(
                    f"SELECT url FROM articles WHERE id IN ({doomed})", (cutoff,)
                )
            ]
            forget_site_pages(conn, urls)
            return conn.execute(
                f"DELETE FROM articles WHERE id IN ({doomed})",
                (cutoff,),
            ).rowcount

    # -- reading -------------------------------------------------------------------

    def articles(self, query: ArticleQuery) -> list[ArticleSummary]:
        """Article summaries in the query's order (see ArticleQuery)."""
        return self.summaries([article_id for _, article_id in self.article_keys(query)])

    def article_keys(self, query: ArticleQuery) -> list[tuple[str, int]]:
        """(sort_date, id) of the matching articles: cheap, from the indexes.

        The app pages through these with `query.after` (keyset paging) and
        loads summaries only for the rows it draws.
        """
        # With other filters, the newest matches of a common word are looked
        # for in a wider window, as the filters drop some of them.
        plain = query.feed_id is None and not query.tags and not query.entity
        plain = plain and not query.unread and not query.starred
        window = None
        if query.limit is not None:
            window = query.limit if plain else max(query.limit, RECENT_WINDOW)
        built = self._filter(query, window)
        if built is None:
            return []
        joins, clauses, params, order = built
        key = "lower(a.title)" if query.by_title else "a.sort_date"
        if query.after is not None and not query.search:
            ascending = query.by_title or query.oldest_first
            clauses.append(f"({key}, a.id) {'>' if ascending else '<'} (?, ?)")
            params += list(query.after)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        limit = ""
        if query.limit is not None:
            limit = "LIMIT ?"
            params.append(query.limit)
        rows = self.conn.execute(
            f"SELECT {key}, a.id FROM articles a {joins} {where} ORDER BY {order} {limit}",
            params,
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def count_articles(self, query: ArticleQuery) -> int:
        built = self._filter(query)
        if built is None:
            return 0
        joins, clauses, params, _ = built
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        row = self.conn.execute(f"SELECT count(*) FROM articles a {joins} {where}", params)
        return int(row.fetchone()[0])

    def summaries(self, ids: Sequence[int]) -> list[ArticleSummary]:
        """Summaries of the given articles, in the given order (missing ids skipped)."""
        if not ids:
            return []
        found: dict[int, sqlite3.Row] = {}
        for chunk, marks in in_chunks(ids):
            for row in self.conn.execute(
                f"""SELECT a.id, a.feed_id, coalesce(f.user_title, nullif(f.title, ''), f.url)
                        AS feed_title, a.url, a.title, a.author, a.published, a.added_at,
                        a.read, a.starred, a.extraction, a.sort_date
                    FROM articles a JOIN feeds f ON f.id = a.feed_id
                    WHERE a.id IN ({marks})""",
                chunk,
            ):
                found[row["id"]] = row
        rows = [found[i] for i in ids if i in found]
        tags = self._article_tags([r["id"] for r in rows])
        feed_tags = self._feed_tags({r["feed_id"] for r in rows})
        return [_summary(r, tags.get(r["id"], ()), feed_tags.get(r["feed_id"], ())) for r in rows]

    def _too_common(self, match: str, window: int) -> bool:
        """Whether a search matches so many articles that ranking them all costs
        more than it tells (counting is cheap: no document is read)."""
        row = self.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)
        ).fetchone()
        return int(row[0]) > RANK_AT_MOST

    def _filter(
        self, query: ArticleQuery, window: int | None = None
    ) -> tuple[str, list[str], list[object], str] | None:
        """(joins, where clauses, parameters, order) for a query; None: matches nothing.

        ``window``: how many of the newest matches of a very common search are
        enough (the caller lists at most that many).
        """
        clauses: list[str] = []
        params: list[object] = []
        joins = ""
        direction = "ASC" if query.oldest_first else "DESC"
        order = f"a.sort_date {direction}, a.id {direction}"
        if query.by_title:
            order = "lower(a.title), a.id"
        if query.search:
            match = fts_query(query.search)
            if match is None:
                return None
            noted = self.conn.execute(
                "SELECT 1 FROM annotations_fts WHERE annotations_fts MATCH ? LIMIT 1", (match,)
            ).fetchone()
            # The article matches: all of them, ranked by relevance; or, for
            # words found nearly everywhere (ranking 100,000 matches takes
            # ~0.3 s and says little), the newest `recent` of them by id.
            recent = window if window and self._too_common(match, window) else None
            if recent is None:
                hits = "SELECT rowid AS id, rank FROM articles_fts WHERE articles_fts MATCH ?"
                params.append(match)
            else:
                hits = """SELECT rowid AS id, -rowid AS rank FROM articles_fts
                          WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?"""
                params += [match, recent]
            if noted is not None:
                # Or in the user's highlights and notes on it, which rank first.
                hits = f"""SELECT id, min(rank) AS rank FROM ({hits}
                        UNION ALL
                        SELECT n.article_id, -1e18 FROM annotations_fts
                        JOIN annotations n ON n.id = annotations_fts.rowid
                        WHERE annotations_fts MATCH ?) GROUP BY id"""
                params.append(match)
            joins = f"JOIN ({hits}) AS hit ON hit.id = a.id"
            order = f"hit.rank, {order}"
        if query.entity:
            clauses.append(
                """a.id IN (SELECT m.article_id FROM mentions m WHERE m.entity_id IN
                   (SELECT id FROM entities WHERE name = ? COLLATE NOCASE))"""
            )
            params.append(query.entity)
        if query.feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(query.feed_id)
        for tag in query.tags:
            clauses.append(
                """(EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id
                           WHERE at.article_id = a.id AND t.name = ?)
                    OR EXISTS (SELECT 1 FROM feed_tags ft JOIN tags t ON t.id = ft.tag_id
                           WHERE ft.feed_id = a.feed_id AND t.name = ?))"""
            )
            params += [tag, tag]
        if query.unread:
            clauses.append("a.read = 0")
        if query.starred:
            clauses.append("a.starred = 1")
        return joins, clauses, params, order

    def article(self, article_id: int) -> Article:
        row = self.conn.execute(
            """SELECT a.*, coalesce(f.user_title, nullif(f.title, ''), f.url) AS feed_title
               FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?""",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        tags = self._article_tags([article_id]).get(article_id, ())
        feed_tags = self._feed_tags({row["feed_id"]}).get(row["feed_id"], ())
        return Article(
            summary=_summary(row, tags, feed_tags),
            text=shown(row["text"]),
            text_sha=row["text_sha"],
            summary_html=shown(row["summary_html"]),
            updated=row["updated"],
            site_name=shown(row["site_name"]),
            image_url=shown(row["image_url"]),
            extraction_error=shown(row["extraction_error"]),
            guid=shown(row["guid"]),
            ai_score=row["ai_score"],
        )

    def _article_tags(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        return self._tags_of("article_tags", "article_id", ids)

    def _feed_tags(self, ids: set[int]) -> dict[int, tuple[str, ...]]:
        return self._tags_of("feed_tags", "feed_id", sorted(ids))

    def _tags_of(
        self, link_table: str, owner: str, ids: Sequence[int]
    ) -> dict[int, tuple[str, ...]]:
        """Tag names of each owner (article or feed) id, sorted; owners without tags left out."""
        found: dict[int, list[str]] = {}
        # link_table and owner are one of two constant pairs, never user input.
        for chunk, marks in in_chunks(ids):
            for owner_id, name in self.conn.execute(
                f"""SELECT l.{owner}, t.name FROM {link_table} l JOIN tags t ON t.id = l.tag_id
                    WHERE l.{owner} IN ({marks}) ORDER BY t.name""",
                chunk,
            ):
                found.setdefault(owner_id, []).append(name)
        return {k: tuple(v) for k, v in found.items()}

    # -- article state -------------------------------------------------------------

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET read = ?, read_at = ? WHERE id = ?",
                [(int(read), utcnow() if read else None, i) for i in article_ids],
            )

    def set_starred(self, article_ids: Sequence[int], starred: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET starred = ? WHERE id = ?",
                [(int(starred), i) for i in article_ids],
            )

    def tag_article(self, article_id: int, tags: Sequence[str], *, remove: bool = False) -> None:
        if (
            self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is None
        ):
            raise NotFoundError(f"no article with id {article_id}")
        self.tag_articles([article_id], tags, remove=remove)


def _summary(row: sqlite3.Row, tags: tuple[str, ...], feed_tags: tuple[str, ...]) -> ArticleSummary:
    return ArticleSummary(
        id=row["id"],
        feed_id=row["feed_id"],
        feed_title=shown(row["feed_title"]),
        url=shown(row["url"]),
        title=shown(row["title"]),
        author=shown(row["author"]),
        published=row["published"],
        added_at=row["added_at"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        tags=tags,
        feed_tags=feed_tags,
        extraction=row["extraction"],
        sort_date=row["sort_date"],
    )
