"""Highlights and notes in the store, and their re-anchoring when text changes.

An annotation keeps both W3C selectors (quote with context, and position) and
the sha of the text version it is placed on. When an article's text changes,
every highlight is placed again (reader.core.notes.anchoring) in the same
transaction as the new text; what cannot be placed confidently becomes an
orphan that keeps its old position and version (kept in article_versions), so
the user can re-attach it. Nothing here deletes an annotation unless asked.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from reader.core import clock
from reader.core.models import (
    DEFAULT_COLOR,
    Anchor,
    Annotation,
    AnnotationFilter,
    Placement,
    check_color,
)
from reader.core.store.base import StoreBase
from reader.core.store.common import (
    NotFoundError,
    fts_query,
    in_chunks,
    joined_names,
    shown,
    tag_ids,
    text_sha,
)
from reader.core.textnorm import normalize_line, normalize_note, normalize_tag


class Anchoring(Protocol):
    """The anchoring algorithm (reader.core.notes.anchoring), handed to the store by
    its composition (store.py). The store places highlights in the same
    transaction as the text they sit on, without depending on how."""

    def make_anchor(self, text: str, start: int, end: int) -> Anchor: ...

    def find_quote(self, text: str, quote: str, occurrence: int = 1) -> Anchor | None: ...

    def count_quote(self, text: str, quote: str) -> int: ...

    def reanchor_all(
        self, anchors: Sequence[Anchor], old_text: str | None, new_text: str
    ) -> list[Placement]: ...


# Annotations written per transaction by an import (see restore_annotations).
RESTORE_BATCH = 500
BATCH_PAUSE = 0.05  # seconds between batches, for other writers


_SELECT = """SELECT n.*, a.title AS article_title, a.url AS article_url,
    (SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM annotation_tags x
        JOIN tags t ON t.id = x.tag_id WHERE x.annotation_id = n.id ORDER BY t.name))
        AS tag_names
    FROM annotations n JOIN articles a ON a.id = n.article_id"""


def _annotation(row: sqlite3.Row) -> Annotation:
    return Annotation(
        id=row["id"],
        uid=row["uid"],
        article_id=row["article_id"],
        kind=row["kind"],
        exact=row["exact"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        start=row["start"],
        end=row["end"],
        note=row["note"],
        color=row["color"],
        tags=joined_names(row["tag_names"]),
        state=row["state"],
        score=row["score"],
        text_sha=row["text_sha"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        article_title=shown(row["article_title"]),
        article_url=shown(row["article_url"]),
    )


def annotated_articles(conn: sqlite3.Connection, feed_id: int, keys: Sequence[str]) -> set[int]:
    """Ids of the feed's articles (among `keys`) that carry highlights."""
    found: set[int] = set()
    for chunk, marks in in_chunks(keys):
        found.update(
            row[0]
            for row in conn.execute(
                f"""SELECT a.id FROM articles a WHERE a.feed_id = ? AND a.key IN ({marks})
                    AND EXISTS (SELECT 1 FROM annotations n
                                WHERE n.article_id = a.id AND n.kind = 'highlight')""",
                [feed_id, *chunk],
            )
        )
    return found


def reanchor_article(
    conn: sqlite3.Connection, article_id: int, new_text: str, anchoring: Anchoring
) -> None:
    """Place the article's highlights on its new text (inside the caller's transaction).

    Called after the new text is written. Each highlight is re-anchored from
    the version it was placed on: the previous text (saved here into
    article_versions first) or an older kept version for an orphan.
    """
    new_sha = text_sha(new_text)
    rows = conn.execute(
        """SELECT id, exact, prefix, suffix, start, "end", text_sha FROM annotations
           WHERE article_id = ? AND kind = 'highlight' AND text_sha != ?""",
        (article_id, new_sha),
    ).fetchall()
    by_version: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        by_version.setdefault(row["text_sha"], []).append(row)
    now = clock.utcnow()
    for sha, group in by_version.items():
        version = conn.execute(
            "SELECT text FROM article_versions WHERE article_id = ? AND text_sha = ?",
            (article_id, sha),
        ).fetchone()
        old_text = None if version is None else str(version[0])
        anchors = [
            Anchor(r["exact"], r["prefix"], r["suffix"], r["start"] or 0, r["end"] or 0)
            for r in group
        ]
        placed = anchoring.reanchor_all(anchors, old_text, new_text)
        for row, place in zip(group, placed, strict=True):
            if place.state == "orphan":
                conn.execute(
                    "UPDATE annotations SET state = 'orphan', score = 0, updated_at = ?"
                    " WHERE id = ?",
                    (now, row["id"]),
                )
                continue
            conn.execute(
                """UPDATE annotations SET start = ?, "end" = ?, text_sha = ?, state = ?,
                   score = ?, updated_at = ? WHERE id = ?""",
                (place.start, place.end, new_sha, place.state, place.score, now, row["id"]),
            )
    _drop_unused_versions(conn, article_id)


