"""Annotations the user can trust: through changed articles, a killed process, an upgrade."""

from __future__ import annotations

import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from loopback import LoopbackServer, article_page, rss
from reader.core.models import AnnotationFilter
from reader.core.service import Reader
from reader.core.store import ArticleQuery, Store
from reader.core.store.common import text_sha
from reader.core.store.schema import MIGRATIONS, apply_migrations, pending_migrations
from records import TEXT, article_id, record, write

KEPT = "Halcyon Labs said the training run used twelve thousand accelerators over six weeks."
REMOVED = "A spokesperson declined to say how much the training run cost the company."
CHANGED = "Revenue at the unit rose 5% in 2023 according to the filing."
EDITED = "Revenue at the unit rose 7% in 2024 according to the filing."
FILLER = [
    "The release follows months of speculation about the lab's next model family.",
    "Independent researchers will be able to download the weights from Friday.",
    "The licence allows commercial use with a few restrictions on very large deployments.",
]
# Appears in the old text only in the removed paragraph, and in the new text
# elsewhere, in other words around it: the highlight must not jump there.
SHORT = "the company"
NEW_PARAGRAPH = "An update: the company later published its evaluation data in full."


def _serve(server: LoopbackServer, paragraphs: list[str], version: str) -> str:
    page = server.add(
        "/story", body=article_page("Halcyon model", paragraphs), content_type="text/html"
    )
    item = {
        "title": "Halcyon model",
        "link": page,
        "guid": "story-1",
        "description": f"teaser {version}",  # a changed entry is fetched again
        "pubDate": "Mon, 02 Mar 2026 10:00:00 GMT",
    }
    return server.add("/feed.xml", body=rss([item], title="Lab news"))


def test_refresh_that_changes_the_text_moves_or_orphans_never_misplaces(
    server: LoopbackServer, reader: Reader
) -> None:
    feed_url = _serve(server, [FILLER[0], KEPT, REMOVED, CHANGED, *FILLER[1:]], "v1")
    reader.add_feed(feed_url, discover=False)
    list(reader.refresh())
    [summary] = reader.articles(ArticleQuery())
    old = reader.article(summary.id)
    assert old.summary.extraction == "page" and KEPT in old.text
    store = reader.store
    kept = store.highlight_quote(summary.id, "twelve thousand accelerators", note="scale")
    removed = store.highlight_quote(
        summary.id, "declined to say how much", note="*cost?*", color="pink", tags=["money"]
    )
    changed = store.highlight_quote(summary.id, "rose 5% in 2023", tags=["numbers"])
    short = store.highlight_quote(summary.id, SHORT)
    assert old.text.count(SHORT) == 1
    reader.tag(summary.id, ["follow"])
    store.set_read([summary.id])
    store.set_starred([summary.id])

    # The page changes: a paragraph added on top, one removed, a number edited.
    _serve(server, [NEW_PARAGRAPH, FILLER[0], KEPT, EDITED, *FILLER[1:]], "v2")
    [result] = list(reader.refresh())
    assert (result.status, result.updated) == ("updated", 1)
    new = reader.article(summary.id)
    assert new.text_sha != old.text_sha and SHORT in new.text

    moved = store.annotation(kept.id)
    assert moved.state == "moved" and moved.start is not None
    assert moved.start > kept.start  # the new paragraph pushed it down
    assert new.text[moved.start : moved.end] == "twelve thousand accelerators"
    assert moved.text_sha == new.text_sha and moved.note == "scale"

    for before in (removed, changed, short):
        after = store.annotation(before.id)
        # Orphaned, with everything the user wrote, on the version it was made on.
        assert after.state == "orphan", (before.exact, after)
        assert (after.exact, after.note, after.color, after.tags) == (
            before.exact,
            before.note,
            before.color,
            before.tags,
        )
        assert (after.start, after.end, after.text_sha) == (before.start, before.end, old.text_sha)
        kept_text = store.version_text(summary.id, after.text_sha)
        assert kept_text == old.text
        assert kept_text[after.start : after.end] == before.exact
    orphans = store.annotations(AnnotationFilter(state="orphan"))
    assert {a.id for a in orphans} == {removed.id, changed.id, short.id}
    # No highlight covers words other than its own.
    for a in store.annotations():
        if a.state != "orphan":
            assert new.text[a.start : a.end] == a.exact

    # The user's state of the article survived the update.
    after = reader.article(summary.id).summary
    assert (after.read, after.starred, "follow" in after.tags) == (True, True, True)

    # Another refresh with the same text changes nothing; the old version stays
    # as long as orphans point at it.
    _serve(server, [NEW_PARAGRAPH, FILLER[0], KEPT, EDITED, *FILLER[1:]], "v3")
    list(reader.refresh())
    assert store.annotation(kept.id) == moved
    assert store.version_text(summary.id, old.text_sha) == old.text
    # Deleting the orphans lets the old version go.
    for a in orphans:
        store.delete_annotation(a.id)
    assert store.version_text(summary.id, old.text_sha) is None


WRITER = textwrap.dedent(
    """
    import sys
    from reader.core.store import Store

    store = Store(sys.argv[1])
    article = int(sys.argv[2])
    words = ["Halcyon", "model", "accelerator", "Critics", "evaluation"]
    for i in range(100_000):
        store.highlight_quote(
            article, words[i % len(words)], note=f"note {i}", tags=[f"t{i}", "bulk"]
        )
        if i % 7 == 0:
            store.add_note(article, f"article note {i}", tags=[f"t{i}"])
        print(i, flush=True)
    """
)


