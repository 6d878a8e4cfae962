"""OPML subscription lists in and out.

Folders (outlines that hold outlines) become feed tags, and so does a
`category` attribute, so an export followed by an import keeps both.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reader.core.models import Feed
from reader.core.textnorm import normalize_line


class OpmlError(ValueError):
    """The file is not readable OPML."""


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
        return (*folders, title) if title else folders
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
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.title or feed.url, "xmlUrl": feed.url}
        if feed.title:
            attrs["title"] = feed.title
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
