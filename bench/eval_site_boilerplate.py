"""Per-site boilerplate learning, checked on many articles of one site.

The extraction benchmark has one page per site, so it cannot show what learning a
site's template across its pages does. This script uses the full-text feeds of
the shared corpus (``feeds/tech-ai/0xsmw-ai-feeds``: AI labs and magazines whose
items carry the whole article HTML in ``content:encoded``) and reads each feed's
articles oldest first, as a growing archive would, through the real code: the
feed parser, ``extract_page``, the store's learning tables (a fresh SQLite file)
and ``remove_boilerplate``.

Two checks:

1. **Safety on real articles.** The feed content is the publisher's article
   without the site's template, so every paragraph the learner would remove from
   it is article text removed by mistake. Counted per feed, with the paragraphs
   printed for inspection.
2. **Gain on a site template.** Each article is wrapped in one constructed page
   template per site (navigation, a newsletter box and a membership note inside
   the article element, an "about" paragraph and teaser links of other posts
   after it), as news sites do. The page is extracted with ``extract_page`` and
   scored against the feed's article text with the extraction benchmark's
   metric (bench/eval_extraction.py), without and with the per-site learning.

Run from the repository root::

    python bench/eval_site_boilerplate.py
    python bench/eval_site_boilerplate.py --corpus /path/to/corpora/feeds/tech-ai/0xsmw-ai-feeds

The corpus is not part of the repository; without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared/corpora/feeds/tech-ai/0xsmw-ai-feeds"

try:
    import reader  # noqa: F401
except ImportError:  # not installed: run against the source tree
    sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from eval_extraction import match_counts, score  # noqa: E402
from reader.core.extract import extract_page  # noqa: E402
from reader.core.feeds import ParsedEntry, parse_feed  # noqa: E402
from reader.core.site_boilerplate import paragraph_key, paragraph_keys, remove_boilerplate  # noqa: E402
from reader.core.store import Store  # noqa: E402
from reader.core.store.sites import remember_site_paragraphs  # noqa: E402

# Feeds whose items are mostly the article itself (a few sentences at least).
MIN_FEED_TEXT_CHARS = 500
# Articles wrapped in the template per feed (extraction is the slow part).
TEMPLATE_ARTICLES = 30

# The constructed site template: text written for this check, in the style of
# news sites' standing boxes. {site} is the feed's host.
NEWSLETTER = (
    "Sign up for The {site} Briefing, our weekly newsletter with the stories you need "
    "to read, delivered every Friday morning."
)
MEMBERSHIP = (
    "Readers like you make this reporting possible. Become a member of {site} today "
    "and get early access to our events and the full archive."
)
ABOUT = (
    "{site} is an independent publication covering technology and research. It is "
    "funded by its readers and has no advertisers; corrections go to the editors."
)


@dataclass(frozen=True, slots=True)
class SiteResult:
    feed: str
    articles: int
    learned: int  # boilerplate fingerprints known when the last article was read
    removed_paragraphs: int  # check 1: article paragraphs removed (mistakes)
    removed_words: int
    words: int


def feed_entries(path: Path) -> list[ParsedEntry]:
    parsed = parse_feed(path.read_bytes(), {"content-type": "application/rss+xml"}, path.as_uri())
    entries = [e for e in parsed.entries if e.url and len(e.feed_text) >= MIN_FEED_TEXT_CHARS]
    return sorted(entries, key=lambda e: e.published or "")


def check_real_articles(
    store: Store, name: str, entries: list[ParsedEntry], show: bool
) -> SiteResult:
    removed_paragraphs = removed_words = words = 0
    learned: frozenset[int] = frozenset()
    for entry in entries:
        text = entry.feed_text.replace("\n\n", "\n")
        learned = store.site_boilerplate(entry.url)
        kept = remove_boilerplate(text, learned)
        gone = [p for p in text.split("\n") if p and paragraph_key(p) in learned and kept != text]
        removed_paragraphs += len(gone)
        removed_words += sum(len(p.split()) for p in gone)
        words += len(text.split())
        if show:
            for paragraph in gone:
                print(f"    removed from {entry.url}: {paragraph[:100]!r}")
        with store.transaction() as conn:
            remember_site_paragraphs(conn, [(entry.url, paragraph_keys(text))])
    return SiteResult(name, len(entries), len(learned), removed_paragraphs, removed_words, words)


def site_page(entry: ParsedEntry, others: list[ParsedEntry], site: str) -> bytes:
    """The article in a constructed site template (see the module docstring)."""
    teasers = "".join(
        f'<li><a href="{html.escape(o.url)}">{html.escape(o.title)}</a></li>' for o in others
    )
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{html.escape(entry.title)} | {site}</title></head><body>
<header><nav><a href="/">Home</a> <a href="/research">Research</a>
<a href="/news">News</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{html.escape(entry.title)}</h1>
{entry.content_html}
<div class="newsletter-box"><p>{NEWSLETTER.format(site=site)}</p></div>
<p class="member-note">{MEMBERSHIP.format(site=site)}</p>
</article>
<section class="about"><p>{ABOUT.format(site=site)}</p></section>
<section class="more"><h2>More from {site}</h2><ul>{teasers}</ul></section>
</main><footer><p>Copyright {site}. All rights reserved.</p></footer>
</body></html>""".encode()


