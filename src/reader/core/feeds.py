"""Feed documents (RSS, Atom, RDF, JSON Feed) from bytes to frozen dataclasses.

feedparser is only ever given bytes we fetched, with the response headers:
given a string it would open local paths and file:// URLs (FINDINGS.md).
Everything returned is normalised text (see textnorm), ready to store.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from reader.core import feed_dates
from reader.core.extract import html_to_text
from reader.core.feeds_fast import RawEntry, RawFeed, parse_plain_feed
from reader.core.pickling import as_tuple
from reader.core.textnorm import normalize_line, strip_controls

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


class NotAFeedError(ValueError):
    """The document is not a feed (an HTML page, an empty body, garbage)."""


@dataclass(frozen=True, slots=True)
class ParsedEntry(RawEntry):
    """An entry as the refresh uses it: the feed's values (RawEntry) cleaned
    (published is ISO 8601, UTC), with what is made from them."""

    key: str  # identity within the feed: guid, else link, else hash of title and date
    feed_text: str  # readable text of the feed's own content (or summary)
    entry_hash: str  # changes when anything we store from the feed changes

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    site_url: str
    entries: tuple[ParsedEntry, ...]
    warning: str | None  # feedparser's bozo message for a usable but broken feed
    duplicates: int  # entries dropped because their identity repeated

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


def parse_feed(content: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse a fetched feed document. Raises NotAFeedError when it is not one."""
    if not content.strip():
        raise NotAFeedError("empty response body")
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        content_type in ("application/feed+json", "application/json")
        or content.lstrip()[:1] == b"{"
    ):
        return _parse_json_feed(content, url)
    return _parse_xml_feed(content, headers, url)


