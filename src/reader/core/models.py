"""The core's public vocabulary: the frozen records every layer reads and the
pipeline writes (the store, the refresh, the CLI and the app import them from here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from reader.core.entities.records import Mention
from reader.core.pickling import as_tuple

# How an article's page extraction went: "done" (the page was read, or no page
# was needed), "failed" (the page was read but gave no usable text: not tried
# again) or "retry" (the page could not be fetched: network, timeout, HTTP
# error; the next refresh of its feed tries again).
ExtractionStatus = Literal["done", "failed", "retry"]


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str
    site_url: str
    articles: int
    unread: int
    added_at: str
    last_fetched: str | None
    last_updated: str | None
    last_error: str | None
    last_warning: str | None
    error_count: int
    next_fetch_after: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    id: int
    feed_id: int
    feed_title: str
    url: str
    title: str
    author: str
    published: str | None
    added_at: str
    read: bool
    starred: bool
    tags: tuple[str, ...]
    feed_tags: tuple[str, ...]
    extraction: str
    sort_date: str


@dataclass(frozen=True, slots=True)
class Article:
    summary: ArticleSummary
    text: str
    text_sha: str
    summary_html: str
    updated: str | None
    site_name: str
    image_url: str
    extraction_error: str | None
    guid: str
    ai_score: float | None = None


@dataclass(frozen=True, slots=True)
class RefreshProgress:
    feeds_total: int
    feeds_done: int
    pages_total: int  # article pages queued for extraction so far
    pages_done: int


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one feed's refresh did. `status` is one of:

    updated (stored new or changed articles), unchanged (fetched, nothing new),
    not_modified (HTTP 304), failed (error recorded on the feed), skipped
    (backing off after errors or a Retry-After).
    """

    feed_id: int
    url: str
    title: str
    status: str
    new: int = 0
    updated: int = 0
    error: str | None = None
    warning: str | None = None
    extraction_failures: int = 0
    skipped_articles: int = 0  # left out by the AI-only filter of a general feed
    next_fetch_after: str | None = None
    progress: RefreshProgress = field(default_factory=lambda: RefreshProgress(0, 0, 0, 0))

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "skipped")


@dataclass(frozen=True, slots=True)
class Annotation:
    """A highlight (a span of the article's text) or an article note (no span)."""

    id: int
    uid: str  # stable across export and import: urn:uuid:...
    article_id: int
    kind: str  # "highlight" | "note"
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    note: str
    color: str
    tags: tuple[str, ...]
    state: str  # "exact" | "moved" | "fuzzy" | "orphan"
    score: float
    text_sha: str
    created_at: str
    updated_at: str
    article_title: str
    article_url: str


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the refresh needs to know about a feed before fetching it."""

    id: int
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    error_count: int
    next_fetch_after: str | None


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One article as the refresh writes it."""

    key: str
    guid: str
    url: str
    title: str
    author: str
    published: str | None
    updated: str | None
    summary_html: str
    content_html: str
    text: str
    entry_hash: str
    extraction: str  # "page": extracted from the article page; "feed": the feed's content
    extraction_error: str | None
    site_name: str
    image_url: str
    # Filled in by the analysis step (reader.core.analysis) before storing.
    mentions: tuple[Mention, ...] = ()
    ai_score: float | None = None
    auto_tags: tuple[str, ...] = ()
    analysed_with: str | None = None
    # Fingerprints of the page's paragraphs as extracted, before the site's
    # known boilerplate was removed (reader.core.site_boilerplate): what the
    # archive learns the site's template from. Empty when no page was read.
    site_paragraphs: tuple[int, ...] = ()
    extraction_status: ExtractionStatus = "done"

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    feed_id: int | None = None
    tags: tuple[str, ...] = ()
    unread: bool = False
    starred: bool = False
    search: str | None = None
    entity: str | None = None  # articles mentioning this entity (canonical name)
    limit: int | None = 50
    oldest_first: bool = False
    by_title: bool = False  # A to Z by title instead of by date
    # Keyset paging: rows strictly after this (sort key, id) in the query's
    # order, the key being the date, or the lower-cased title with by_title.
    # Ignored with `search`, whose results are ranked by relevance.
    after: tuple[str, int] | None = None
