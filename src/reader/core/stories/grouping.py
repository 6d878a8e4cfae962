"""Grouping articles into stories as they are stored.

A story is a connected group of articles where each is linked to another by
`same_story`: a near-duplicate (the same text, lightly edited, other
headline, boilerplate added or cut) or a different write-up of the same event
(some shared text, the same salient entities, close in time). The decision
for a pair depends only on the two articles, and a new article that links
two stories merges them, so the grouping is the same whatever order the
articles arrive in.

No all-pairs work: a new article meets its candidates through one index in
SQLite (story_keys): the LSH bands of its MinHash signature, and a key for
every three of its salient entities, each row with the article's day so a
lookup reads only the weeks a match can be in. At most MAX_CANDIDATES per
kind of key are then checked by estimated Jaccard similarity and entity
agreement.

The signature and keys are made in the refresh's worker processes
(signature.Fingerprint, carried with the article). Here, in the process that
stores, a refresh's new articles meet their candidates as each feed is
stored (StoryBatch: the refresh's earlier articles in memory, the archive
through the index, only for the keys it holds) and are written once, after
the last feed, in one transaction (group_later), or, into an empty archive
(a first refresh), a few hundred at a time as the feeds come
(StoryBatch.write_some); an edited article is regrouped in its feed's own
transaction.
"""

from __future__ import annotations

import sqlite3
from array import array
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from heapq import nlargest
from itertools import chain
from typing import TYPE_CHECKING

from reader.core import clock
from reader.core.store.common import in_chunks
from reader.core.stories.signature import (
    Fingerprint,
    as_number,
    containment,
    fingerprint,
    fingerprint_mentions,
    similarity_of,
)

if TYPE_CHECKING:
    from reader.core.models import ArticleRecord

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
# At most this many candidates from each kind of key, the most keys shared
# first. Real news gives about two (bench/stories_bench.py); templated text
# (generated feeds, bots, stock phrases) shares a band or two with dozens of
# articles, and each candidate costs a comparison (~10 us), so this bounds the
# work per article. A copy shares many more bands than such noise (Jaccard 0.5:
# five of the 40 on average, 0.7: fourteen) and ranks first; only in a flood
# of look-alikes can one ranked past the bound be missed, the one case where
# arrival order can change the grouping. The day's big names (three labs and
# a chip maker) make the same kind of flood through the entity keys.
MAX_CANDIDATES = 10
MAX_ENTITY_CANDIDATES = 10
# A text band held by more than this many earlier articles of its weeks is
# boilerplate or stock phrasing, not evidence of a copy (frequent-bucket
# pruning, as LSH indexes do): it is left out of the lookup. A copy shares
# several of the 40 bands, and copies of one text make at most a few dozen
# holders of their shared bands; templated items (bots, generated feeds) made
# every lookup count rows by the thousand.
CROWDED_BAND = 64
# SQLite's page cache while a refresh's batch is grouped, in KiB.
BATCH_CACHE_KIB = 32 * 1024
# Days either side of an article's day that each kind of key is looked up in.
_BAND_REACH = NEAR_DUPLICATE_WINDOW.days + 1
_TRIO_REACH = SAME_EVENT_WINDOW.days + 1


@dataclass(frozen=True, slots=True)
class Member:
    """What the pair test needs to know about one article."""

    article_id: int
    signature: bytes | None
    shingles: int  # how many distinct shingles the signature summarises
    entities: frozenset[int]
    when: datetime
    story_id: int = field(default=0, compare=False)  # 0: not stored in a story yet
    # The signature as one integer (signature.as_number), made once: an
    # article is compared with ten or more candidates.
    number: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        packed = self.signature
        object.__setattr__(self, "number", as_number(packed) if packed is not None else 0)


@dataclass(frozen=True, slots=True)
class Arrival:
    """A stored (new or changed) article to put in its story."""

    article_id: int
    fingerprint: Fingerprint
    sort_date: str


def _parse(stamp: str) -> datetime:
    # fromisoformat is C code; strptime cost more than the comparisons.
    return datetime.fromisoformat(stamp[:19]).replace(tzinfo=UTC)


