"""Local storage: SQLite through sqlite3, schema migrations through sqlite-utils.

One module per domain on one base (base.py): feeds, articles (writes),
queries (lists and search), tags, preferences (saved searches too),
annotations, entities, sites (boilerplate learning); `Store` composes them.
"""

from reader.core.models import ArticleQuery, ArticleRecord, FeedState
from reader.core.store.common import NotFoundError, fts_query
from reader.core.store.store import Store

__all__ = ["ArticleQuery", "ArticleRecord", "FeedState", "NotFoundError", "Store", "fts_query"]
