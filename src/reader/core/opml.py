"""OPML subscription lists in and out.

Folders (outlines that hold outlines) become feed tags, and so does a
`category` attribute, so an export followed by an import keeps both. Only the
first MAX_FOLDER_TAGS folder levels do: each level copied the list of folders
above it, so a file nested 40,000 deep (700 KB) took 44 s and gigabytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reader.core.models import Feed
from reader.core.textnorm import normalize_line


class OpmlError(ValueError):
    """The file is not readable OPML."""


MAX_FOLDER_TAGS = 32

# What XML 1.0 does not allow in a document (ElementTree writes it as given,
# and the parser then refuses the whole file): C0 controls but tab, newline and
# carriage return, lone surrogates, U+FFFE and U+FFFF. Stored text is cleaned
# of them (textnorm); a database written before that may still hold one.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str
    tags: tuple[str, ...]


def parse_opml(data: bytes) -> list[OpmlFeed]:
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as exc:
        raise OpmlError(f"not valid OPML: {exc}") from exc
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML: the root element is <{root.tag}>")
    body = root.find("body")
    if body is None:
        raise OpmlError("OPML has no <body>")
    found: dict[str, OpmlFeed] = {}
    # Depth first with an explicit stack, in document order: a file nested
    # thousands of folders deep is read, not a RecursionError.
    stack: list[tuple[Iterator[ET.Element], tuple[str, ...]]] = [
        (iter(body.findall("outline")), ())
    ]
    while stack:
        outlines, folders = stack[-1]
        outline = next(outlines, None)
        if outline is None:
            stack.pop()
            continue
        inner = _add_feed(outline, folders, found)
        if inner is not None:
            stack.append((iter(outline.findall("outline")), inner))
    return list(found.values())


def _add_feed(
    outline: ET.Element, folders: tuple[str, ...], found: dict[str, OpmlFeed]
) -> tuple[str, ...] | None:
    """Record the feed an outline names; for a folder, the folders its children are in."""
    attrs = {k.lower(): v for k, v in outline.attrib.items()}
    title = normalize_line(attrs.get("title") or attrs.get("text"))
    url = (attrs.get("xmlurl") or "").strip()
    if not url:
        return (*folders, title) if title and len(folders) < MAX_FOLDER_TAGS else folders
    if title == url:  # exporters put the URL in text when there is no title
        title = ""
    categories = [normalize_line(c).strip("/") for c in attrs.get("category", "").split(",")]
    tags = tuple(dict.fromkeys(t for t in (*folders, *categories) if t))
    if url in found:
        tags = tuple(dict.fromkeys((*found[url].tags, *tags)))
        title = found[url].title or title
    found[url] = OpmlFeed(url=url, title=title, tags=tags)
    return None


def write_opml(feeds: Iterable[Feed], *, title: str = "reader subscriptions") -> str:
    """The feeds as an OPML document that parse_opml reads back whole."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        feed_title = _xml_text(feed.title)
        url = _xml_text(feed.url)
        attrs = {"type": "rss", "text": feed_title or url, "xmlUrl": url}
        if feed_title:
            attrs["title"] = feed_title
        if feed.site_url:
            attrs["htmlUrl"] = _xml_text(feed.site_url)
        if feed.tags:
            attrs["category"] = _xml_text(",".join(feed.tags))
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_text(value: str) -> str:
    """`value` without the characters an XML 1.0 file cannot hold."""
    return _NOT_XML.sub("", value)