def save_version(conn: sqlite3.Connection, article_id: int) -> None:
    """Keep the article's current text while highlights point at it (before it changes)."""
    conn.execute(
        """INSERT OR IGNORE INTO article_versions (article_id, text_sha, text, saved_at)
           SELECT id, text_sha, text, ? FROM articles WHERE id = ? AND EXISTS
           (SELECT 1 FROM annotations n WHERE n.article_id = articles.id
            AND n.kind = 'highlight')""",
        (clock.utcnow(), article_id),
    )


def _drop_unused_versions(conn: sqlite3.Connection, article_id: int) -> None:
    conn.execute(
        """DELETE FROM article_versions WHERE article_id = ? AND text_sha NOT IN
           (SELECT text_sha FROM annotations WHERE article_id = ?)""",
        (article_id, article_id),
    )


@dataclass(frozen=True, slots=True)
class NotesArticle:
    """An article as an export of notes names it (also for unsubscribed feeds)."""

    id: int
    feed_url: str
    feed_title: str
    key: str
    guid: str
    url: str
    title: str
    published: str | None
    updated: str | None
    text_sha: str
    user_tags: tuple[str, ...]  # the user's own, not automatic ones


@dataclass(frozen=True, slots=True)
class ImportedAnnotation:
    """An annotation restored from an export, placed on the current text by the caller."""

    uid: str
    article_id: int
    kind: str  # "highlight" | "note"
    anchor: Anchor | None
    text_sha: str
    state: str
    score: float
    note: str
    color: str
    tags: tuple[str, ...]
    created_at: str
    updated_at: str


def _check_version(current: str, expected: str | None) -> None:
    if expected is not None and expected != current:
        raise ValueError(
            "The article's text changed since it was opened (a refresh updated it);"
            " select the passage again."
        )


