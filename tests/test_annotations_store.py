"""Highlights and notes in a real SQLite store: create, edit, filter, and keep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.models import AnnotationFilter
from reader.core.store import ArticleQuery, NotFoundError, Store
from records import TEXT, article_id, record, write

FEED = "https://news.example/feed.xml"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "notes.db")
    yield s
    s.close()


@pytest.fixture
def article(store: Store) -> int:
    feed_id, _ = store.add_feed(FEED)
    write(store, feed_id, record("a1"))
    return article_id(store, feed_id, "a1")


def test_highlight_by_offsets_keeps_both_selectors(store: Store, article: int) -> None:
    start = TEXT.index("open-weight model")
    made = store.highlight(article, start - 1, start + len("open-weight model") + 1, note="*n*")
    # Whitespace at the ends is trimmed; prefix and suffix are the context.
    assert (made.start, made.end) == (start, start + len("open-weight model"))
    assert made.exact == "open-weight model"
    assert made.prefix == TEXT[: made.start]  # under 32 characters from the start
    assert TEXT[made.end :].startswith(made.suffix) and len(made.suffix) == 32
    assert (made.kind, made.state, made.color, made.note) == ("highlight", "exact", "yellow", "*n*")
    assert made.uid.startswith("urn:uuid:")
    assert made.text_sha == store.article(article).text_sha
    assert store.annotation(made.id) == made


def test_highlight_quote_picks_the_nth_occurrence(store: Store, article: int) -> None:
    first = store.highlight_quote(article, "Halcyon", color="green", tags=["labs"])
    second = store.highlight_quote(article, "Halcyon", occurrence=2)
    assert first.start == TEXT.index("Halcyon")
    assert second.start == TEXT.index("Halcyon", first.start + 1)
    assert (first.color, first.tags) == ("green", ("labs",))
    # A quote typed with single spaces finds text across a paragraph break.
    across = store.highlight_quote(article, "Tuesday. The company")
    assert TEXT[across.start : across.end] == "Tuesday.\n\nThe company"
    with pytest.raises(LookupError):
        store.highlight_quote(article, "not in the text")
    with pytest.raises(ValueError, match="unknown colour"):
        store.highlight_quote(article, "Critics", color="octarine")


def test_article_notes_have_no_span(store: Store, article: int) -> None:
    note = store.add_note(article, "Follow up with **Halcyon**.", tags=["todo"])
    assert (note.kind, note.start, note.end, note.exact, note.color) == ("note", None, None, "", "")
    assert note.tags == ("todo",)
    with pytest.raises(ValueError):
        store.add_note(article, "   ")
    with pytest.raises(NotFoundError):
        store.add_note(99_999, "x")


def test_update_changes_note_colour_and_tags_only(store: Store, article: int) -> None:
    made = store.highlight_quote(article, "single accelerator", tags=["hw"])
    changed = store.update_annotation(made.id, note="new\r\nnote", color="pink", tags=["b", "a"])
    assert (changed.note, changed.color, changed.tags) == ("new\nnote", "pink", ("a", "b"))
    assert (changed.start, changed.end, changed.exact) == (made.start, made.end, made.exact)
    untouched = store.update_annotation(made.id, note="only the note")
    assert (untouched.color, untouched.tags) == ("pink", ("a", "b"))
    with pytest.raises(NotFoundError):
        store.update_annotation(12345, note="x")


def test_delete_removes_the_annotation_its_tags_and_its_search_entry(
    store: Store, article: int
) -> None:
    made = store.highlight_quote(article, "independent replication", note="zebra", tags=["t"])
    store.delete_annotation(made.id)
    assert store.annotations() == []
    assert store.annotations(AnnotationFilter(search="zebra")) == []
    assert store.conn.execute("SELECT count(*) FROM annotation_tags").fetchone()[0] == 0
    # No version is kept for an article without highlights.
    assert store.conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        store.delete_annotation(made.id)


def test_filters_by_colour_tag_kind_state_article_and_full_text(store: Store) -> None:
    feed_id, _ = store.add_feed(FEED)
    write(store, feed_id, record("a1"), record("a2", "Another text about the accelerator."))
    a1, a2 = article_id(store, feed_id, "a1"), article_id(store, feed_id, "a2")
    green = store.highlight_quote(a1, "coding benchmarks", color="green", tags=["eval"])
    yellow = store.highlight_quote(a1, "evaluation suite", note="a conflict of interest")
    other = store.highlight_quote(a2, "accelerator", color="green")
    note = store.add_note(a2, "Compare with the Meridian release", tags=["eval"])

    def ids(**where: object) -> set[int]:
        return {a.id for a in store.annotations(AnnotationFilter(**where))}  # type: ignore[arg-type]

    assert ids(color="green") == {green.id, other.id}
    assert ids(tag="eval") == {green.id, note.id}
    assert ids(kind="note") == {note.id}
    assert ids(article_id=a1) == {green.id, yellow.id}
    assert ids(search="conflict") == {yellow.id}  # the note
    assert ids(search="benchmark") == {green.id}  # the quote, stemmed
    assert ids(search="Meridian") == {note.id}
    assert ids(search="suit*") == {yellow.id}
    assert ids(color="green", tag="eval") == {green.id}
    assert ids(state="orphan") == set()
    for hostile in ['"open', "NEAR(", "*", "a OR"]:
        store.annotations(AnnotationFilter(search=hostile))  # must not raise
    # Updating a note updates the search index too.
    store.update_annotation(yellow.id, note="something else")
    assert ids(search="conflict") == set()


def test_annotated_article_survives_unsubscribing_and_purge_removes_it(store: Store) -> None:
    feed_id, _ = store.add_feed(FEED)
    write(store, feed_id, record("keep"), record("plain"))
    keep = article_id(store, feed_id, "keep")
    made = store.highlight_quote(keep, "open-weight model", note="kept")
    deleted, kept = store.remove_feed(feed_id)
    assert (deleted, kept) == (1, 1)
    assert store.annotation(made.id).note == "kept"
    assert store.article(keep).text == TEXT
    assert store.feeds() == []  # unsubscribed, the article stays
    # Subscribing again and purging removes the annotations explicitly.
    again, created = store.add_feed(FEED)
    assert (again, created) == (feed_id, True)
    assert store.remove_feed(feed_id, purge=True) == (1, 0)
    assert store.annotations() == []
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_annotated_article_survives_retention(store: Store) -> None:
    feed_id, _ = store.add_feed(FEED)
    old = "2001-01-01T00:00:00Z"
    write(store, feed_id, record("noted", published=old), record("plain", published=old))
    noted, plain = article_id(store, feed_id, "noted"), article_id(store, feed_id, "plain")
    store.set_read([noted, plain])
    store.add_note(noted, "why this matters")
    assert store.prune(30) == 1
    assert [a.id for a in store.articles(ArticleQuery())] == [noted]
    assert len(store.annotations()) == 1


def test_an_annotated_article_cannot_be_deleted_behind_the_annotations_back(
    store: Store, article: int
) -> None:
    store.highlight_quote(article, "Critics")
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("DELETE FROM articles WHERE id = ?", (article,))


def _orphan(store: Store, feed_id: int, key: str) -> tuple[int, int]:
    """An article whose highlighted passage disappears in the next version."""
    write(store, feed_id, record(key))
    aid = article_id(store, feed_id, key)
    made = store.highlight_quote(aid, "independent replication", note="n", tags=["t"])
    write(store, feed_id, record(key, "A rewritten story with nothing of the old passage."))
    orphan = store.annotation(made.id)
    assert orphan.state == "orphan"
    return aid, made.id


def test_reattach_places_an_orphan_on_the_current_text(store: Store) -> None:
    feed_id, _ = store.add_feed(FEED)
    aid, annotation_id = _orphan(store, feed_id, "r")
    old_sha = store.annotation(annotation_id).text_sha
    assert store.version_text(aid, old_sha) == TEXT
    text = store.article(aid).text
    start = text.index("rewritten story")
    placed = store.reattach(annotation_id, start, start + len("rewritten story"))
    assert (placed.state, placed.exact, placed.start) == ("exact", "rewritten story", start)
    assert (placed.note, placed.tags) == ("n", ("t",))
    assert placed.text_sha == store.article(aid).text_sha
    # The old version is no longer needed by anything.
    assert store.version_text(aid, old_sha) is None
    assert store.annotations(AnnotationFilter(state="orphan")) == []


def test_orphan_to_note_keeps_the_quote_and_note(store: Store) -> None:
    feed_id, _ = store.add_feed(FEED)
    aid, annotation_id = _orphan(store, feed_id, "n")
    old_sha = store.annotation(annotation_id).text_sha
    note = store.orphan_to_note(annotation_id)
    assert (note.kind, note.state, note.start, note.end) == ("note", "exact", None, None)
    assert (note.exact, note.note, note.tags) == ("independent replication", "n", ("t",))
    assert store.version_text(aid, old_sha) is None
    assert [a.id for a in store.annotations(AnnotationFilter(kind="note"))] == [annotation_id]


def test_article_search_also_finds_the_users_notes_first(store: Store, article: int) -> None:
    feed_id = store.feeds()[0].id
    write(store, feed_id, record("a2", "A story that says zeppelin in its own text."))
    other = article_id(store, feed_id, "a2")
    assert [a.id for a in store.articles(ArticleQuery(search="zeppelin"))] == [other]
    store.add_note(article, "Compare with the zeppelin piece")
    # The article with the user's own note ranks before the one that only mentions it.
    assert [a.id for a in store.articles(ArticleQuery(search="zeppelin"))] == [article, other]
    assert store.count_articles(ArticleQuery(search="zeppelin")) == 2
    store.highlight_quote(other, "zeppelin")
    assert store.count_articles(ArticleQuery(search="zeppelin")) == 2  # one row per article


def test_each_text_change_is_diffed_from_the_version_the_highlight_was_on(
    store: Store, article: int
) -> None:
    feed_id = store.feeds()[0].id
    made = store.highlight_quote(article, "open-weight model")
    first = "Breaking: " + TEXT
    write(store, feed_id, record("a1", first))
    moved = store.annotation(made.id)
    assert moved.state == "moved" and first[moved.start : moved.end] == "open-weight model"  # type: ignore[index]
    # The second change removes the passage: an orphan whose text is kept.
    write(store, feed_id, record("a1", first.replace("a new open-weight model", "something")))
    orphan = store.annotation(made.id)
    assert orphan.state == "orphan"
    assert store.version_text(article, orphan.text_sha) == first


def test_a_highlight_on_text_that_changed_meanwhile_is_refused(store: Store, article: int) -> None:
    seen = store.article(article)
    start = seen.text.index("open-weight")
    write(store, store.feeds()[0].id, record("a1", "Changed: " + TEXT))
    with pytest.raises(ValueError, match="changed since"):
        store.highlight(article, start, start + 11, text_sha=seen.text_sha)
    assert store.annotations() == []
    current = store.article(article)
    start = current.text.index("open-weight")
    made = store.highlight(article, start, start + 11, text_sha=current.text_sha)
    assert made.exact == "open-weight"


def test_tag_names_cannot_hold_commas_or_a_leading_hash(store: Store, article: int) -> None:
    store.tag_articles([article], ["#ai", "a,b"])
    assert store.article(article).summary.tags == ("a b", "ai")
    made = store.add_note(article, "", tags=["#todo"])  # a note may be just a tag
    assert made.tags == ("todo",)


def test_notes_and_quotes_lose_terminal_controls(store: Store, article: int) -> None:
    made = store.add_note(article, "evil \x1b]52;c;aGk=\x07 note\r\nline two")
    assert made.note == "evil  note\nline two"
