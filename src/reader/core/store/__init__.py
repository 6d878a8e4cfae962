"""Local storage: SQLite through sqlite3, schema migrations through sqlite-utils."""

from reader.core.store.store import (
    ArticleQuery,
    ArticleRecord,
    FeedState,
    NotFoundError,
    Store,
    fts_query,
)

__all__ = ["ArticleQuery", "ArticleRecord", "FeedState", "NotFoundError", "Store", "fts_query"]
