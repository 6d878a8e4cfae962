"""The archive's memory of which paragraphs each site repeats on its pages."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from reader.core.site_boilerplate import boilerplate_threshold, page_key, site_of


def remember_site_paragraphs(
    conn: sqlite3.Connection, pages: Sequence[tuple[str, Sequence[int]]]
) -> None:
    """Record (page URL, paragraph fingerprints) of freshly extracted pages.

    Keyed by page, so a page read again (its entry was updated) is counted once.
    """
    page_rows: list[tuple[str, int]] = []
    paragraph_rows: list[tuple[str, int, int]] = []
    for url, paragraphs in pages:
        host = site_of(url)
        if not host:
            continue
        page = page_key(url)
        page_rows.append((host, page))
        paragraph_rows.extend((host, paragraph, page) for paragraph in paragraphs)
    conn.executemany("INSERT OR IGNORE INTO site_pages (host, page) VALUES (?, ?)", page_rows)
    conn.executemany(
        "INSERT OR IGNORE INTO site_paragraphs (host, paragraph, page) VALUES (?, ?, ?)",
        paragraph_rows,
    )


def forget_site_pages(conn: sqlite3.Connection, urls: Sequence[str]) -> None:
    """Forget pruned pages: the learning follows the archive, so a site's old
    template leaves with its old articles."""
    rows = [(site_of(url), page_key(url)) for url in urls]
    rows = [row for row in rows if row[0]]
    conn.executemany("DELETE FROM site_paragraphs WHERE host = ? AND page = ?", rows)
    conn.executemany("DELETE FROM site_pages WHERE host = ? AND page = ?", rows)


def site_boilerplate(conn: sqlite3.Connection, url: str) -> frozenset[int]:
    """Fingerprints of the paragraphs that enough pages of the URL's host share."""
    host = site_of(url)
    if not host:
        return frozenset()
    (pages,) = conn.execute("SELECT COUNT(*) FROM site_pages WHERE host = ?", (host,)).fetchone()
    return frozenset(
        row[0]
        for row in conn.execute(
            "SELECT paragraph FROM site_paragraphs WHERE host = ?"
            " GROUP BY paragraph HAVING COUNT(*) >= ?",
            (host, boilerplate_threshold(pages)),
        )
    )