def _names_agree(a: Member, b: Member) -> bool:
    shared = len(a.entities & b.entities)
    smaller = min(len(a.entities), len(b.entities))
    return shared >= SAME_EVENT_ENTITIES and shared >= SAME_EVENT_OVERLAP * smaller


def same_story(a: Member, b: Member, *, text_bar: float = NEAR_DUPLICATE) -> bool:
    """Whether two articles report the same news. Symmetric, and a function of
    the two articles alone, which keeps the grouping order-independent."""
    if a.signature is None or b.signature is None:
        return False
    gap = abs(a.when - b.when)
    if gap > NEAR_DUPLICATE_WINDOW:
        return False
    sim = similarity_of(a.number, b.number)
    if sim >= text_bar or (
        sim >= CONTAINED_JACCARD and containment(sim, a.shingles, b.shingles) >= CONTAINED
    ):
        return True
    return sim >= SAME_EVENT_TEXT and gap <= SAME_EVENT_WINDOW and _names_agree(a, b)


def _linked(member: Member, other: Member, by_text: bool) -> bool:
    """The pair test for a candidate met through its text's bands (`by_text`)
    or through names alone: unless those share enough names, the test cannot
    pass, and its text comparison is skipped."""
    return (by_text or _names_agree(member, other)) and same_story(member, other)


# A candidate as a batch's arrival met it (StoryBatch.add), and whether they link.
Judged = dict[int, tuple[Member, bool]]


def _pack(entities: Iterable[int]) -> bytes:
    return array("I", sorted(entities)).tobytes()


def _unpack(packed: bytes) -> frozenset[int]:
    values = array("I")
    values.frombytes(packed)
    return frozenset(values)


def _keys(found: Fingerprint) -> tuple[int, ...]:
    """The article's rows in story_keys: its text's bands and its entity keys."""
    return (*found.bands, *found.trios)


def _packed_keys(found: Fingerprint) -> str:
    """_keys() as story_articles.keys holds them (a JSON array, which the
    deletion trigger reads with json_each)."""
    return f"[{','.join(map(str, _keys(found)))}]"


def _member(arrival: Arrival) -> Member:
    found = arrival.fingerprint
    return Member(
        arrival.article_id,
        found.signature,
        found.shingles,
        frozenset(found.entities),
        _parse(arrival.sort_date),
    )


def _members(conn: sqlite3.Connection, article_ids: Iterable[int]) -> dict[int, Member]:
    found: dict[int, Member] = {}
    for chunk, marks in in_chunks(sorted(set(article_ids))):
        for article_id, packed, shingles, entities, when, story_id in conn.execute(
            f"""SELECT article_id, signature, shingles, entities, sort_date, story_id
                FROM story_articles WHERE article_id IN ({marks})""",
            chunk,
        ):
            found[article_id] = Member(
                article_id, packed, shingles, _unpack(entities), _parse(when), story_id
            )
    return found


