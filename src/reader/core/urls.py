"""The one URL check: what a user typed (command line, app, OPML) and what a
server sent (redirects) pass here before anything is fetched or stored.

`urllib.parse.urlsplit` raises a bare ValueError on a malformed bracketed host
(`http://[::1`, `https://[foo]/feed`); every such failure becomes a UrlError
with a sentence the user can act on.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from reader.core.textnorm import normalize_line

ALLOWED_SCHEMES = frozenset({"http", "https"})

# "mailto:x", "javascript:..." and "file:/etc" name a scheme without "//";
# "example.org:8080/feed" does not (a port is digits).
_BARE_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")
# Shown URLs are cut so one bad entry stays one line.
_SHOWN_LENGTH = 200


class UrlError(ValueError):
    """A URL that cannot be fetched; the message says why, on one line."""


def shown(url: str) -> str:
    """A URL fit for a message: one line, no terminal controls, not too long.
    URLs come from files and servers as often as from the user."""
    line = normalize_line(url)
    return line if len(line) <= _SHOWN_LENGTH else line[: _SHOWN_LENGTH - 1] + "…"


def check_url(url: str) -> str:
    """The URL in its one stored form if it is http(s) with a valid host and
    port, else UrlError. The form: stripped, scheme and host in lower case, no
    #fragment (never sent to the server), so `HTTP://EXAMPLE.ORG/f`,
    `http://example.org/f` and `http://example.org/f#x` are one subscription
    (they were three). The path and query are kept as written: they may be
    case-sensitive."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError as exc:
        # urlsplit's message may quote the netloc as typed, controls and all.
        raise UrlError(f"invalid URL: {shown(str(exc))}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UrlError(
            f"unsupported URL scheme ({shown(scheme) or 'no scheme'}): only http and https"
            " are fetched"
        )
    if not host:
        raise UrlError(f"URL has no host: {shown(url)}")
    if any(c.isspace() or not c.isprintable() for c in host):
        raise UrlError(f"invalid URL: the host contains spaces or control characters: {shown(url)}")
    userinfo, at, host_port = parts.netloc.rpartition("@")
    netloc = userinfo + at + host_port.lower()
    if (scheme, netloc) == (parts.scheme, parts.netloc) and "#" not in url:
        return url  # already so (the common case): as written, not re-joined
    # Stripped again: "http://h/ #x" leaves "http://h/ ", which the next check strips.
    return urlunsplit((scheme, netloc, parts.path, parts.query, "")).strip()


def typed_url(text: str) -> str:
    """A feed address as a person types it: `example.org` means https://example.org.
    The command line and the app both take what the user typed through here."""
    text = text.strip()
    if not text:
        raise UrlError("no URL given")
    if "://" not in text and not text.startswith("//"):
        bare = _BARE_SCHEME.match(text)
        if bare is not None and bare.group(1).lower() not in ALLOWED_SCHEMES:
            raise UrlError(
                f"unsupported URL scheme ({shown(bare.group(1))}): only http and https are fetched"
            )
        if bare is None:
            text = "https://" + text
    elif text.startswith("//"):
        text = "https:" + text
    return check_url(text)
