"""Notes export (Markdown, W3C Web Annotation JSON) and the import round trip."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from reader.core.models import Annotation
from reader.core.notes.markdown import markdown_file_name, notes_markdown, notes_markdown_files
from reader.core.notes.w3c import W3C_CONTEXT, import_notes, notes_w3c
from reader.core.store import Store
from records import TEXT, article_id, record, write

SCRIPT = Path(sys.executable).parent / "reader"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "reader"]
FEED = "https://news.example/feed.xml"
OTHER_TEXT = "Meridian shipped Orion 2.5 Pro to paying customers.\n\nPrices start at $20 a month."
REWRITTEN = "Meridian withdrew the release after a day.\n\nNo prices were announced."
HOSTILE_TEXT = (
    "Intro line.\n"
    "---\n"
    "Use `rm -rf` with [link](x) and <b>bold</b> and **stars**.\n"
    "# not a heading\n"
    "1. not a list\n"
    "- not a bullet\n"
    "#hashtag ==mark== $x$ | pipe\n"
    "Closing line."
)


def _auto_tagged(key: str, text: str) -> Any:
    """A record as the analysis step leaves it: with the automatic `ai` tag."""
    return dataclasses.replace(record(key, text), auto_tags=("ai",), analysed_with="test")


def build_articles(store: Store, *, first: str = "") -> int:
    """The same feed and articles in any database (ids may differ between them)."""
    if first:  # shifts the ids, so matching cannot rely on them
        other, _ = store.add_feed(first)
        write(store, other, record("unrelated", "Unrelated text."))
    feed_id, _ = store.add_feed(FEED)
    write(store, feed_id, _auto_tagged("k1", TEXT), record("k2", OTHER_TEXT))
    return feed_id


def annotate(store: Store, feed_id: int) -> None:
    k1, k2 = article_id(store, feed_id, "k1"), article_id(store, feed_id, "k2")
    store.highlight_quote(k1, "open-weight model", note="**Big** if true", tags=["models", "x y"])
    store.highlight_quote(
        k1, "single accelerator. Critics noted", color="green", note="line one\nline two"
    )
    store.highlight_quote(k1, "Halcyon", occurrence=2, color="purple")
    store.add_note(k1, "Check the [paper](https://example.org/p).", tags=["todo"])
    store.tag_article(k1, ["later", "halcyon"])
    store.highlight_quote(k2, "Prices start at $20 a month.", color="blue", tags=["pricing"])
    gone = store.highlight_quote(k2, "paying customers", note="kept as a note")
    # The article changes: both k2 highlights lose their passage.
    write(store, feed_id, record("k2", REWRITTEN))
    store.orphan_to_note(gone.id)


def comparable(a: Annotation) -> tuple[Any, ...]:
    return (
        a.kind,
        a.exact,
        a.prefix,
        a.suffix,
        a.start,
        a.end,
        a.note,
        a.color,
        a.tags,
        a.state,
        a.created_at,
    )


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    yield a, b
    a.close()
    b.close()


def test_w3c_document_structure(stores: tuple[Store, Store]) -> None:
    store, _ = stores
    feed_id = build_articles(store)
    annotate(store, feed_id)
    doc = notes_w3c(store)
    assert doc["@context"] == W3C_CONTEXT and doc["type"] == "AnnotationCollection"
    assert doc["total"] == len(doc["items"])
    items = {i["id"]: i for i in doc["items"]}
    by_uid = {a.uid: a for a in store.annotations()}
    assert set(by_uid) <= set(items)

    first = next(a for a in by_uid.values() if a.exact == "open-weight model")
    item = items[first.uid]
    assert item["type"] == "Annotation" and item["motivation"] == "highlighting"
    assert (item["created"], item["modified"]) == (first.created_at, first.updated_at)
    target = item["target"]
    assert target["source"] == "https://news.example/k1"
    assert target["selector"] == [
        {
            "type": "TextQuoteSelector",
            "exact": "open-weight model",
            "prefix": first.prefix,
            "suffix": first.suffix,
        },
        {"type": "TextPositionSelector", "start": first.start, "end": first.end},
    ]
    assert target["state"] == {"type": "TimeState", "sourceDate": "2026-03-01T09:00:00Z"}
    assert target["styleClass"] == "yellow"
    assert item["stylesheet"]["type"] == "CssStylesheet"
    assert ".yellow {" in item["stylesheet"]["value"]
    assert item["body"] == [
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "value": "**Big** if true",
            "format": "text/markdown",
        },
        {"type": "TextualBody", "purpose": "tagging", "value": "models"},
        {"type": "TextualBody", "purpose": "tagging", "value": "x y"},
    ]
    assert item["reader:article"]["feed_url"] == FEED and item["reader:article"]["key"] == "k1"
    assert item["reader:state"]["state"] == "exact"

    note = next(a for a in by_uid.values() if a.kind == "note" and not a.exact)
    assert "selector" not in items[note.uid]["target"]
    assert items[note.uid]["motivation"] == "commenting"
    assert "styleClass" not in items[note.uid]["target"]

    # The user's article tags travel; the automatic `ai` tag does not.
    [tags_item] = [
        i for i in doc["items"] if i.get("reader:state", {}).get("kind") == "article-tags"
    ]
    assert tags_item["motivation"] == "tagging"
    assert [b["value"] for b in tags_item["body"]] == ["halcyon", "later"]
    assert all(b["purpose"] == "tagging" for b in tags_item["body"])
    assert "ai" in store.article(article_id(store, feed_id, "k1")).summary.tags
    json.dumps(doc)  # serialisable as is


def test_round_trip_restores_every_annotation_and_tag(stores: tuple[Store, Store]) -> None:
    a, b = stores
    annotate(a, build_articles(a))
    states = {x.state for x in a.annotations()}
    assert "orphan" in states and "exact" in states
    feed_b = build_articles(b, first="https://elsewhere.example/feed")
    write(b, feed_b, record("k2", REWRITTEN))  # B has the articles as they are now
    exported = json.loads(json.dumps(notes_w3c(a)))

    result = import_notes(b, exported)
    assert (result.annotations_added, result.updated, result.unmatched) == (6, 0, ())
    assert result.tags_added == 2
    before = {x.uid: comparable(x) for x in a.annotations()}
    after = {x.uid: comparable(x) for x in b.annotations()}
    assert after == before
    k1_b = b.article(article_id(b, feed_b, "k1"))
    assert k1_b.summary.tags == ("ai", "halcyon", "later")
    user_tags = b.conn.execute(
        """SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
           WHERE x.article_id = ? AND x.source = 'user' ORDER BY t.name""",
        (k1_b.summary.id,),
    ).fetchall()
    assert [r[0] for r in user_tags] == ["halcyon", "later"]
    # Every placed highlight in B covers its quote.
    for x in b.annotations():
        if x.kind == "highlight" and x.state != "orphan":
            assert b.article(x.article_id).text[x.start : x.end] == x.exact

    again = import_notes(b, exported)
    assert (again.annotations_added, again.updated, again.tags_added) == (0, 0, 0)
    assert len(b.annotations()) == len(before)
    # Exporting B gives the same annotations back.
    items_a = {i["id"]: i for i in exported["items"]}
    items_b = {i["id"]: i for i in notes_w3c(b)["items"]}
    assert items_a == items_b


def test_import_updates_a_known_uid_and_reanchors_onto_changed_text(
    stores: tuple[Store, Store],
) -> None:
    a, b = stores
    feed_a = build_articles(a)
    k1 = article_id(a, feed_a, "k1")
    made = a.highlight_quote(k1, "coding benchmarks", note="v1", tags=["eval"])
    # B's copy of the article gained a paragraph at the top.
    feed_b, _ = b.add_feed(FEED)
    write(b, feed_b, record("k1", "An editor's note was added here.\n\n" + TEXT))
    result = import_notes(b, notes_w3c(a))
    assert result.annotations_added == 1
    [placed] = b.annotations()
    text_b = b.article(placed.article_id).text
    assert placed.state == "moved" and placed.uid == made.uid
    assert placed.start == made.start + len("An editor's note was added here.\n\n")
    assert text_b[placed.start : placed.end] == "coding benchmarks"
    # The same uid again with another note, colour and tags: updated in place.
    a.update_annotation(made.id, note="v2", color="pink", tags=["eval", "more"])
    again = import_notes(b, notes_w3c(a))
    assert (again.annotations_added, again.updated) == (0, 1)
    [updated] = b.annotations()
    assert (updated.id, updated.note, updated.color, updated.tags) == (
        placed.id,
        "v2",
        "pink",
        ("eval", "more"),
    )
    assert (updated.start, updated.state) == (placed.start, "moved")


def test_import_reports_annotations_without_an_article(stores: tuple[Store, Store]) -> None:
    a, b = stores
    annotate(a, build_articles(a))
    feed_b, _ = b.add_feed(FEED)
    write(b, feed_b, record("k1"))  # k2 is missing here
    result = import_notes(b, notes_w3c(a))
    k2_uids = {x.uid for x in a.annotations() if x.article_url.endswith("/k2")}
    assert {u.uid for u in result.unmatched} == k2_uids
    assert {u.exact for u in result.unmatched} >= {"Prices start at $20 a month."}
    assert result.annotations_added == len(a.annotations()) - len(k2_uids)


def test_import_rejects_what_is_not_an_annotation_document(stores: tuple[Store, Store]) -> None:
    _, b = stores
    for bad in ({"hello": 1}, "text", {"items": [1, 2]}):
        with pytest.raises(ValueError):
            import_notes(b, bad)


def test_import_takes_a_foreign_annotation_by_url_and_quote(stores: tuple[Store, Store]) -> None:
    _, b = stores
    feed_b, _ = b.add_feed(FEED)
    write(b, feed_b, record("k1"))
    foreign = {
        "@context": W3C_CONTEXT,
        "type": "Annotation",
        "id": "https://hypothes.is/a/abc",
        "bodyValue": "From another tool",
        "target": {
            "source": "https://news.example/k1",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "independent replication",
                    "prefix": "and asked for ",
                    "suffix": " before any claims",
                }
            ],
        },
    }
    result = import_notes(b, foreign)
    assert result.annotations_added == 1
    [x] = b.annotations()
    assert (x.kind, x.note, x.color) == ("highlight", "From another tool", "yellow")
    assert TEXT[x.start : x.end] == "independent replication"


def _foreign(uid: str, exact: str, **extra: str) -> str:
    """One annotation as another tool writes it, as JSON text (some of the
    values below are not what json.dumps writes: NaN, a 400-digit integer,
    a lone surrogate's escape)."""
    state = extra.get("state", "{}")
    start = TEXT.find(exact)
    where = f'{{"type": "TextPositionSelector", "start": {start}, "end": {start + len(exact)}}}'
    position = extra.get("position", f", {where}")
    selectors = f'{{"type": "TextQuoteSelector", "exact": "{exact}"}}' + position
    return (
        f'{{"type": "Annotation", "id": "{uid}", "bodyValue": "{extra.get("note", "n")}",'
        f' "target": {{"source": "https://news.example/k1", "selector": [{selectors}]}},'
        f' "reader:state": {state}}}'
    )


def test_importing_twice_adds_nothing_whatever_the_uids_spacing(
    stores: tuple[Store, Store],
) -> None:
    """The store keeps a uid normalised ("urn:x:my note") but looked up the raw
    one: a second import of the same file failed on the UNIQUE constraint."""
    _, b = stores
    feed_b, _ = b.add_feed(FEED)
    write(b, feed_b, record("k1"))
    items = [_foreign("urn:x:my  note", "open-weight model"), _foreign("urn:x:other ", "Halcyon")]
    document = json.loads('{"items": [' + ", ".join(items) + "]}")
    first = import_notes(b, document)
    assert (first.annotations_added, first.updated, first.unmatched) == (2, 0, ())
    again = import_notes(b, document)
    assert (again.annotations_added, again.updated, again.unmatched) == (0, 0, ())
    assert sorted(a.uid for a in b.annotations()) == ["urn:x:my note", "urn:x:other"]


def test_one_bad_value_costs_the_import_nothing(stores: tuple[Store, Store]) -> None:
    """NaN (stored as NULL: the NOT NULL constraint), a 400-digit score (float()
    overflows), a lone surrogate (SQLite refuses to bind it) and a position no
    INTEGER holds each ended the whole import; each note is now kept."""
    _, b = stores
    feed_b, _ = b.add_feed(FEED)
    write(b, feed_b, record("k1"))
    far = ', {"type": "TextPositionSelector", "start": 1' + "0" * 30 + ', "end": 2' + "0" * 30
    far += "}"
    items = [
        _foreign("urn:x:nan", "open-weight model", state='{"kind": "highlight", "score": NaN}'),
        _foreign(
            "urn:x:big", "Halcyon", state='{"kind": "highlight", "score": 1' + "0" * 400 + "}"
        ),
        _foreign("urn:x:surrogate", "coding benchmarks", note="a \\ud800 b"),
        _foreign("urn:x:far", "a quote this text does not have", position=far),
        _foreign("urn:x:plain", "independent replication"),
    ]
    result = import_notes(b, json.loads('{"items": [' + ", ".join(items) + "]}"))
    assert (result.annotations_added, result.unmatched) == (5, ())
    stored = {a.uid: a for a in b.annotations()}
    assert stored["urn:x:nan"].state == stored["urn:x:big"].state == "exact"
    assert stored["urn:x:surrogate"].note == "a \ufffd b"
    assert stored["urn:x:far"].state == "orphan"
    assert (
        TEXT[stored["urn:x:plain"].start : stored["urn:x:plain"].end] == "independent replication"
    )


# -- Markdown ----------------------------------------------------------------------


def _front_matter(document: str) -> dict[str, Any]:
    assert document.startswith("---\n")
    head, _, _ = document[4:].partition("\n---\n")
    values = {}
    for line in head.split("\n"):
        key, sep, value = line.partition(": ")
        assert sep and key.isidentifier(), line
        values[key] = json.loads(value)
    return values


def test_markdown_per_article(stores: tuple[Store, Store]) -> None:
    store, _ = stores
    feed_id = build_articles(store)
    annotate(store, feed_id)
    files = notes_markdown_files(store, exported="2026-04-01T00:00:00Z")
    k1_id = article_id(store, feed_id, "k1")
    doc = files[f"story-k1-{k1_id}.md"]
    assert _front_matter(doc) == {
        "title": "Story k1",
        "url": "https://news.example/k1",
        "feed": "News",
        "tags": ["halcyon", "later"],
        "published": "2026-03-01T09:00:00Z",
        "exported": "2026-04-01T00:00:00Z",
    }
    assert "> open-weight model\n\n**Big** if true\n\n[color:: yellow] #models #x-y\n" in doc
    # A multi-line quote: every line is part of the quote block.
    assert "> single accelerator.\n>\n> Critics noted\n\nline one\nline two\n" in doc
    assert "[color:: green]" in doc and "[color:: purple]" in doc
    assert "## Notes\n\nCheck the [paper](https://example.org/p).\n\n#todo" in doc
    k2 = next(v for k, v in files.items() if k.startswith("story-k2-"))
    assert "*Orphaned highlight" in k2
    assert "> Prices start at \\$20 a month.\n\n[color:: blue] [state:: orphan] #pricing" in k2
    assert "> paying customers\n\nkept as a note" in k2  # the orphan kept as a note
    html = MarkdownIt("commonmark").render(doc.split("\n---\n", 1)[1])
    assert "<blockquote>\n<p>open-weight model</p>" in html
    assert '<a href="https://example.org/p">paper</a>' in html  # the note's own Markdown


def test_markdown_single_file_has_every_article(stores: tuple[Store, Store]) -> None:
    store, _ = stores
    annotate(store, build_articles(store))
    doc = notes_markdown(store, exported="2026-04-01T00:00:00Z")
    assert _front_matter(doc) == {
        "title": "Reader notes",
        "exported": "2026-04-01T00:00:00Z",
        "articles": 2,
    }
    assert doc.count("\n# Story k") == 2
    assert "- url: <https://news.example/k1>" in doc and "- tags: #halcyon #later" in doc


def test_markdown_renders_hostile_text_literally(stores: tuple[Store, Store]) -> None:
    store, _ = stores
    feed_id, _ = store.add_feed(FEED)
    title = 'Title: "quoted" --- [x](y) `code` #tag'
    write(store, feed_id, record("h", HOSTILE_TEXT, title=title))
    aid = article_id(store, feed_id, "h")
    store.highlight(aid, 0, len(HOSTILE_TEXT), note="```python\nunclosed fence", tags=["t"])
    store.highlight_quote(aid, "Closing line.", note="after")
    store.tag_article(aid, ['a "quoted" tag', "x: y"])
    [(name, doc)] = notes_markdown_files(store).items()
    assert name == f"title-quoted-x-y-code-tag-{aid}.md"
    front = _front_matter(doc)
    assert front["title"] == title
    assert front["tags"] == ['a "quoted" tag', "x: y"]
    body = doc.split("\n---\n", 1)[1]
    html = MarkdownIt("commonmark").enable("table").render(body)
    quote_html = html.split("<blockquote>", 1)[1].split("</blockquote>", 1)[0]
    # Every line of the article text is inside the one quote, as text.
    for tag in ("<a ", "<code>", "<hr", "<h1", "<ol", "<ul", "<b>", "<strong>", "<li"):
        assert tag not in quote_html, tag
    for literal in ("---", "`rm -rf`", "[link](x)", "&lt;b&gt;bold&lt;/b&gt;", "**stars**"):
        assert literal in quote_html, literal
    assert "# not a heading" in quote_html and "1. not a list" in quote_html
    assert "- not a bullet" in quote_html and "#hashtag ==mark== $x$ | pipe" in quote_html
    # The unclosed fence in the note is closed: the next highlight is still a quote.
    assert html.count("<blockquote>") == 2
    assert "<p>after</p>" in html
    # The title heading shows the title as text.
    assert "<h1>Title: &quot;quoted&quot; --- [x](y) `code` #tag</h1>" in html


@pytest.mark.parametrize(
    "opening",
    [
        "<pre>my snippet",
        "<script>alert(1)",
        "<STYLE>",
        "  <textarea rows=2>",
        "<!-- hidden",
        "<?php echo 1;",
        "<!DOCTYPE html",
        "<![CDATA[ raw",
        "text first\n<pre>then a block",
        "```\n<pre>in a fence, closed below\n```\n<?open after the fence",
    ],
)
def test_a_note_cannot_hide_the_rest_of_the_markdown_export(
    stores: tuple[Store, Store], opening: str
) -> None:
    """CommonMark's HTML blocks of types 1 to 5 end only at their own marker:
    a note opening one must not take in the articles after it."""
    store, _ = stores
    feed_id = build_articles(store)
    annotate(store, feed_id)
    # Story k2 comes first in the file, Story k1 after its notes.
    store.add_note(article_id(store, feed_id, "k2"), opening + "\nmore of the note")
    doc = notes_markdown(store, exported="2026-04-01T00:00:00Z")
    assert doc.index("# Story k2") < doc.index("more of the note") < doc.index("# Story k1")
    html = MarkdownIt("commonmark").render(doc.split("\n---\n", 1)[1])
    # What follows the note is Markdown still: the next article's heading,
    # its quotes and their fields; and so is the note's own last line.
    assert html.count("<h1>Story k") == 2, html
    assert "<blockquote>\n<p>open-weight model</p>" in html, html
    assert "<p>[color:: yellow] #models #x-y</p>" in html, html
    assert "more of the note</p>" in html, html
    # The note's text is all there, to read (a fence's markers are markup).
    visible = html.replace("&lt;", "<").replace("&gt;", ">")
    for line in opening.split("\n"):
        assert line == "```" or line.strip() in visible, line


def test_html_a_note_closes_itself_stays_html(stores: tuple[Store, Store]) -> None:
    store, _ = stores
    feed_id = build_articles(store)
    store.add_note(article_id(store, feed_id, "k1"), "<pre>\ncode\n</pre>")
    doc = notes_markdown(store, exported="2026-04-01T00:00:00Z")
    assert "\n<pre>\ncode\n</pre>\n" in doc
    html = MarkdownIt("commonmark").render(doc.split("\n---\n", 1)[1])
    assert "<pre>\ncode\n</pre>" in html and html.count("<h1>Story k") == 1


def test_markdown_file_names_are_safe() -> None:
    assert markdown_file_name("../../etc/passwd", 3) == "etc-passwd-3.md"
    assert markdown_file_name("", 4) == "article-4.md"
    assert markdown_file_name("CON", 5) == "con-5.md"
    assert markdown_file_name("Ünïcode: ok?" + "x" * 200, 6).startswith("ünïcode-ok-x")
    assert len(markdown_file_name("y" * 500, 7)) < 80


# -- the console script --------------------------------------------------------------


def _cli(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=60)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def test_round_trip_through_the_command_line(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    annotate(a, build_articles(a))
    feed_b = build_articles(b)
    write(b, feed_b, record("k2", REWRITTEN))
    expected = {x.uid: comparable(x) for x in a.annotations()}
    a.close()
    b.close()
    env_a = {**os.environ, "READER_DB": str(tmp_path / "a.db")}
    env_b = {**os.environ, "READER_DB": str(tmp_path / "b.db")}
    out = tmp_path / "f.json"
    done = _cli(env_a, "export", "notes", "--format", "json", "--out", str(out))
    assert "wrote 6 annotations" in done.stderr
    assert json.loads(out.read_text())["type"] == "AnnotationCollection"
    done = _cli(env_b, "import", str(out))
    assert "6 annotations added, 0 updated, 2 article tags added" in done.stdout
    again = _cli(env_b, "import", str(out))
    assert "0 annotations added, 0 updated, 0 article tags added" in again.stdout
    listed = json.loads(_cli(env_b, "annotations", "--json").stdout)
    assert {x["uid"] for x in listed} == set(expected)
    b = Store(tmp_path / "b.db")
    assert {x.uid: comparable(x) for x in b.annotations()} == expected
    b.close()

    # Markdown to standard output and to a folder of files.
    markdown = _cli(env_a, "export", "notes").stdout
    assert markdown.startswith("---\n") and "> open-weight model" in markdown
    folder = tmp_path / "vault"
    _cli(env_a, "export", "notes", "--format", "markdown", "--out", f"{folder}/")
    assert sorted(p.name.rsplit("-", 1)[0] for p in folder.iterdir()) == ["story-k1", "story-k2"]


def test_import_dispatches_on_the_file_and_explains_bad_ones(tmp_path: Path) -> None:
    env = {**os.environ, "READER_DB": str(tmp_path / "c.db")}
    opml = tmp_path / "subs"  # no extension: told apart by content
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="x" xmlUrl="https://x.example/feed"/></body></opml>'
    )
    assert "1 new feed," in _cli(env, "import", str(opml)).stdout
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    done = _cli(env, "import", str(bad_json), ok=False)
    assert done.returncode == 1 and "not valid JSON" in done.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"hello": 1}')
    done = _cli(env, "import", str(wrong), ok=False)
    assert done.returncode == 1 and "AnnotationCollection" in done.stderr
    neither = tmp_path / "notes.txt"
    neither.write_text("just some text")
    done = _cli(env, "import", str(neither), ok=False)
    assert done.returncode == 1 and "neither an OPML file nor an annotations export" in done.stderr
    unmatched = tmp_path / "lost.json"
    unmatched.write_text(
        json.dumps(
            {
                "type": "AnnotationCollection",
                "items": [
                    {
                        "id": "urn:uuid:lost",
                        "type": "Annotation",
                        "target": {
                            "source": "https://nowhere.example/a",
                            "selector": [{"type": "TextQuoteSelector", "exact": "the lost quote"}],
                        },
                    }
                ],
            }
        )
    )
    done = _cli(env, "import", str(unmatched), ok=False)
    assert "1 unmatched" in done.stdout
    assert "urn:uuid:lost" in done.stderr and "the lost quote" in done.stderr
    # Nothing of the file was restored: a script can tell.
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"reader: nothing was restored from {unmatched}: none of its items is on an article"
        " in this database (subscribe to their feeds and refresh, then import again)"
    )
    done = _cli(env, "export", "notes", "--format", "json", "--out", f"{tmp_path}/dir/", ok=False)
    assert done.returncode == 1 and "give a file for JSON" in done.stderr
