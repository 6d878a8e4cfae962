"""Subscriptions: adding and removing feeds, listing them, and what the
refresh records about each fetch."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from reader.core import clock
from reader.core.models import Feed, FeedState
from reader.core.store.base import StoreBase
from reader.core.store.common import NotFoundError, joined_names, shown, tag_ids
from reader.core.textnorm import normalize_line
from reader.core.urls import UrlError, check_url

# What makes an article the user's: a star, a tag they set, an annotation.
# Such articles outlive retention and unsubscribing (automatic tags do not count).
USER_MARKED = """a.starred = 1
    OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.source = 'user')
    OR EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = a.id)"""


class FeedStore(StoreBase):
    # Whether the database holds a URL in another form than urls.check_url's
    # (stored by a version before it): only then are other forms looked for,
    # a scan of every feed (2,000 new feeds imported cost 0.8 s of CPU more).
    # Read once: this version stores every URL in its one form.
    _other_url_forms: bool | None = None

    def _same_feed(
        self, conn: sqlite3.Connection, url: str, *, subscribed: bool
    ) -> tuple[int, str | None] | None:
        if self._other_url_forms is None:
            self._other_url_forms = any(
                _other_form(stored) for (stored,) in conn.execute("SELECT url FROM feeds")
            )
        return _same_feed(conn, url, subscribed=subscribed, other_forms=self._other_url_forms)

    def add_feed(self, url: str, *, title: str = "", tags: Sequence[str] = ()) -> tuple[int, bool]:
        """Subscribe; returns (feed id, created). An existing feed gains the tags;
        a removed feed that kept some articles is subscribed again."""
        with self.transaction() as conn:
            row = self._same_feed(conn, url, subscribed=False)
            created = row is None or row[1] is not None
            if row is None:
                feed_id = conn.execute(
                    "INSERT INTO feeds (url, title, added_at) VALUES (?, ?, ?)",
                    (url, normalize_line(title), clock.utcnow()),
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
        marked = f"({USER_MARKED})"
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
            conn.execute(
                "UPDATE feeds SET unsubscribed_at = ? WHERE id = ?", (clock.utcnow(), feed_id)
            )
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
        row = self._same_feed(self.conn, url, subscribed=True)
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

    def record_not_modified(self, feed_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_fetched = ?, last_error = NULL, error_count = 0,"
                " next_fetch_after = NULL WHERE id = ?",
                (clock.utcnow(), feed_id),
            )

    def record_warning(self, feed_id: int, warning: str) -> None:
        """Replace the feed's warning (shown with the feed) after its refresh was stored."""
        with self.transaction() as conn:
            conn.execute("UPDATE feeds SET last_warning = ? WHERE id = ?", (warning, feed_id))

    def record_failure(self, feed_id: int, error: str, next_fetch_after: str | None) -> int:
        """Store the error on the feed; returns the new consecutive error count."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_fetched = ?, last_error = ?,"
                " error_count = error_count + 1, next_fetch_after = ? WHERE id = ?",
                (clock.utcnow(), error, next_fetch_after, feed_id),
            )
            row = conn.execute("SELECT error_count FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return int(row[0]) if row else 0


def _same_feed(
    conn: sqlite3.Connection, url: str, *, subscribed: bool, other_forms: bool
) -> tuple[int, str | None] | None:
    """(id, unsubscribed_at) of the feed stored as `url`, or else of one stored
    in another form of it: versions before urls.check_url gave one form stored
    `HTTP://EXAMPLE.ORG/f` or `http://example.org/f#x` as typed. Those rows are
    found, never rewritten or merged (two such rows may both exist)."""
    where = " AND unsubscribed_at IS NULL" if subscribed else ""
    select = f"SELECT id, unsubscribed_at FROM feeds WHERE url = ?{where}"
    row = conn.execute(select, (url,)).fetchone()
    if row is not None:
        return int(row[0]), row[1]
    try:
        canonical = check_url(url)
    except UrlError:
        return None
    if canonical != url:  # `reader remove HTTP://Example.org/f` for the one form
        row = conn.execute(select, (canonical,)).fetchone()
        if row is not None:
            return int(row[0]), row[1]
    if not other_forms:
        return None
    # Another form differs in the case of its scheme and host, or by a
    # fragment: lower() and LIKE narrow the rows (ASCII case, as the hosts'),
    # check_url decides.
    folded = canonical.lower()
    pattern = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "#%"
    for other_id, other_url, unsubscribed in conn.execute(
        f"SELECT id, url, unsubscribed_at FROM feeds WHERE (lower(url) = ?"
        f" OR lower(url) LIKE ? ESCAPE '\\'){where} ORDER BY id",
        (folded, pattern),
    ):
        try:
            if check_url(other_url) == canonical:
                return int(other_id), unsubscribed
        except UrlError:
            continue
    return None


def _other_form(url: str) -> bool:
    try:
        return check_url(url) != url
    except UrlError:  # not a URL this version would store: no form of it is looked up
        return False
