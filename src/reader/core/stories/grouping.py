"""Grouping articles into stories as they are stored.

A story is a connected group of articles where each is linked to another by
`same_story`: a near-duplicate (the same text, lightly edited, other
headline, boilerplate added or cut) or a different write-up of the same event
(some shared text, the same salient entities, close in time). The decision
for a pair depends only on the two articles, and a new article that links
two stories merges them, so the grouping is the same whatever order the
articles arrive in.

No all-pairs work: a new article meets its candidates through two indexes
in SQLite, the LSH bands of its MinHash signature (story_bands) and its
salient entities within a time window (story_entities), then each candidate
is checked by estimated Jaccard similarity and entity agreement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from reader.core.entities.records import NAME_LABELS
from reader.core.store.common import in_chunks, utcnow
from reader.core.stories.signature import (
    band_keys,
    containment,
    shingle_hashes,
    signature_of,
    similarity,
)

# Estimated Jaccard of word 3-shingles above which two texts are copies of one
# another. Unrelated articles score under 0.05; copies with paragraphs cut,
# boilerplate added and a rewritten headline stay above 0.4 (bench/eval_stories.py).
NEAR_DUPLICATE = 0.4
# A copy cut to its first paragraphs (a newsletter's retelling, a feed's
# excerpt) scores lower, but nearly all of it is inside the full text. A
# roundup quoting a line from several stories contains little of each and
# stays under CONTAINED_JACCARD, so it does not chain those stories together.
CONTAINED = 0.8
CONTAINED_JACCARD = 0.25
# Different write-ups of one event share less text (quotes, the announcement's
# wording): a lower bar, but only with the same salient entities and close in time.
SAME_EVENT_TEXT = 0.2
# At least this many shared salient entities (two is too easy for short texts
# about the same few big names: every feed summary would be a candidate)...
SAME_EVENT_ENTITIES = 3
SAME_EVENT_OVERLAP = 0.6  # ...making at least this share of the smaller set
SAME_EVENT_WINDOW = timedelta(hours=48)
# Copies of an article are republished for days (newsletters, aggregators).
NEAR_DUPLICATE_WINDOW = timedelta(days=14)
# An edited article stays in its story while it still resembles a member at
# this lower bar, so a correction does not move it back and forth.
KEEP_AFTER_EDIT = 0.25
SALIENT_ENTITIES = 6
# At most this many candidates from each index, the most similar first (most
# bands or entities shared). Real news gives about two (bench/stories_bench.py);
# templated text (generated feeds, bots) can give hundreds, and this bounds the
# work per article there. In such a flood a copy ranked past the bound can be
# missed, the one case where arrival order can change the grouping.
MAX_CANDIDATES = 40

_NAME_LABELS = tuple(sorted(NAME_LABELS))


@dataclass(frozen=True, slots=True)
class Member:
    """What the pair test needs to know about one article."""

    article_id: int
    signature: bytes | None
    shingles: int  # how many distinct shingles the signature summarises
    entities: frozenset[int]
    when: datetime
    story_id: int = field(default=0, compare=False)  # 0: not stored in a story yet


def _parse(stamp: str) -> datetime:
    # fromisoformat is C code; strptime cost more than the comparisons.
    return datetime.fromisoformat(stamp[:19]).replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def same_story(a: Member, b: Member, *, text_bar: float = NEAR_DUPLICATE) -> bool:
    """Whether two articles report the same news. Symmetric, and a function of
    the two articles alone, which keeps the grouping order-independent."""
    if a.signature is None or b.signature is None:
        return False
    gap = abs(a.when - b.when)
    if gap > NEAR_DUPLICATE_WINDOW:
        return False
    sim = similarity(a.signature, b.signature)
    if sim >= text_bar or (
        sim >= CONTAINED_JACCARD and containment(sim, a.shingles, b.shingles) >= CONTAINED
    ):
        return True
    shared = len(a.entities & b.entities)
    smaller = min(len(a.entities), len(b.entities))
    return (
        sim >= SAME_EVENT_TEXT
        and gap <= SAME_EVENT_WINDOW
        and shared >= SAME_EVENT_ENTITIES
        and shared >= SAME_EVENT_OVERLAP * smaller
    )


def salient_entities(conn: sqlite3.Connection, article_id: int) -> frozenset[int]:
    """The named entities an article is most about: the most mentioned, ties
    broken by name (not id, which depends on the order articles arrived in)."""
    marks = ",".join("?" * len(_NAME_LABELS))
    rows = conn.execute(
        f"""SELECT e.id FROM mentions m JOIN entities e ON e.id = m.entity_id
            WHERE m.article_id = ? AND e.label IN ({marks})
            GROUP BY e.id ORDER BY count(*) DESC, e.name, e.label LIMIT ?""",
        (article_id, *_NAME_LABELS, SALIENT_ENTITIES),
    )
    return frozenset(row[0] for row in rows)


def _members(conn: sqlite3.Connection, article_ids: Iterable[int]) -> list[Member]:
    ids = sorted(set(article_ids))
    entities: dict[int, set[int]] = {}
    found: list[Member] = []
    for chunk, marks in in_chunks(ids):
        for article_id, entity_id in conn.execute(
            f"SELECT article_id, entity_id FROM story_entities WHERE article_id IN ({marks})",
            chunk,
        ):
            entities.setdefault(article_id, set()).add(entity_id)
        for article_id, packed, shingles, when, story_id in conn.execute(
            f"""SELECT article_id, signature, shingles, sort_date, story_id FROM story_articles
                WHERE article_id IN ({marks}) ORDER BY article_id""",
            chunk,
        ):
            found.append(
                Member(
                    article_id,
                    packed,
                    shingles,
                    frozenset(entities.get(article_id, ())),
                    _parse(when),
                    story_id,
                )
            )
    return found


def _candidates(conn: sqlite3.Connection, member: Member, bands: Sequence[int]) -> set[int]:
    found: set[int] = set()
    # Only the window a copy can be in: unrelated articles that share a band by
    # chance grow with the archive, the articles of a few weeks do not.
    day = member.when.toordinal()
    reach = NEAR_DUPLICATE_WINDOW.days + 1
    for chunk, marks in in_chunks(bands):
        found.update(
            row[0]
            for row in conn.execute(
                f"""SELECT article_id FROM story_bands
                    WHERE band IN ({marks}) AND day BETWEEN ? AND ?
                    GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT ?""",
                [*chunk, day - reach, day + reach, MAX_CANDIDATES],
            )
        )
    if len(member.entities) >= SAME_EVENT_ENTITIES:
        # Only articles sharing enough salient entities for same_story: a
        # popular name alone (in every AI article of the day) fetches nothing.
        marks = ",".join("?" * len(member.entities))
        found.update(
            row[0]
            for row in conn.execute(
                f"""SELECT se.article_id FROM story_entities se
                    WHERE se.entity_id IN ({marks}) AND se.sort_date BETWEEN ? AND ?
                    GROUP BY se.article_id
                    HAVING count(*) >= ? AND count(*) >= ? * min(?,
                        (SELECT count(*) FROM story_entities x
                         WHERE x.article_id = se.article_id))
                    ORDER BY count(*) DESC, se.article_id LIMIT ?""",
                (
                    *sorted(member.entities),
                    _stamp(member.when - SAME_EVENT_WINDOW),
                    _stamp(member.when + SAME_EVENT_WINDOW),
                    SAME_EVENT_ENTITIES,
                    SAME_EVENT_OVERLAP,
                    len(member.entities),
                    MAX_CANDIDATES,
                ),
            )
        )
    found.discard(member.article_id)
    return found


def _drop_if_empty(conn: sqlite3.Connection, story_id: int) -> None:
    conn.execute(
        """DELETE FROM stories WHERE id = ? AND NOT EXISTS
           (SELECT 1 FROM story_articles WHERE story_id = ?)""",
        (story_id, story_id),
    )


def assign_stories(conn: sqlite3.Connection, article_ids: Sequence[int]) -> None:
    """Put each stored (new or changed) article in its story, inside the
    caller's transaction. Articles are taken in id order so one batch is
    handled the same way every time."""
    for article_id in sorted(set(article_ids)):
        _assign(conn, article_id)


def _assign(conn: sqlite3.Connection, article_id: int) -> None:
    row = conn.execute(
        "SELECT title, text, sort_date FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return
    title, text, sort_date = row[0], row[1], row[2]
    hashes = shingle_hashes(f"{title}\n{text}")
    member = Member(
        article_id,
        signature_of(hashes),
        len(hashes),
        salient_entities(conn, article_id),
        _parse(sort_date),
    )
    before = conn.execute(
        "SELECT story_id, signature, sort_date FROM story_articles WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if before is not None:
        [old] = _members(conn, [article_id])
        if old == member:
            return  # an update that changed neither the text nor its entities
    # Leave the indexes while looking, so the article does not find itself.
    conn.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM story_entities WHERE article_id = ?", (article_id,))
    bands = band_keys(member.signature) if member.signature is not None else []
    by_story: dict[int, list[Member]] = {}
    for candidate in _members(conn, _candidates(conn, member, bands)):
        by_story.setdefault(candidate.story_id, []).append(candidate)
    # One link joins a whole story: stop at the first member that matches, so
    # a large story costs one or two comparisons, not one per member.
    stories = {
        story_id
        for story_id, group in by_story.items()
        if any(same_story(member, m) for m in group)
    }
    current: int | None = None
    if before is not None:
        current = int(before[0])
        others = _members(
            conn,
            [
                r[0]
                for r in conn.execute(
                    "SELECT article_id FROM story_articles WHERE story_id = ? AND article_id != ?",
                    (current, article_id),
                )
            ],
        )
        # An edited article keeps its story unless it clearly no longer matches:
        # alone in it, or still resembling one of the others at the lower bar.
        if not others or any(same_story(member, m, text_bar=KEEP_AFTER_EDIT) for m in others):
            stories.add(current)
    if stories:
        target = min(stories)
        merged = sorted(stories - {target})
        for chunk, marks in in_chunks(merged):
            conn.execute(
                f"UPDATE story_articles SET story_id = ? WHERE story_id IN ({marks})",
                [target, *chunk],
            )
            conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
    else:
        target = int(
            conn.execute("INSERT INTO stories (created_at) VALUES (?)", (utcnow(),)).lastrowid or 0
        )
    conn.execute(
        """INSERT INTO story_articles (article_id, story_id, signature, shingles, sort_date)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET
           story_id = excluded.story_id, signature = excluded.signature,
           shingles = excluded.shingles, sort_date = excluded.sort_date""",
        (article_id, target, member.signature, member.shingles, sort_date),
    )
    if current is not None and current != target:
        _drop_if_empty(conn, current)
    day = member.when.toordinal()
    conn.executemany(
        "INSERT OR IGNORE INTO story_bands (band, day, article_id) VALUES (?, ?, ?)",
        [(band, day, article_id) for band in bands],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO story_entities (entity_id, sort_date, article_id) VALUES (?, ?, ?)",
        [(entity_id, sort_date, article_id) for entity_id in sorted(member.entities)],
    )


def ungrouped_articles(conn: sqlite3.Connection, limit: int) -> list[int]:
    """Articles stored before stories existed (an upgraded database), oldest first."""
    rows = conn.execute(
        """SELECT a.id FROM articles a WHERE NOT EXISTS
           (SELECT 1 FROM story_articles s WHERE s.article_id = a.id) ORDER BY a.id LIMIT ?""",
        (limit,),
    )
    return [row[0] for row in rows]
