"""Notes out and back in as W3C Web Annotation JSON, for a round trip.

JSON: an AnnotationCollection (`@context` http://www.w3.org/ns/anno.jsonld)
whose `items` are Annotations: `id` is the annotation's uid; `target` has the
article URL as `source`, a TextQuoteSelector and a TextPositionSelector, a
TimeState with the article's date, and the colour as `styleClass` (with a
CssStylesheet on the annotation); `body` holds TextualBody items with purpose
`commenting` (the note, text/markdown) and `tagging` (one per tag). An article
note targets the article (no selector; a note made from an orphan keeps its
quote as a TextQuoteSelector). Reader extensions, ignored by other tools:
`reader:article` (feed_url, key, guid, text_sha, title: to find the article
again) and `reader:state` (kind, anchor state, score, text_sha of the version
the anchor was made on). The user's article tags travel as one extra item per
article with motivation `tagging` and `reader:state.kind` = `article-tags`.

`import_notes` restores such a file: articles are matched by feed URL and key
(from `reader:article`), else by URL; annotations by uid, so importing twice
adds nothing; an anchor made on another version of the text is placed on the
current text by `reanchor` (or kept as an orphan). Annotations whose article is
not in the database are returned as `unmatched`, never dropped silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reader.core import clock
from reader.core.models import (
    COLORS,
    DEFAULT_COLOR,
    HIGHLIGHT_COLOURS,
    Anchor,
    Annotation,
    NotesImportResult,
    Unmatched,
)
from reader.core.notes.anchoring import reanchor
from reader.core.notes.collect import by_article
from reader.core.store import Store
from reader.core.store.annotations import ImportedAnnotation, NotesArticle
from reader.core.textnorm import normalize_line, strip_controls

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


ARTICLE_TAGS = "article-tags"  # reader:state.kind of the item carrying article tags


# Background colours for the style classes; the app takes its own from the theme.
_STYLESHEET = {
    "type": "CssStylesheet",
    "value": " ".join(
        f".{colour.name} {{ background-color: {colour.paper}; }}" for colour in HIGHLIGHT_COLOURS
    ),
}


def notes_w3c(store: Store, *, generated: str | None = None) -> dict[str, Any]:
    """Every annotation (and the user's article tags) as an AnnotationCollection."""
    items: list[dict[str, Any]] = []
    for article, notes in by_article(store, tagged=True):
        for annotation in notes:
            items.append(_w3c_annotation(article, annotation))
        if article.user_tags:
            items.append(_w3c_article_tags(article))
    return {
        "@context": W3C_CONTEXT,
        "type": "AnnotationCollection",
        "label": "reader annotations",
        "generated": generated or clock.utcnow(),
        "total": len(items),
        "items": items,
    }


def _reader_article(article: NotesArticle) -> dict[str, Any]:
    return {
        "feed_url": article.feed_url,
        "key": article.key,
        "guid": article.guid,
        "text_sha": article.text_sha,
        "title": article.title,
    }


def _time_state(article: NotesArticle) -> dict[str, str] | None:
    date = article.published or article.updated
    return {"type": "TimeState", "sourceDate": date} if date else None


def _w3c_annotation(article: NotesArticle, a: Annotation) -> dict[str, Any]:
    target: dict[str, Any] = {"source": article.url}
    selectors: list[dict[str, Any]] = []
    if a.exact:
        selectors.append(
            {"type": "TextQuoteSelector", "exact": a.exact, "prefix": a.prefix, "suffix": a.suffix}
        )
    if a.kind == "highlight" and a.start is not None and a.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": a.start, "end": a.end})
    if selectors:
        target["selector"] = selectors
    state = _time_state(article)
    if state:
        target["state"] = state
    item: dict[str, Any] = {
        "id": a.uid,
        "type": "Annotation",
        "motivation": "highlighting" if a.kind == "highlight" else "commenting",
        "created": a.created_at,
        "modified": a.updated_at,
    }
    body = _bodies(a.note, a.tags)
    if body:
        item["body"] = body
    if a.color:  # a note made from an orphan keeps its colour for re-attaching
        target["styleClass"] = a.color
        item["stylesheet"] = _STYLESHEET
    item["target"] = target
    item["reader:article"] = _reader_article(article)
    item["reader:state"] = {
        "kind": a.kind,
        "state": a.state,
        "score": a.score,
        "text_sha": a.text_sha,
    }
    return item


def _bodies(note: str, tags: Sequence[str]) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    if note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": note,
                "format": "text/markdown",
            }
        )
    body += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags]
    return body


