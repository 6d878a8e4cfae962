"""The offline demo: bundled sample feeds and article pages, served to the
real fetch → parse → extract → store pipeline without any network.

Demo URLs live under https://demo.reader.invalid/ (`.invalid` can never
resolve). The fetcher mounts `DemoTransport` for that origin, so the demo goes
through the same HTTP code (conditional GET included) as any feed, and a later
refresh of the demo feeds works offline too. The content was written for this
project; it is marked by its host and removed in one action.
"""

from __future__ import annotations

import hashlib
import mimetypes
from importlib import resources
from urllib.parse import urlsplit

import httpx

DEMO_HOST = "demo.reader.invalid"
DEMO_ORIGIN = f"https://{DEMO_HOST}"
DEMO_TAG = "demo"
_PACKAGE_DIR = "data/demo"

_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


def is_demo_url(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() == DEMO_HOST


def demo_feed_urls() -> list[str]:
    """The demo's feeds, listed one path a line in data/demo/feeds.txt."""
    listing = resources.files("reader").joinpath(_PACKAGE_DIR, "feeds.txt").read_text("utf-8")
    return [
        f"{DEMO_ORIGIN}/{line.strip().lstrip('/')}"
        for line in listing.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _read(path: str) -> bytes | None:
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") or p.startswith(".") for p in parts):
        return None
    node = resources.files("reader").joinpath(_PACKAGE_DIR, *parts)
    try:
        return node.read_bytes() if node.is_file() else None
    except OSError:
        return None


def _response(
    status: int, request: httpx.Request, body: bytes = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    # An unread stream, as a network transport returns: the fetcher reads bodies
    # with aiter_raw(), and Response(content=...) arrives already read, so that
    # raises StreamConsumed.
    return httpx.Response(
        status,
        headers={**(headers or {}), "Content-Length": str(len(body))},
        stream=httpx.ByteStream(body),
        request=request,
    )


class DemoTransport(httpx.AsyncBaseTransport):
    """Answers requests for the demo origin from package data."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = _read(request.url.path)
        if body is None or request.method != "GET":
            return _response(404, request, b"not part of the demo")
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16] + '"'
        if request.headers.get("if-none-match") == etag:
            return _response(304, request, headers={"ETag": etag})
        suffix = "." + request.url.path.rsplit(".", 1)[-1] if "." in request.url.path else ""
        content_type = _TYPES.get(suffix) or mimetypes.types_map.get(suffix, "text/plain")
        return _response(200, request, body, {"ETag": etag, "Content-Type": content_type})
