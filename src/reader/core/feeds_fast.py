"""A fast path for the plainest RSS 2.0 and Atom 1.0 documents.

feedparser is a pure-Python SAX parser: on a first refresh it was about 80% of
the workers' CPU (~0.8 ms per item). Most feeds are well-formed UTF-8 RSS 2.0
or Atom 1.0 using a handful of elements, which lxml (C) reads in a fraction of
that time. This module reads exactly those documents and returns the same raw
values feedparser would give; anything it is not sure about (an unknown
element, a DOCTYPE, another encoding, xml:base, a date of another form, XHTML
content, an author with an e-mail address...) makes it answer ``None``, and the
caller uses feedparser. ``bench/feed_parser_diff.py`` checks over thousands of
real and broken feeds that every document it accepts gives a result equal to
feedparser's, and the tests do the same on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reader.core import feed_dates

RSS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
ATOM = "http://www.w3.org/2005/Atom"

# Response types under which feedparser reads the document as the XML
# declaration says (text/xml without a charset means US-ASCII to it).
_XML_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml")

# RSS item children whose presence cannot change the fields we read.
_RSS_ITEM_IGNORED = frozenset({"category", "comments", "enclosure"})
# Local names that feedparser maps onto a field we read, in whatever namespace
# (dc:title, media:title, itunes:summary, atom:updated...). An extension
# element named otherwise, with no such descendant, is ignored.
_MEDIA = "http://search.yahoo.com/mrss/"
# Media RSS's content and thumbnail go to feedparser's media_* keys, not to the
# entry's content.
_MEDIA_ATTACHMENTS = frozenset({f"{{{_MEDIA}}}content", f"{{{_MEDIA}}}thumbnail"})
_FIELD_NAMES = frozenset(
    "title link id guid author creator contributor name email description summary subtitle"
    " content encoded date published pubDate updated modified issued created source"
    " origLink".split()
)
_RSS_ITEM_READ = frozenset(
    {"title", "link", "guid", "description", "pubDate", "author"}
    | {f"{{{RSS_CONTENT}}}encoded", f"{{{DC}}}creator", f"{{{DC}}}date"}
)
_ATOM_ENTRY_READ = frozenset(
    f"{{{ATOM}}}{name}"
    for name in ("id", "title", "link", "author", "published", "updated", "summary", "content")
)
_ATOM_ENTRY_IGNORED = frozenset({f"{{{ATOM}}}category"})
# Feed-level elements that cannot set a field we read. feedparser lower-cases
# element names, so only these exact spellings are passed over: "<Title>" or
# "<ITEM>" under the channel is its title or an entry to feedparser.
_RSS_CHANNEL_IGNORED = frozenset(
    "description language copyright managingEditor webMaster pubDate lastBuildDate category"
    " generator docs cloud ttl image rating textInput skipHours skipDays".split()
)
_ATOM_FEED_IGNORED = frozenset(
    f"{{{ATOM}}}{name}"
    for name in "author category contributor generator icon id logo rights subtitle updated".split()
)
# Local names that make an entry in feedparser, in any namespace and case.
_ENTRY_NAMES = frozenset({"item", "entry"})

_LATIN1_ONLY = re.compile(r"[\x00-\xff]*")
# feedparser maps these C1 code points to the Windows-1252 characters they
# stand for in mis-encoded feeds (U+0080 -> "€", U+0085 -> "…"), in every text.
_C1 = re.compile(r"[\x80-\x9f]")
# Any character str.isspace() takes for white space (re's \s is the same test
# on str patterns), found in one scan instead of a generator over characters.
_WHITESPACE = re.compile(r"\s")


class Declined(Exception):
    """The document is outside what this module reads exactly like feedparser."""


@dataclass(frozen=True, slots=True)
class RawEntry:
    """An entry's values as the feed states them (as feedparser would report
    them): what every way of reading a feed hands feeds._make_entry, and the
    first fields of the ParsedEntry it makes (declared once, here)."""

    guid: str
    url: str
    title: str
    author: str
    published: str | None
    updated: str | None
    summary_html: str
    content_html: str


@dataclass(frozen=True, slots=True)
class RawFeed:
    title: str
    link: str
    entries: tuple[RawEntry, ...]


def parse_plain_feed(content: bytes, headers: Mapping[str, str]) -> RawFeed | None:
    """The feed's raw values, or None when feedparser must read it."""
    try:
        return _parse(content, headers)
    except Declined:
        return None


