"""Feed parsing on bytes: RSS, Atom, JSON Feed, identity, discovery, untrusted text."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import feeds, textnorm
from reader.core.feeds import NotAFeedError, find_feed_links, parse_feed
from reader.core.textnorm import normalize_line, normalize_text

BASE = "https://news.example/feed"

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Lab \xe2\x80\x94 news</title>
  <link rel="alternate" href="/"/>
  <entry>
    <id>tag:news.example,2026:1</id>
    <title>Launch &amp; more</title>
    <link rel="alternate" href="/posts/1"/>
    <author><name>Ada Lovelace</name></author>
    <updated>2026-03-01T12:00:00+02:00</updated>
    <content type="html">&lt;p&gt;First paragraph.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</content>
  </entry>
</feed>"""


def test_atom_entry_fields_are_normalised() -> None:
    feed = parse_feed(ATOM, {"content-type": "application/atom+xml"}, BASE)
    assert (feed.title, feed.site_url) == ("Lab — news", "https://news.example/")
    [entry] = feed.entries
    assert entry.key == "guid:tag:news.example,2026:1"
    assert entry.url == "https://news.example/posts/1"
    assert entry.title == "Launch & more"
    assert entry.author == "Ada Lovelace"
    assert entry.published == "2026-03-01T10:00:00Z"
    assert entry.feed_text == "First paragraph.\n\nSecond."


