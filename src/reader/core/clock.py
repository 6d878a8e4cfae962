"""One clock for every timestamp the reader stores or prints: UTC, ISO 8601 to
the second with a `Z`, so stored dates sort as text.

Callers use `clock.utcnow()` through the module (not a copied name), so a test
that fixes the time patches this one place.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def timestamp(moment: datetime) -> str:
    """A moment as stored: converted to UTC, to the second. TIMESTAMP_FORMAT
    written out: glibc's %Y does not pad a year below 1000 to four digits
    (year 1 gave `1-01-01T00:00:00Z`, not ISO text), and strftime cost twice
    as much."""
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def utcnow() -> str:
    return timestamp(datetime.now(UTC))


def iso_after(seconds: float) -> str:
    """The timestamp `seconds` from now."""
    return timestamp(datetime.now(UTC) + timedelta(seconds=seconds))


def days_ago(days: float) -> str:
    """The timestamp `days` before now (a retention cutoff)."""
    return timestamp(datetime.now(UTC) - timedelta(days=days))
