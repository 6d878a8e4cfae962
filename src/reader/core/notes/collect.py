"""The annotations to export, grouped by article (both export formats use it)."""

from __future__ import annotations

from reader.core.models import Annotation, AnnotationFilter
from reader.core.store import Store
from reader.core.store.annotations import NotesArticle


def by_article(store: Store, *, tagged: bool) -> list[tuple[NotesArticle, list[Annotation]]]:
    grouped: dict[int, list[Annotation]] = {}
    for annotation in store.annotations(AnnotationFilter()):
        grouped.setdefault(annotation.article_id, []).append(annotation)
    return [(a, grouped.get(a.id, [])) for a in store.notes_articles(tagged=tagged)]
