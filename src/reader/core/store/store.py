"""The SQLite store, composed from its parts (one module per domain, on one
base: see base.py for the connection per thread and the transactions).

Queries use the sqlite3 connection directly (sqlite-utils runs the migrations,
see schema.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reader.core.models import Anchor, Placement
from reader.core.store.annotations import Anchoring, AnnotationStore
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
    """Every part of the store over one database file.

    `anchoring`: the algorithm that places highlights (reader.core.notes.anchoring
    unless a caller hands another)."""

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 30.0,
        anchoring: Anchoring | None = None,
    ) -> None:
        super().__init__(path, busy_timeout=busy_timeout)
        self.anchoring = anchoring or _Anchoring()


class _Anchoring:
    """reader.core.notes.anchoring, imported when first used: it pulls in rapidfuzz,
    which a refresh of unchanged feeds or `reader feeds` never needs."""

    def make_anchor(self, text: str, start: int, end: int) -> Anchor:
        from reader.core.notes.anchoring import make_anchor

        return make_anchor(text, start, end)

    def find_quote(self, text: str, quote: str, occurrence: int = 1) -> Anchor | None:
        from reader.core.notes.anchoring import find_quote

        return find_quote(text, quote, occurrence)

    def count_quote(self, text: str, quote: str) -> int:
        from reader.core.notes.anchoring import count_quote

        return count_quote(text, quote)

    def reanchor_all(
        self, anchors: Sequence[Anchor], old_text: str | None, new_text: str
    ) -> list[Placement]:
        from reader.core.notes.anchoring import reanchor_all

        return reanchor_all(anchors, old_text, new_text)
