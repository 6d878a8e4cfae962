"""The watchlist: entities and searches the user follows.

Each follow remembers when the user last looked at it (`seen_at`), so the
sidebar and `reader following` can count the stories that are new since.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from reader.core import clock
from reader.core.store.common import fts_query


@dataclass(frozen=True, slots=True)
class Follow:
    id: int
    kind: str  # "entity" (a canonical entity name) or "search" (a search query)
    name: str
    created_at: str
    seen_at: str
    new_stories: int  # stories with an article about it dated after seen_at


def follow(conn: sqlite3.Connection, kind: str, name: str) -> bool:
    """Follow (inside the caller's transaction); False if already followed."""
    now = clock.utcnow()
    cursor = conn.execute(
        "INSERT OR IGNORE INTO follows (kind, name, created_at, seen_at) VALUES (?, ?, ?, ?)",
        (kind, name, now, now),
    )
    return cursor.rowcount > 0


def unfollow(conn: sqlite3.Connection, name: str) -> int:
    """Stop following every follow of that name (any case); how many went."""
    return conn.execute("DELETE FROM follows WHERE name = ? COLLATE NOCASE", (name,)).rowcount


def mark_seen(conn: sqlite3.Connection, follow_id: int) -> None:
    conn.execute("UPDATE follows SET seen_at = ? WHERE id = ?", (clock.utcnow(), follow_id))


def stories_about(
    conn: sqlite3.Connection, kind: str, name: str, since: str | None, *, stored: bool = False
) -> list[int]:
    """Ids of the stories with an article dated at or after `since` (with
    `stored`: stored after then, whatever its date) that mentions the entity
    (kind "entity") or matches the search ("search")."""
    after = ""
    if since:
        after = (
            "AND s.article_id IN (SELECT id FROM articles WHERE added_at > ?)"
            if stored
            else "AND s.sort_date >= ?"
        )
    extra: tuple[str, ...] = (since,) if since else ()
    if kind == "entity":
        rows = conn.execute(
            f"""SELECT DISTINCT s.story_id FROM entities e
                JOIN mentions m ON m.entity_id = e.id
                JOIN story_articles s ON s.article_id = m.article_id
                WHERE e.name = ? COLLATE NOCASE {after}""",
            (name, *extra),
        )
    else:
        match = fts_query(name)
        if match is None:
            return []
        rows = conn.execute(
            f"""SELECT DISTINCT s.story_id FROM articles_fts
                JOIN story_articles s ON s.article_id = articles_fts.rowid
                WHERE articles_fts MATCH ? {after}""",
            (match, *extra),
        )
    return sorted(row[0] for row in rows)


def follows(conn: sqlite3.Connection) -> list[Follow]:
    """Everything followed, in the order it was followed, with the counts of
    stories that gained an article since the user last looked."""
    rows = conn.execute(
        "SELECT id, kind, name, created_at, seen_at FROM follows ORDER BY id"
    ).fetchall()
    return [
        Follow(
            r[0], r[1], r[2], r[3], r[4], len(stories_about(conn, r[1], r[2], r[4], stored=True))
        )
        for r in rows
    ]


def appeared(conn: sqlite3.Connection, added_since: str) -> list[tuple[str, int]]:
    """(followed name, articles) for the follows that articles stored at or
    after `added_since` are about: what a refresh brought."""
    found = []
    for item in follows(conn):
        if item.kind == "entity":
            row = conn.execute(
                """SELECT count(DISTINCT a.id) FROM entities e
                   JOIN mentions m ON m.entity_id = e.id JOIN articles a ON a.id = m.article_id
                   WHERE e.name = ? COLLATE NOCASE AND a.added_at >= ?""",
                (item.name, added_since),
            ).fetchone()
        else:
            match = fts_query(item.name)
            if match is None:
                continue
            row = conn.execute(
                """SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                   WHERE articles_fts MATCH ? AND a.added_at >= ?""",
                (match, added_since),
            ).fetchone()
        if row[0]:
            found.append((item.name, int(row[0])))
    return found
