"""Local storage: SQLite through sqlite3, schema migrations through sqlite-utils.

One module per domain on one base (base.py): feeds, articles (writes),
queries (lists and search), tags, preferences (saved searches too),
annotations, entities, sites (boilerplate learning); `Store` composes them.
"""

from reader.core.models import ArticleQuery, ArticleRecord, FeedState
from reader.core.store.articles import StoredWithoutStories
from reader.core.store.common import MAX_SEARCH_TERMS, NotFoundError, fts_query, fts_terms
from reader.core.store.store import Store

__all__ = [
    "MAX_SEARCH_TERMS",
    "ArticleQuery",
    "ArticleRecord",
    "FeedState",
    "NotFoundError",
    "Store",
    "StoredWithoutStories",
    "fts_query",
    "fts_terms",
]
