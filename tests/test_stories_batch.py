"""A refresh's new articles meet their candidates as each feed is stored and
get their stories once, after its last feed (stories.grouping.StoryBatch,
group_later): the same stories as grouping each article as it is stored,
whatever the feeds and refreshes; said in the progress;
and a refresh that stops before leaves its articles for later, losing none.
Real SQLite files and loopback feeds."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
from pathlib import Path

import pytest

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleRecord, Store
from reader.core.stories import grouping
from reader.core.stories.grouping import MAX_CANDIDATES, StoryBatch, group_later
from records import record, write
from story_texts import CHIP, EARNINGS, ROBOTS, body, syndicated

# Templated items (two sentences from a few stock phrases, as generated or bot
# feeds have): their band keys are shared by dozens of articles, so which
# candidates each article meets is decided by the caps, the one place where
# the arrival order could show.
_WHO = ["Northwind", "Helio", "Quarry", "Bluefin", "Cobalt", "Marrow"]
_DID = ["unveiled a model", "delayed a chip", "paused a rollout", "priced a service"]
_HOW = [
    "after months of speculation among its partners and rivals",
    "in a statement sent to customers late on Tuesday evening",
    "which critics say arrives too late for most of its users",
    "while competitors remain cautious about the same market",
]


def _templated(rng: random.Random) -> str:
    return " ".join(
        f"{rng.choice(_WHO)} {rng.choice(_DID)} {rng.choice(_HOW)}, its chief executive said "
        f"on day {rng.randint(1, 9)}."
        for _ in range(2)
    )


def _records() -> list[ArticleRecord]:
    rng = random.Random(12)
    texts = [
        body(CHIP),
        syndicated(CHIP, drop=2),
        body(CHIP[:3]),
        body(EARNINGS),
        syndicated(EARNINGS, drop=4),
        body(ROBOTS[:2]),
        body(ROBOTS),
        body(ROBOTS[2:]),
    ]
    texts += [_templated(rng) for _ in range(60)]
    rng.shuffle(texts)
    return [
        record(
            f"k{n}",
            text,
            title=f"Item {n}",
            published=f"2026-03-{1 + n % 5:02d}T{8 + n % 12:02d}:00:00Z",
        )
        for n, text in enumerate(texts)
    ]


def _stored(store: Store) -> tuple[set[frozenset[str]], set[tuple[int, int, str]]]:
    """The stories (as sets of article keys) and the index rows (by article key)."""
    groups: dict[int, set[str]] = {}
    for key, story in store.conn.execute(
        "SELECT a.key, s.story_id FROM articles a JOIN story_articles s ON s.article_id = a.id"
    ):
        groups.setdefault(story, set()).add(key)
    index = {
        (row[0], row[1], row[2])
        for row in store.conn.execute(
            "SELECT k.key, k.day, a.key FROM story_keys k JOIN articles a ON a.id = k.article_id"
        )
    }
    return {frozenset(g) for g in groups.values()}, index


def _one_by_one(path: Path, records: list[ArticleRecord]) -> Store:
    store = Store(path)
    feed_id, _ = store.add_feed("https://news.example/feed")
    for r in records:
        write(store, feed_id, r)  # grouped in its own write, as before
    return store


def _in_refreshes(
    path: Path, records: list[ArticleRecord], feed_size: int, refreshes: list[int], now: int
) -> Store:
    """The first `now` records grouped as they are written (the archive), the
    rest written `feed_size` a feed by refreshes of the given numbers of
    feeds (the last takes what is left), each grouping its own at its end."""
    store = Store(path)
    feed_id, _ = store.add_feed("https://news.example/feed")
    for r in records[:now]:
        write(store, feed_id, r)
    rest = records[now:]
    feeds = [rest[start : start + feed_size] for start in range(0, len(rest), feed_size)]
    sizes = iter(refreshes)
    while feeds:
        size = next(sizes, len(feeds))
        waiting = StoryBatch()
        for feed in feeds[:size]:
            write(store, feed_id, *feed, stories_later=waiting)
        feeds = feeds[size:]
        # Met as each feed was stored; only the writes wait.
        assert set(waiting.met) == {a.article_id for a in waiting.arrivals}
        grouped = store.conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        assert grouped == len(records) - len(waiting) - sum(map(len, feeds))
        with store.transaction() as conn:
            group_later(conn, waiting)
    return store


@pytest.mark.parametrize("crowded", [grouping.CROWDED_BAND, 4])
@pytest.mark.parametrize("cap", [MAX_CANDIDATES, 2, 1])
def test_grouping_later_in_any_batches_gives_the_stories_of_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: int, crowded: int
) -> None:
    # Tighter caps than the real one make which candidates an article meets
    # decide more pairs, and a lower bar for crowded bands leaves more bands
    # out of the lookups: the batches must still not change any of them.
    monkeypatch.setattr(grouping, "CROWDED_BAND", crowded)
    monkeypatch.setattr(grouping, "MAX_CANDIDATES", cap)
    monkeypatch.setattr(grouping, "MAX_ENTITY_CANDIDATES", cap)
    records = _records()
    reference = _one_by_one(tmp_path / "one.db", records)
    expected = _stored(reference)
    # The data makes the caps matter: some article shares a band with more
    # articles than it may compare.
    crowded = reference.conn.execute(
        """SELECT max(n) FROM (SELECT k.article_id, count(DISTINCT o.article_id) AS n
           FROM story_keys k JOIN story_keys o ON o.key = k.key AND o.article_id != k.article_id
           WHERE k.key >= 0 GROUP BY k.article_id)"""
    ).fetchone()[0]
    assert crowded > MAX_CANDIDATES
    multi = [g for g in expected[0] if len(g) > 1]
    assert len(multi) >= 3  # the copies found one another
    reference.close()
    for n, (feed_size, refreshes, now) in enumerate(
        [
            (len(records), [], 0),  # one feed, one refresh
            (20, [], 0),  # feeds of 20, one refresh
            (7, [1, 2, 3, 1], 0),  # refreshes of odd sizes
            (9, [], 30),  # into an archive grouped as it came
            (1, [25, 14], 11),
        ]
    ):
        store = _in_refreshes(tmp_path / f"b{n}.db", records, feed_size, refreshes, now)
        assert _stored(store) == expected, (feed_size, refreshes, now)
        store.close()


@pytest.mark.parametrize("crowded", [grouping.CROWDED_BAND, 4])
@pytest.mark.parametrize("cap", [MAX_CANDIDATES, 3, 1])
@pytest.mark.parametrize("order", ["ids", "reversed"])
def test_an_article_meets_in_memory_the_candidates_the_index_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: int, crowded: int, order: str
) -> None:
    """The batch's in-memory lookup ranks candidates as the SQL lookup of
    the stored index does (most keys shared, ties to the lower id), and
    counts a band's holders over both, so a batch meets what its articles
    would meet stored one by one. Ties go to the lower id even when the
    articles do not come in id order (the in-memory index then cannot rank
    by its own order)."""
    monkeypatch.setattr(grouping, "CROWDED_BAND", crowded)
    monkeypatch.setattr(grouping, "MAX_CANDIDATES", cap)
    monkeypatch.setattr(grouping, "MAX_ENTITY_CANDIDATES", cap)
    store = _one_by_one(tmp_path / "ref.db", _records())
    ids = [row[0] for row in store.conn.execute("SELECT id FROM articles ORDER BY id")]
    arrivals = grouping.fingerprint_stored(store.conn, ids)
    if order == "reversed":
        arrivals.reverse()
    days = {a.article_id: grouping._parse(a.sort_date).toordinal() for a in arrivals}
    empty = Store(tmp_path / "empty.db")
    in_memory = grouping._candidates(empty.conn, arrivals, days)
    indexed = Store(tmp_path / "indexed.db")
    capped = 0  # articles that met as many candidates through text as the cap allows
    for arrival in arrivals:
        [(_, through_index)] = grouping._candidates(indexed.conn, [arrival], days).items()
        assert in_memory[arrival.article_id] == through_index
        capped += sum(through_index.values()) == cap
        indexed.conn.executemany(
            "INSERT INTO story_keys (key, day, article_id) VALUES (?, ?, ?)",
            [
                (key, days[arrival.article_id], arrival.article_id)
                for key in (*arrival.fingerprint.bands, *arrival.fingerprint.trios)
            ],
        )
        indexed.conn.commit()
    assert capped > len(arrivals) // 4
    for s in (store, empty, indexed):
        s.close()


def _rows(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    """The stories tables as stored, ids included (a story's creation time aside)."""
    return tuple(
        [tuple(row) for row in store.conn.execute(query)]
        for query in (
            "SELECT id FROM stories ORDER BY id",
            "SELECT * FROM story_articles ORDER BY article_id",
            "SELECT * FROM story_keys ORDER BY key, day, article_id",
        )
    )


@pytest.mark.parametrize("cap", [MAX_CANDIDATES, 2])
def test_a_batch_that_met_only_its_own_writes_the_links_it_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    """A refresh into an empty archive (its articles meet only each other)
    keeps the links its feeds found as they were stored and only writes them
    at the end; linking every pair test anew there, as a batch that met
    stored articles does, stores the very same rows, story ids included."""
    monkeypatch.setattr(grouping, "MAX_CANDIDATES", cap)
    monkeypatch.setattr(grouping, "MAX_ENTITY_CANDIDATES", cap)
    records = _records()
    stored, by_key = [], []
    for relink in (False, True):
        store = Store(tmp_path / f"relink{relink}.db")
        feed_id, _ = store.add_feed("https://news.example/feed")
        waiting = StoryBatch()
        for start in range(0, len(records), 9):
            write(store, feed_id, *records[start : start + 9], stories_later=waiting)
        assert not waiting.met_stored
        waiting.met_stored = relink  # as if it had met a stored article
        with store.transaction() as conn:
            group_later(conn, waiting)
        stored.append(_rows(store))
        by_key.append(_stored(store))
        store.close()
    assert stored[0] == stored[1]
    reference = _one_by_one(tmp_path / "one.db", records)
    assert by_key[0] == _stored(reference)
    assert len(by_key[0][0]) < len(records)  # some articles share a story
    reference.close()


def test_grouping_later_skips_articles_gone_or_grouped_meanwhile(tmp_path: Path) -> None:
    records = _records()[:12]
    store = Store(tmp_path / "gone.db")
    feeds = [store.add_feed(f"https://f{i}.example/feed")[0] for i in range(2)]
    waiting = StoryBatch()
    write(store, feeds[0], *records[:6], stories_later=waiting)
    write(store, feeds[1], *records[6:], stories_later=waiting)
    store.remove_feed(feeds[0])  # unsubscribed while the refresh ran
    with store.transaction() as conn:
        grouping.group_articles(conn, waiting.arrivals[6:8])  # stories asked for meanwhile
        group_later(conn, waiting)
    expected, _ = _stored(_one_by_one(tmp_path / "one.db", records[6:]))
    assert _stored(store)[0] == expected
    store.close()


def test_a_stored_candidate_edited_during_the_refresh_is_tested_anew(tmp_path: Path) -> None:
    """The batch tests each arrival against its candidates as each feed is
    stored; a stored candidate that a later feed edits before the end is
    tested again as it is then, as storing one by one would."""
    chip = record("chip", body(CHIP), published="2026-03-02T08:00:00Z")
    earnings = record("earnings", body(EARNINGS), published="2026-03-02T09:00:00Z")
    copy = record("chip-copy", syndicated(CHIP, drop=2), published="2026-03-02T11:00:00Z")
    rewritten = record("chip", body(EARNINGS[1:]), published="2026-03-02T08:00:00Z")
    store = Store(tmp_path / "batch.db")
    reference = Store(tmp_path / "one.db")
    for s in (store, reference):
        feeds = [s.add_feed(f"https://f{i}.example/feed")[0] for i in range(2)]
        write(s, feeds[0], chip, earnings)
    waiting = StoryBatch()
    write(store, feeds[1], copy, stories_later=waiting)
    [found] = waiting.judged.values()
    assert any(linked for _, linked in found.values())  # the copy met the chip story
    write(store, feeds[0], rewritten, earnings, stories_later=waiting)  # edited meanwhile
    with store.transaction() as conn:
        group_later(conn, waiting)
    write(reference, feeds[0], rewritten, earnings)
    write(reference, feeds[1], copy)
    assert _stored(store) == _stored(reference)
    groups, _ = _stored(store)
    assert frozenset({"chip-copy"}) in groups  # what it matched is now another story
    assert frozenset({"chip", "earnings"}) in groups
    store.close()
    reference.close()


def _feed(items: list[tuple[str, str]]) -> bytes:
    return rss(
        [
            {
                "title": f"Title {guid}",
                "guid": guid,
                "link": f"https://news.example/{guid}",
                "description": text,
                "pubDate": "Tue, 03 Mar 2026 10:00:00 GMT",
            }
            for guid, text in items
        ]
    )


def test_a_refresh_groups_after_its_last_feed_and_says_so(
    server: LoopbackServer, tmp_path: Path
) -> None:
    texts = [
        [("a1", body(CHIP)), ("a2", body(ROBOTS))],
        [("b1", syndicated(CHIP, drop=1))],
        [("c1", body(EARNINGS)), ("c2", syndicated(ROBOTS, drop=2))],
    ]
    reader = make_reader(make_settings(tmp_path, extract=False))
    for n, items in enumerate(texts):
        reader.add_feed(server.add(f"/f{n}.xml", body=_feed(items)), discover=False)
    grouped_while_running = []
    results = []
    for result in reader.refresh():
        results.append(result)
        count = reader.store.conn.execute("SELECT count(*) FROM story_articles")
        grouped_while_running.append(count.fetchone()[0])
    # Stored feed by feed, grouped only once the last is stored, before the
    # refresh returns; each result says how many wait.
    assert grouped_while_running == [0, 0, 0]
    assert [r.progress.stories_waiting for r in results] == [
        sum(r.new for r in results[: i + 1]) for i in range(3)
    ]
    assert results[-1].progress.stories_waiting == 5
    assert results[-1].progress.feeds_done == results[-1].progress.feeds_total == 3
    grouped = {
        frozenset(s.articles[i].title for i in range(len(s.articles))) for s in reader.stories()
    }
    assert frozenset({"Title a1", "Title b1"}) in grouped
    assert frozenset({"Title a2", "Title c2"}) in grouped
    assert reader.group_pending() == 0
    reader.close()


def test_a_refresh_stopped_before_grouping_leaves_its_articles_for_later(
    server: LoopbackServer, tmp_path: Path
) -> None:
    # Three copies of one story: whichever two feeds come first make one story.
    items = [
        [("a1", body(CHIP))],
        [("b1", syndicated(CHIP, drop=1))],
        [("c1", syndicated(CHIP, drop=3))],
    ]
    reader = make_reader(make_settings(tmp_path, extract=False))
    for n, feed in enumerate(items):
        reader.add_feed(server.add(f"/s{n}.xml", body=_feed(feed)), discover=False)
    refresh = reader.refresh()
    stored = [next(refresh), next(refresh)]
    refresh.close()  # as the app's cancel does: the rest of the refresh is dropped
    articles = reader.store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert articles == sum(r.new for r in stored) == 2
    assert reader.store.conn.execute("SELECT count(*) FROM story_articles").fetchone()[0] == 0
    # Nothing stored is lost: the articles are grouped when stories are asked for.
    [story] = reader.stories()
    assert len(story.articles) == 2
    assert reader.group_pending() == 0
    reader.close()


def _word_salad(rng: random.Random) -> str:
    """A text sharing no phrase with any other: no story but its own."""
    syllables = ["ka", "lo", "mi", "ter", "vu", "zan", "op", "rel", "sti", "qua", "ne", "dor"]
    return " ".join(
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(40)
    )


def _copies_and_singles() -> list[list[tuple[str, str]]]:
    """Six feeds of five: copies of three stories spread over them (none
    with more look-alikes than an article may compare, so the stories do
    not depend on the order feeds come in) and texts of their own."""
    rng = random.Random(5)
    texts = [body(CHIP), body(EARNINGS), body(ROBOTS)]
    for drop in (1, 2, 3):
        texts += [syndicated(CHIP, drop=drop), syndicated(EARNINGS, drop=drop)]
        texts += [syndicated(ROBOTS, drop=drop)]
    texts += [body(CHIP[:3]), body(ROBOTS[2:])]
    texts += [_word_salad(rng) for _ in range(30 - len(texts))]
    rng.shuffle(texts)
    return [[(f"g{feed}-{n}", texts[feed * 5 + n]) for n in range(5)] for feed in range(6)]


def _stories_by_guid(reader: Reader) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for guid, story in reader.store.conn.execute(
        "SELECT a.guid, s.story_id FROM articles a JOIN story_articles s ON s.article_id = a.id"
    ):
        groups.setdefault(story, set()).add(guid)
    return {frozenset(g) for g in groups.values()}


def _grouped_whole(conn: sqlite3.Connection) -> int:
    """How many articles are in a story; asserts that each of those has all
    its index rows and nothing else has any, and that no story is empty."""

    def count(query: str) -> int:
        return int(conn.execute(query).fetchone()[0])

    assert (
        count(
            """SELECT count(*) FROM story_keys k WHERE NOT EXISTS (SELECT 1 FROM
               story_articles s, json_each(s.keys) j WHERE s.article_id = k.article_id
               AND s.key_day = k.day AND j.value = k.key)"""
        )
        == 0
    )
    packed = count("SELECT count(*) FROM story_articles s, json_each(s.keys)")
    assert count("SELECT count(*) FROM story_keys") == packed
    assert (
        count(
            """SELECT count(*) FROM stories t WHERE NOT EXISTS
               (SELECT 1 FROM story_articles s WHERE s.story_id = t.id)"""
        )
        == 0
    )
    assert (
        count(
            """SELECT count(*) FROM story_articles s WHERE NOT EXISTS
               (SELECT 1 FROM stories t WHERE t.id = s.story_id)"""
        )
        == 0
    )
    return count("SELECT count(*) FROM story_articles")


def test_a_first_refresh_writes_stories_as_it_goes_and_a_stop_leaves_them_whole(
    server: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into an empty archive, a refresh stores the stories of what it stored
    so far every WRITE_EVERY articles, each time with their index rows in one
    transaction: stopped between two feeds (as a crash there would leave it),
    every article is either wholly grouped or waiting, and grouping the rest
    later gives the stories of a refresh that grouped nothing on the way."""
    monkeypatch.setattr(grouping, "WRITE_EVERY", 4)
    feeds = _copies_and_singles()
    urls = [server.add(f"/w{n}.xml", body=_feed(items)) for n, items in enumerate(feeds)]
    plain = make_settings(tmp_path / "plain", extract=False)
    plain = dataclasses.replace(
        plain, stories=dataclasses.replace(plain.stories, group_on_refresh=False)
    )
    reference = make_reader(plain)
    for url in urls:
        reference.add_feed(url, discover=False)
    list(reference.refresh())
    reference.stories()  # grouped now, one by one in id order
    expected = _stories_by_guid(reference)
    assert any(len(story) > 2 for story in expected)
    reference.close()

    whole = make_reader(make_settings(tmp_path / "whole", extract=False))
    for url in urls:
        whole.add_feed(url, discover=False)
    grouped_while_running = []
    for result in whole.refresh():
        grouped_while_running.append(_grouped_whole(whole.store.conn))
        assert result.progress is not None
        waiting = result.progress.stories_waiting
        assert waiting < 4 and grouped_while_running[-1] + waiting == 5 * len(grouped_while_running)
    assert grouped_while_running == [5 * n for n in range(1, 7)]
    assert _stories_by_guid(whole) == expected
    whole.close()

    stopped = make_reader(make_settings(tmp_path / "stopped", extract=False))
    for url in urls:
        stopped.add_feed(url, discover=False)
    refresh = stopped.refresh()
    for _ in range(3):
        next(refresh)
    refresh.close()  # as the app's cancel does, or a crash between two feeds
    assert _grouped_whole(stopped.store.conn) == 15
    assert stopped.group_pending() == 0  # nothing else was stored
    list(stopped.refresh())
    assert _grouped_whole(stopped.store.conn) == 30
    assert _stories_by_guid(stopped) == expected
    stopped.close()


def test_the_next_refresh_groups_what_a_stopped_refresh_left_waiting(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """Into an archive that has stories, a refresh writes its stories once the
    last feed is stored: stopped before that (the app quitting, Ctrl-C), its
    articles are in no story, so the follows' counts miss them. The next
    refresh groups them before its own articles look for candidates, and the
    stories come out as those of a refresh that was never stopped."""
    feeds = _copies_and_singles()
    urls = [server.add(f"/s{n}.xml", body=_feed(items)) for n, items in enumerate(feeds)]

    def reader_with_first_feed(name: str) -> Reader:
        reader = make_reader(make_settings(tmp_path / name, extract=False))
        for url in urls:
            reader.add_feed(url, discover=False)
        list(reader.refresh([1]))  # an archive with stories
        return reader

    reference = reader_with_first_feed("reference")
    list(reference.refresh())
    expected = _stories_by_guid(reference)
    assert any(len(story) > 2 for story in expected)
    reference.close()

    stopped = reader_with_first_feed("stopped")
    refresh = stopped.refresh()
    for _ in range(3):
        next(refresh)
    refresh.close()  # stopped before the stories of what it stored were written
    # Which feeds the three outcomes were depends on their order of arrival
    # (the first feed, nothing new in it, is usually but not always one).
    stored = stopped.store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored >= 15
    assert _grouped_whole(stopped.store.conn) == 5
    list(stopped.refresh([1]))  # a feed with nothing new: only the catch-up
    assert _grouped_whole(stopped.store.conn) == stored
    list(stopped.refresh())
    assert _grouped_whole(stopped.store.conn) == 30
    assert _stories_by_guid(stopped) == expected
    stopped.close()


def test_a_band_held_by_many_earlier_articles_is_left_out_of_the_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The templated items hold their stock-phrase bands by the dozen: with a
    # low bar for a crowded band they meet fewer candidates through their text,
    # and the copies of the real articles, whose bands few hold, still meet.
    store = _one_by_one(tmp_path / "ref.db", _records())
    ids = [row[0] for row in store.conn.execute("SELECT id FROM articles ORDER BY id")]
    arrivals = grouping.fingerprint_stored(store.conn, ids)
    days = {a.article_id: grouping._parse(a.sort_date).toordinal() for a in arrivals}
    empty = Store(tmp_path / "empty.db")

    def through_text() -> int:
        found = grouping._candidates(empty.conn, arrivals, days)
        return sum(sum(picked.values()) for picked in found.values())

    wide = through_text()
    monkeypatch.setattr(grouping, "CROWDED_BAND", 4)
    assert through_text() < wide
    store.close()
    empty.close()
    pruned = _in_refreshes(tmp_path / "pruned.db", _records(), 20, [], 0)
    stories, _ = _stored(pruned)
    assert len([g for g in stories if len(g) > 1]) >= 3  # the copies still found one another
    pruned.close()