def _matches(
    conn: sqlite3.Connection, keys: Sequence[int], day: int, reach: int, limit: int
) -> list[tuple[int, int]]:
    """(article id, keys shared) of the indexed articles within `reach` days
    that share a key, the most shared first, at most `limit`."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    # Counted and cut in SQLite: templated text can share a key with hundreds
    # of articles, and only the best few need to come back to Python.
    return conn.execute(
        f"""SELECT article_id, count(*) AS shared FROM story_keys
            WHERE key IN ({marks}) AND day BETWEEN ? AND ?
            GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?""",
        [*keys, day - reach, day + reach, limit],
    ).fetchall()


def _indexed(conn: sqlite3.Connection, keys: Iterable[int]) -> set[int]:
    """Which of the keys the stored index holds at all. Most keys of a new
    article are its own (real news shares a band with about two articles),
    so this one pass spares nearly every per-article lookup; a first refresh
    into an empty archive makes none, and does not even ask per key."""
    if conn.execute("SELECT 1 FROM story_keys LIMIT 1").fetchone() is None:
        return set()
    found: set[int] = set()
    for chunk, marks in in_chunks(sorted(set(keys))):
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT DISTINCT key FROM story_keys WHERE key IN ({marks})", chunk
            )
        )
    return found


def _held_stored(
    conn: sqlite3.Connection, keys: Sequence[int], day: int, reach: int
) -> dict[int, int]:
    """How many stored articles within `reach` days hold each of the keys."""
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    return dict(
        conn.execute(
            f"""SELECT key, count(*) FROM story_keys
                WHERE key IN ({marks}) AND day BETWEEN ? AND ? GROUP BY key""",
            [*keys, day - reach, day + reach],
        ).fetchall()
    )


# A batch index entry is its article's day and its place in the batch
# (its article id is ids[place]): day << _PLACE_BITS | place.
_PLACE_BITS = 32
_PLACE = (1 << _PLACE_BITS) - 1
# A bar no count reaches: entity keys are never crowded.
_NEVER_CROWDED = 1 << 62


class _BatchIndex:
    """The batch's own keys, in memory: for each key a sorted list of its
    holders' entries (day, then place in the batch, packed in one integer),
    so a lookup takes a window of days with two bisections (none when the
    whole list is inside it) and an arrival joins a list with one insertion.
    A key with one holder keeps the bare entry: most keys are an article's
    own, and a list each would be allocated and followed by the garbage
    collector for nothing.
    An entry stands for one article (an article has one day), so entries are
    counted as the articles are. Counting what the batch shares here, rather
    than through SQLite, spares a query and ~44 scattered index writes per
    article."""

    def __init__(self) -> None:
        self.rows: dict[int, int | list[int]] = {}
        self.ids: list[int] = []  # the article id at each place
        # Whether the places follow the article ids (a refresh stores its
        # feeds one after another, so its new articles come in id order).
        self.in_order = True

    def meet(
        self, found: Fingerprint, day: int, article_id: int, elsewhere: dict[int, int]
    ) -> tuple[Counter[int], Counter[int], set[int]]:
        """Look the article's keys up, then index it under them, in one pass
        over its keys (a refresh makes ~44 of these an article): how many of
        its entity keys each indexed article (by entry) within _TRIO_REACH
        days holds, how many of its bands each within _BAND_REACH holds, and
        which bands are crowded: held by more than CROWDED_BAND indexed
        articles within reach, here and `elsewhere` (the stored index's
        counts) together, and so left out of the count."""
        ids = self.ids
        mine = day << _PLACE_BITS | len(ids)
        if ids and article_id < ids[-1]:
            self.in_order = False
        ids.append(article_id)
        crowded: set[int] = set()
        # The names are never crowded; the stored index's counts are asked
        # for only when it holds any of the bands (never on a first refresh).
        names = self._look(found.trios, mine, day, _TRIO_REACH, _NEVER_CROWDED, {}, crowded)
        texts = self._look(found.bands, mine, day, _BAND_REACH, CROWDED_BAND, elsewhere, crowded)
        return names, texts, crowded

    def _look(
        self,
        keys: Sequence[int],
        mine: int,
        day: int,
        reach: int,
        bar: int,
        elsewhere: dict[int, int],
        crowded: set[int],
    ) -> Counter[int]:
        """meet() for one kind of key: how many of the keys each entry
        within `reach` days holds; a key held by more than `bar` of them
        (here and `elsewhere` together) goes to `crowded` instead."""
        rows = self.rows
        first, past = (day - reach) << _PLACE_BITS, (day + reach + 1) << _PLACE_BITS
        held_elsewhere = elsewhere.get if elsewhere else None
        # What is counted: lists of holders, the first the keys' single holders.
        singles: list[int] = []
        found_in = [singles]
        for key in keys:
            held = rows.get(key)
            if held is None:
                rows[key] = mine
                continue
            more = held_elsewhere(key, 0) if held_elsewhere else 0
            if isinstance(held, int):
                near = first <= held < past
                if near + more > bar:
                    crowded.add(key)
                elif near:
                    singles.append(held)
                rows[key] = [held, mine] if held < mine else [mine, held]
                continue
            if first <= held[0] and held[-1] < past:
                if len(held) + more > bar:
                    crowded.add(key)
                else:
                    # The list itself, not a copy: the article is about
                    # to join it, and is taken out of the count below.
                    found_in.append(held)
            else:
                lo, hi = bisect_left(held, first), bisect_left(held, past)
                if hi - lo + more > bar:
                    crowded.add(key)
                elif lo < hi:
                    found_in.append(held[lo:hi])
            # Feeds list the newest first, so most arrivals go in front:
            # an entry at either end needs no search.
            if mine > held[-1]:
                held.append(mine)
            elif mine < held[0]:
                held.insert(0, mine)
            else:
                insort(held, mine)
        if not singles and len(found_in) == 1:
            return Counter()
        counts = Counter(chain.from_iterable(found_in))
        counts.pop(mine, None)
        return counts


def _best(counts: dict[int, int], limit: int, batch: _BatchIndex | None = None) -> dict[int, int]:
    """{article id: keys shared} of the `limit` articles sharing the most
    keys, ties to the lower id: the order the SQL lookup (`_matches`) ranks
    them in. With `batch`, the counts are by entry of its index, and only
    the chosen entries are turned into ids: while its places follow the
    article ids, ties go to the lower place."""
    if len(counts) > limit:
        # The bar is found in C; only the ties at it need sorting.
        bar = nlargest(limit, counts.values())[-1]
        best = {entry: n for entry, n in counts.items() if n > bar}
        ties = [entry for entry, n in counts.items() if n == bar]
        if batch is None:
            ties.sort()
        elif batch.in_order:
            ties.sort(key=_PLACE.__and__)
        else:
            ties.sort(key=lambda entry: batch.ids[entry & _PLACE])
        best.update(dict.fromkeys(ties[: limit - len(best)], bar))
        counts = best
    if batch is None:
        return counts
    ids = batch.ids
    return {ids[entry & _PLACE]: n for entry, n in counts.items()}


def _candidates(
    conn: sqlite3.Connection,
    changed: Sequence[Arrival],
    days: dict[int, int],
    batch: _BatchIndex | None = None,
    archive: bool = True,
) -> dict[int, dict[int, bool]]:
    """(article id, found through the text's bands) of each arrival's
    candidates: what it would meet taken alone in id order, i.e. the stored
    articles and the batch's earlier arrivals (those in `batch`, and those
    before it in `changed`, added to `batch`), at most MAX_CANDIDATES (and
    MAX_ENTITY_CANDIDATES) of each kind, the most keys shared first.

    Only text bands are pruned when crowded (held by more than CROWDED_BAND
    earlier articles within reach, counted over the batch and the stored
    index together, so the answer does not depend on where a refresh's batch
    boundaries fall); a trio of the day's big names held by many is still
    how different write-ups of one event meet. `archive` False: the stored
    index is not looked at (it held nothing when the batch began)."""
    archived = (
        _indexed(conn, (key for a in changed for key in _keys(a.fingerprint))) if archive else set()
    )
    batch = batch if batch is not None else _BatchIndex()
    candidates: dict[int, dict[int, bool]] = {}
    for arrival in changed:
        found, day, article_id = arrival.fingerprint, days[arrival.article_id], arrival.article_id
        bands = [key for key in found.bands if key in archived] if archived else []
        elsewhere = _held_stored(conn, bands, day, _BAND_REACH)
        # Indexed as it is looked up: the next arrivals of the batch find
        # it, as if they came one by one.
        in_batch = batch.meet(found, day, article_id, elsewhere)
        names = _best(in_batch[0], MAX_ENTITY_CANDIDATES, batch)
        texts = _best(in_batch[1], MAX_CANDIDATES, batch)
        # The stored and the batch's articles are apart: the best of both
        # together are among the best of each. A band only the stored index
        # holds is crowded by its count there alone.
        bands = [k for k in bands if k not in in_batch[2] and elsewhere.get(k, 0) <= CROWDED_BAND]
        if bands:
            stored = _matches(conn, bands, day, _BAND_REACH, MAX_CANDIDATES)
            texts = _best({**texts, **dict(stored)}, MAX_CANDIDATES)
        trios = [key for key in found.trios if key in archived] if archived else []
        if trios:
            stored = _matches(conn, trios, day, _TRIO_REACH, MAX_ENTITY_CANDIDATES)
            names = _best({**names, **dict(stored)}, MAX_ENTITY_CANDIDATES)
        picked = dict.fromkeys(names, False)
        picked.update(dict.fromkeys(texts, True))
        candidates[article_id] = picked
    return candidates


class _Joins:
    """Union-find over the batch's articles ("a", id) and stored stories
    ("s", id): what each arrival is linked to."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(self, node: tuple[str, int]) -> tuple[str, int]:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_articles(
    conn: sqlite3.Connection,
    arrivals: Sequence[Arrival],
    met: dict[int, dict[int, bool]] | None = None,
    judged: dict[int, Judged] | None = None,
    made: dict[int, Member] | None = None,
) -> None:
    """Put each stored (new or changed) article in its story, inside the
    caller's transaction: the same result as taking the articles one by one
    in id order (each meeting the stored articles and those before it), with
    the writes batched. `met`: the new articles' candidates, found already
    (StoryBatch); `judged`: the pair tests made with them, used where the
    candidate is still as it was then; `made`: the arrivals' members, made
    from their fingerprints already (StoryBatch)."""
    by_id = {a.article_id: a for a in arrivals}
    ordered = [by_id[i] for i in sorted(by_id)]
    before = _members(conn, by_id)
    made = made or {}
    members = {a.article_id: made.get(a.article_id) or _member(a) for a in ordered}
    # An update that changed neither the text nor its entities changes nothing.
    changed = [a for a in ordered if before.get(a.article_id) != members[a.article_id]]
    if not changed:
        return
    changed_ids = {a.article_id for a in changed}
    edited = [a.article_id for a in changed if a.article_id in before]
    for chunk, marks in in_chunks(edited):
        # Out of the index while looking, so an article does not find itself;
        # found through its packed keys (story_keys has no index by article).
        conn.execute(
            f"""DELETE FROM story_keys WHERE (key, day, article_id) IN
                (SELECT j.value, s.key_day, s.article_id FROM story_articles s,
                 json_each(s.keys) j WHERE s.article_id IN ({marks}))""",
            chunk,
        )
    days = {a.article_id: members[a.article_id].when.toordinal() for a in changed}
    if met is None:
        candidates = _candidates(conn, changed, days)
    else:
        candidates = {a.article_id: met[a.article_id] for a in changed}
    stored = _members(
        conn, {i for found in candidates.values() for i in found if i not in changed_ids}
    )
    joins = _Joins()
    for arrival in changed:
        node = ("a", arrival.article_id)
        joins.root(node)
        member = members[arrival.article_id]
        tested = judged.get(arrival.article_id, {}) if judged else {}
        for other_id, by_text in candidates[arrival.article_id].items():
            seen = tested.get(other_id)
            if seen is not None and other_id in changed_ids:
                # A test with one of the batch, as it still is: most say
                # "no link", and need neither a member nor the union-find.
                if seen[1]:
                    joins.join(node, ("a", other_id))
                continue
            if other_id in changed_ids:
                other, other_node = members[other_id], ("a", other_id)
            elif other_id in stored:
                other = stored[other_id]
                other_node = ("s", other.story_id)
            else:
                continue
            # A stored candidate edited since the batch met it is tested
            # anew; one as it was then keeps its test.
            if seen is not None and seen[0] == other:
                if seen[1]:
                    joins.join(node, other_node)
                continue
            # One link joins a whole story: a story already linked is not compared again.
            if joins.root(other_node) == joins.root(node):
                continue
            if _linked(member, other, by_text):
                joins.join(node, other_node)
        old = before.get(arrival.article_id)
        if old is not None and _keeps_story(conn, member, old.story_id):
            joins.join(node, ("s", old.story_id))
    _write(conn, changed, days, {i: before[i] for i in edited}, joins)
    _index_rows(conn, [a.article_id for a in changed])


