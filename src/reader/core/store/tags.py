"""Tags: the user's and the automatic ones, on articles, feeds and highlights."""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.store.base import StoreBase
from reader.core.store.common import NotFoundError, tag_ids
from reader.core.textnorm import normalize_tag


class TagStore(StoreBase):
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

    def tag_article(self, article_id: int, tags: Sequence[str], *, remove: bool = False) -> None:
        if (
            self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is None
        ):
            raise NotFoundError(f"no article with id {article_id}")
        self.tag_articles([article_id], tags, remove=remove)
