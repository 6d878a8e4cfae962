"""Reading the archive: article lists by feed, tag, entity and state, full-text
search over the articles and the user's notes, and one article in full."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from reader.core.models import Article, ArticleQuery, ArticleSummary
from reader.core.store.base import StoreBase
from reader.core.store.common import NotFoundError, fts_query, in_chunks, shown

# A search matching more articles than this lists the newest of them instead of
# ranking them all (bench/app_bench.py: 100,000 matches took ~0.3 s to rank).
RANK_AT_MOST = 20_000
RECENT_WINDOW = 20_000


def article_keys(conn: sqlite3.Connection, query: ArticleQuery) -> list[tuple[str, int]]:
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
    built = _filter(conn, query, window)
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
    rows = conn.execute(
        f"SELECT {key}, a.id FROM articles a {joins} {where} ORDER BY {order} {limit}",
        params,
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def count_articles(conn: sqlite3.Connection, query: ArticleQuery) -> int:
    built = _filter(conn, query)
    if built is None:
        return 0
    joins, clauses, params, _ = built
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    row = conn.execute(f"SELECT count(*) FROM articles a {joins} {where}", params)
    return int(row.fetchone()[0])


def _too_common(conn: sqlite3.Connection, match: str) -> bool:
    """Whether a search matches so many articles that ranking them all costs
    more than it tells (counting is cheap: no document is read)."""
    row = conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)
    ).fetchone()
    return int(row[0]) > RANK_AT_MOST


def _filter(
    conn: sqlite3.Connection, query: ArticleQuery, window: int | None = None
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
        noted = conn.execute(
            "SELECT 1 FROM annotations_fts WHERE annotations_fts MATCH ? LIMIT 1", (match,)
        ).fetchone()
        # The article matches: all of them, ranked by relevance; or, for
        # words found nearly everywhere (ranking 100,000 matches takes
        # ~0.3 s and says little), the newest `recent` of them by id.
        recent = window if window and _too_common(conn, match) else None
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


def tags_of(
    conn: sqlite3.Connection, link_table: str, owner: str, ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """Tag names of each owner (article or feed) id, sorted; owners without tags left out."""
    found: dict[int, list[str]] = {}
    # link_table and owner are one of two constant pairs, never user input.
    for chunk, marks in in_chunks(ids):
        for owner_id, name in conn.execute(
            f"""SELECT l.{owner}, t.name FROM {link_table} l JOIN tags t ON t.id = l.tag_id
                WHERE l.{owner} IN ({marks}) ORDER BY t.name""",
            chunk,
        ):
            found.setdefault(owner_id, []).append(name)
    return {k: tuple(v) for k, v in found.items()}


class QueryStore(StoreBase):
    def articles(self, query: ArticleQuery) -> list[ArticleSummary]:
        """Article summaries in the query's order (see ArticleQuery)."""
        return self.summaries([article_id for _, article_id in article_keys(self.conn, query)])

    def article_keys(self, query: ArticleQuery) -> list[tuple[str, int]]:
        """(sort_date, id) of the matching articles (see `article_keys`)."""
        return article_keys(self.conn, query)

    def count_articles(self, query: ArticleQuery) -> int:
        return count_articles(self.conn, query)

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
        return tags_of(self.conn, "article_tags", "article_id", ids)

    def _feed_tags(self, ids: set[int]) -> dict[int, tuple[str, ...]]:
        return tags_of(self.conn, "feed_tags", "feed_id", sorted(ids))


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