def _index_rows(conn: sqlite3.Connection, article_ids: Sequence[int]) -> None:
    """The articles' rows in story_keys, once _write has stored them. A
    batch's keys are written once, after every lookup, in article order, and
    the key index's pages are each dirtied once for the whole batch rather
    than once per feed's commit (sorting by key first was slower: /tmp A/B
    in docs/benchmarks.md, "Issue 12, fourth pass"). They are read back from
    the packed copies _write just stored, in SQLite: binding ~44 rows an
    article from Python cost more."""
    for chunk, marks in in_chunks(list(article_ids)):
        conn.execute(
            f"""INSERT OR IGNORE INTO story_keys (key, day, article_id)
                SELECT j.value, s.key_day, s.article_id FROM story_articles s,
                json_each(s.keys) j WHERE s.article_id IN ({marks}) ORDER BY s.article_id""",
            chunk,
        )


def _keeps_story(conn: sqlite3.Connection, member: Member, story_id: int) -> bool:
    """An edited article keeps its story unless it clearly no longer matches:
    alone in it, or still resembling one of the others at the lower bar, so
    a correction does not move it back and forth."""
    others = _members(
        conn,
        [
            row[0]
            for row in conn.execute(
                "SELECT article_id FROM story_articles WHERE story_id = ? AND article_id != ?",
                (story_id, member.article_id),
            )
        ],
    ).values()
    return not others or any(same_story(member, m, text_bar=KEEP_AFTER_EDIT) for m in others)