class AnnotationStore(StoreBase):
    """Mixed into Store: highlights, notes, their tags and their anchors."""

    anchoring: Anchoring  # set by the composition (store.py)

    def _article_text(self, conn: sqlite3.Connection, article_id: int) -> tuple[str, str]:
        row = conn.execute(
            "SELECT text, text_sha FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return str(row[0]), str(row[1])

    def highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        *,
        note: str = "",
        color: str = DEFAULT_COLOR,
        tags: Sequence[str] = (),
        text_sha: str | None = None,
    ) -> Annotation:
        """Highlight text[start:end] of the article's current text. With
        `text_sha` (the version the offsets were taken on) the highlight is
        refused if the text changed since: the offsets would be other words."""
        with self.transaction() as conn:
            text, sha = self._article_text(conn, article_id)
            _check_version(sha, text_sha)
            anchor = self.anchoring.make_anchor(text, start, end)
            return self._insert(conn, article_id, "highlight", anchor, sha, note, color, tags)

    def highlight_quote(
        self,
        article_id: int,
        quote: str,
        *,
        occurrence: int = 1,
        note: str = "",
        color: str = DEFAULT_COLOR,
        tags: Sequence[str] = (),
    ) -> Annotation:
        """Highlight the n-th occurrence of `quote`; LookupError when it is not there."""
        with self.transaction() as conn:
            text, sha = self._article_text(conn, article_id)
            anchor = self.anchoring.find_quote(text, quote, occurrence)
            if anchor is None:
                found = self.anchoring.count_quote(text, quote)
                if found:
                    raise LookupError(
                        f"{quote!r} occurs only {found} time{'' if found == 1 else 's'}"
                        f" in article {article_id}, not {occurrence}"
                    )
                raise LookupError(f"the text of article {article_id} does not contain {quote!r}")
            return self._insert(conn, article_id, "highlight", anchor, sha, note, color, tags)

    def add_note(self, article_id: int, note: str, *, tags: Sequence[str] = ()) -> Annotation:
        """An article-level note (no span)."""
        if not note.strip() and not any(normalize_tag(t) for t in tags):
            raise ValueError("an article note needs some text or a tag")
        with self.transaction() as conn:
            _, sha = self._article_text(conn, article_id)
            return self._insert(conn, article_id, "note", None, sha, note, "", tags)

    def _insert(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        kind: str,
        anchor: Anchor | None,
        sha: str,
        note: str,
        color: str,
        tags: Sequence[str],
        *,
        uid: str | None = None,
        state: str = "exact",
        created_at: str | None = None,
    ) -> Annotation:
        import uuid  # here: it imports platform (~10 ms), and every start-up imports the store

        now = clock.utcnow()
        color = check_color(color) if kind == "highlight" else ""
        cursor = conn.execute(
            """INSERT INTO annotations (uid, article_id, kind, exact, prefix, suffix, start,
               "end", text_sha, state, score, note, color, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                uid or f"urn:uuid:{uuid.uuid4()}",
                article_id,
                kind,
                anchor.exact if anchor else "",
                anchor.prefix if anchor else "",
                anchor.suffix if anchor else "",
                anchor.start if anchor else None,
                anchor.end if anchor else None,
                sha,
                state,
                1.0 if state != "orphan" else 0.0,
                normalize_note(note),
                color,
                created_at or now,
                now,
            ),
        )
        annotation_id = int(cursor.lastrowid or 0)
        self._set_tags(conn, annotation_id, tags)
        if kind == "highlight":
            save_version(conn, article_id)
        return self._get(conn, annotation_id)

    def _set_tags(self, conn: sqlite3.Connection, annotation_id: int, tags: Sequence[str]) -> None:
        conn.execute("DELETE FROM annotation_tags WHERE annotation_id = ?", (annotation_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
            [(annotation_id, tag_id) for tag_id in tag_ids(conn, tags)],
        )

    def _get(self, conn: sqlite3.Connection, annotation_id: int) -> Annotation:
        row = conn.execute(f"{_SELECT} WHERE n.id = ?", (annotation_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no annotation with id {annotation_id}")
        return _annotation(row)

    def annotation(self, annotation_id: int) -> Annotation:
        return self._get(self.conn, annotation_id)

    def update_annotation(
        self,
        annotation_id: int,
        *,
        note: str | None = None,
        color: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> Annotation:
        with self.transaction() as conn:
            current = self._get(conn, annotation_id)
            if note is not None:
                conn.execute(
                    "UPDATE annotations SET note = ? WHERE id = ?",
                    (normalize_note(note), annotation_id),
                )
            if color is not None and current.kind == "highlight":
                conn.execute(
                    "UPDATE annotations SET color = ? WHERE id = ?",
                    (check_color(color), annotation_id),
                )
            if tags is not None:
                self._set_tags(conn, annotation_id, tags)
            conn.execute(
                "UPDATE annotations SET updated_at = ? WHERE id = ?",
                (clock.utcnow(), annotation_id),
            )
            return self._get(conn, annotation_id)

    def delete_annotation(self, annotation_id: int) -> None:
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT article_id FROM annotations WHERE id = ?", (annotation_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no annotation with id {annotation_id}")
            conn.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))
            _drop_unused_versions(conn, int(row[0]))

    def reattach(
        self, annotation_id: int, start: int, end: int, *, text_sha: str | None = None
    ) -> Annotation:
        """Place a (typically orphaned) highlight on text[start:end] of the current
        text (refused, like `highlight`, if `text_sha` is not the current version)."""
        with self.transaction() as conn:
            current = self._get(conn, annotation_id)
            text, sha = self._article_text(conn, current.article_id)
            _check_version(sha, text_sha)
            anchor = self.anchoring.make_anchor(text, start, end)
            conn.execute(
                """UPDATE annotations SET kind = 'highlight', exact = ?, prefix = ?, suffix = ?,
                   start = ?, "end" = ?, text_sha = ?, state = 'exact', score = 1,
                   color = CASE WHEN color = '' THEN ? ELSE color END, updated_at = ?
                   WHERE id = ?""",
                (
                    anchor.exact,
                    anchor.prefix,
                    anchor.suffix,
                    anchor.start,
                    anchor.end,
                    sha,
                    DEFAULT_COLOR,
                    clock.utcnow(),
                    annotation_id,
                ),
            )
            save_version(conn, current.article_id)
            _drop_unused_versions(conn, current.article_id)
            return self._get(conn, annotation_id)

    def orphan_to_note(self, annotation_id: int) -> Annotation:
        """Keep an orphan as an article note: the quote stays as text, the place goes."""
        with self.transaction() as conn:
            current = self._get(conn, annotation_id)
            _, sha = self._article_text(conn, current.article_id)
            conn.execute(
                """UPDATE annotations SET kind = 'note', start = NULL, "end" = NULL,
                   text_sha = ?, state = 'exact', score = 1, updated_at = ? WHERE id = ?""",
                (sha, clock.utcnow(), annotation_id),
            )
            _drop_unused_versions(conn, current.article_id)
            return self._get(conn, annotation_id)

    def annotations(self, where: AnnotationFilter | None = None) -> list[Annotation]:
        """Annotations, by article (newest article first) then position."""
        where = where or AnnotationFilter()
        clauses: list[str] = []
        params: list[object] = []
        if where.article_id is not None:
            clauses.append("n.article_id = ?")
            params.append(where.article_id)
        if where.color:
            clauses.append("n.color = ?")
            params.append(where.color)
        if where.state:
            clauses.append("n.state = ?")
            params.append(where.state)
        if where.kind:
            clauses.append("n.kind = ?")
            params.append(where.kind)
        if where.tag:
            clauses.append(
                """EXISTS (SELECT 1 FROM annotation_tags x JOIN tags t ON t.id = x.tag_id
                   WHERE x.annotation_id = n.id AND t.name = ?)"""
            )
            params.append(where.tag)
        if where.search:
            match = fts_query(where.search)
            if match is None:
                return []
            clauses.append(
                "n.id IN (SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?)"
            )
            params.append(match)
        sql = _SELECT + (" WHERE " + " AND ".join(clauses) if clauses else "")
        sql += " ORDER BY a.sort_date DESC, a.id DESC, n.kind DESC, coalesce(n.start, -1), n.id"
        return [_annotation(r) for r in self.conn.execute(sql, params)]

    def annotation_counts(self, article_ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk, marks in in_chunks(article_ids):
            for row in self.conn.execute(
                f"SELECT article_id, count(*) FROM annotations WHERE article_id IN ({marks})"
                " GROUP BY article_id",
                chunk,
            ):
                found[row[0]] = row[1]
        return found

    def version_text(self, article_id: int, sha: str) -> str | None:
        row = self.conn.execute(
            "SELECT text FROM article_versions WHERE article_id = ? AND text_sha = ?",
            (article_id, sha),
        ).fetchone()
        return None if row is None else str(row[0])

    # -- export and import ------------------------------------------------------------

    def notes_articles(self, *, tagged: bool = False) -> list[NotesArticle]:
        """Articles with annotations (and, with `tagged`, those with user tags),
        newest first, with what identifies them across databases."""
        marked = "EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = a.id)"
        if tagged:
            marked += (
                " OR EXISTS (SELECT 1 FROM article_tags t"
                " WHERE t.article_id = a.id AND t.source = 'user')"
            )
        rows = self.conn.execute(
            f"""SELECT a.id, f.url AS feed_url,
                   coalesce(f.user_title, nullif(f.title, ''), f.url) AS feed_title,
                   a.key, a.guid, a.url, a.title, a.published, a.updated, a.text_sha,
                   (SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM article_tags x
                       JOIN tags t ON t.id = x.tag_id
                       WHERE x.article_id = a.id AND x.source = 'user' ORDER BY t.name))
                       AS tag_names
                FROM articles a JOIN feeds f ON f.id = a.feed_id
                WHERE {marked} ORDER BY a.sort_date DESC, a.id DESC"""
        ).fetchall()
        return [
            NotesArticle(
                id=r["id"],
                feed_url=r["feed_url"],
                feed_title=r["feed_title"],
                key=r["key"],
                guid=r["guid"],
                url=r["url"],
                title=r["title"],
                published=r["published"],
                updated=r["updated"],
                text_sha=r["text_sha"],
                user_tags=joined_names(r["tag_names"]),
            )
            for r in rows
        ]

    def find_article(self, url: str, *, feed_url: str = "", key: str = "") -> int | None:
        """The article an export names: by feed URL and key when given, else by its URL
        (the most recent one if several feeds carry it)."""
        if feed_url and key:
            row = self.conn.execute(
                """SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
                   WHERE f.url = ? AND a.key = ?""",
                (feed_url, key),
            ).fetchone()
            if row is not None:
                return int(row[0])
        if not url:
            return None
        row = self.conn.execute(
            "SELECT id FROM articles WHERE url = ? ORDER BY sort_date DESC, id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return None if row is None else int(row[0])

    def article_text(self, article_id: int) -> tuple[str, str]:
        """(current text, its sha)."""
        return self._article_text(self.conn, article_id)

    def restore_annotations(
        self,
        annotations: Sequence[ImportedAnnotation],
        article_tags: Sequence[tuple[int, Sequence[str]]] = (),
        *,
        batch: int = RESTORE_BATCH,
    ) -> tuple[int, int, int]:
        """Write an import: annotations by uid (a new uid is added; a known one
        gets the imported note, colour and tags, its place is left as this
        database has it), and article tags as the user's own.
        Returns (added, updated, article tags added).

        One transaction per `batch` items, so a big import never holds the
        database for long: other commands and the app write in between. An
        import stopped halfway is finished by running it again (by uid)."""
        added = updated = tags_added = 0
        for first in range(0, len(annotations), batch):
            with self.transaction() as conn:
                for item in annotations[first : first + batch]:
                    outcome = self._restore_one(conn, item)
                    added += outcome == "added"
                    updated += outcome == "updated"
            # A writer waiting on the lock polls every 100 ms at worst; without
            # a pause the next batch would take the lock back first, every time.
            time.sleep(BATCH_PAUSE)
        for first in range(0, len(article_tags), batch):
            with self.transaction() as conn:
                for article_id, names in article_tags[first : first + batch]:
                    for tag_id in tag_ids(conn, names):
                        tags_added += conn.execute(
                            """INSERT INTO article_tags (article_id, tag_id, source)
                               VALUES (?, ?, 'user') ON CONFLICT (article_id, tag_id)
                               DO UPDATE SET source = 'user' WHERE source != 'user'""",
                            (article_id, tag_id),
                        ).rowcount
        return added, updated, tags_added

    def _restore_one(self, conn: sqlite3.Connection, item: ImportedAnnotation) -> str:
        """Write one imported annotation: "added", "updated" or "same"."""
        # Normalised once, before the lookup: the raw uid ("urn:x:my  note")
        # was looked up but the normalised one stored, so a second import of
        # the same file hit the UNIQUE constraint instead of finding it.
        uid = normalize_line(item.uid)
        row = conn.execute("SELECT id FROM annotations WHERE uid = ?", (uid,)).fetchone()
        if row is None:
            self._import_new(conn, item, uid)
            return "added"
        current = self._get(conn, int(row[0]))
        note = normalize_note(item.note)
        color = check_color(item.color) if item.color else current.color
        tags = tuple(sorted({normalize_tag(t) for t in item.tags} - {""}))
        if (current.note, current.color, tuple(sorted(current.tags))) == (note, color, tags):
            return "same"
        conn.execute(
            "UPDATE annotations SET note = ?, color = ?, updated_at = ? WHERE id = ?",
            (note, color, clock.utcnow(), current.id),
        )
        self._set_tags(conn, current.id, tags)
        return "updated"

    def _import_new(self, conn: sqlite3.Connection, item: ImportedAnnotation, uid: str) -> None:
        kind = item.kind if item.kind in ("highlight", "note") else "note"
        anchor = item.anchor
        # A note keeps a quote (an orphan turned into a note) but no place.
        placed = anchor is not None and kind == "highlight"
        cursor = conn.execute(
            """INSERT INTO annotations (uid, article_id, kind, exact, prefix, suffix, start,
               "end", text_sha, state, score, note, color, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                uid,
                item.article_id,
                kind,
                # Files written elsewhere: no terminal controls in what is shown.
                normalize_note(anchor.exact) if anchor else "",
                normalize_note(anchor.prefix) if anchor else "",
                normalize_note(anchor.suffix) if anchor else "",
                anchor.start if anchor and placed else None,
                anchor.end if anchor and placed else None,
                item.text_sha,
                item.state,
                item.score,
                normalize_note(item.note),
                check_color(item.color) if item.color else "",
                item.created_at,
                item.updated_at,
            ),
        )
        self._set_tags(conn, int(cursor.lastrowid or 0), item.tags)
        if kind == "highlight":
            save_version(conn, item.article_id)
