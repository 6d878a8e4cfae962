"""The keys the first release gave feed entries, to find its articles again.

Until 07d761f and 7ca0232 the feed parser ran with feedparser's defaults, and
an entry's identity (feeds._make_entry) came out differently for two kinds of
entries (4e66162, src/reader/core/feeds.py):

- an id was resolved against the feed's URL, as feedparser resolves links:
  `<guid>12345</guid>` in http://host/feed.xml was keyed
  `guid:http://host/12345` (not for an RSS guid marked isPermaLink="false");
- an entry with neither id nor link was keyed by a SHA-1 of its title, date
  and summary, the title and summary as feedparser's HTML sanitiser left them
  (07d761f then dropped the summary when there is a title or a date).

Articles stored then keep those keys, so the first refresh after an upgrade
did not recognise them: each was stored a second time, unread, and the user's
star, tags and notes stayed on the old copy. The refresh asks this module only
for a feed stored by such a version (schema 0009 lists them, the store forgets
a feed once it has been through it) and only when one of the feed's entries
has a key it does not know; the article found under an older key is then
given the new one, in the transaction that stores the feed.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from reader.core.feeds import ParsedEntry, _digest, _entry_from_feedparser

# feedparser keeps the names of the elements it resolves as URLs in a set on
# its parser class; feeds._parse_with_feedparser takes "id" out of it. The old
# reading needs it back for one parse: the set is swapped under this lock and
# restored, and this runs in the refresh's worker processes, which run one job
# at a time.
_ID_SETTING = threading.Lock()


def renamed_entries(
    content: bytes,
    headers: Mapping[str, str],
    url: str,
    unknown: Collection[str],
    stored: Collection[str],
) -> tuple[tuple[str, str], ...]:
    """(old key, new key) for each entry whose key is in `unknown` and whose
    key under an older version is in `stored` (the feed's articles' keys and
    those it pruned). The same arguments parse_feed had."""
    pairs: list[tuple[str, str]] = []
    older, current = _older_keys(content, headers, url)
    # An old key that is still another entry's key now belongs to that entry:
    # `<guid>7</guid>` beside `<guid>http://host/7</guid>` was resolved onto
    # the second and never stored on its own, and the stored article (its
    # star, its notes) is the second's (review15).
    taken = set(current)
    for new, olds in older.items():
        if new not in unknown:
            continue
        for old in olds:
            if old in stored and old not in taken:
                taken.add(old)
                pairs.append((old, new))
                break
    return tuple(pairs)


def _older_keys(
    content: bytes, headers: Mapping[str, str], url: str
) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """Each entry's key now -> the other keys older versions gave it, and
    every entry's key now.

    The document is read twice by feedparser, as now and as then, and the
    entries are paired in document order (before duplicates are dropped:
    two ids may resolve to one URL). A JSON Feed was never read by
    feedparser; its entries keep their ids, and one without id or link (the
    spec requires an id) is not looked for.
    """
    now = list(_entries(content, headers, url, resolve_ids=False))
    then = list(_entries(content, headers, url, resolve_ids=True))
    current_keys = {entry.key for entry in now}
    if not now or len(now) != len(then):
        return {}, current_keys
    older: dict[str, tuple[str, ...]] = {}
    for current, old in zip(now, then, strict=True):
        keys = tuple(k for k in _keys_then(old) if k != current.key)
        if keys and current.key not in older:
            older[current.key] = keys
    return older, current_keys


def _keys_then(entry: ParsedEntry) -> tuple[str, ...]:
    """The keys an older version made of an entry read the old way: as
    4e66162's _make_entry, then as 07d761f's (its hash without the summary
    when there is a title or a date, which is this version's formula)."""
    if entry.guid:
        return ("guid:" + entry.guid,)
    if entry.url:
        return ("link:" + entry.url,)
    first = "hash:" + _digest(entry.title, entry.published or "", entry.summary_html)
    return (first, entry.key)


def _entries(
    content: bytes, headers: Mapping[str, str], url: str, *, resolve_ids: bool
) -> Iterator[ParsedEntry]:
    import feedparser

    response_headers = dict(headers)
    response_headers.setdefault("content-location", url)
    with _ids_resolved(resolve_ids):
        if resolve_ids:
            # 4e66162's call: feedparser's defaults, the sanitiser on.
            parsed = feedparser.parse(
                content, response_headers=response_headers, sanitize_html=True
            )
        else:
            # This version's (feeds._parse_with_feedparser).
            parsed = feedparser.parse(
                content,
                response_headers=response_headers,
                sanitize_html=False,
                resolve_relative_uris=False,
            )
    for entry in parsed.entries:
        yield _entry_from_feedparser(entry, url)


@contextmanager
def _ids_resolved(resolve: bool) -> Iterator[None]:
    import feedparser.mixin

    mixin: Any = getattr(feedparser.mixin, "_FeedParserMixin", None)
    if mixin is None:
        yield
        return
    with _ID_SETTING:
        saved = mixin.can_be_relative_uri
        mixin.can_be_relative_uri = (saved | {"id"}) if resolve else (saved - {"id"})
        try:
            yield
        finally:
            mixin.can_be_relative_uri = saved