def _parse(content: bytes, headers: Mapping[str, str]) -> RawFeed:
    content_type = headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media not in _XML_TYPES:
        raise Declined
    head = content[:512]
    if not head.startswith(b"<?xml ") or b"<!DOCTYPE" in content[:4096].upper():
        raise Declined  # no declaration (feedparser sniffs the encoding), or a DTD
    declaration = head.split(b"?>", 1)[0].lower()
    if b"encoding" in declaration and not re.search(rb"encoding=[\"']utf-8[\"']", declaration):
        raise Declined
    if "charset" in content_type.lower() and "utf-8" not in content_type.lower():
        raise Declined
    import lxml.etree

    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = lxml.etree.fromstring(content, parser)
    except (lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise Declined from exc
    if root.tag == "rss" and root.get("version") == "2.0" and not set(root.attrib) - {"version"}:
        return _rss(root)
    if root.tag == f"{{{ATOM}}}feed":
        return _atom(root)
    raise Declined


def _plain_tree(root: Any, parent: Any, tag: str) -> None:
    """Declined for a comment or processing instruction, an xml:base, or an
    element feedparser takes as an entry that is not a `tag` child of `parent`,
    the only ones this module reads: one elsewhere (inside an extension, an
    Atom entry in an RSS channel) would be an entry lost. (One walk over the
    tree for all three: a feed item is a dozen elements, each visited once.)"""
    for node in root.iter():
        name = node.tag
        if not isinstance(name, str):  # a comment or processing instruction
            raise Declined
        if node.get(_XML_BASE) is not None:
            raise Declined
        if _local_name(name) in _ENTRY_NAMES and not (name == tag and node.getparent() is parent):
            raise Declined


_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@lru_cache(maxsize=256)
def _local_name(tag: str) -> str:
    """The element's name without its namespace, in lower case."""
    return tag.rsplit("}", 1)[-1].lower()


def _text(element: Any) -> str:
    """An element's text with no child elements (mixed content is feedparser's)."""
    if len(element):
        raise Declined
    value = (element.text or "").strip()
    if value.isascii():
        return value  # (no C1 control, nothing to re-decode)
    if _C1.search(value):
        raise Declined
    if _LATIN1_ONLY.fullmatch(value):
        # feedparser re-decodes such text as UTF-8 when it can (a repair of
        # double-encoded feeds); where that would succeed, it is its call.
        try:
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return value
        raise Declined
    return value


def _plain(value: str) -> str:
    # feedparser decides by looks whether a text field is HTML and may rewrite
    # it; one without a carriage return it passes through as is.
    if "\r" in value:
        raise Declined
    return value


def _harmless(element: Any) -> bool:
    """An extension element that cannot set a field we read."""
    for node in element.iter():
        if not isinstance(node.tag, str):
            return False
        if node.tag in _MEDIA_ATTACHMENTS:
            continue
        if not node.tag.startswith("{"):
            return False  # un-namespaced inside an extension: feedparser may map it
        if node.tag.rpartition("}")[2] in _FIELD_NAMES:  # the local name
            return False
    return True


def _children(element: Any, read: frozenset[str], ignored: frozenset[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if tag in ignored or (tag not in read and _harmless(child)):
            continue
        if (
            tag not in read
            or tag in found
            or (child.attrib and set(child.attrib) - {"isPermaLink"})
        ):
            raise Declined(tag)
        found[tag] = child
    return found


def _rss(root: Any) -> RawFeed:
    if len(root) != 1 or root[0].tag != "channel" or root[0].attrib:
        raise Declined
    channel = root[0]
    _plain_tree(root, channel, "item")
    title = link = None
    items = []
    for child in channel:
        tag = child.tag
        if tag == "item":
            items.append(child)
        elif tag == "title":
            if title is not None:
                raise Declined
            title = _plain(_text(child))
        elif tag == "link":
            if link is not None or child.attrib:
                raise Declined  # (feedparser takes an href over the text)
            link = _link(_text(child))
        elif tag == f"{{{ATOM}}}link" and child.get("rel") in ("self", "hub", "next"):
            continue
        elif tag.startswith("{"):
            # Namespaced elements (atom:link, itunes:*) and nested titles can
            # set the feed's title or link in feedparser.
            if not _harmless(child):
                raise Declined(tag)
        elif tag not in _RSS_CHANNEL_IGNORED:
            raise Declined(tag)
    return RawFeed(title or "", link or "", tuple(_rss_item(item) for item in items))


def _rss_item(item: Any) -> RawEntry:
    if item.attrib:
        raise Declined
    fields = _children(item, _RSS_ITEM_READ, _RSS_ITEM_IGNORED)
    link = fields.get("link")
    if link is None or "isPermaLink" in link.attrib:
        raise Declined  # feedparser may take the guid as the link
    guid = fields.get("guid")
    author = fields.get("author")
    creator = fields.get(f"{{{DC}}}creator")
    if author is not None and creator is not None:
        raise Declined
    writer = author if author is not None else creator
    by = _plain(_text(writer)) if writer is not None else ""
    if "@" in by or "(" in by:
        raise Declined  # feedparser splits e-mail addresses out of names
    pub = fields.get("pubDate")
    dc_date = fields.get(f"{{{DC}}}date")
    published = _rfc822(_text(pub)) if pub is not None else None
    updated = _w3cdtf(_text(dc_date)) if dc_date is not None else None
    description = fields.get("description")
    encoded = fields.get(f"{{{RSS_CONTENT}}}encoded")
    summary = _text(description) if description is not None else ""
    content = _text(encoded) if encoded is not None else ""
    if description is None and encoded is not None:
        summary = content  # feedparser fills the summary from the content
    return RawEntry(
        guid=_text(guid) if guid is not None else "",
        url=_link(_text(link)),
        title=_plain(_text(fields["title"])) if "title" in fields else "",
        author=by,
        published=published,
        updated=updated,
        summary_html=summary,
        content_html=content,
    )


def _atom(root: Any) -> RawFeed:
    _plain_tree(root, root, f"{{{ATOM}}}entry")
    title = link = None
    entries = []
    for child in root:
        tag = child.tag
        if tag == f"{{{ATOM}}}entry":
            entries.append(child)
        elif tag == f"{{{ATOM}}}title":
            if title is not None:
                raise Declined
            title = _atom_text(child)
        elif tag == f"{{{ATOM}}}link":
            href = _atom_link(child)
            if href is not None:
                if link is not None:
                    raise Declined
                link = href
        elif tag not in _ATOM_FEED_IGNORED:
            raise Declined
    return RawFeed(title or "", link or "", tuple(_atom_entry(e) for e in entries))


def _atom_text(element: Any) -> str:
    kind = element.get("type", "text")
    if kind not in ("text", "html") or set(element.attrib) - {"type"}:
        raise Declined
    value = _text(element)
    return _plain(value) if kind == "text" else value


def _atom_entry(entry: Any) -> RawEntry:
    fields: dict[str, Any] = {}
    link = None
    for child in entry:
        tag = child.tag
        if tag == f"{{{ATOM}}}link":
            href = _atom_link(child)
            if href is None:
                continue
            if link is not None:
                raise Declined
            link = href
            continue
        if tag in _ATOM_ENTRY_IGNORED:
            continue
        if tag not in _ATOM_ENTRY_READ or tag in fields:
            raise Declined
        fields[tag] = child
    if link is None:
        raise Declined
    author = ""
    by = fields.get(f"{{{ATOM}}}author")
    if by is not None:
        if len(by) != 1 or by[0].tag != f"{{{ATOM}}}name":
            raise Declined
        author = _plain(_text(by[0]))
    published = fields.get(f"{{{ATOM}}}published")
    updated = fields.get(f"{{{ATOM}}}updated")
    summary = fields.get(f"{{{ATOM}}}summary")
    content = fields.get(f"{{{ATOM}}}content")
    if content is not None and content.get("src") is not None:
        raise Declined
    content_value = _atom_text(content) if content is not None else ""
    summary_value = _atom_text(summary) if summary is not None else ""
    if summary is None and content is not None:
        summary_value = content_value
    title = fields.get(f"{{{ATOM}}}title")
    guid = fields.get(f"{{{ATOM}}}id")
    return RawEntry(
        guid=_text(guid) if guid is not None else "",
        url=link,
        title=_atom_text(title) if title is not None else "",
        author=author,
        published=_w3cdtf(_text(published)) if published is not None else None,
        updated=_w3cdtf(_text(updated)) if updated is not None else None,
        summary_html=summary_value,
        content_html=content_value,
    )


def _atom_link(element: Any) -> str | None:
    """The href of an alternate HTML link, None for a link of another kind.

    feedparser compares rel and type case-insensitively, takes an alternate
    link as the page only when its type is HTML, reads a missing href from the
    element's text and resolves an empty one against the feed's URL."""
    rel = element.get("rel", "alternate")
    if rel != "alternate":
        if rel.strip().lower() == "alternate":
            raise Declined
        return None
    href = element.get("href")
    if not href or element.get("type", "text/html") != "text/html":
        raise Declined
    return _link(href)


def _link(value: str) -> str:
    # feedparser drops or keeps whitespace inside a URL by rules of its own.
    if _WHITESPACE.search(value):
        raise Declined
    return value


def _rfc822(value: str) -> str | None:
    try:
        return feed_dates.rfc822(value)
    except feed_dates.NotStandard as exc:
        raise Declined from exc


def _w3cdtf(value: str) -> str | None:
    try:
        return feed_dates.w3cdtf(value)
    except feed_dates.NotStandard as exc:
        raise Declined from exc
