"""The SQLite store, composed from its parts (one module per domain, on one
base: see base.py for the connection per thread and the transactions).

Queries use the sqlite3 connection directly (sqlite-utils runs the migrations,
see schema.py).
"""

from __future__ import annotations

from reader.core.store.annotations import AnnotationStore
from reader.core.store.articles import ArticleStore
from reader.core.store.entities import EntityStore
from reader.core.store.feeds import FeedStore
from reader.core.store.preferences import PreferenceStore
from reader.core.store.queries import QueryStore
from reader.core.store.tags import TagStore


class Store(
    FeedStore,
    ArticleStore,
    QueryStore,
    TagStore,
    PreferenceStore,
    EntityStore,
    AnnotationStore,
):
    """Every part of the store over one database file."""
