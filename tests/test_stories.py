"""Stories: articles from any feeds that report the same news, grouped as they
are stored, on real SQLite files and loopback feeds."""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
import random
import sqlite3
import struct
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core import clock
from reader.core.config import EntitySettings, StorySettings
from reader.core.refresh import _read_feed
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleRecord, Store
from reader.core.store.schema import apply_migrations
from reader.core.stories.grouping import fingerprint_stored
from reader.core.stories.signature import (
    BINS,
    MIN_SHINGLES,
    ROWS_PER_BAND,
    band_keys,
    fingerprint_mentions,
    signature,
    signature_of,
    similarity,
)
from records import record, write
from story_texts import CHIP, EARNINGS, ROBOTS, body, syndicated


def _partition(store: Store) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for key, story in store.conn.execute(
        "SELECT a.key, s.story_id FROM articles a JOIN story_articles s ON s.article_id = a.id"
    ):
        groups.setdefault(story, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_a_syndicated_copy_is_similar_and_another_story_is_not() -> None:
    original = signature(body(CHIP))
    copy = signature(syndicated(CHIP, drop=3))
    other = signature(body(EARNINGS))
    assert original is not None and copy is not None and other is not None
    assert similarity(original, copy) >= 0.4
    assert similarity(original, other) < 0.1
    assert signature("Weekly roundup") is None  # too short to match on
    # Stored values must not change between versions or processes.
    assert band_keys(original) == band_keys(signature(body(CHIP)) or b"")
    assert len(set(band_keys(original))) == len(band_keys(original))


def test_similarity_is_the_share_of_equal_bins_whichever_bytes_differ() -> None:
    # similarity() counts the 32-bit bins that differ at all: a bin differing
    # in any one bit of any of its four bytes, or only in its top bit, is unequal.
    rng = random.Random(5)
    base = [rng.getrandbits(32) for _ in range(BINS)]
    for changed in (0, 1, 7, 60, BINS):
        other = list(base)
        for slot in rng.sample(range(BINS), changed):
            other[slot] ^= 1 << rng.randrange(32)  # one bit, in any of the four bytes
        a, b = (struct.pack(f"<{BINS}I", *values) for values in (base, other))
        assert similarity(a, b) == similarity(b, a) == (BINS - changed) / BINS
    assert similarity(a, bytes(4 * BINS)) == 0.0
    # The bins' top bit and their carries: each bin counted alone, whatever its
    # neighbours hold (a lane differing by all ones next to an equal one, and so on).
    for xor in (1 << 31, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000001, 1):
        for every in (1, 2, 3):
            other = [v ^ xor if slot % every == 0 else v for slot, v in enumerate(base)]
            unequal = sum(1 for slot in range(BINS) if slot % every == 0)
            a, b = (struct.pack(f"<{BINS}I", *values) for values in (base, other))
            assert similarity(a, b) == (BINS - unequal) / BINS


def test_band_keys_are_each_bands_rows_mixed_with_its_number() -> None:
    # Stored keys: however band_keys computes them, a band's key stays its
    # rows folded into its number modulo 2**61 - 1, the values older
    # databases hold.
    def mixed(rows: list[int], band: int) -> int:
        key = band + 1
        for value in rows:
            key = (key * 0x100000001B3 + value + 1) % (2**61 - 1)
        return key

    rng = random.Random(6)
    for values in (
        [rng.getrandbits(32) for _ in range(BINS)],
        [0xFFFFFFFF] * BINS,  # the largest products
        [0] * BINS,
    ):
        packed = struct.pack(f"<{BINS}I", *values)
        assert band_keys(packed) == [
            mixed(values[row : row + ROWS_PER_BAND], band)
            for band, row in enumerate(range(0, BINS, ROWS_PER_BAND))
        ]


def test_a_signature_is_each_bins_smallest_hash_empty_bins_borrowing_to_their_right() -> None:
    # Stored signatures: however signature_of computes them, a bin holds the
    # smallest hash // BINS of those falling in it (hash % BINS), and an empty
    # bin the next filled bin's to its right (wrapping round) plus the distance
    # times 0x9E3779B1, modulo 2**32.
    def densified(hashes: set[int]) -> bytes:
        smallest: dict[int, int] = {}
        for h in hashes:
            smallest[h % BINS] = min(smallest.get(h % BINS, h // BINS), h // BINS)
        values = []
        for slot in range(BINS):
            distance = next(d for d in range(BINS) if (slot + d) % BINS in smallest)
            value = smallest[(slot + distance) % BINS] + distance * 0x9E3779B1
            values.append(value % 2**32)
        return struct.pack(f"<{BINS}I", *values)

    rng = random.Random(7)
    for size in (MIN_SHINGLES, 40, 119, 700):
        hashes = {rng.getrandbits(32) for _ in range(size)}
        assert signature_of(hashes) == densified(hashes)
    one_bin = {BINS - 1 + BINS * rng.getrandbits(20) for _ in range(MIN_SHINGLES)}
    assert signature_of(one_bin) == densified(one_bin)  # every other bin wraps to it
    assert signature_of(set(range(MIN_SHINGLES - 1))) is None


# Arrivals: (feed, key, text, hours after 08:00). "bridge" shares paragraphs
# with both "left" and "right", which share nothing: one story whatever the order.
ARRIVALS = [
    ("a", "chip", body(CHIP), 0),
    ("b", "chip-copy", syndicated(CHIP, drop=2), 3),
    ("c", "chip-lead", body(CHIP[:3]), 5),
    ("a", "earnings", body(EARNINGS), 1),
    ("c", "earnings-copy", syndicated(EARNINGS, drop=4), 9),
    ("b", "brief", "Nvidia shares rose three percent.", 2),
    ("a", "left", body(ROBOTS[:2]), 30),
    ("b", "bridge", body(ROBOTS), 31),
    ("c", "right", body(ROBOTS[2:]), 32),
]


def _store_in_order(path: Path, order: list[int]) -> Store:
    store = Store(path)
    feeds = {name: store.add_feed(f"https://{name}.example/feed")[0] for name in "abc"}
    for i in order:
        feed, key, text, hours = ARRIVALS[i]
        published = f"2026-03-0{2 + hours // 24}T{8 + hours % 24:02d}:00:00Z"
        write(store, feeds[feed], record(key, text, title=key.title(), published=published))
    return store


def test_grouping_is_the_same_whatever_order_articles_arrive_in(tmp_path: Path) -> None:
    orders = [list(range(len(ARRIVALS))), list(reversed(range(len(ARRIVALS))))]
    rng = random.Random(4)
    for _ in range(6):
        order = list(range(len(ARRIVALS)))
        rng.shuffle(order)
        orders.append(order)
    partitions = []
    for n, order in enumerate(orders):
        store = _store_in_order(tmp_path / f"order{n}.db", order)
        partitions.append(_partition(store))
        store.close()
    assert all(p == partitions[0] for p in partitions)
    groups = {tuple(sorted(g)) for g in partitions[0]}
    assert ("chip", "chip-copy", "chip-lead") in groups
    assert ("earnings", "earnings-copy") in groups  # same company, same day: another story
    assert ("bridge", "left", "right") in groups
    assert ("brief",) in groups  # too short to match: a story of its own


def test_a_batch_of_one_feed_and_one_by_one_group_alike(tmp_path: Path) -> None:
    one_by_one = _store_in_order(tmp_path / "single.db", list(range(len(ARRIVALS))))
    batch = Store(tmp_path / "batch.db")
    feed_id, _ = batch.add_feed("https://all.example/feed")
    write(batch, feed_id, *(record(key, text, title=key) for _, key, text, _ in ARRIVALS[:6]))
    assert {g for g in _partition(batch)} == {
        g for g in _partition(one_by_one) if g <= {k for _, k, _, _ in ARRIVALS[:6]}
    }


def _feed(items: list[tuple[str, str, str]], title: str = "Test feed", hour: int = 10) -> bytes:
    return rss(
        [
            {
                "title": title,
                "guid": guid,
                "link": f"https://news.example/{guid}",
                "description": text,
                "pubDate": f"Tue, 03 Mar 2026 {hour:02d}:00:00 GMT",
            }
            for guid, title, text in items
        ],
        title=title,
    )


def _story_of(reader: Reader, article_id: int) -> int:
    return reader.story_ids([article_id])[article_id]


def _ids_by_feed(reader: Reader) -> dict[int, int]:
    rows = reader.store.conn.execute("SELECT feed_id, id FROM articles ORDER BY id")
    return {row[0]: row[1] for row in rows}


def test_a_story_survives_a_refresh_that_edits_one_of_its_articles(
    server: LoopbackServer, tmp_path: Path
) -> None:
    reader = make_reader(make_settings(tmp_path, extract=False))
    urls = [
        server.add("/wire.xml", body=_feed([("w1", "Nvidia unveils Vera", body(CHIP))], "Wire")),
        server.add(
            "/daily.xml",
            body=_feed([("d1", "Vera is here", syndicated(CHIP, drop=1))], "Daily", hour=12),
        ),
        server.add("/other.xml", body=_feed([("o1", "Nvidia results", body(EARNINGS))])),
    ]
    feeds = [reader.add_feed(url, discover=False).feed_id for url in urls]
    list(reader.refresh())
    article = _ids_by_feed(reader)
    story = _story_of(reader, article[feeds[0]])
    assert _story_of(reader, article[feeds[1]]) == story
    assert _story_of(reader, article[feeds[2]]) != story
    note = reader.annotate(article[feeds[1]], "redesigned memory controller", note="key point")
    before = reader.store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall()

    # The wire corrects its copy: a sentence added, a number changed.
    edited = body(CHIP).replace("twice", "three times") + "\n\nThis story was updated."
    server.add("/wire.xml", body=_feed([("w1", "Nvidia unveils Vera (updated)", edited)], "Wire"))
    results = {r.feed_id: r for r in reader.refresh()}
    assert results[feeds[0]].updated == 1
    assert _story_of(reader, article[feeds[0]]) == story
    assert _story_of(reader, article[feeds[1]]) == story
    [listed] = [s for s in reader.stories() if s.id == story]
    assert [a.id for a in listed.articles] == [article[feeds[0]], article[feeds[1]]]
    assert listed.sources == ("Wire", "Daily")
    assert listed.title == "Nvidia unveils Vera (updated)"  # the first report's headline
    # Grouping never touches annotations.
    assert reader.store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall() == before
    assert reader.annotations()[0].id == note.id

    # An edit that replaces the text with another story's leaves this story.
    server.add("/daily.xml", body=_feed([("d1", "Robots", body(ROBOTS))]))
    list(reader.refresh())
    assert _story_of(reader, article[feeds[1]]) != story
    assert _story_of(reader, article[feeds[0]]) == story
    reader.close()


def test_unsubscribing_a_feed_leaves_the_rest_of_the_story(
    server: LoopbackServer, tmp_path: Path
) -> None:
    reader = make_reader(make_settings(tmp_path, extract=False))
    texts = [body(CHIP), syndicated(CHIP, drop=1), syndicated(CHIP, drop=4)]
    feeds = [
        reader.add_feed(
            server.add(f"/f{i}.xml", body=_feed([(f"g{i}", f"Vera {i}", text)])), discover=False
        ).feed_id
        for i, text in enumerate(texts)
    ]
    list(reader.refresh())
    article = _ids_by_feed(reader)
    [story] = reader.stories()
    assert len(story.articles) == 3
    # The first report, which every other copy matched, goes with its feed.
    reader.remove_feed(feeds[0])
    [left] = reader.stories()
    assert left.id == story.id
    assert {a.id for a in left.articles} == {article[feeds[1]], article[feeds[2]]}
    reader.remove_feed(feeds[1])
    reader.remove_feed(feeds[2])
    assert reader.stories() == []
    assert reader.store.conn.execute("SELECT count(*) FROM story_keys").fetchone()[0] == 0
    assert reader.store.conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 0
    reader.close()


def test_articles_stored_before_stories_existed_are_grouped_on_first_use(
    tmp_path: Path,
) -> None:
    store = _store_in_order(tmp_path / "old.db", list(range(6)))
    expected = _partition(store)
    # As an upgraded database has them: articles, no story rows.
    with store.transaction() as conn:
        conn.execute("DELETE FROM story_articles")
    store.close()
    reader = Reader(make_settings(tmp_path), Store(tmp_path / "old.db"))
    stories = reader.stories()
    assert len(stories) == len(expected)
    assert _partition(reader.store) == expected
    assert reader.group_pending() == 0
    reader.close()


def test_every_pair_of_copies_meets_through_the_index(tmp_path: Path) -> None:
    """No all-pairs work, yet no copy is missed: each copy finds the others
    through the LSH band keys alone (entity keys, negative, are not needed
    for copies)."""
    store = Store(tmp_path / "copies.db")
    feed_id, _ = store.add_feed("https://copies.example/feed")
    versions: list[ArticleRecord] = [record("v0", body(CHIP))]
    versions += [record(f"v{i + 1}", syndicated(CHIP, drop=i)) for i in range(len(CHIP))]
    for version in versions:
        write(store, feed_id, version)
    assert _partition(store) == {frozenset(v.key for v in versions)}
    ids = [row[0] for row in store.conn.execute("SELECT id FROM articles")]
    for a, b in itertools.combinations(ids, 2):
        shared = store.conn.execute(
            """SELECT count(*) FROM story_keys x JOIN story_keys y ON x.key = y.key
               WHERE x.article_id = ? AND y.article_id = ? AND x.key >= 0""",
            (a, b),
        ).fetchone()[0]
        assert shared > 0
    store.close()


def test_the_refresh_workers_fingerprint_what_they_analyse() -> None:
    """The fingerprint is made in the worker job with the analysis (so the
    process that stores only looks it up) and crosses processes intact."""
    content = _feed([("w1", "Nvidia unveils Vera", body(CHIP)), ("w2", "Brief", "Short.")])
    headers = {"content-type": "application/rss+xml"}
    job = (content, headers, "https://wire.example/feed", {}, set(), "Wire")
    _, records, _ = _read_feed(*job, (EntitySettings(), (), True))
    assert [r.guid for r in records] == ["w1", "w2"]
    for r in records:
        assert r.mentions or r.guid == "w2"
        assert r.fingerprint == fingerprint_mentions(r.title, r.text, r.mentions)
        assert pickle.loads(pickle.dumps(r)) == r
    first = records[0].fingerprint
    assert first is not None and first.signature is not None and len(first.bands) == 40
    assert records[1].fingerprint is not None and records[1].fingerprint.signature is None
    # Grouping at refresh turned off: no fingerprint is made.
    _, plain, _ = _read_feed(*job, (EntitySettings(), (), False))
    assert [r.fingerprint for r in plain] == [None, None]


def test_grouping_off_at_refresh_groups_alike_when_stories_are_asked_for(
    server: LoopbackServer, tmp_path: Path
) -> None:
    texts = [body(CHIP), syndicated(CHIP, drop=1), body(EARNINGS), syndicated(EARNINGS, drop=3)]
    urls = [
        server.add(f"/g{i}.xml", body=_feed([(f"g{i}", f"Title {i}", text)]))
        for i, text in enumerate(texts)
    ]
    partitions = []
    for group_on_refresh in (True, False):
        settings = dataclasses.replace(
            make_settings(tmp_path / str(group_on_refresh), extract=False),
            stories=StorySettings(group_on_refresh=group_on_refresh),
        )
        reader = make_reader(settings)
        for url in urls:
            reader.add_feed(url, discover=False)
        list(reader.refresh())
        grouped = reader.store.conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        assert grouped == (4 if group_on_refresh else 0)
        assert len(reader.stories()) == 2
        partitions.append(_partition(reader.store))
        reader.close()
    expected = {frozenset({"guid:g0", "guid:g1"}), frozenset({"guid:g2", "guid:g3"})}
    assert partitions[0] == partitions[1] == expected


def _index_rows(store: Store) -> set[tuple[int, int, int]]:
    return {tuple(row) for row in store.conn.execute("SELECT key, day, article_id FROM story_keys")}


def _packed_rows(store: Store) -> set[tuple[int, int, int]]:
    return {
        (key, day, article_id)
        for article_id, day, keys in store.conn.execute(
            "SELECT article_id, key_day, keys FROM story_articles"
        )
        for key in json.loads(keys)
    }


def _assert_index_matches_articles(store: Store) -> None:
    """story_keys holds exactly the keys each grouped article carries packed,
    and those are its fingerprint's keys: nothing of a gone article is left."""
    rows = _index_rows(store)
    assert rows == _packed_rows(store)
    ids = [row[0] for row in store.conn.execute("SELECT article_id FROM story_articles")]
    for arrival in fingerprint_stored(store.conn, ids):
        found = arrival.fingerprint
        mine = {key for key, _, article_id in rows if article_id == arrival.article_id}
        assert mine == {*found.bands, *found.trios}
    # A story without articles goes with its last one.
    assert (
        store.conn.execute(
            "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM story_articles)"
        ).fetchone()[0]
        == 0
    )


def test_an_articles_index_keys_go_when_it_is_edited_pruned_or_unsubscribed(
    tmp_path: Path,
) -> None:
    """story_keys has no index by article: an article's rows are found through
    the keys packed beside it (story_articles.keys), by its primary key."""
    store = _store_in_order(tmp_path / "keys.db", list(range(len(ARRIVALS))))
    feeds = dict(store.conn.execute("SELECT url, id FROM feeds"))
    _assert_index_matches_articles(store)
    before = len(_index_rows(store))
    assert before > 40 * 6
    # Edited: its old keys go, its new ones come.
    write(store, feeds["https://a.example/feed"], record("chip", body(EARNINGS), title="Chip"))
    _assert_index_matches_articles(store)
    # Retention: two old read articles go, with their keys only.
    doomed = ("earnings-copy", "left")
    with store.transaction() as conn:
        conn.execute("UPDATE articles SET read = 1, sort_date = ?", (clock.utcnow(),))
        conn.executemany(
            "UPDATE articles SET sort_date = '2020-01-01T00:00:00Z' WHERE key = ?",
            [(key,) for key in doomed],
        )
    assert store.prune(30) == 2
    _assert_index_matches_articles(store)
    assert len(_index_rows(store)) < before
    # Unsubscribing: the feed's articles and their keys go.
    store.remove_feed(feeds["https://b.example/feed"])
    _assert_index_matches_articles(store)
    store.remove_feed(feeds["https://a.example/feed"])
    store.remove_feed(feeds["https://c.example/feed"])
    assert _index_rows(store) == set()
    assert store.conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 0
    store.close()


def test_the_packed_keys_migration_keeps_the_index_and_the_grouping(tmp_path: Path) -> None:
    """A database grouped before 0008 (story_keys indexed by article) gets each
    article's keys packed beside it and loses the index; grouping then goes on
    as in a database that never had it."""
    first, rest = list(range(5)), list(range(5, len(ARRIVALS)))
    reference = _store_in_order(tmp_path / "ref.db", first)
    old = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    apply_migrations(old, stop_before="0008_story_keys_packed")
    old.execute("ATTACH ? AS ref", (str(tmp_path / "ref.db"),))
    for table in ("feeds", "articles", "entities", "mentions", "stories", "story_keys"):
        old.execute(f"INSERT INTO main.{table} SELECT * FROM ref.{table}")
    old.execute(
        """INSERT INTO story_articles (article_id, story_id, signature, shingles,
           entities, sort_date) SELECT article_id, story_id, signature, shingles,
           entities, sort_date FROM ref.story_articles"""
    )
    old.execute("DETACH ref")
    assert old.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'story_keys_by_article'"
    ).fetchone()
    old.close()
    migrated = Store(tmp_path / "old.db")
    assert (
        migrated.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'story_keys_by_article'"
        ).fetchone()
        is None
    )
    assert _packed_rows(migrated) == _packed_rows(reference) == _index_rows(reference)
    assert _partition(migrated) == _partition(reference)
    feeds = dict(migrated.conn.execute("SELECT url, id FROM feeds"))
    for store in (reference, migrated):
        for i in rest:
            feed, key, text, hours = ARRIVALS[i]
            published = f"2026-03-0{2 + hours // 24}T{8 + hours % 24:02d}:00:00Z"
            write(
                store,
                feeds[f"https://{feed}.example/feed"],
                record(key, text, title=key.title(), published=published),
            )
    assert _partition(migrated) == _partition(reference)
    assert _index_rows(migrated) == _index_rows(reference)
    _assert_index_matches_articles(migrated)
    migrated.remove_feed(feeds["https://a.example/feed"])
    _assert_index_matches_articles(migrated)
    reference.close()
    migrated.close()
