"""Command palette providers: jump to a feed, an article, or follow an entity.

Feed and article titles are untrusted. Textual's `Matcher.highlight()` parses
its argument as markup and the palette parses `help` as markup, so prompts are
built here from plain `Content` and help text goes through `literal_markup`
(textual.markup.escape leaves "[ @click=…]" and "[Updated]" live).
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from reader.core.models import ArticleQuery, EntityCount
from reader.core.service import Reader
from reader.tui.app_access import ReaderAppAccess
from reader.tui.styles import LABEL_NAMES
from reader.tui.text import literal_markup, plural


def highlight(matcher: Matcher, candidate: str) -> Content:
    """The candidate as plain text with the fuzzy-matched letters styled."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class FeedsProvider(ReaderAppAccess, Provider):
    """ "feed: <title>" for every subscribed feed."""

    async def search(self, query: str) -> Hits:
        app = self.reader_app
        matcher = self.matcher(query)
        for feed in app.reader.feeds():
            name = f"feed: {feed.title or feed.url}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, name),
                    partial(app.jump_to_feed, feed.id),
                    text=name,
                    help=literal_markup(f"{feed.unread} unread · {feed.url}"),
                )

    async def discover(self) -> Hits:
        app = self.reader_app
        for feed in app.reader.feeds()[:20]:
            name = f"feed: {feed.title or feed.url}"
            yield DiscoveryHit(
                Content(name),
                partial(app.jump_to_feed, feed.id),
                text=name,
                help=literal_markup(f"{feed.unread} unread"),
            )


class ArticlesProvider(ReaderAppAccess, Provider):
    """Articles whose title or text matches the typed words (full-text search)."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 3:
            return
        app = self.reader_app
        matcher = self.matcher(query)
        reader = app.reader
        found = reader.articles(ArticleQuery(search=query, limit=15))
        for rank, article in enumerate(found):
            title = f"article: {article.title or '(untitled)'}"
            yield Hit(
                # Full-text relevance decides the order (best first).
                1.0 - rank / (len(found) + 1),
                highlight(matcher, title),
                partial(app.jump_to_article, article.id),
                text=title,
                help=literal_markup(f"{article.feed_title} · {(article.published or '')[:10]}"),
            )


def _most_mentioned(reader: Reader, limit: int) -> list[EntityCount]:
    """Counted over every mention (seconds on a large archive): run in a thread
    (on that thread's own connection), once each time the palette opens."""
    return reader.entity_counts(limit=limit)


class EntitiesProvider(ReaderAppAccess, Provider):
    """ "entity: <name>" for the entities in the store; choosing one follows it."""

    _top: list[EntityCount] = []

    async def startup(self) -> None:
        self._top = await asyncio.to_thread(_most_mentioned, self.reader, 200)

    async def search(self, query: str) -> Hits:
        app = self.reader_app
        matcher = self.matcher(query)
        reader = app.reader
        # The names starting with what was typed, then the most mentioned ones
        # for fuzzy matches ("zhen" finds Zhenlan Labs among thousands).
        typed = query.strip().removeprefix("entity:").strip()
        candidates = reader.entity_counts(prefix=typed, limit=30) if typed else []
        seen = {entity.name for entity in candidates}
        candidates += [e for e in self._top if e.name not in seen]
        for entity in candidates:
            name = f"entity: {entity.name}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, name),
                    partial(app.follow_entity, entity.name),
                    text=name,
                    help=literal_markup(_entity_help(entity)),
                )

    async def discover(self) -> Hits:
        app = self.reader_app
        for entity in self._top[:20]:
            name = f"entity: {entity.name}"
            yield DiscoveryHit(
                Content(name),
                partial(app.follow_entity, entity.name),
                text=name,
                help=literal_markup(_entity_help(entity)),
            )


def _entity_help(entity: EntityCount) -> str:
    return f"{LABEL_NAMES.get(entity.label, entity.label)} · {plural(entity.articles, 'article')}"
