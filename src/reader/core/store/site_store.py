"""The archive's memory of which paragraphs each site repeats on its pages."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from reader.core.site_boilerplate import MIN_PAGES, page_key, site_of


def remember_site_paragraphs(
    conn: sqlite3.Connection, pages: Sequence[tuple[str, Sequence[int]]]
) -> None:
    """Record (page URL, paragraph fingerprints) of freshly extracted pages.

    A paragraph already seen on ``MIN_PAGES`` pages of its host is not recorded
    again: more rows would not change the verdict, and the table stays at one
    row per paragraph for the text that is each article's own.
    """
    rows: list[tuple[str, int, int, str, int, int]] = []
    for url, paragraphs in pages:
        host = site_of(url)
        if not host:
            continue
        page = page_key(url)
        rows.extend((host, paragraph, page, host, paragraph, MIN_PAGES) for paragraph in paragraphs)
    conn.executemany(
        """INSERT OR IGNORE INTO site_paragraphs (host, paragraph, page)
           SELECT ?, ?, ? WHERE (SELECT COUNT(*) FROM site_paragraphs
                                 WHERE host = ? AND paragraph = ?) < ?""",
        rows,
    )


def site_boilerplate(conn: sqlite3.Connection, url: str) -> frozenset[int]:
    """Fingerprints of the paragraphs that ``MIN_PAGES`` pages of the URL's host share."""
    host = site_of(url)
    if not host:
        return frozenset()
    return frozenset(
        row[0]
        for row in conn.execute(
            "SELECT paragraph FROM site_paragraphs WHERE host = ?"
            " GROUP BY paragraph HAVING COUNT(*) >= ?",
            (host, MIN_PAGES),
        )
    )
