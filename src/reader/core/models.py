"""The core's public vocabulary: the frozen records every layer reads and the
pipeline writes (the store, the refresh, the CLI and the app import them from here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypedDict

from reader.core.pickling import as_tuple

if TYPE_CHECKING:
    from reader.core.stories.signature import Fingerprint

# -- entity labels ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityLabel:
    """An entity type: its stored code and how the app and exports show it."""

    code: str  # as stored and printed by --json: "AI_MODEL"
    name: str  # as the app says it: "AI model"
    # Where a theme gives two labels the same hue they differ by this
    # ("bold", "italic", "underline" or none).
    decoration: str
    # The theme's text colour the label's hue comes from (tui/entity_theme.py).
    # PERSON and AI_MODEL need different ones: textual-dark has $accent == $warning.
    theme_colour: str
    muted: float = 0.0  # drawn muted: mixed this much into the background first
    followable: bool = True  # a name worth following across articles (not an amount or date)


# In the order the app lists them. PERCENT earns its own colour: growth, share
# and benchmark numbers are what readers scan a story for.
ENTITY_LABELS: tuple[EntityLabel, ...] = (
    EntityLabel("PERSON", "person", "", "text-accent"),
    EntityLabel("ORG", "organisation", "", "text-primary"),
    EntityLabel("PRODUCT", "product", "", "text-secondary"),
    EntityLabel("AI_MODEL", "AI model", "bold", "text-error"),
    EntityLabel("MONEY", "money", "bold", "text-success", followable=False),
    EntityLabel("PERCENT", "percent", "", "text-success", followable=False),
    EntityLabel("DATE", "date", "italic", "foreground", muted=0.45, followable=False),
    EntityLabel("GPE", "place", "underline", "text-secondary"),
)
LABELS: tuple[str, ...] = tuple(label.code for label in ENTITY_LABELS)
LABEL_BY_CODE: dict[str, EntityLabel] = {label.code: label for label in ENTITY_LABELS}
# Labels whose entities are names worth following across articles; amounts
# and dates are highlighted but not listed as entities to follow.
NAME_LABELS = frozenset(label.code for label in ENTITY_LABELS if label.followable)

# Which recogniser found a mention, strongest first; the merge uses this order.
SOURCES: tuple[str, ...] = ("user", "kb", "pattern", "context", "model")


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention: code-point offsets into the analysed text."""

    start: int
    end: int
    label: str
    text: str  # the surface, text[start:end]
    entity: str  # canonical name (for amounts and dates: the surface)
    source: str  # one of SOURCES

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


@dataclass(frozen=True, slots=True)
class Rule:
    """One of the user's entity rules; they win over every recogniser.

    kind "entity": `surface` is an entity called `entity` with `label` (adding
    an entity, or changing the type of a known one); "alias": `surface` means
    the entity `entity`; "ignore": never mark `surface` (or the entity of that
    name) as an entity.
    """

    kind: str
    surface: str
    entity: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class EntityCount:
    """A followable entity and how many articles mention it."""

    name: str
    label: str
    articles: int


# -- highlight colours -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HighlightColour:
    """A highlight colour: its name is stored; each place that shows it picks a shade."""

    name: str
    hue: str  # the app mixes this into the theme's background (tui/highlight_theme.py)
    paper: str  # the background in exported notes (W3C stylesheet), for white paper


HIGHLIGHT_COLOURS: tuple[HighlightColour, ...] = (
    HighlightColour("yellow", "#e8c547", "#fde68a"),
    HighlightColour("green", "#4caf6a", "#bbf7d0"),
    HighlightColour("blue", "#4a8fe0", "#bfdbfe"),
    HighlightColour("pink", "#e0609a", "#fbcfe8"),
    HighlightColour("purple", "#9a6be0", "#e9d5ff"),
)
COLORS: tuple[str, ...] = tuple(colour.name for colour in HIGHLIGHT_COLOURS)
DEFAULT_COLOR = "yellow"


def check_color(color: str) -> str:
    """A colour name as typed (any case, empty: the default), or ValueError."""
    color = color.strip().lower() or DEFAULT_COLOR
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r}; choose one of {', '.join(COLORS)}")
    return color


# -- feeds, articles, annotations ----------------------------------------------------------

# How an article's page extraction went: "done" (the page was read, or no page
# was needed), "failed" (the page was read but gave no usable text: not tried
# again) or "retry" (the page could not be fetched: network, timeout, HTTP
# error; the next refresh of its feed tries again).
ExtractionStatus = Literal["done", "failed", "retry"]
# How the reason of a "retry" whose page timed out (or was not asked for because
# its site's pages were timing out) begins: the next refresh asks that site
# for one such page at a time (no LIKE wildcard in it: the store matches it).
PAGE_TIMED_OUT = "article page: timed out"


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
    # New articles stored and not yet in their stories: the refresh groups
    # them all at once after its last feed, before it returns.
    stories_waiting: int = 0


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