def _w3c_article_tags(article: NotesArticle) -> dict[str, Any]:
    digest = hashlib.sha256(f"{article.feed_url}\0{article.key}".encode()).hexdigest()[:32]
    target: dict[str, Any] = {"source": article.url}
    state = _time_state(article)
    if state:
        target["state"] = state
    return {
        "id": f"urn:reader:article-tags:{digest}",
        "type": "Annotation",
        "motivation": "tagging",
        "body": _bodies("", article.user_tags),
        "target": target,
        "reader:article": _reader_article(article),
        "reader:state": {"kind": ARTICLE_TAGS},
    }


class NotesFormatError(ValueError):
    """Not a W3C Web Annotation document this reader can import."""


def _items(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, list):
        items: Any = data
    elif isinstance(data, Mapping):
        if "items" in data:
            items = data["items"]
        elif isinstance(data.get("first"), Mapping):  # a collection with one page
            items = data["first"].get("items", [])
        elif data.get("type") == "Annotation":
            items = [data]
        else:
            raise NotesFormatError("no annotations in it (expected an AnnotationCollection)")
    else:
        raise NotesFormatError("expected a JSON object or array of annotations")
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise NotesFormatError("`items` must be a list of annotation objects")
    return items


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """A string of the file, cleaned as every untrusted string is: json.loads
    gives a "\\ud800" escape back as a lone surrogate, which SQLite refuses
    to bind (one such note ended the whole import); it becomes U+FFFD."""
    return strip_controls(value) if isinstance(value, str) else ""


# SQLite's largest INTEGER: a position past it cannot be stored (and no text
# is that long); such a selector is ignored and the quote placed again.
_MAX_POSITION = 2**63 - 1


def _score(value: Any) -> float:
    """How sure the exported place was, 0 to 1. Anything else (NaN, which
    SQLite stores as NULL; 10**400, which float() refuses; a string) is 1.0,
    as a missing score is: the score is a hint, the note must not be lost."""
    if isinstance(value, int | float) and 0 <= value <= 1:  # false for NaN
        return float(value)
    return 1.0


@dataclass(frozen=True, slots=True)
class _Parsed:
    uid: str
    url: str
    feed_url: str
    key: str
    kind: str  # highlight, note or article-tags
    anchor: Anchor | None
    positioned: bool  # the anchor came with a TextPositionSelector
    anchor_sha: str  # the text version the anchor was made on ('' unknown)
    article_sha: str  # the article's text when exported
    state: str
    score: float
    note: str
    color: str
    tags: tuple[str, ...]
    created: str
    modified: str


def _parse(item: Mapping[str, Any]) -> _Parsed:
    # As the store keeps it: a second import finds the first one's uid.
    uid = normalize_line(_text(item.get("id")))
    targets = _as_list(item.get("target"))
    target: Mapping[str, Any] = next((t for t in targets if isinstance(t, Mapping)), {})
    url = _text(target.get("source")) or next((t for t in targets if isinstance(t, str)), "")
    quote: Mapping[str, Any] | None = None
    position: Mapping[str, Any] | None = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, Mapping):
            continue
        if selector.get("type") == "TextQuoteSelector" and quote is None:
            quote = selector
        elif selector.get("type") == "TextPositionSelector" and position is None:
            position = selector
    notes: list[str] = []
    tags: list[str] = []
    for body in _as_list(item.get("body")):
        if isinstance(body, str):  # a bare IRI body: nothing to keep as text
            continue
        if not isinstance(body, Mapping):
            continue
        value = _text(body.get("value"))
        purpose = _as_list(body.get("purpose"))
        if "tagging" in purpose:
            if value.strip():
                tags.append(value)
        elif value:
            notes.append(value)
    if _text(item.get("bodyValue")):
        notes.append(_text(item.get("bodyValue")))
    extra_article = item.get("reader:article")
    article: Mapping[str, Any] = extra_article if isinstance(extra_article, Mapping) else {}
    extra_state = item.get("reader:state")
    state: Mapping[str, Any] = extra_state if isinstance(extra_state, Mapping) else {}
    anchor = None
    start = position.get("start") if position else None
    end = position.get("end") if position else None
    positioned = (
        isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= _MAX_POSITION
    )
    if quote is not None and _text(quote.get("exact")):
        anchor = Anchor(
            _text(quote.get("exact")),
            _text(quote.get("prefix")),
            _text(quote.get("suffix")),
            start if positioned and isinstance(start, int) else 0,
            end if positioned and isinstance(end, int) else 0,
        )
    kind = _text(state.get("kind"))
    if kind not in ("highlight", "note", ARTICLE_TAGS):
        # Another tool's export: a quote makes a highlight, tags alone article tags.
        if anchor is not None:
            kind = "highlight"
        elif "tagging" in _as_list(item.get("motivation")) and not notes:
            kind = ARTICLE_TAGS
        else:
            kind = "note"
    color = _text(target.get("styleClass")).strip().lower()
    return _Parsed(
        uid=uid,
        url=url,
        feed_url=_text(article.get("feed_url")),
        key=_text(article.get("key")),
        kind=kind,
        anchor=anchor,
        positioned=positioned and anchor is not None,
        anchor_sha=_text(state.get("text_sha")),
        article_sha=_text(article.get("text_sha")),
        state=_text(state.get("state")) or "exact",
        score=_score(state.get("score")),
        note="\n\n".join(notes),
        color=color if color in COLORS else "",
        tags=tuple(tags),
        created=_text(item.get("created")),
        modified=_text(item.get("modified")) or _text(item.get("created")),
    )