def test_killing_a_process_mid_write_keeps_every_committed_annotation(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    store = Store(db)
    feed_id, _ = store.add_feed("https://news.example/feed.xml")
    write(store, feed_id, record("k"))
    aid = article_id(store, feed_id, "k")
    store.close()

    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(aid)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    committed = -1
    deadline = time.monotonic() + 60
    while committed < 150 and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "writer ended"
            committed = int(line)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # What it reported before dying is still in the pipe.
    for line in proc.stdout.read().splitlines():
        if line.strip().isdigit():
            committed = int(line)
    assert committed >= 150

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The full-text index agrees with its table.
    conn.execute("INSERT INTO annotations_fts (annotations_fts) VALUES ('integrity-check')")
    conn.close()

    store = Store(db)
    found = store.annotations(AnnotationFilter(kind="highlight"))
    by_note = {a.note: a for a in found}
    # Every write reported done is there, whole; at most one more got in before the kill.
    assert committed + 1 <= len(found) <= committed + 2
    text = store.article(aid).text
    for i in range(committed + 1):
        a = by_note[f"note {i}"]
        assert a.tags == ("bulk", f"t{i}")
        assert text[a.start : a.end] == a.exact
    notes = store.annotations(AnnotationFilter(kind="note"))
    assert all(n.tags == (f"t{n.note.split()[-1]}",) for n in notes)
    assert len(notes) >= committed // 7 + 1
    assert len(store.annotations(AnnotationFilter(search="note"))) == len(found) + len(notes)
    # It keeps working after the crash.
    store.highlight_quote(aid, "open-weight")
    store.close()


def test_upgrading_a_released_database_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, stop_before="0003_entities")
    assert pending_migrations(conn)[:2] == ["0003_entities", "0004_annotations"]
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "INSERT INTO feeds (id, url, title, added_at) VALUES"
        " (1, 'https://old.example/feed', 'Old feed', '2025-01-01T00:00:00Z'),"
        " (2, 'https://other.example/feed', 'Other', '2025-01-01T00:00:00Z')"
    )
    texts = {
        1: TEXT,
        2: "Sam Altman said OpenAI would raise $6.6 billion.",
        3: "A plain story with nothing special in it at all.",
    }
    for article_id_, text in texts.items():
        conn.execute(
            """INSERT INTO articles (id, feed_id, key, guid, url, title, added_at, sort_date,
               text, text_sha, read, starred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                article_id_,
                1 if article_id_ < 3 else 2,
                f"k{article_id_}",
                f"k{article_id_}",
                f"https://old.example/{article_id_}",
                f"Old story {article_id_}",
                "2025-01-02T00:00:00Z",
                f"2025-01-0{article_id_}T00:00:00Z",
                text,
                text_sha(text),
                int(article_id_ == 1),
                int(article_id_ == 2),
            ),
        )
    conn.execute("INSERT INTO tags (id, name) VALUES (1, 'keep'), (2, 'ai')")
    conn.execute("INSERT INTO article_tags (article_id, tag_id) VALUES (1, 1), (3, 2)")
    conn.execute("INSERT INTO feed_tags (feed_id, tag_id) VALUES (1, 2)")
    conn.execute(
        "INSERT INTO saved_searches (name, query, created_at)"
        " VALUES ('models', 'model', '2025-01-01T00:00:00Z')"
    )
    conn.execute("INSERT INTO preferences (key, value) VALUES ('theme', 'nord')")
    conn.close()

    store = Store(path)
    assert pending_migrations(store.conn) == []
    assert [m[0] for m in MIGRATIONS][2:4] == ["0003_entities", "0004_annotations"]
    articles = {a.id: a for a in store.articles(ArticleQuery(limit=None))}
    assert set(articles) == {1, 2, 3}
    assert (articles[1].read, articles[1].starred, articles[1].tags) == (True, False, ("keep",))
    assert (articles[2].read, articles[2].starred) == (False, True)
    assert articles[3].tags == ("ai",) and articles[1].feed_tags == ("ai",)
    assert store.article(1).text == TEXT and store.article(1).text_sha == text_sha(TEXT)
    assert [a.id for a in store.articles(ArticleQuery(search="accelerator"))] == [1]
    assert store.saved_searches() == [(1, "models", "model")]
    assert store.preference("theme") == "nord"
    # Tags from before the upgrade are the user's: they survive an automatic re-tagging.
    assert store.tag_counts() == [("ai", "user", 1), ("keep", "user", 1)]
    store.save_analysis([(3, store.article(3).text_sha, [], 0.0, [], "digest")])
    assert store.article(3).summary.tags == ("ai",)

    # The new features work on the upgraded database.
    made = store.highlight_quote(1, "independent replication", note="upgraded", tags=["t"])
    store.add_note(2, "a note")
    assert [a.id for a in store.annotations(AnnotationFilter(search="upgraded"))] == [made.id]
    feed_id = 1
    write(store, feed_id, record("k1", "Breaking.\n\n" + TEXT))
    placed = store.annotation(made.id)
    assert placed.state == "moved" and placed.start == made.start + len("Breaking.\n\n")
    assert store.remove_feed(2) == (0, 1)  # the tagged article stays
    assert store.remove_feed(1) == (0, 2)  # annotated, tagged, starred: all kept
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