@dataclass(slots=True)
class RefreshTally:
    """The running totals of a refresh, for its summary (command line and app)."""

    feeds: int = 0  # every result, skipped ones too
    new: int = 0
    updated: int = 0
    changed_feeds: int = 0
    not_modified: int = 0
    extraction_failures: int = 0
    skipped_articles: int = 0
    failed: list[FeedResult] = field(default_factory=list)
    skipped: list[FeedResult] = field(default_factory=list)

    def add(self, result: FeedResult) -> None:
        self.feeds += 1
        self.new += result.new
        self.updated += result.updated
        self.extraction_failures += result.extraction_failures
        self.skipped_articles += result.skipped_articles
        if result.status == "updated":
            self.changed_feeds += 1
        elif result.status == "not_modified":
            self.not_modified += 1
        elif result.status == "failed":
            self.failed.append(result)
        elif result.status == "skipped":
            self.skipped.append(result)

    @property
    def fetched(self) -> int:
        """Feeds actually fetched (those backing off are skipped)."""
        return self.feeds - len(self.skipped)


class AnnotationChanges(TypedDict, total=False):
    """What an edit of an annotation may change (None or left out: unchanged)."""

    note: str | None
    color: str | None
    tags: Sequence[str] | None


class HighlightOptions(TypedDict, total=False):
    """The options of a new highlight (the store's keyword arguments), named
    once so the service can pass them through."""

    note: str
    color: str
    tags: Sequence[str]
    text_sha: str | None


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


# How a highlight sits on the article's current text (see reader.core.notes.anchoring).
AnchorState = Literal["exact", "moved", "fuzzy", "orphan"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """A highlight's W3C selectors: the quote with its context, and its position."""

    exact: str
    prefix: str
    suffix: str
    start: int  # code-point offsets into the text the anchor was made on
    end: int


@dataclass(frozen=True, slots=True)
class Placement:
    """Where re-anchoring put a highlight on a new text."""

    start: int
    end: int
    state: AnchorState
    score: float  # 1.0 for exact; confidence otherwise; 0.0 for orphan (start=end=-1 then)


@dataclass(frozen=True, slots=True)
class AnnotationFilter:
    """Which annotations to list; None: any."""

    article_id: int | None = None
    color: str | None = None
    tag: str | None = None
    search: str | None = None  # full text over quotes and notes
    state: str | None = None  # e.g. "orphan"
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    """A subscription made (or found already there: `created` false)."""

    feed_id: int
    url: str
    created: bool


@dataclass(frozen=True, slots=True)
class OpmlImportResult:
    """What an OPML import subscribed to."""

    added: int
    existing: int
    invalid: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unmatched:
    """An imported annotation with no article to go on: kept in the report."""

    uid: str
    url: str
    kind: str
    exact: str
    note: str


@dataclass(frozen=True, slots=True)
class NotesImportResult:
    """What restoring an annotations export did."""

    annotations_added: int
    updated: int
    tags_added: int
    unmatched: tuple[Unmatched, ...]
    matched: int  # items whose article is here (restored, or there already)


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
    # What story grouping needs of the text and entities, made in the worker
    # with the analysis (reader.core.stories); None: made when stored.
    fingerprint: Fingerprint | None = None

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


# -- what the app lists --------------------------------------------------------------------

ViewKind = Literal["all", "unread", "starred", "tags", "feed", "tag", "search", "entity", "follow"]


@dataclass(frozen=True, slots=True)
class ViewKey:
    """Which list the app shows: a fixed view, or one feed, tag, saved search or
    entity. `id` is its text form ("feed:3", "tag:ai"), the sidebar's option id."""

    kind: ViewKind
    target: str = ""  # the feed, saved search or follow id, the tag or the entity name

    @classmethod
    def feed(cls, feed_id: int) -> ViewKey:
        return cls("feed", str(feed_id))

    @classmethod
    def search(cls, search_id: int) -> ViewKey:
        return cls("search", str(search_id))

    @classmethod
    def tag(cls, name: str) -> ViewKey:
        return cls("tag", name)

    @classmethod
    def entity(cls, name: str) -> ViewKey:
        return cls("entity", name)

    @classmethod
    def follow(cls, follow_id: int) -> ViewKey:
        """A followed entity or search of the watchlist (reader.core.stories)."""
        return cls("follow", str(follow_id))

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind

    @property
    def feed_id(self) -> int | None:
        return int(self.target) if self.kind == "feed" else None

    @property
    def search_id(self) -> int | None:
        return int(self.target) if self.kind == "search" else None

    @property
    def tag_name(self) -> str | None:
        return self.target if self.kind == "tag" else None
