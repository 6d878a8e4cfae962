"""An article page's title, author, date, site name and image, reading only what is kept.

trafilatura's `extract_metadata` also finds the page's categories, tags and
licence (never stored here) and searches the whole page for an author even
when the feed entry names one (the entry's author is kept then, so the page's
would be thrown away). On the extraction benchmark's real news pages that was
a quarter of the extraction time: the author search alone copies the whole
tree (~8 ms a page on this machine), categories and tags ~4 ms, the licence
~1.4 ms. This follows the same steps with trafilatura's own readers, in its
order, for the fields the refresh uses: the author and the date only when the
feed lacks them.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

# trafilatura's own pattern for a site name taken from a URL's host.
_SITE_FROM_URL = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")


# trafilatura's JSON minifier (metadata.JSON_MINIFY) with runs of white space
# taken at once (at a space its string branch cannot match, so each run goes
# whole either way), and linear where it is quadratic. Its string branch,
# tried at every quote, fails at a quote whose string never closes after
# scanning to where it stops (the end, or a backslash before a line break),
# and so fails again at each escaped quote up to there: 2 s of CPU for a 16 KB
# script of escaped quotes, a page's untrusted text. Here the second group
# takes that unclosed start whole in the same scan, and its white space is
# removed as the original's last branch would have removed it.
_JSON_MINIFY = re.compile(r'("(?:\\.|[^"\\])*+")|("(?:\\.|[^"\\])*+)|\s+')
_JSON_LD_TYPES = ("application/ld+json", "application/settings+json")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None
    author: str | None
    date: str | None
    site_name: str | None
    image: str | None


def page_metadata(
    tree: Any, url: str | None, *, want_author: bool = True, want_date: bool = True
) -> PageMetadata:
    """The metadata of a parsed page (trafilatura's `load_html` tree, not changed)."""
    from htmldate import find_date
    from trafilatura import metadata as tm
    from trafilatura.settings import DEFAULT_CONFIG, set_date_params

    from reader.core.author_bound import bounded_author_metas
    from reader.core.strip_tags import install_linear_strip

    install_linear_strip()  # trafilatura's tag stripping, linear (strip_tags.py)
    with bounded_author_metas(tree):
        found = tm.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # trafilatura's rule: a single word is a handle, not a name
    # A page's broken JSON-LD leaves the meta tags' answers (trafilatura guards it so too).
    with contextlib.suppress(Exception):
        found = _json_ld_metadata(tree, found)
    title = found.title or tm.extract_title(tree)
    author = None
    if want_author:
        author = found.author or tm.extract_author(tree)
    # The page's own URL serves the date search and a site name missing from
    # the page: looked for only then (~0.15 ms of a page's 1 ms here).
    page_url: str | None = found.url
    date = None
    if want_date:
        page_url = page_url or tm.extract_url(tree, url)
        # As bare_extraction asks htmldate: the configured search, with the page's URL.
        extensive = DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH")
        date = find_date(tree, **{**set_date_params(extensive), "url": page_url})
    site_name = found.sitename or tm.extract_sitename(tree)
    if site_name:
        site_name = site_name.lstrip("@")
        if site_name and "." not in site_name and not site_name[0].isupper():
            site_name = site_name.title()
    elif page_url := page_url or tm.extract_url(tree, url):
        from_url = _SITE_FROM_URL.match(page_url)
        site_name = from_url[1] if from_url else None
    return PageMetadata(
        title=title, author=author, date=date, site_name=site_name, image=found.image
    )


def _json_ld_metadata(tree: Any, found: Any) -> Any:
    """trafilatura's `extract_meta_json`: the same scripts, text and readers, found
    and minified in C.

    Its XPath for the scripts visits every element with its tests (~0.25 ms of a
    real news page here; tree.iter with a tag ~0.05), and its minifier substitutes
    each quoted string and each white-space character through a template that
    re expands in Python, ~200 times a page (~0.26 ms); `json_minified` splits
    on the pattern instead, keeping the text between matches and each matched
    string, the same characters as that substitution, in C (~0.10 ms).
    """
    import json

    from trafilatura.json_metadata import extract_json, normalize_json

    from reader.core.author_bound import AuthorBudget, bound_json_authors
    from reader.core.json_ld_crude import crude_metadata

    budget = AuthorBudget()  # all of the page's scripts
    for script in tree.iter("script"):
        if script.get("type") not in _JSON_LD_TYPES or not script.text:
            continue
        minified = json_minified(script.text)
        text = normalize_json(minified)
        try:
            parsed = json.loads(text, strict=False)
        except json.JSONDecodeError:
            # trafilatura's extract_json_parse_error, linear (json_ld_crude).
            found = crude_metadata(text, found, budget)
        else:
            found = extract_json(bound_json_authors(parsed, budget), found)
    return found


def json_minified(text: str) -> str:
    """What trafilatura's JSON minifier makes of `text`: white space outside
    strings removed, strings kept whole (see _JSON_MINIFY)."""
    parts = _JSON_MINIFY.split(text)
    # split gives the text between matches, then the two groups, in turn; a
    # run of white space leaves both groups empty.
    if any(parts[2::3]):  # only broken JSON leaves a string unclosed
        for unclosed in range(2, len(parts), 3):
            if parts[unclosed]:
                parts[unclosed] = "".join(parts[unclosed].split())
    return "".join(filter(None, parts))