def _parse_xml_feed(content: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    plain = parse_plain_feed(content, headers)
    if plain is not None:
        return _from_plain(plain, url)
    return _parse_with_feedparser(content, headers, url)


def _from_plain(feed: RawFeed, url: str) -> ParsedFeed:
    """A document the fast path read: the same values feedparser gives, finished
    the same way."""
    entries = [
        _make_entry(e, url=_clean_url(e.url, url), published=e.published or e.updated)
        for e in feed.entries
    ]
    unique, duplicates = _dedupe(entries)
    return ParsedFeed(
        title=normalize_line(feed.title),
        site_url=_clean_url(feed.link, url),
        entries=unique,
        warning=None,
        duplicates=duplicates,
    )


def _parse_with_feedparser(content: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    import feedparser
    import feedparser.mixin

    # An entry's id is its identity and is kept as written. feedparser would
    # resolve a relative one (Atom <id>, RSS <guid>) against the URL the feed
    # came from, so the same entry got a new key whenever that URL changed (a
    # temporary redirect elsewhere) and was stored twice. Links still resolve.
    mixin = getattr(feedparser.mixin, "_FeedParserMixin", None)
    if mixin is not None:
        mixin.can_be_relative_uri = mixin.can_be_relative_uri - {"id"}

    response_headers = dict(headers)
    response_headers.setdefault("content-location", url)
    # Feed HTML is only ever turned into plain text here (extract.html_to_text
    # keeps text, drops scripts and styles), never rendered as HTML, so
    # feedparser's own HTML sanitiser and link rewriting in content are not
    # needed; on full-text feeds they were two thirds of the parse time.
    # summary_html and content_html are therefore stored as the feed sent them.
    parsed = feedparser.parse(
        content,
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    warning = None
    if parsed.get("bozo"):
        warning = normalize_line(str(parsed.get("bozo_exception") or "malformed feed"))
    if not parsed.get("version") and not parsed.entries:
        if _looks_like_html(content):
            raise NotAFeedError("this is an HTML page, not a feed")
        raise NotAFeedError(f"not a feed: {warning or 'no feed elements found'}")
    feed = parsed.get("feed", {})
    entries = [_entry_from_feedparser(entry, url) for entry in parsed.entries]
    unique, duplicates = _dedupe(entries)
    return ParsedFeed(
        title=normalize_line(feed.get("title")),
        site_url=_clean_url(feed.get("link"), url),
        entries=unique,
        warning=warning,
        duplicates=duplicates,
    )


def _entry_from_feedparser(entry: Any, base: str) -> ParsedEntry:
    contents = entry.get("content") or []
    content_html = max((c.get("value") or "" for c in contents), key=len, default="")
    summary_html = entry.get("summary") or ""
    author = entry.get("author") or ""
    if not author and entry.get("authors"):
        author = ", ".join(a.get("name", "") for a in entry["authors"] if a.get("name"))
    return _make_entry(
        RawEntry(
            guid=entry.get("id") or "",
            url=_clean_url(entry.get("link"), base),
            title=entry.get("title") or "",
            author=author,
            published=_date(entry, "published") or _date(entry, "updated"),
            updated=_date(entry, "updated"),
            summary_html=summary_html,
            content_html=content_html,
        )
    )


def _raw(entry: Any, key: str) -> Any:
    # dict.get bypasses feedparser's deprecated updated→published aliasing,
    # which would report a publication date as an update.
    return dict.get(entry, key)


def _date(entry: Any, key: str) -> str | None:
    """The entry's date `key` under the one rule (feed_dates): its text as the
    feed wrote it, read by feedparser when it is of a form read there."""
    parsed = _raw(entry, key + "_parsed")

    def as_feedparser_read(_: str) -> datetime | None:
        if not parsed:
            return None
        year, month, day, hour, minute, second = parsed[:6]
        try:  # (feedparser's fields are in UTC already)
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (ValueError, TypeError):
            return None

    text = _raw(entry, key)
    return feed_dates.read(text if isinstance(text, str) else "", as_feedparser_read)


def _parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise NotAFeedError(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise NotAFeedError("JSON document is not a JSON Feed")
    items = data.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = ", ".join(
            name
            for name in (_string(a.get("name")) for a in _list(authors) if isinstance(a, dict))
            if name
        )
        modified = item.get("date_modified")
        entries.append(
            _make_entry(
                RawEntry(
                    # The spec's own rule for an id of another type: coerced to text.
                    guid=str(item.get("id") or ""),
                    url=_clean_url(
                        _string(item.get("url")) or _string(item.get("external_url")), url
                    ),
                    title=_string(item.get("title")),
                    author=author,
                    published=_iso_text(item.get("date_published")) or _iso_text(modified),
                    updated=_iso_text(modified),
                    summary_html=_text_or_html(item.get("summary")),
                    content_html=_string(item.get("content_html"))
                    or _text_or_html(item.get("content_text")),
                )
            )
        )
    unique, duplicates = _dedupe(entries)
    return ParsedFeed(
        title=normalize_line(_string(data.get("title"))),
        site_url=_clean_url(data.get("home_page_url"), url),
        entries=unique,
        warning=None,
        duplicates=duplicates,
    )


def _make_entry(
    raw: RawEntry, *, url: str | None = None, published: str | None = None
) -> ParsedEntry:
    """The entry cleaned (terminal controls out, names on one line), with its
    identity, text and hash. `url` and `published`, given, stand for the raw
    entry's (the fast path's finished values, without a copy of the entry)."""
    url = raw.url if url is None else url
    published = raw.published if published is None else published
    updated = raw.updated
    guid = normalize_line(raw.guid)
    title = normalize_line(raw.title)
    summary_html = strip_controls(raw.summary_html)
    content_html = strip_controls(raw.content_html)
    if guid:
        key = "guid:" + guid
    elif url:
        key = "link:" + url
    else:
        # Title and date, so an edited summary updates the entry instead of
        # adding a copy; the summary only when there is neither.
        text_only = "" if title or published else summary_html
        key = "hash:" + _digest(title, published or "", text_only)
    return ParsedEntry(
        key=key,
        guid=guid,
        url=url,
        title=title,
        author=normalize_line(raw.author),
        published=published,
        updated=updated,
        summary_html=summary_html,
        content_html=content_html,
        feed_text=html_to_text(content_html or summary_html),
        entry_hash=_digest(
            title, url, raw.author, published or "", updated or "", summary_html, content_html
        ),
    )


def _dedupe(entries: list[ParsedEntry]) -> tuple[tuple[ParsedEntry, ...], int]:
    """Keep the first entry of each identity (feeds list the newest first)."""
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            unique.append(entry)
    return tuple(unique), len(entries) - len(unique)


def _digest(*parts: str) -> str:
    """SHA-1 of the parts, each followed by a NUL byte (one string encoded and
    hashed at once: the same bytes as part by part, a fifth of the calls)."""
    joined = "\x00".join(parts) + "\x00"
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def _iso_text(value: Any) -> str | None:
    """A JSON Feed date (RFC 3339) under the one rule (feed_dates); other ISO
    forms ("2024-06-01", no zone: UTC) as fromisoformat reads them."""
    if not isinstance(value, str) or not value:
        return None
    return feed_dates.read(value.strip(), _from_iso)


def _from_iso(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _string(value: Any) -> str:
    """A JSON Feed text field: a string, else nothing. The spec types them all
    as strings; a list or a number was stored as its Python repr (`['x']`)."""
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text_or_html(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    from html import escape

    return escape(value)


# An absolute http(s) URL that urljoin() gives back unchanged whatever the base:
# a lower-case scheme, a host of letters, digits, dots and hyphens, an optional
# port and a path of unreserved characters, without white space or controls
# (normalize_line leaves it alone), params (";"), a query or a fragment
# (urlunparse would drop an empty one). Most entries' links are such; for them
# urljoin's two parses were a tenth of the fast path's time per item.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~!$&'()*+,=:@%/-]*)?")


def _clean_url(value: Any, base: str) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    if _PLAIN_URL.fullmatch(value):
        return value
    return _joined_url(value, base)


def _joined_url(value: str, base: str) -> str:
    """The URL cleaned and resolved against `base`, when it is an http(s) one."""
    try:
        joined = urljoin(base, normalize_line(value))
    except ValueError:  # "http://[bad" (Invalid IPv6 URL): no usable link
        return ""
    return joined if joined.lower().startswith(("http://", "https://")) else ""


def _looks_like_html(content: bytes) -> bool:
    head = content[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def find_feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs announced by an HTML page's <link rel="alternate">, best first."""
    import lxml.etree
    import lxml.html

    try:
        document = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = base_url
    for base_element in document.iterfind(".//base[@href]"):
        base = urljoin(base_url, base_element.get("href", ""))
        break
    ranked: list[tuple[int, str]] = []
    seen: set[str] = set()  # (a scan of `ranked` per link: 25 s of CPU for 40,000 links)
    for link in document.iterfind(".//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        href = _clean_url(link.get("href"), base)
        if href and href not in seen:
            seen.add(href)
            rank = 0 if "atom" in kind or "rss" in kind else 1
            ranked.append((rank, href))
    return [url for _, url in sorted(ranked, key=lambda pair: pair[0])]


def cannot_parse(exc: Exception) -> str:
    """Why a document the parser failed on (not NotAFeedError: feedparser's own
    surprises, as a lone surrogate's character reference) is no feed, in the
    words the refresh and `reader add` both use."""
    return f"cannot parse the feed: {type(exc).__name__}: {exc}"
