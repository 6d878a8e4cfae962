"""The core's public records: frozen dataclasses the CLI and the app read."""

from __future__ import annotations

from dataclasses import dataclass, field


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
