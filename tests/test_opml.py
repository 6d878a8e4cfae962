from __future__ import annotations

import pytest

from reader.core.models import Feed
from reader.core.opml import MAX_FOLDER_TAGS, OpmlError, parse_opml, write_opml


def feed(url: str, title: str = "", tags: tuple[str, ...] = ()) -> Feed:
    return Feed(
        id=1,
        url=url,
        title=title,
        site_url="",
        articles=0,
        unread=0,
        added_at="",
        last_fetched=None,
        last_updated=None,
        last_error=None,
        last_warning=None,
        error_count=0,
        next_fetch_after=None,
        tags=tags,
    )


def test_nested_folders_become_tags_and_duplicates_merge() -> None:
    data = b"""<opml version="1.0"><body>
      <outline title="Tech"><outline title="AI">
        <outline text="A &amp; B" xmlUrl="https://a.example/rss"/></outline></outline>
      <outline text="A again" xmlUrl="https://a.example/rss" category="/news,ai"/>
    </body></opml>"""
    [only] = parse_opml(data)
    assert only.url == "https://a.example/rss"
    assert only.title == "A & B"
    assert only.tags == ("Tech", "AI", "news", "ai")


def test_round_trip_keeps_urls_titles_and_tags() -> None:
    feeds = [
        feed("https://a.example/rss", 'A <&> "B"', ("ai", "labs")),
        feed("https://b.example/atom"),
    ]
    parsed = parse_opml(write_opml(feeds).encode())
    assert [(p.url, p.title, p.tags) for p in parsed] == [
        ("https://a.example/rss", 'A <&> "B"', ("ai", "labs")),
        ("https://b.example/atom", "", ()),
    ]


def test_characters_xml_forbids_never_reach_the_file() -> None:
    """A title stored by an older version with U+FFFE (from a JSON Feed) made a
    backup that no XML parser reads: every subscription in it was lost."""
    hostile = "News \ufffe\uffff\x00\x1b\ud800 feed"
    feeds = [feed("https://a.example/rss", hostile, ("a\ufffeb",)), feed("https://b.example/f")]
    parsed = parse_opml(write_opml(feeds).encode())
    assert [(p.url, p.title, p.tags) for p in parsed] == [
        ("https://a.example/rss", "News feed", ("ab",)),
        ("https://b.example/f", "", ()),
    ]


@pytest.mark.parametrize("data", [b"", b"<html/>", b"<opml><head/></opml>", b"<opml"])
def test_broken_opml_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


def test_entity_expansion_bombs_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">
      <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
      <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
      <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
      <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
      ]><opml><body><outline text="&i;" xmlUrl="https://x.example/"/></body></opml>"""
    with pytest.raises(OpmlError):
        parse_opml(bomb)


def test_only_the_outer_folder_levels_become_tags() -> None:
    # Each level used to copy every folder above it: 40,000 levels, 44 s.
    depth = 2_000
    data = (
        "<opml><body>"
        + "".join(f'<outline text="f{i}">' for i in range(depth))
        + '<outline xmlUrl="https://example.org/feed"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    [feed] = parse_opml(data)
    assert feed.tags == tuple(f"f{i}" for i in range(MAX_FOLDER_TAGS))
