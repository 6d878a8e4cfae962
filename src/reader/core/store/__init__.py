"""Local storage: SQLite through sqlite3, schema migrations through sqlite-utils."""

from reader.core.store.common import NotFoundError, fts_query
from reader.core.store.store import ArticleQuery, ArticleRecord, FeedState, Store

__all__ = ["ArticleQuery", "ArticleRecord", "FeedState", "NotFoundError", "Store", "fts_query"]
