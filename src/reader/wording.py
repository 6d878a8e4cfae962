"""Words that depend on a number or on the word after them, for the command
line and the app alike."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 article", "2 articles", "1,000 articles"."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def done_of(done: int, total: int, word: str) -> str:
    """ "1,164/1,200 articles": progress counts, grouped like every other count."""
    return f"{done:,}/{plural(total, word)}"


def a_or_an(word: str) -> str:
    """ "a person", "an organisation", "an AI model": by the first letter, which
    is right for every entity type's name (not for "a user" or "an hour")."""
    return f"{'an' if word[:1].lower() in 'aeiou' and word else 'a'} {word}"


def grouping_note(stories_waiting: int, feeds_done: int, feeds_total: int) -> str:
    """After its last feed a refresh groups its new articles into stories
    before it ends: said, so a progress bar at 100% that stays a moment is
    explained (RefreshProgress.stories_waiting)."""
    if stories_waiting and feeds_done == feeds_total:
        return f" · grouping {plural(stories_waiting, 'article')} into stories…"
    return ""