def check_template(
    store: Store, entries: list[ParsedEntry]
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    plain: list[tuple[int, int, int]] = []
    learned: list[tuple[int, int, int]] = []
    for index, entry in enumerate(entries):
        site = entry.url.split("/")[2]
        others = [entries[(index + k) % len(entries)] for k in (1, 2, 3)]
        page = extract_page(site_page(entry, others, site), entry.url)
        text = page.text if page is not None else ""
        truth = entry.feed_text
        plain.append(match_counts(truth, text))
        known = store.site_boilerplate(entry.url)
        learned.append(match_counts(truth, remove_boilerplate(text, known)))
        with store.transaction() as conn:
            remember_site_paragraphs(conn, [(entry.url, paragraph_keys(text))])
    return plain, learned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", action="store_true", help="print every removed paragraph")
    args = parser.parse_args(argv)
    feeds = sorted((args.corpus / "feeds").glob("*.xml"))
    if not feeds:
        print(f"No feeds at {args.corpus}/feeds; nothing to evaluate. Pass --corpus PATH.")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "real.db")
        print("1. real articles (feed content, no template): paragraphs removed by mistake")
        print("| feed | articles | boilerplate known | paragraphs removed | words removed |")
        print("|---|---:|---:|---:|---:|")
        total_words = total_removed = 0
        usable: list[tuple[str, list[ParsedEntry]]] = []
        for path in feeds:
            entries = feed_entries(path)
            if len(entries) < 3:
                continue
            usable.append((path.stem, entries))
            r = check_real_articles(store, path.stem, entries, args.show)
            total_words += r.words
            total_removed += r.removed_words
            print(
                f"| {r.feed} | {r.articles} | {r.learned} | {r.removed_paragraphs} | "
                f"{r.removed_words} of {r.words} |"
            )
        print(f"words removed in all: {total_removed} of {total_words}")
        store.close()

        store = Store(Path(tmp) / "template.db")
        print(f"\n2. the same articles in a site template (first {TEMPLATE_ARTICLES} per feed)")
        print(
            "| feed | pages | P plain | P learned | R plain | R learned | F1 plain | F1 learned |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        all_plain: list[tuple[int, int, int]] = []
        all_learned: list[tuple[int, int, int]] = []
        for name, entries in usable:
            plain, learned = check_template(store, entries[:TEMPLATE_ARTICLES])
            all_plain += plain
            all_learned += learned
            p0, r0, f0 = score(plain)
            p1, r1, f1 = score(learned)
            print(
                f"| {name} | {len(plain)} | {p0:.3f} | {p1:.3f} | {r0:.3f} | {r1:.3f} | "
                f"{f0:.3f} | {f1:.3f} |"
            )
        p0, r0, f0 = score(all_plain)
        p1, r1, f1 = score(all_learned)
        print(
            f"| all | {len(all_plain)} | {p0:.3f} | {p1:.3f} | {r0:.3f} | {r1:.3f} | "
            f"{f0:.3f} | {f1:.3f} |"
        )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
