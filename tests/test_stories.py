"""Stories: articles from any feeds that report the same news, grouped as they
are stored, on real SQLite files and loopback feeds."""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import random
from pathlib import Path

from conftest import make_settings
from loopback import LoopbackServer, rss
from reader.core.config import EntitySettings, StorySettings
from reader.core.refresh import _read_feed
from reader.core.service import Reader, make_reader
from reader.core.store import ArticleRecord, Store
from reader.core.stories.signature import band_keys, fingerprint_mentions, signature, similarity
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
    _, records = _read_feed(*job, (EntitySettings(), (), True))
    assert [r.guid for r in records] == ["w1", "w2"]
    for r in records:
        assert r.mentions or r.guid == "w2"
        assert r.fingerprint == fingerprint_mentions(r.title, r.text, r.mentions)
        assert pickle.loads(pickle.dumps(r)) == r
    first = records[0].fingerprint
    assert first is not None and first.signature is not None and len(first.bands) == 40
    assert records[1].fingerprint is not None and records[1].fingerprint.signature is None
    # Grouping at refresh turned off: no fingerprint is made.
    _, plain = _read_feed(*job, (EntitySettings(), (), False))
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