def _place(parsed: _Parsed, article_id: int, text: str, sha: str) -> ImportedAnnotation:
    """The imported anchor on this database's current text of the article."""
    created = parsed.created or clock.utcnow()
    highlight = parsed.kind == "highlight" and parsed.anchor is not None
    color = parsed.color or (DEFAULT_COLOR if highlight else "")

    def make(
        kind: str, anchor: Anchor | None, text_sha: str, state: str, score: float
    ) -> ImportedAnnotation:
        return ImportedAnnotation(
            uid=parsed.uid,
            article_id=article_id,
            kind=kind,
            anchor=anchor,
            text_sha=text_sha,
            state=state,
            score=score,
            note=parsed.note,
            color=color,
            tags=parsed.tags,
            created_at=created,
            updated_at=parsed.modified or created,
        )

    anchor = parsed.anchor
    if not highlight or anchor is None:
        return make("note", anchor, sha, "exact", 1.0)
    state = parsed.state if parsed.state in ("exact", "moved", "fuzzy", "orphan") else "exact"
    orphan = make("highlight", anchor, parsed.anchor_sha, "orphan", 0.0)
    if state == "orphan" and parsed.article_sha == sha:
        # The exporting database could not place it on this very text; neither can we.
        return orphan
    same_version = parsed.anchor_sha == sha or not parsed.anchor_sha
    if (
        state != "orphan"
        and same_version
        and parsed.positioned
        and text[anchor.start : anchor.end] == anchor.exact
    ):
        return make("highlight", anchor, sha, state, parsed.score)
    place = reanchor(anchor, None, text)
    if place.state == "orphan":
        return orphan
    # As re-anchoring in the store does: the quote stays, the place moves.
    moved = Anchor(anchor.exact, anchor.prefix, anchor.suffix, place.start, place.end)
    return make("highlight", moved, sha, place.state, place.score)


def import_notes(store: Store, data: Any) -> NotesImportResult:
    """Restore a W3C Web Annotation export (parsed JSON) onto matching articles."""
    restored: list[ImportedAnnotation] = []
    article_tags: list[tuple[int, Sequence[str]]] = []
    unmatched: list[Unmatched] = []
    texts: dict[int, tuple[str, str]] = {}
    for item in _items(data):
        parsed = _parse(item)
        article_id = store.find_article(parsed.url, feed_url=parsed.feed_url, key=parsed.key)
        if parsed.kind == ARTICLE_TAGS:
            if article_id is None:
                if parsed.tags:
                    unmatched.append(
                        Unmatched(parsed.uid, parsed.url, ARTICLE_TAGS, "", " ".join(parsed.tags))
                    )
            else:
                article_tags.append((article_id, parsed.tags))
            continue
        if not parsed.uid or article_id is None or (parsed.anchor is None and not parsed.note):
            unmatched.append(
                Unmatched(
                    parsed.uid,
                    parsed.url,
                    parsed.kind,
                    parsed.anchor.exact if parsed.anchor else "",
                    parsed.note,
                )
            )
            continue
        if article_id not in texts:
            texts[article_id] = store.article_text(article_id)
        text, sha = texts[article_id]
        restored.append(_place(parsed, article_id, text, sha))
    added, updated, tags_added = store.restore_annotations(restored, article_tags)
    matched = len(restored) + len(article_tags)
    return NotesImportResult(added, updated, tags_added, tuple(unmatched), matched)
