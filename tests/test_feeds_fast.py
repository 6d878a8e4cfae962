"""The fast feed path reads what it accepts exactly as feedparser does, and
declines everything it is not sure about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import feeds, feeds_fast
from reader.core.clock import TIMESTAMP_FORMAT
from reader.core.feeds_fast import parse_plain_feed

URL = "http://example.org/feed.xml"
RSS = {"content-type": "application/rss+xml"}
ATOM = {"content-type": "application/atom+xml"}
NS = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:media="http://search.yahoo.com/mrss/"'
    ' xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
)


def rss(items: str, channel: str = "<title>Site</title><link>http://example.org/</link>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {NS}>'
        f"<channel>{channel}{items}</channel></rss>"
    ).encode()


def both(content: bytes, headers: dict[str, str]) -> tuple[object, object]:
    plain = parse_plain_feed(content, headers)
    fast = feeds._from_plain(plain, URL) if plain is not None else None
    try:
        slow: object = feeds._parse_with_feedparser(content, headers, URL)
    except feeds.NotAFeedError:
        slow = None
    return fast, slow


def atom(entry_link: str, feed_link: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Lab</title>{feed_link}<entry><id>1</id><title>x</title>{entry_link}</entry></feed>"
    ).encode()


ITEM = (
    "<item><title>Chips &amp; models</title><link>http://example.org/a</link>"
    "<guid isPermaLink='false'>a-1</guid><description>&lt;p&gt;Lead&lt;/p&gt;</description>"
    "<author>Ada Lovelace</author><pubDate>Tue, 03 Jun 2025 09:39:21 +0200</pubDate>"
    "<category>AI</category><content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>"
    '<media:content url="http://example.org/x.jpg"/></item>'
)


def test_a_plain_rss_feed_takes_the_fast_path_and_matches_feedparser() -> None:
    content = rss(ITEM * 1 + ITEM.replace("a-1", "a-2"))
    fast, slow = both(content, RSS)
    assert fast is not None
    assert fast == slow
    assert isinstance(fast, feeds.ParsedFeed)
    assert fast.entries[0].published == "2025-06-03T07:39:21Z"
    assert fast.entries[0].title == "Chips & models"


def test_a_plain_atom_feed_takes_the_fast_path_and_matches_feedparser() -> None:
    entry = (
        "<entry><id>tag:example.org,2025:1</id><title type='html'>A &amp;lt;b&amp;gt;</title>"
        "<link href='http://example.org/1'/><link rel='enclosure' href='http://example.org/1.mp3'/>"
        "<author><name>Grace Hopper</name></author><updated>2025-06-03T09:39:21-05:00</updated>"
        "<summary>Short</summary><content type='html'>&lt;p&gt;Long&lt;/p&gt;</content></entry>"
    )
    content = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Lab</title><link rel='self' href='http://example.org/feed'/>"
        f"<link href='http://example.org/'/>{entry}</feed>"
    ).encode()
    fast, slow = both(content, ATOM)
    assert fast is not None
    assert fast == slow


@pytest.mark.parametrize(
    "content",
    [
        # a DTD, another encoding, xml:base, an extension that sets the author,
        # an e-mail author, a date feedparser reads its own way, XHTML content
        rss(ITEM).replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY x "y">]><rss', 1),
        rss(ITEM).replace(b"utf-8", b"iso-8859-1", 1),
        rss(ITEM).replace(b"<channel>", b'<channel xml:base="http://other.example/">'),
        rss(ITEM.replace("<category>AI</category>", "<itunes:author>Bob</itunes:author>")),
        rss(ITEM.replace("Ada Lovelace", "ada@example.org (Ada)")),
        rss(ITEM.replace("Tue, 03 Jun 2025 09:39:21 +0200", "03/06/2025")),
        rss(ITEM.replace("<link>http://example.org/a</link>", "")),
        # digits other than ASCII ones, which the timestamp must not carry
        rss(
            ITEM.replace(
                "Tue, 03 Jun 2025 09:39:21 +0200", "Tue, 03 Jun 2025 \u0661\u0662:39:21 GMT"
            )
        ),
        atom("<link href='http://e.org/1'/><updated>2025-06-03T\u0661\u0662:39:21Z</updated>"),
        # text that feedparser would re-decode as UTF-8 (double-encoded)
        rss(ITEM.replace("Chips", "Chips \u00e2\u0080\u0094")),
        # C1 code points, which feedparser turns into Windows-1252 characters
        rss(ITEM.replace("Chips", "Chips &#128;")),
        rss(ITEM.replace("Full text", "Full\u0085text")),
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>'
        b"<link href='http://e.org/1'/><content type='xhtml'><div>x</div></content></entry></feed>",
        # links feedparser does not take as the page (not HTML), resolves (empty)
        # or takes although the fast path would skip them (rel in capitals)
        atom("<link type='application/atom+xml' href='http://e.org/1'/>"),
        atom("<link href=''/>"),
        atom(
            "<link href='http://e.org/1'/>",
            feed_link="<link rel='Alternate' href='http://e.org/'/>",
        ),
        # entries (and a title) feedparser finds where the fast path does not
        # look: it would lose them
        rss(ITEM + "<Item><title>Second</title><link>http://example.org/b</link></Item>"),
        rss(ITEM + '<x:wrap xmlns:x="http://x.example/"><item/></x:wrap>'),
        rss(ITEM + "<atom:entry/>"),
        rss(ITEM.replace("<category>AI</category>", "<atom:entry/>")),
        rss(ITEM, channel="<Title>Site</Title><link>http://example.org/</link>"),
        # a channel link whose href feedparser takes over its text
        rss(ITEM, channel='<title>Site</title><link href="http://other.example/">x</link>'),
        atom(
            "<link href='http://e.org/1'/>",
            feed_link="<Entry><link href='http://e.org/2'/></Entry>",
        ),
    ],
)
def test_documents_it_is_not_sure_about_go_to_feedparser(content: bytes) -> None:
    assert parse_plain_feed(content, RSS) is None


def test_a_type_feedparser_reads_as_ascii_goes_to_feedparser() -> None:
    assert parse_plain_feed(rss(ITEM), {"content-type": "text/xml"}) is None
    assert parse_plain_feed(rss(ITEM), {"content-type": "text/html"}) is None


# Printable text, and C1 controls: XML allows them and feedparser rewrites them.
TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cs",),
        exclude_characters="\x00\r",
    ).filter(lambda c: c.isprintable() or c in "\n\t" or "\x80" <= c <= "\x9f"),
    max_size=30,
)
DATES = st.sampled_from(
    [
        "Tue, 03 Jun 2025 09:39:21 GMT",
        "3 Jun 2025 09:39 +0530",
        "Sun, 29 Feb 2024 23:59:59 -1200",
        "Mon, 31 Feb 2025 10:00:00 GMT",
        "2025-06-03T09:39:21Z",
        "2025-06-03T09:39:21.123+02:00",
        "yesterday",
    ]
)


# Each makes one optional child of an item from drawn text or dates.
OPTIONAL_ITEM_ELEMENTS: tuple[Callable[[st.DrawFn], str], ...] = (
    lambda draw: f"<title>{escape(draw(TEXT))}</title>",
    lambda draw: f"<guid>{escape(draw(TEXT))}</guid>",
    lambda draw: f"<description>{escape(draw(TEXT))}</description>",
    lambda draw: f"<content:encoded><![CDATA[{draw(TEXT).replace(']]>', '')}]]></content:encoded>",
    lambda draw: f"<dc:creator>{escape(draw(TEXT))}</dc:creator>",
    lambda draw: f"<pubDate>{draw(DATES)}</pubDate>",
    lambda draw: f"<dc:date>{draw(DATES)}</dc:date>",
)


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = []
    for i in range(draw(st.integers(0, 4))):
        parts = [f"<link>http://example.org/{i}{escape(draw(TEXT)).replace(' ', '')}</link>"]
        for element in OPTIONAL_ITEM_ELEMENTS:
            if draw(st.booleans()):
                parts.append(element(draw))
        items.append("<item>" + "".join(draw(st.permutations(parts))) + "</item>")
    channel = f"<title>{escape(draw(TEXT))}</title><link>http://example.org/</link>"
    return rss("".join(items), channel)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rss_documents())
def test_whatever_the_fast_path_accepts_equals_feedparser(content: bytes) -> None:
    fast, slow = both(content, RSS)
    if fast is not None:
        assert fast == slow


@settings(max_examples=300, deadline=None)
@given(
    when=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 31)),
    offset_minutes=st.sampled_from([0, 0, 60, -330, 345, 14 * 60, -12 * 60]),
    seconds=st.booleans(),
)
def test_dates_are_written_in_the_timestamp_format(
    when: datetime, offset_minutes: int, seconds: bool
) -> None:
    # The fast path writes a date's fields itself rather than through strftime.
    sign = "-" if offset_minutes < 0 else "+"
    zone = f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"
    written = when.strftime("%Y-%m-%dT%H:%M" + (":%S" if seconds else "")) + zone
    utc = when.replace(second=when.second if seconds else 0, microsecond=0) - timedelta(
        minutes=offset_minutes
    )
    assert feeds_fast._w3cdtf(written) == utc.strftime(TIMESTAMP_FORMAT)
