"""Small helpers for the words the app shows."""

from __future__ import annotations

from urllib.parse import urlsplit

from reader.wording import a_or_an, plural

__all__ = ["a_or_an", "literal_markup", "plural", "short_url"]


def literal_markup(text: str) -> str:
    """Markup that Textual renders as exactly `text`, for the few places that
    take only a markup string (the command palette's `help`).

    Every `[` is escaped. textual.markup.escape is not enough: it escapes only
    a `[` followed by a lower-case letter, `#`, `/` or `@`, so a feed's
    "[ @click=app.quit]" (a space first) stays a live click action, "[$accent]"
    a style, and "[Updated]" vanishes as a tag. Textual's parser turns each
    `\\[` back into `[` and nothing else: a backslash of the text's own stays.
    Everywhere else the app passes `Content`, which is never parsed.
    """
    return text.replace("[", "\\[")


def short_url(url: str) -> str:
    """A feed URL without its scheme, for a feed that has no title yet."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url