def _write(
    conn: sqlite3.Connection,
    changed: Sequence[Arrival],
    days: dict[int, int],
    before: dict[int, Member],
    joins: _Joins,
) -> tuple[dict[int, int], dict[int, int]]:
    """Each group of linked arrivals goes to the oldest stored story among
    them (the others merge into it) or to a new story. `days`: the day each
    arrival's keys are indexed under; `before`: the edited arrivals as they
    were stored. Returns each arrival's story and {story merged away: the
    story it went into}."""
    # Groups in the order of their first arrival (`changed` is in id order),
    # so new story ids follow it.
    groups: dict[tuple[str, int], list[int]] = {}
    for arrival in changed:
        groups.setdefault(joins.root(("a", arrival.article_id)), [])
    for node in list(joins.parent):
        root = joins.root(node)
        if node[0] == "s" and root in groups:
            groups[root].append(node[1])
    target_of: dict[tuple[str, int], int] = {}
    merged: dict[int, int] = {}
    new_ids: list[int] = []
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()[0]) + 1
    for root, stories in groups.items():
        stories.sort()
        if stories:
            target = stories[0]
            merged.update((story_id, target) for story_id in stories[1:])
        else:
            target = next_id
            next_id += 1
            new_ids.append(target)
        target_of[root] = target
    now = clock.utcnow()
    conn.executemany(
        "INSERT INTO stories (id, created_at) VALUES (?, ?)", [(i, now) for i in new_ids]
    )
    for old, target in merged.items():
        conn.execute("UPDATE story_articles SET story_id = ? WHERE story_id = ?", (target, old))
    for chunk, marks in in_chunks(list(merged)):
        conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
    rows = []
    story_of: dict[int, int] = {}
    for arrival in changed:
        found = arrival.fingerprint
        target = story_of[arrival.article_id] = target_of[joins.root(("a", arrival.article_id))]
        rows.append(
            (
                arrival.article_id,
                target,
                found.signature,
                found.shingles,
                _pack(found.entities),
                arrival.sort_date,
                days[arrival.article_id],
                _packed_keys(found),
            )
        )
    conn.executemany(
        """INSERT INTO story_articles
           (article_id, story_id, signature, shingles, entities, sort_date, key_day, keys)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET
           story_id = excluded.story_id, signature = excluded.signature,
           shingles = excluded.shingles, entities = excluded.entities,
           sort_date = excluded.sort_date, key_day = excluded.key_day,
           keys = excluded.keys""",
        rows,
    )
    # A story that an edited article left may be empty now.
    left = {old.story_id for old in before.values()} - set(target_of.values())
    for chunk, marks in in_chunks(sorted(left)):
        conn.execute(
            f"""DELETE FROM stories WHERE id IN ({marks}) AND NOT EXISTS
                (SELECT 1 FROM story_articles s WHERE s.story_id = stories.id)""",
            chunk,
        )
    return story_of, merged


