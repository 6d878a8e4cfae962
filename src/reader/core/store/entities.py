"""Entity mentions, the user's entity rules, and automatic tags in the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from reader.core import clock
from reader.core.models import NAME_LABELS, EntityCount, Mention, Rule
from reader.core.store.base import StoreBase
from reader.core.textnorm import normalize_line


@dataclass(frozen=True, slots=True)
class PendingAnalysis:
    """An article to (re-)analyse: what the recognisers need."""

    id: int
    title: str
    text: str
    feed_title: str
    text_sha: str  # the analysis is stored only if the text is still this one


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analysis step found in one article's text."""

    article_id: int
    mentions: Sequence[Mention]
    ai_score: float | None
    auto_tags: Sequence[str]
    analysed_with: str | None


def write_analyses(
    conn: sqlite3.Connection,
    analyses: Sequence[Analysis],
    entity_ids: dict[tuple[str, str], int],
    *,
    fresh: frozenset[int] = frozenset(),
    scored: bool = False,
) -> None:
    """Replace the articles' mentions, scores and automatic tags (inside a
    transaction), in a few statements for the whole batch.

    ``fresh``: ids of articles inserted in this transaction, which have no
    mentions or tags to delete. ``scored``: the score and digest were already
    written with the article row, so the row is not rewritten for them.
    Only tags the analysis set (source 'auto') are replaced; a tag the user
    set on the article stays, even one with the same name.
    """
    old = [(a.article_id,) for a in analyses if a.article_id not in fresh]
    conn.executemany("DELETE FROM mentions WHERE article_id = ?", old)
    conn.executemany("DELETE FROM article_tags WHERE article_id = ? AND source = 'auto'", old)
    rows = []
    tag_rows = []
    tag_ids: dict[str, int] = {}
    for analysis in analyses:
        for m in analysis.mentions:
            key = (m.entity, m.label)
            entity_id = entity_ids.get(key)
            if entity_id is None:
                entity_id = _entity_id(conn, key)
                entity_ids[key] = entity_id
            rows.append((analysis.article_id, m.start, m.end, entity_id, m.source))
        for name in analysis.auto_tags:
            tag_id = tag_ids.get(name)
            if tag_id is None:
                conn.execute("INSERT OR IGNORE INTO tags (name, kind) VALUES (?, 'auto')", (name,))
                tag_id = int(
                    conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0]
                )
                tag_ids[name] = tag_id
            tag_rows.append((analysis.article_id, tag_id))
    conn.executemany(
        'INSERT OR REPLACE INTO mentions (article_id, start, "end", entity_id, source)'
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    if not scored:
        conn.executemany(
            "UPDATE articles SET ai_score = ?, analysed_with = ? WHERE id = ?",
            [(a.ai_score, a.analysed_with, a.article_id) for a in analyses],
        )
    conn.executemany(
        "INSERT OR IGNORE INTO article_tags (article_id, tag_id, source) VALUES (?, ?, 'auto')",
        tag_rows,
    )


def _entity_id(conn: sqlite3.Connection, key: tuple[str, str]) -> int:
    conn.execute("INSERT OR IGNORE INTO entities (name, label) VALUES (?, ?)", key)
    row = conn.execute("SELECT id FROM entities WHERE name = ? AND label = ?", key).fetchone()
    return int(row[0])


class EntityStore(StoreBase):
    """Mixed into Store: the queries about entities."""

    def mentions(self, article_id: int) -> list[Mention]:
        """The stored mentions of an article, in text order."""
        row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,))
        found = row.fetchone()
        if found is None:
            return []
        text = str(found[0])
        rows = self.conn.execute(
            """SELECT m.start, m."end", e.label, e.name, m.source
               FROM mentions m JOIN entities e ON e.id = m.entity_id
               WHERE m.article_id = ? ORDER BY m.start""",
            (article_id,),
        ).fetchall()
        return [Mention(r[0], r[1], r[2], text[r[0] : r[1]], r[3], r[4]) for r in rows]

    def save_analysis(
        self,
        results: Sequence[tuple[int, str, Sequence[Mention], float, Sequence[str], str]],
    ) -> int:
        """(article id, text sha, mentions, ai score, auto tags, digest) for each
        re-analysed article. An article whose text changed since it was read
        (a refresh ran meanwhile, and analysed the new text itself) is left
        alone, so no mention points into a text it was not found in. Returns
        how many were stored."""
        entity_ids: dict[tuple[str, str], int] = {}
        current: list[Analysis] = []
        with self.transaction() as conn:
            for article_id, sha, mentions, score, tags, digest in results:
                row = conn.execute("SELECT text_sha FROM articles WHERE id = ?", (article_id,))
                found = row.fetchone()
                if found is not None and found[0] == sha:
                    current.append(Analysis(article_id, mentions, score, tags, digest))
            write_analyses(conn, current, entity_ids)
        return len(current)

    def pending_analysis(
        self,
        *,
        digest: str | None = None,
        ids: Sequence[int] = (),
        limit: int = 200,
        after_id: int = 0,
    ) -> list[PendingAnalysis]:
        """Articles (id > after_id, in id order) analysed with another digest
        than `digest`, or the given ids."""
        base = """SELECT a.id, a.title, a.text,
                      coalesce(f.user_title, nullif(f.title, ''), f.url), a.text_sha
                  FROM articles a JOIN feeds f ON f.id = a.feed_id"""
        if ids:
            marks = ",".join("?" * len(ids))
            rows = self.conn.execute(f"{base} WHERE a.id IN ({marks})", list(ids))
        else:
            rows = self.conn.execute(
                f"{base} WHERE a.id > ? AND a.analysed_with IS NOT ? ORDER BY a.id LIMIT ?",
                (after_id, digest, limit),
            )
        return [PendingAnalysis(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def articles_mentioning(self, surfaces: Sequence[str], entities: Sequence[str]) -> list[int]:
        """Articles whose text contains any surface (full-text phrase) or that
        mention any of the entities: what a rule change may affect."""
        found: set[int] = set()
        for surface in surfaces:
            phrase = '"' + surface.replace('"', '""') + '"'
            try:
                found.update(
                    r[0]
                    for r in self.conn.execute(
                        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (phrase,)
                    )
                )
            except sqlite3.OperationalError:
                continue  # a surface with no searchable words
        for name in entities:
            found.update(
                r[0]
                for r in self.conn.execute(
                    """SELECT DISTINCT m.article_id FROM mentions m JOIN entities e
                       ON e.id = m.entity_id WHERE e.name = ?""",
                    (name,),
                )
            )
        return sorted(found)

    def count_unanalysed(self) -> int:
        """Articles no recogniser has seen yet (stored before this version)."""
        row = self.conn.execute("SELECT count(*) FROM articles WHERE analysed_with IS NULL")
        return int(row.fetchone()[0])

    def all_article_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def entity_rules(self) -> list[Rule]:
        rows = self.conn.execute(
            "SELECT kind, surface, entity, label FROM entity_rules ORDER BY id"
        ).fetchall()
        return [Rule(r[0], r[1], r[2], r[3]) for r in rows]

    def add_entity_rule(self, rule: Rule) -> None:
        """Add or replace the user's rule for that surface and kind."""
        surface = normalize_line(rule.surface)
        if not surface:
            raise ValueError("an entity rule needs a name")
        entity = normalize_line(rule.entity)
        if rule.kind == "alias" and not entity:
            # (Its mentions would all become one entity without a name.)
            raise ValueError("an alias needs the name of the entity it stands for")
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO entity_rules (kind, surface, entity, label, created_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (kind, surface) DO UPDATE SET
                   entity = excluded.entity, label = excluded.label""",
                (rule.kind, surface, entity, rule.label, clock.utcnow()),
            )
            if rule.kind == "entity":
                # An ignore of the same name would hide the entity just added.
                conn.execute(
                    "DELETE FROM entity_rules WHERE kind = 'ignore' AND surface = ?", (surface,)
                )

    def delete_entity_rule(self, kind: str, surface: str) -> bool:
        with self.transaction() as conn:
            return (
                conn.execute(
                    "DELETE FROM entity_rules WHERE kind = ? AND surface = ?", (kind, surface)
                ).rowcount
                > 0
            )

    def entity_counts(self, *, prefix: str = "", limit: int = 50) -> list[EntityCount]:
        """Followable entities by the number of articles mentioning them."""
        labels = ",".join(f"'{label}'" for label in sorted(NAME_LABELS))
        rows = self.conn.execute(
            f"""SELECT e.name, e.label, count(DISTINCT m.article_id) AS n
                FROM entities e JOIN mentions m ON m.entity_id = e.id
                WHERE e.label IN ({labels}) AND e.name LIKE ? ESCAPE '\\'
                GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?""",
            (_like_prefix(prefix), limit),
        ).fetchall()
        return [EntityCount(r[0], r[1], r[2]) for r in rows]

    def entity_timeline(self, name: str) -> list[tuple[str, int]]:
        """(day, articles that day) for every day an article mentioned the entity."""
        rows = self.conn.execute(
            """SELECT substr(a.sort_date, 1, 10) AS day, count(DISTINCT a.id)
               FROM articles a WHERE a.id IN (
                   SELECT m.article_id FROM mentions m JOIN entities e ON e.id = m.entity_id
                   WHERE e.name = ? COLLATE NOCASE)
               GROUP BY day ORDER BY day""",
            (name,),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def entity_name(self, name: str) -> str | None:
        """The stored canonical spelling of an entity name, matched without case."""
        row = self.conn.execute(
            "SELECT name FROM entities WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", (name,)
        ).fetchone()
        return None if row is None else str(row[0])

    def entity_by_name_part(self, part: str) -> str | None:
        """The most mentioned entity whose name starts or ends with the word(s)
        `part`, without case: "zuckerberg" for "Mark Zuckerberg", "scale" for
        "Scale AI"."""
        escaped = _like_escape(part.strip())
        row = self.conn.execute(
            """SELECT e.name FROM entities e JOIN mentions m ON m.entity_id = e.id
               WHERE e.name LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\'
               GROUP BY e.id ORDER BY count(*) DESC, e.name LIMIT 1""",
            ("% " + escaped, escaped + " %"),
        ).fetchone()
        return None if row is None else str(row[0])

    def entity_label(self, name: str) -> str | None:
        row = self.conn.execute(
            "SELECT label FROM entities WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", (name,)
        ).fetchone()
        return None if row is None else str(row[0])


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(prefix: str) -> str:
    return _like_escape(prefix) + "%"
