"""Small helpers for the words the app shows."""

from __future__ import annotations

from urllib.parse import urlsplit

from reader.wording import a_or_an, plural

__all__ = ["a_or_an", "plural", "short_url"]


def short_url(url: str) -> str:
    """A feed URL without its scheme, for a feed that has no title yet."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url
