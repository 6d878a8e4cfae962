"""The digest: the stories since a time, grouped by what the user follows and
then by AI relevance, each with its sources, lead and the user's highlights.

Built here as plain records; rendered as Markdown or JSON (the CLI writes
either, the app shows the same records).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reader.core.store.common import in_chunks
from reader.core.stories.queries import Story, load_stories, story_ids_since
from reader.core.stories.watchlist import follows, stories_about

LEAD_CHARS = 320


@dataclass(frozen=True, slots=True)
class Highlight:
    article_id: int
    exact: str  # the highlighted words ("" for an article note)
    note: str
    color: str


@dataclass(frozen=True, slots=True)
class DigestStory:
    story: Story
    lead: str
    highlights: tuple[Highlight, ...]


@dataclass(frozen=True, slots=True)
class DigestSection:
    kind: str  # "follow", "ai" or "other"
    title: str
    stories: tuple[DigestStory, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    since: str
    sections: tuple[DigestSection, ...]

    @property
    def story_count(self) -> int:
        return sum(len(s.stories) for s in self.sections)


def lead_of(text: str, limit: int = LEAD_CHARS) -> str:
    """The first paragraph, cut at a word near `limit` characters."""
    first = next((p.strip() for p in text.split("\n") if p.strip()), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def _leads(conn: sqlite3.Connection, stories: Sequence[Story]) -> dict[int, str]:
    """Each story's lead, from its first article that has text."""
    ids = [a.id for s in stories for a in s.articles]
    texts: dict[int, str] = {}
    for chunk, marks in in_chunks(ids):
        for article_id, text in conn.execute(
            f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk
        ):
            texts[article_id] = text
    leads = {}
    for story in stories:
        found = (lead_of(texts.get(a.id, "")) for a in story.articles)
        leads[story.id] = next((lead for lead in found if lead), "")
    return leads


def _highlights(conn: sqlite3.Connection, stories: Sequence[Story]) -> dict[int, list[Highlight]]:
    story_by_article = {a.id: s.id for s in stories for a in s.articles}
    found: dict[int, list[Highlight]] = {}
    for chunk, marks in in_chunks(list(story_by_article)):
        for article_id, exact, note, color in conn.execute(
            f"""SELECT article_id, exact, note, color FROM annotations
                WHERE article_id IN ({marks}) ORDER BY article_id, start, id""",
            chunk,
        ):
            found.setdefault(story_by_article[article_id], []).append(
                Highlight(article_id, exact, note, color)
            )
    return found


def _by_relevance(stories: list[Story]) -> list[Story]:
    """Most AI-relevant first; among equals, the newest (sorts are stable)."""
    newest_first = sorted(stories, key=lambda s: (s.newest, s.id), reverse=True)
    return sorted(newest_first, key=lambda s: -(s.ai_score or 0.0))


def build_digest(conn: sqlite3.Connection, since: str, ai_threshold: float) -> Digest:
    stories = load_stories(conn, story_ids_since(conn, since))
    by_id = {s.id: s for s in stories}
    leads = _leads(conn, stories)
    highlights = _highlights(conn, stories)

    def entry(story: Story) -> DigestStory:
        return DigestStory(story, leads[story.id], tuple(highlights.get(story.id, ())))

    placed: set[int] = set()
    sections = []
    for item in follows(conn):
        about = [
            by_id[i]
            for i in stories_about(conn, item.kind, item.name, since)
            if i in by_id and i not in placed
        ]
        if about:
            placed.update(s.id for s in about)
            sections.append(
                DigestSection("follow", item.name, tuple(entry(s) for s in _by_relevance(about)))
            )
    rest = [s for s in stories if s.id not in placed]
    ai = [s for s in rest if (s.ai_score or 0.0) >= ai_threshold]
    other = [s for s in rest if (s.ai_score or 0.0) < ai_threshold]
    if ai:
        sections.append(DigestSection("ai", "AI", tuple(entry(s) for s in _by_relevance(ai))))
    if other:
        sections.append(
            DigestSection("other", "Other news", tuple(entry(s) for s in _by_relevance(other)))
        )
    return Digest(since, tuple(sections))


def digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "since": digest.since,
        "sections": [
            {
                "kind": section.kind,
                "title": section.title,
                "stories": [
                    {
                        **story_json(item.story),
                        "ai_score": item.story.ai_score,
                        "lead": item.lead,
                        "highlights": [
                            {
                                "article_id": h.article_id,
                                "exact": h.exact,
                                "note": h.note,
                                "color": h.color,
                            }
                            for h in item.highlights
                        ],
                    }
                    for item in section.stories
                ],
            }
            for section in digest.sections
        ],
    }


def story_json(story: Story) -> dict[str, Any]:
    """The stable keys of `reader stories --json` (DESIGN.md: extend only)."""
    return {
        "id": story.id,
        "title": story.title,
        "articles": [a.id for a in story.articles],
        "sources": list(story.sources),
        "newest": story.newest,
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def digest_markdown(digest: Digest) -> str:
    lines = [f"# Digest since {digest.since.replace('T', ' ').rstrip('Z')} UTC", ""]
    if not digest.sections:
        lines += ["No new stories.", ""]
    for section in digest.sections:
        heading = f"Following: {section.title}" if section.kind == "follow" else section.title
        lines += [f"## {heading}", ""]
        for item in section.stories:
            story = item.story
            lines.append(f"### {_one_line(story.title)}")
            lines.append("")
            count = len(story.articles)
            lines.append(
                f"*{', '.join(story.sources)}* · {count} article{'s' if count != 1 else ''}"
                f" · {story.newest.replace('T', ' ').rstrip('Z')}"
            )
            if item.lead:
                lines += ["", f"> {_one_line(item.lead)}"]
            if item.highlights:
                lines.append("")
                for h in item.highlights:
                    said = f"“{_one_line(h.exact)}”" if h.exact else "Note"
                    lines.append(f"- {said}" + (f" — {_one_line(h.note)}" if h.note else ""))
            lines.append("")
    return "\n".join(lines)