def arrivals(
    conn: sqlite3.Connection, written: Sequence[tuple[int, ArticleRecord]]
) -> list[Arrival]:
    """The articles a feed's write just stored, as (id, record), ready to
    group. Records carry their fingerprint from the refresh's workers; one
    without (its analysis job timed out, a test's record) is fingerprinted
    here from the same title, text and mentions."""
    dates: dict[int, str] = {}
    for chunk, marks in in_chunks([article_id for article_id, _ in written]):
        # As stored: an update without a date keeps the date it had.
        dates.update(
            conn.execute(f"SELECT id, sort_date FROM articles WHERE id IN ({marks})", chunk)
        )
    return [
        Arrival(
            article_id,
            record.fingerprint or fingerprint_mentions(record.title, record.text, record.mentions),
            dates[article_id],
        )
        for article_id, record in written
    ]


def in_stories(conn: sqlite3.Connection, article_ids: Sequence[int]) -> set[int]:
    """Which of the articles are in a story."""
    found: set[int] = set()
    for chunk, marks in in_chunks(list(article_ids)):
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT article_id FROM story_articles WHERE article_id IN ({marks})", chunk
            )
        )
    return found


# A batch that meets only its own articles (a first refresh) writes the
# stories of this many waiting arrivals as its feeds come (StoryBatch.due),
# so what is left after the last feed is at most this many articles' index
# rows (~0.05 s), not the whole refresh's (~0.3 s for 6,000 articles, alone
# on one core once the workers are done).
WRITE_EVERY = 500


