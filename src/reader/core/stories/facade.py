"""The service's door to stories, the watchlist and the digest: mixed into
service.Reader, so the app and the command line reach them as they reach
everything else, and the stories code stays in this package."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.store.common import NotFoundError

if TYPE_CHECKING:
    from reader.core.config import Settings
    from reader.core.store import Store
    from reader.core.stories.digest import Digest
    from reader.core.stories.grouping import StoryBatch
    from reader.core.stories.queries import Story
    from reader.core.stories.watchlist import Follow


class StoriesFacade:
    """Mixed into service.Reader (which provides the store, the settings and
    entity names resolved like `--entity`)."""

    store: Store
    settings: Settings

    def resolve_entity(self, name: str) -> str:
        raise NotImplementedError  # provided by service.Reader

    def group_pending(self, batch: int = 500) -> int:
        """Group the articles not in a story yet (stored before stories existed,
        or with `[stories] group_on_refresh = false`); returns how many. Cheap
        when there are none."""
        from reader.core.stories.grouping import (
            fingerprint_stored,
            group_articles,
            ungrouped_articles,
        )

        done = 0
        while ids := ungrouped_articles(self.store.conn, batch):
            with self.store.transaction() as conn:
                group_articles(conn, fingerprint_stored(conn, ids))
            done += len(ids)
        return done

    def group_refreshed(self, waiting: StoryBatch) -> None:
        """Group, in one transaction, the new articles a refresh stored
        (write_feed's `stories_later`)."""
        from reader.core.stories.grouping import group_later

        with self.store.transaction() as conn:
            group_later(conn, waiting)

    def group_some_refreshed(self, waiting: StoryBatch) -> None:
        """While the refresh goes on, store the stories of the new articles
        stored so far, if the batch can (StoryBatch.write_some): in one
        transaction with their index rows, so a crash leaves each either
        grouped or waiting."""
        from reader.core.stories.grouping import batch_cache

        with self.store.transaction() as conn, batch_cache(conn):
            waiting.write_some(conn)

    def stories(self, since: str | None = None, limit: int | None = None) -> list[Story]:
        """Stories with an article dated since `since` ("1d", "12h", a date;
        None: all), newest first."""
        from reader.core.stories.queries import load_stories, since_stamp, story_ids_since

        self.group_pending()
        stamp = since_stamp(since) if since else None
        return load_stories(self.store.conn, story_ids_since(self.store.conn, stamp, limit))

    def story(self, story_id: int) -> Story:
        from reader.core.stories.queries import load_stories

        found = load_stories(self.store.conn, [story_id])
        if not found:
            raise NotFoundError(f"no story with id {story_id}")
        return found[0]

    def story_entities(self, story_id: int) -> list[tuple[str, str, int]]:
        """(name, label, articles) of the story's named entities, most shared first."""
        from reader.core.stories.queries import story_entities

        return story_entities(self.store.conn, story_id)

    def story_ids(self, article_ids: Sequence[int]) -> dict[int, int]:
        """{article id: story id} of the given articles."""
        from reader.core.stories.queries import story_of

        return story_of(self.store.conn, article_ids)

    def follow(self, name: str, *, search: bool = False) -> tuple[str, bool]:
        """Follow an entity (resolved like `--entity`: aliases, any case) or a
        search; returns (the name followed, whether it is new)."""
        from reader.core.stories.watchlist import follow

        followed = " ".join(name.split()) if search else self.resolve_entity(name)
        if not followed:
            raise ValueError("nothing to follow: give a name")
        with self.store.transaction() as conn:
            return followed, follow(conn, "search" if search else "entity", followed)

    def unfollow(self, name: str) -> bool:
        """Stop following (by the name typed or the entity it resolves to)."""
        from reader.core.stories.watchlist import unfollow

        with self.store.transaction() as conn:
            gone = unfollow(conn, " ".join(name.split()))
            if not gone:
                gone = unfollow(conn, self.resolve_entity(name))
        return gone > 0

    def watchlist(self) -> list[Follow]:
        """What is followed, with counts of new stories among the articles
        already grouped (no grouping: the sidebar asks on every redraw)."""
        from reader.core.stories.watchlist import follows

        return follows(self.store.conn)

    def following(self) -> list[Follow]:
        from reader.core.stories.watchlist import follows

        self.group_pending()
        return follows(self.store.conn)

    def mark_follow_seen(self, follow_id: int) -> None:
        """The user looked at what a follow brought: its new-story count restarts."""
        from reader.core.stories.watchlist import mark_seen

        with self.store.transaction() as conn:
            mark_seen(conn, follow_id)

    def followed_appeared(self, added_since: str) -> list[tuple[str, int]]:
        """(followed name, articles) for what articles stored since then are about."""
        from reader.core.stories.watchlist import appeared

        return appeared(self.store.conn, added_since)

    def digest(self, since: str = "1d") -> Digest:
        """New stories since then, by followed entity, then by AI relevance."""
        from reader.core.stories.digest import build_digest
        from reader.core.stories.queries import since_stamp

        self.group_pending()
        return build_digest(
            self.store.conn, since_stamp(since), self.settings.entities.ai_threshold
        )

    def read_by_reading(self, article_id: int) -> list[int]:
        """The user read the article: mark it read and, with `[stories]
        read_marks_story`, the other articles of its story. Returns the ids
        of the articles whose state changed."""
        from reader.core.stories.queries import unread_in_story

        ids = [article_id]
        if self.settings.stories.read_marks_story:
            ids += unread_in_story(self.store.conn, article_id)
        changed = [a.id for a in self.store.summaries(ids) if not a.read]
        self.store.set_read(changed)
        return changed


# Here, not in grouping: every refresh asks, and an unchanged one groups
# nothing (importing grouping is ~7 ms of its start-up).
def newer_than_every_story(conn: sqlite3.Connection) -> bool:
    """Whether an article was stored after the newest one in a story: what a
    refresh stopped before its stories were written (quit, Ctrl-C, a crash)
    leaves behind. Two primary-key look-ups, so a refresh can ask every time.
    An archive without any story (stored before stories existed, or grouping
    at refresh was off) says no: it may hold 100,000 articles, grouped when
    stories are first asked for (group_pending), as before."""
    row = conn.execute(
        """SELECT EXISTS (SELECT 1 FROM articles WHERE id > newest)
           FROM (SELECT max(article_id) AS newest FROM story_articles)
           WHERE newest IS NOT NULL"""
    ).fetchone()
    return row is not None and bool(row[0])
