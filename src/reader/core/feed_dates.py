"""The one rule for the dates feeds give their items, for every way of reading
a feed (the fast path, feedparser's, JSON Feed) and for an article page's date.

A date is kept when it is a real moment, written as one: a day its month has,
an hour of the day, a zone offset of at most 23:59 with minutes below 60
(RFC 3339's), between the years FIRST_YEAR and LAST_YEAR once in UTC. Anything
else is the feed's error, and the item is taken as undated: it gets the time
it was fetched (store.write_feed), as an item without a date does.

Why: feedparser reads `+9999` as an offset of 100 hours, 30 February as
1 March, and year 1 as year 1, which was stored as `1-01-01T00:00:00Z` (not ISO
text: glibc's %Y does not pad) and stopped every later refresh, `reader
stories` and `reader digest` for good (review14c). A JSON Feed date in year 1
or 9999 with an offset overflowed, and the whole feed was refused.

RFC 822 (RSS) and RFC 3339 (Atom, JSON Feed) text is read here, field by
field; the fast path reads only these, so it and feedparser's path give the
same value for the same text by construction. Other forms are read by
feedparser (or fromisoformat for JSON Feed) and held to the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from reader.core.clock import timestamp

# From the first years of news on the web's archives (1900 leaves room for
# digitised papers) to the last year four digits write: a stored date sorts
# as text only while every one has four.
FIRST_YEAR = 1900
LAST_YEAR = 9999

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) "
    r"(\d{2}):(\d{2})(?::(\d{2}))? (GMT|UT|UTC|Z|[+-]\d{4})",
    re.ASCII,  # other digits (U+0661...) go to feedparser: the fields are written as read
)
# (An offset without its colon too: ISO 8601 allows it, and feedparser read
# `+0530` as `+0500`.)
_W3CDTF = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})",
    re.ASCII,
)
# In text of another form: a leading ISO day ("2024-02-30", "2000-13-01T10:00",
# "-0001-01-01", which feedparser read as 2000-01-01),
# and a numeric offset ending the text after a time (" +9999", "+99",
# "GMT+99:99"), which feedparser would carry over into the next day, month or year.
_LEADING_DAY = re.compile(r"\s*([+-]?\d{4,})-(\d{2})-(\d{2})(?!\d)", re.ASCII)
_TRAILING_OFFSET = re.compile(
    r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:GMT|UTC?)?\s*[+-](\d{2}):?(\d{2})?\s*$", re.ASCII
)


class NotStandard(Exception):
    """The text is not in the RFC 822 or RFC 3339 form read here."""


def stored(moment: datetime) -> str | None:
    """An aware moment as stored (clock.timestamp), or None outside the years kept."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # year 1 at +01:00, 9999-12-31 at -14:00
        return None
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        return None
    return timestamp(utc)


def rfc822(text: str) -> str | None:
    """An RSS date (`Tue, 03 Jun 2025 09:39:21 +0200`) as stored, None when it
    breaks the rule; NotStandard for text of another form."""
    match = _RFC822.fullmatch(text)
    if match is None or match.group(2) not in _MONTHS:
        raise NotStandard
    day, _, year, hour, minute, second, zone = match.groups()
    offset = "+0000" if zone in ("GMT", "UT", "UTC", "Z") else zone
    return _fields(int(year), _MONTHS[match.group(2)], int(day), hour, minute, second, offset)


def w3cdtf(text: str) -> str | None:
    """An RFC 3339 date (`2025-06-03T09:39:21+02:00`) as stored, None when it
    breaks the rule; NotStandard for text of another form."""
    match = _W3CDTF.fullmatch(text)
    if match is None:
        raise NotStandard
    year, month, day, hour, minute, second, zone = match.groups()
    offset = "+0000" if zone == "Z" else zone.replace(":", "")
    return _fields(int(year), int(month), int(day), hour, minute, second, offset)


def read(text: str, other_form: Callable[[str], datetime | None]) -> str | None:
    """The date a feed wrote as `text`, as stored, or None. RFC 822 and
    RFC 3339 text is read here; text of another form by `other_form` (an aware
    moment, or None), once it passes the checks its form allows."""
    for standard in (rfc822, w3cdtf):
        try:
            return standard(text)
        except NotStandard:
            pass
    day = _LEADING_DAY.match(text)
    if day is not None and not _real_day(int(day[1]), int(day[2]), int(day[3])):
        return None
    offset = _TRAILING_OFFSET.search(text)
    if offset is not None and not _real_offset(offset[1], offset[2] or "00"):
        return None
    moment = other_form(text)
    return None if moment is None else stored(moment)


def _fields(
    year: int, month: int, day: int, hour: str, minute: str, second: str | None, offset: str
) -> str | None:
    """`offset`: a sign and four digits."""
    if not _real_offset(offset[1:3], offset[3:5]):
        return None
    try:
        local = datetime(year, month, day, int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except ValueError:  # 31 February, hour 24, second 60, year 0
        return None
    seconds = int(offset[1:3]) * 3600 + int(offset[3:5]) * 60
    try:
        utc = local - timedelta(seconds=-seconds if offset[0] == "-" else seconds)
    except OverflowError:
        return None
    return stored(utc)


def _real_offset(hours: str, minutes: str) -> bool:
    return int(hours) <= 23 and int(minutes) <= 59


def _real_day(year: int, month: int, day: int) -> bool:
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True
