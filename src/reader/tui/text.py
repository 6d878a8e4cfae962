"""Small helpers for the words the app shows."""

from __future__ import annotations

from urllib.parse import urlsplit


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 article", "2 articles", "1,000 articles"."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def short_url(url: str) -> str:
    """A feed URL without its scheme, for a feed that has no title yet."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url