def test_identity_falls_back_to_link_then_to_title_and_date() -> None:
    doc = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>A</title><link>https://x.example/a</link></item>
      <item><title>A again</title><link>https://x.example/a</link></item>
      <item><title>No link</title><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item>
    </channel></rss>"""
    feed = parse_feed(doc, {}, BASE)
    keys = [e.key for e in feed.entries]
    assert keys[0] == "link:https://x.example/a"
    assert keys[1].startswith("hash:")
    assert feed.duplicates == 1
    # Parsing the same bytes twice gives the same identities and hashes.
    again = parse_feed(doc, {}, BASE)
    assert [(e.key, e.entry_hash) for e in again.entries] == [
        (e.key, e.entry_hash) for e in feed.entries
    ]


def test_json_feed() -> None:
    doc = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON news",
            "home_page_url": "https://j.example/",
            "items": [
                {
                    "id": "1",
                    "url": "https://j.example/1",
                    "title": "One",
                    "content_text": "Plain <b>text</b>",
                    "date_published": "2026-02-03T04:05:06-01:00",
                    "authors": [{"name": "Grace"}],
                },
                {"id": "2", "content_html": "<p>Two</p>"},
                "garbage",
            ],
        }
    ).encode()
    feed = parse_feed(doc, {"content-type": "application/feed+json"}, BASE)
    assert feed.title == "JSON news"
    one, two = feed.entries
    assert (one.title, one.author, one.published) == ("One", "Grace", "2026-02-03T05:05:06Z")
    assert one.feed_text == "Plain <b>text</b>"
    assert two.feed_text == "Two" and two.title == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<!DOCTYPE html><html><body>hello</body></html>", "HTML page"),
        (b'{"not": "a feed"}', "not a JSON Feed"),
        (b"{broken", "invalid JSON"),
        (b"\x00\x01\x02 binary", "not a feed"),
    ],
)
def test_documents_that_are_not_feeds(body: bytes, message: str) -> None:
    with pytest.raises(NotAFeedError, match=message):
        parse_feed(body, {}, BASE)


def test_untrusted_text_is_stripped_of_terminal_controls_but_markup_stays_literal() -> None:
    doc = (
        b"<rss version='2.0'><channel><title>[@click=app.quit]x[/]</title><item>"
        b"<guid>1</guid><title>C++ [/usr/lib] &#x1b;]52;c;SGVsbG8=&#x7; ok</title>"
        b"<description>line&#x1b;[2J one&#13;two</description></item></channel></rss>"
    )
    feed = parse_feed(doc, {}, BASE)
    assert feed.title == "[@click=app.quit]x[/]"
    [entry] = feed.entries
    assert entry.title == "C++ [/usr/lib] ok"
    assert "\x1b" not in entry.feed_text and "[2J" not in entry.feed_text
    assert entry.feed_text == "line one\ntwo"


def test_normalisation_rules() -> None:
    assert normalize_text("e\u0301\r\nx\x00y\u202e") == "\u00e9\nxy"
    assert normalize_text("a\n\n\n\nb") == "a\n\nb"
    assert normalize_line("  many \t spaces\nand lines ") == "many spaces and lines"
    assert normalize_line("\x9b31mred") == "red"
    assert normalize_line("\x1b]0;title without end") == ""


def test_feed_autodiscovery_from_link_elements() -> None:
    page = b"""<html><head><base href="https://site.example/blog/">
      <link rel="stylesheet" href="/s.css">
      <link rel="alternate" type="application/feed+json" href="feed.json">
      <link rel="alternate" type="application/atom+xml" href="atom.xml">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="text/html" href="/fr/"></head><body/></html>"""
    assert find_feed_links(page, "https://site.example/") == [
        "https://site.example/blog/atom.xml",
        "https://site.example/blog/feed.json",
    ]
    assert find_feed_links(b"", "https://site.example/") == []


def test_relative_ids_are_kept_as_written_whatever_url_served_the_feed() -> None:
    doc = b"""<rss version="2.0"><channel><title>t</title>
      <item><guid isPermaLink="false">posts/6d3bf6</guid><title>A</title></item>
    </channel></rss>"""
    first = parse_feed(doc, {}, "https://a.example/v1/feed.xml").entries[0]
    moved = parse_feed(doc, {}, "https://a.example/v2/feed.xml").entries[0]
    assert first.key == moved.key == "guid:posts/6d3bf6"


def test_a_malformed_link_drops_the_link_not_the_feed() -> None:
    doc = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "items": [{"id": "1", "url": "http://[bad", "title": "kept"}],
        }
    ).encode()
    [entry] = parse_feed(doc, {}, BASE).entries
    assert (entry.title, entry.url) == ("kept", "")


URLS = st.one_of(
    # Links as most feeds write them: what the shortcut takes.
    st.from_regex(feeds._PLAIN_URL, fullmatch=True),
    # And close to them: other schemes and cases, queries, params, fragments,
    # brackets, spaces, relative links.
    st.text(alphabet="hHtTpPsS:/.?#;[]@%-_ \t\nAa0:", max_size=24),
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                ["http", "HTTPS", "://", "//", "/", "a.b", ":80", ":", "?", "#", ";p", "..", "x y"]
            ),
            max_size=6,
        ),
    ),
)


@settings(max_examples=400, deadline=None)
@given(value=URLS, base=st.sampled_from([BASE, "http://a.example/b/c?q#f", "ftp://x/"]))
def test_a_link_taken_as_written_is_what_resolving_it_gives(value: str, base: str) -> None:
    # _clean_url returns links of the plainest shape as they are: resolving
    # (urljoin, from any base) must give exactly the same.
    assert feeds._clean_url(value, base) == (
        feeds._joined_url(value, base) if value.strip() else ""
    )


SPACES_AND_CONTROLS = st.text(
    alphabet=st.sampled_from(list("ab é \t\n\r\x00\x1b[2J\x85\x9b\u00a0\u2003\u202e\u3000.")),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(SPACES_AND_CONTROLS)
def test_text_normalisation_shortcuts_change_nothing(value: str) -> None:
    # strip_controls and normalize_text skip their substitutions when a quick
    # test says nothing would change: the substitutions run on everything
    # give the same text.
    stripped = textnorm._CONTROL.sub(
        "", textnorm._ESCAPE_SEQUENCE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    )
    if textnorm._CONTROL.search(value) is None:
        stripped = value
    assert textnorm.strip_controls(value) == stripped
    nfc = unicodedata.normalize("NFC", stripped)
    lines = "\n".join(textnorm._SPACES.sub(" ", line).strip() for line in nfc.split("\n"))
    assert normalize_text(value) == textnorm._BLANK_LINES.sub("\n\n", lines).strip()
