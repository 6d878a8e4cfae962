"""Reading stories back: the story list, one story, which story an article is in."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reader.core import clock
from reader.core.entities.records import NAME_LABELS
from reader.core.store.common import in_chunks


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: int
    feed_id: int
    feed_title: str
    title: str
    url: str
    sort_date: str
    read: bool
    ai_score: float | None


@dataclass(frozen=True, slots=True)
class Story:
    id: int
    # The first report's headline: later copies tend to rewrite it.
    title: str
    articles: tuple[StoryArticle, ...]  # oldest first
    sources: tuple[str, ...]  # feed titles, in the order they reported it
    newest: str
    ai_score: float | None  # the highest of its articles

    @property
    def unread(self) -> int:
        return sum(1 for a in self.articles if not a.read)


_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def since_stamp(text: str, now: datetime | None = None) -> str:
    """A stored-date string for "1d", "12h", "30m", "2w" ago, or for an ISO
    date or date-time; raises ValueError saying what is accepted."""
    now = now or datetime.now(UTC)
    found = _DURATION.match(text)
    if found:
        try:
            return clock.timestamp(now - timedelta(**{_UNITS[found[2]]: int(found[1])}))
        except OverflowError:  # "99999999999w": before year 1, so everything
            return clock.timestamp(datetime.min.replace(tzinfo=UTC))
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # clock.timestamp, as the dates compared with are written: strftime
        # gave "999-01-01T00:00:00Z" for 0999-01-01, after every 2026 date.
        return clock.timestamp(moment)
    except (ValueError, OverflowError):  # (0001-01-01T00:00+01:00 is before year 1)
        raise ValueError(
            f"not a time: {text!r}; use 30m, 12h, 1d, 2w or a date such as 2026-03-01"
        ) from None


def story_ids_since(
    conn: sqlite3.Connection, since: str | None, limit: int | None = None
) -> list[int]:
    """Stories with an article dated at or after `since` (all: None), newest first."""
    where = "WHERE sort_date >= ?" if since else ""
    params: list[object] = [since] if since else []
    sql = f"SELECT story_id, max(sort_date) AS newest FROM story_articles {where} GROUP BY story_id"
    sql += " ORDER BY newest DESC, story_id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [row[0] for row in conn.execute(sql, params)]


def load_stories(conn: sqlite3.Connection, story_ids: Sequence[int]) -> list[Story]:
    """The stories, in the given order, with their articles (missing ids skipped)."""
    members: dict[int, list[StoryArticle]] = {}
    for chunk, marks in in_chunks(list(story_ids)):
        for row in conn.execute(
            f"""SELECT s.story_id, a.id, a.feed_id,
                       coalesce(f.user_title, nullif(f.title, ''), f.url), a.title, a.url,
                       a.sort_date, a.read, a.ai_score
                FROM story_articles s JOIN articles a ON a.id = s.article_id
                JOIN feeds f ON f.id = a.feed_id
                WHERE s.story_id IN ({marks}) ORDER BY a.sort_date, a.id""",
            chunk,
        ):
            members.setdefault(row[0], []).append(
                StoryArticle(row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), row[8])
            )
    stories = []
    for story_id in story_ids:
        articles = members.get(story_id)
        if not articles:
            continue
        scores = [a.ai_score for a in articles if a.ai_score is not None]
        stories.append(
            Story(
                id=story_id,
                title=articles[0].title,
                articles=tuple(articles),
                sources=tuple(dict.fromkeys(a.feed_title for a in articles)),
                newest=max(a.sort_date for a in articles),
                ai_score=max(scores) if scores else None,
            )
        )
    return stories


def story_of(conn: sqlite3.Connection, article_ids: Sequence[int]) -> dict[int, int]:
    """{article id: story id} for those of the articles that are in a story."""
    found: dict[int, int] = {}
    for chunk, marks in in_chunks(list(article_ids)):
        for article_id, story_id in conn.execute(
            f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})",
            chunk,
        ):
            found[article_id] = story_id
    return found


def unread_in_story(conn: sqlite3.Connection, article_id: int) -> list[int]:
    """The other unread articles of the article's story."""
    rows = conn.execute(
        """SELECT s.article_id FROM story_articles me
           JOIN story_articles s ON s.story_id = me.story_id
           JOIN articles a ON a.id = s.article_id
           WHERE me.article_id = ? AND s.article_id != ? AND a.read = 0""",
        (article_id, article_id),
    )
    return [row[0] for row in rows]


def story_entities(
    conn: sqlite3.Connection, story_id: int, limit: int = 12
) -> list[tuple[str, str, int]]:
    """(name, label, articles) of the named entities the story's articles
    mention, the most widely mentioned first."""
    marks = ",".join("?" * len(NAME_LABELS))
    rows = conn.execute(
        f"""SELECT e.name, e.label, count(DISTINCT m.article_id) AS n
            FROM story_articles s JOIN mentions m ON m.article_id = s.article_id
            JOIN entities e ON e.id = m.entity_id
            WHERE s.story_id = ? AND e.label IN ({marks})
            GROUP BY e.id ORDER BY n DESC, count(*) DESC, e.name LIMIT ?""",
        (story_id, *sorted(NAME_LABELS), limit),
    )
    return [(r[0], r[1], r[2]) for r in rows]
