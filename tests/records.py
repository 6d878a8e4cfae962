"""Articles written into a real store the way the refresh writes them (shared by tests)."""

from __future__ import annotations

from reader.core.store import ArticleRecord, Store
from reader.core.stories.grouping import StoryBatch

TEXT = (
    "Halcyon Labs released a new open-weight model on Tuesday.\n\n"
    "The company said the model matches larger systems on coding benchmarks "
    "while running on a single accelerator.\n\n"
    "Critics noted that the evaluation suite was designed by Halcyon itself, "
    "and asked for independent replication before any claims are accepted."
)


def record(
    key: str,
    text: str = TEXT,
    *,
    title: str | None = None,
    published: str | None = "2026-03-01T09:00:00Z",
    url: str | None = None,
) -> ArticleRecord:
    return ArticleRecord(
        key=key,
        guid=key,
        url=url if url is not None else f"https://news.example/{key}",
        title=title if title is not None else f"Story {key}",
        author="",
        published=published,
        updated=None,
        summary_html="",
        content_html="",
        text=text,
        entry_hash=f"{key}:{text}",
        extraction="feed",
        extraction_error=None,
        site_name="",
        image_url="",
    )


def write(
    store: Store,
    feed_id: int,
    *records: ArticleRecord,
    stories_later: StoryBatch | None = None,
) -> tuple[int, int]:
    return store.write_feed(
        feed_id,
        url=None,
        title="News",
        site_url="",
        etag=None,
        last_modified=None,
        warning=None,
        articles=records,
        stories_later=stories_later,
    )


def article_id(store: Store, feed_id: int, key: str) -> int:
    row = store.conn.execute(
        "SELECT id FROM articles WHERE feed_id = ? AND key = ?", (feed_id, key)
    ).fetchone()
    assert row is not None, key
    return int(row[0])