class StoryBatch:
    """A refresh's new articles, waiting for their stories. Each feed's are
    added once it is stored, and meet the archive and the articles added
    before them there and then, in the process that stores, while the
    workers still parse the next feeds, and are tested against them there
    too; only the links and the writes wait for group_later, after the last
    feed. Articles must be added in id order (a refresh
    stores its feeds one after another, so they are).

    A batch begun on an empty archive meets only its own articles:
    write_some() stores the stories of those waiting so far while the
    refresh goes on, each time in one transaction with their index rows, as
    if a refresh had ended there (the later arrivals then join or merge those
    stories as they would stored ones). Its lookups never read the stored
    index, so the rows it writes are not met twice."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.met: dict[int, dict[int, bool]] = {}
        self.judged: dict[int, Judged] = {}
        self._index = _BatchIndex()
        self.members: dict[int, Member] = {}  # each arrival's, made once
        self.days: dict[int, int] = {}  # the day each arrival's keys go under
        # Whether the stored index held nothing when the first feed came;
        # None until then.
        self.archive_empty: bool | None = None
        # Whether any arrival met a stored article (whose story may change
        # before the end), in which case group_later links them all anew.
        self.met_stored = False
        # The arrivals written already (arrivals[:written]), their stories,
        # and the articles of each of those stories.
        self.written = 0
        self.story_of: dict[int, int] = {}
        self._in_story: dict[int, list[int]] = {}
        self._own_only = True  # false once write_some() found it may not write

    def __len__(self) -> int:
        """How many arrivals wait for their stories."""
        return len(self.arrivals) - self.written

    def add(self, conn: sqlite3.Connection, arrivals: Sequence[Arrival]) -> None:
        if self.archive_empty is None:
            self.archive_empty = conn.execute("SELECT 1 FROM story_keys LIMIT 1").fetchone() is None
        ordered = sorted(arrivals, key=lambda a: a.article_id)
        mine = {a.article_id: _member(a) for a in ordered}
        days = {article_id: member.when.toordinal() for article_id, member in mine.items()}
        met = _candidates(conn, ordered, days, self._index, archive=not self.archive_empty)
        self.members.update(mine)
        stored = _members(conn, {i for found in met.values() for i in found} - self.members.keys())
        for article_id, found in met.items():
            member = mine[article_id]
            judged = self.judged[article_id] = {
                other_id: (other, _linked(member, other, by_text))
                for other_id, by_text in found.items()
                if (other := self.members.get(other_id) or stored.get(other_id)) is not None
            }
            if len(judged) < len(found) or not self.members.keys() >= found.keys():
                self.met_stored = True
        self.met.update(met)
        self.days.update(days)
        self.arrivals.extend(ordered)

    def due(self) -> bool:
        """Whether write_some() has WRITE_EVERY arrivals to write."""
        return self._writable() and len(self) >= WRITE_EVERY

    def _writable(self) -> bool:
        return bool(self.archive_empty) and not self.met_stored and self._own_only

    def write_some(self, conn: sqlite3.Connection) -> bool:
        """Store, in the caller's transaction, the stories of the arrivals
        not written yet, with their index rows, if the batch still met only
        its own articles and those are all still as it met them; returns
        whether it did (else group_later groups them)."""
        waiting = self.arrivals[self.written :]
        ids = [a.article_id for a in waiting]
        if not self._writable():
            return False
        if not _unchanged(conn, ids):
            self._own_only = False
            return False
        # The links of the waiting arrivals, those written standing for
        # their stories: the stories they reach are joined or merged.
        joins = _Joins()
        for article_id in ids:
            node = ("a", article_id)
            joins.root(node)
            for other_id, (_, linked) in self.judged[article_id].items():
                if linked:
                    story = self.story_of.get(other_id)
                    joins.join(node, ("s", story) if story is not None else ("a", other_id))
        story_of, merged = _write(conn, waiting, self.days, {}, joins)
        _index_rows(conn, ids)
        for old, target in merged.items():
            moved = self._in_story.pop(old)
            self._in_story[target].extend(moved)
            self.story_of.update(dict.fromkeys(moved, target))
        for article_id, story in story_of.items():
            self._in_story.setdefault(story, []).append(article_id)
        self.story_of.update(story_of)
        self.written = len(self.arrivals)
        return True


def _unchanged(conn: sqlite3.Connection, ids: Sequence[int]) -> bool:
    """Whether the articles are all still stored and none is in a story."""
    present = 0
    for chunk, marks in in_chunks(list(ids)):
        present += conn.execute(
            f"SELECT count(*) FROM articles WHERE id IN ({marks})", chunk
        ).fetchone()[0]
    return present == len(ids) and not in_stories(conn, ids)


def group_later(conn: sqlite3.Connection, waiting: StoryBatch) -> None:
    """Group, in the caller's transaction, the articles a refresh stored
    without grouping them (write_feed's `stories_later`) and not written by
    StoryBatch.write_some already: one transaction for the rest of the
    refresh, its index rows written together. An article gone since
    (unsubscribed meanwhile) is left out, and so are the links through it;
    one grouped meanwhile (stories asked for during the refresh) is unchanged
    and left as it is."""
    with batch_cache(conn):
        if not waiting or waiting.write_some(conn):
            return
        present: set[int] = set()
        for chunk, marks in in_chunks([a.article_id for a in waiting.arrivals]):
            present.update(
                row[0]
                for row in conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            )
        # Those written already are stored articles now, and as the batch
        # met them: group_articles leaves them as they are.
        group_articles(
            conn,
            [a for a in waiting.arrivals if a.article_id in present],
            waiting.met,
            waiting.judged,
            waiting.members,
        )


@contextmanager
def batch_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A batch's index rows (44 an article) dirty more pages than SQLite's
    default cache (2 MB) holds: raised while they are written."""
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-BATCH_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def fingerprint_stored(conn: sqlite3.Connection, article_ids: Sequence[int]) -> list[Arrival]:
    """Arrivals for stored articles, fingerprinted here from their stored text
    and mentions: for articles stored before stories existed or while grouping
    was off, and records that came without a fingerprint."""
    names: dict[int, list[tuple[str, str]]] = {}
    arrivals = []
    for chunk, marks in in_chunks(list(article_ids)):
        for article_id, name, label in conn.execute(
            f"""SELECT m.article_id, e.name, e.label FROM mentions m
                JOIN entities e ON e.id = m.entity_id WHERE m.article_id IN ({marks})""",
            chunk,
        ):
            names.setdefault(article_id, []).append((name, label))
        for article_id, title, text, sort_date in conn.execute(
            f"SELECT id, title, text, sort_date FROM articles WHERE id IN ({marks})", chunk
        ):
            arrivals.append(
                Arrival(article_id, fingerprint(title, text, names.get(article_id, ())), sort_date)
            )
    return arrivals


def ungrouped_articles(conn: sqlite3.Connection, limit: int) -> list[int]:
    """Articles not in a story yet (stored before stories existed, or while
    grouping at refresh was off), oldest first."""
    rows = conn.execute(
        """SELECT a.id FROM articles a WHERE NOT EXISTS
           (SELECT 1 FROM story_articles s WHERE s.article_id = a.id) ORDER BY a.id LIMIT ?""",
        (limit,),
    )
    return [row[0] for row in rows]
