"""The stable `--json` shapes (DESIGN.md): keys are added, never renamed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.models import (
        Annotation,
        Article,
        ArticleSummary,
        EntityCount,
        Feed,
        Mention,
        Rule,
    )


def feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "site_url": feed.site_url,
        "articles": feed.articles,
        "unread": feed.unread,
        "last_fetched": feed.last_fetched,
        "last_error": feed.last_error,
        "last_updated": feed.last_updated,
        "last_warning": feed.last_warning,
        "error_count": feed.error_count,
        "next_fetch_after": feed.next_fetch_after,
        "added_at": feed.added_at,
        "tags": list(feed.tags),
    }


def article_json(article: ArticleSummary) -> dict[str, Any]:
    return {
        "id": article.id,
        "feed_id": article.feed_id,
        "url": article.url,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "read": article.read,
        "starred": article.starred,
        "tags": list(article.tags),
        "feed_tags": list(article.feed_tags),
        "feed_title": article.feed_title,
        "added_at": article.added_at,
        "extraction": article.extraction,
    }


def mention_json(mention: Mention) -> dict[str, Any]:
    return {
        "start": mention.start,
        "end": mention.end,
        "label": mention.label,
        "text": mention.text,
        "entity": mention.entity,
        "source": mention.source,
    }


def annotation_json(annotation: Annotation) -> dict[str, Any]:
    return {
        "id": annotation.id,
        "uid": annotation.uid,
        "article_id": annotation.article_id,
        "kind": annotation.kind,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        # Offsets index the current `text`; an orphan's old place does not.
        "start": None if annotation.state == "orphan" else annotation.start,
        "end": None if annotation.state == "orphan" else annotation.end,
        "note": annotation.note,
        "color": annotation.color,
        "tags": list(annotation.tags),
        "state": annotation.state,
        "score": annotation.score,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
        "article_title": annotation.article_title,
        "article_url": annotation.article_url,
    }


def show_json(
    article: Article, mentions: Sequence[Mention], annotations: Sequence[Annotation]
) -> dict[str, Any]:
    data = article_json(article.summary)
    data.update(
        {
            "mentions": [mention_json(m) for m in mentions],
            "annotations": [annotation_json(a) for a in annotations],
            "ai_score": article.ai_score,
            "text": article.text,
            "text_sha": article.text_sha,
            "updated": article.updated,
            "site_name": article.site_name,
            "image_url": article.image_url,
            "extraction_error": article.extraction_error,
            "guid": article.guid,
        }
    )
    return data


def rule_json(rule: Rule) -> dict[str, Any]:
    return {"kind": rule.kind, "surface": rule.surface, "entity": rule.entity, "label": rule.label}


def entity_count_json(count: EntityCount) -> dict[str, Any]:
    return {"entity": count.name, "label": count.label, "articles": count.articles}
