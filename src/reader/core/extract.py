"""Article text from HTML bytes: trafilatura for pages, a plain walker for feed HTML.

Pages are fetched by our own HTTP client and handed over as bytes: trafilatura's
own fetcher retries without certificate checks and hides errors (FINDINGS.md).
These functions are pure and CPU-bound; the refresh runs them in a process pool.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from reader.core.page_metadata import page_metadata
from reader.core.pickling import as_tuple
from reader.core.textnorm import normalize_line, normalize_text, strip_controls

# Settings chosen on the news extraction benchmark (bench/eval_extraction.py, 91 dev
# pages, trafilatura 2.3.1, 2026-11-28; numbers include the headline drop in
# extract_page). trafilatura.extract() defaults: P 0.938 R 0.988 F1 0.962.
# - favor_precision: the largest win, P 0.943 -> 0.966 for R 0.988 -> 0.985 (it
#   prunes teaser lists, bylines and promo blocks next to the body).
# - include_tables: tables are often the article (results, specs); dropping them
#   costs recall (F1 0.968 vs 0.975).
# - comments are never part of the article.
# - deduplicate stays off: its cache is process-wide, so a long-lived worker
#   drops paragraphs it has seen on earlier pages (re-extracting the same 91
#   pages in one process: 1 page empty on the 2nd pass, 26 on the 4th).
# - favor_recall scored lower.
# - fast: no fallback extractors (readability, jusText) after trafilatura's own.
#   It scored lower before the balanced re-read of short texts below existed;
#   with it, the same on the tuned half (F1 0.978 both, no page changed) for a
#   quarter less time. The re-read keeps the fallbacks: it is the guard for
#   pages the main pass under-reads, which is when they matter.
# - metadata: read by reader.core.page_metadata, only the fields kept.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "favor_precision": True,
    "fast": True,
    "with_metadata": False,
}

# trafilatura's time grows with the square of the paragraphs in an <article>:
# `<p>a b</p>` x 20,000 (40,000 tags) takes 2 s here, x 30,000 8 s, x 200,000
# minutes, and such a page is only 2 MB. The longest of the 91 real news pages
# of the extraction benchmark has 3,229 tags ("<"); a page with more is not read
# at all (the worker's time limit stops anything slow that stays under it).
MAX_PAGE_TAGS = 40_000

# Below this many characters trafilatura's text is more likely a cookie banner
# or teaser than the article; the caller then prefers the feed's own content.
MIN_ARTICLE_CHARS = 200


# favor_precision also switches off trafilatura's own rescue stages (the baseline
# rescue and the recall retry run only in its balanced mode), so a page the
# precise pass under-reads stays under-read. The gain of favor_precision held on
# the pages it was chosen on (F1 +0.011) but not on unseen ones (equal to the
# balanced mode with comments off), where such losses weigh: one page read at
# half its length costs as much as trimming a teaser list on fifty. A precise
# text this short is therefore checked against the balanced pass, which is kept
# when it is at least twice as long. No tuned page is short enough to change
# (the shortest is 367 characters against 598 balanced), so this costs nothing
# there, and a second extraction only on short pages.
SHORT_PRECISION_CHARS = 1_000
BALANCED_OPTIONS: dict[str, Any] = {
    **TRAFILATURA_OPTIONS,
    "favor_precision": False,
    "fast": False,
}

# Whole lines that are the publisher's promotion, not the article: "Related:"
# teasers, "SEE MORE:", "Follow X on Twitter", newsletter and app sign-ups, "Have
# a tip?". Only whole lines that start this way go; the phrases are common to
# news sites in general, not to one site. On the tuned pages this removed such
# lines from 9 pages and no article text anywhere ("Click here" was left out: it
# also starts real article sentences).
_PROMO_LINE = re.compile(
    r"""^[-•*\s]*(?:
        (?:related|see\ also|read\ more|see\ more|more|also\ read|read\ also
           |recommended|don['’]?t\ miss)\s*(?::|$)
      | follow\ .{1,60}?\ on\ (?:twitter|x|facebook|instagram|linkedin|youtube|threads)\b
      | (?:sign\ up|subscribe)\b.{0,80}?\b(?:newsletters?|inbox|updates)\b
      | get\ the\ latest\b.{0,60}?\b(?:inbox|newsletters?)\b
      | have\ a\ (?:news\ )?tip\?
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def _drop_promo_lines(text: str) -> str:
    lines = text.split("\n")
    kept = [line for line in lines if not _PROMO_LINE.match(line)]
    return "\n".join(kept).strip() if len(kept) < len(lines) else text


def _balanced_if_fuller(trafilatura: Any, tree: Any, url: str | None, text: str) -> str:
    balanced = trafilatura.extract(tree, url=url, **BALANCED_OPTIONS)  # reads a copy
    fuller = normalize_text(balanced or "")
    return fuller if len(fuller) >= 2 * len(text) else text


# Elements trafilatura's cleaning deletes with everything inside, whatever the
# page (its MANUALLY_CLEANED list, with our images and tables settings): scripts,
# styles, SVG drawings, navigation, footers, asides, form controls... On the
# extraction benchmark's real news pages they are over half of a page's elements
# (420 of 772 on average) and a third of the containers that trafilatura's XPath
# filters test one by one (with regular expressions called back into Python)
# before its cleaning gets to them. Taken out first, in C, they leave those
# filters a smaller tree and the same text: identical output on the 91 pages
# (extract_page's, and the balanced pass's with its fallbacks on every page, not
# only the short ones that get it; that pass costs a third less) and on the 414
# feed articles of bench/eval_site_boilerplate.py in their template. Left in:
# forms (kept when they hold most of the page's text), figures (one holding a
# table becomes a block), <math> (its formula text is salvaged), and JSON-LD
# scripts (they tell trafilatura a page is a forum thread, whose posts its
# balanced pass keeps) with the <head> that holds them.
_NEVER_KEPT_CANDIDATES = (
    "applet", "area", "aside", "audio", "blink", "button", "canvas", "datalist",
    "dialog", "embed", "fencedframe", "fieldset", "footer", "frame", "frameset",
    "iframe", "input", "label", "legend", "link", "map", "marquee", "menu",
    "menuitem", "nav", "noindex", "noscript", "object", "optgroup", "option",
    "output", "param", "picture", "progress", "rp", "rt", "rtc", "script", "select",
    "source", "style", "svg", "textarea", "time", "track", "use", "video",
)  # fmt: skip
_KEPT_SCRIPT = "reader-kept-script"


def _drop_never_kept(tree: Any) -> None:
    """Delete (in place, tails kept) the elements trafilatura would delete anyway."""
    from lxml import etree
    from trafilatura.settings import MANUALLY_CLEANED

    # Only what this trafilatura still cleans: a tag it stops deleting stays.
    tags = [tag for tag in _NEVER_KEPT_CANDIDATES if tag in MANUALLY_CLEANED]
    # tree.iter in C, not an XPath: ~0.05 against ~0.25 ms a real page (an XPath
    # step visits every element with its own tests); the same scripts, in order.
    kept = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    for script in kept:
        script.tag = _KEPT_SCRIPT
    etree.strip_elements(tree, *tags, with_tail=False)
    for script in kept:
        script.tag = "script"


# libxml2 writes an attribute value out (lxml's tostring, which htmldate's
# find_date calls on a page where it found no date otherwise) searching from each
# "<!--" in it for a "-->": a value of "&lt;!--" x 20,000 (140 KB of page) took
# 1.9 s to write, x 40,000 8.4 s, so a page could hold a worker past its time
# limit with no tag counted. Each "<!--" in a value is written with a "!" or,
# with the "!" as a character reference, an "&": a page with few of both cannot
# hold many in one value, and is not looked at (4,000: at most ~0.1 s to write;
# the extraction benchmark's real news pages have up to 1,767 "!" and 4,219 "&").
_COMMENT_RUN_PAGE = 4_000  # "!" and "&" in a page's bytes before values are read
_COMMENT_RUN_VALUE = 16  # "<!--" in one value: more is no real value


def _defuse_comment_runs(html: bytes, tree: Any) -> None:
    """Empty (in place) each attribute value holding more than
    `_COMMENT_RUN_VALUE` "<!--": its serialisation would cost the square of it."""
    if html.count(b"!") + html.count(b"&") <= _COMMENT_RUN_PAGE:
        return
    for element in tree.iter():
        attributes = getattr(element, "attrib", None)
        if not attributes:
            continue
        for name, value in attributes.items():
            if value.count("<!--") > _COMMENT_RUN_VALUE:
                attributes[name] = ""


# The C0 controls other than tab, newline and carriage return: trafilatura's loader
# deletes them (its INVALID_XML_CHARS, with U+FFFE and U+FFFF) before libxml2 sees
# the page. In UTF-8 each is one byte that no other character's encoding contains.
_C0_DELETED = bytes(code for code in range(32) if code not in (9, 10, 13))
_NONCHARACTERS = ("\ufffe", "\uffff")  # deleted by the loader too


@functools.cache
def _page_parser(parser: Any) -> Any:
    """trafilatura's parser with lxml.html's element classes chosen in C.

    lxml.html picks the class of every element object it hands to Python
    (HtmlElement, or FormElement, InputElement... for five form tags) in a
    Python method, and trafilatura's XPath filters and walks make ~1,500 such
    objects a page: ~1 ms of a real news page's extraction here. The same
    choice as a lookup table that libxml2's side of lxml reads gives every
    element the class it had, so the same tree and text.
    """
    from lxml import etree
    from lxml.html import (
        HtmlComment,
        HtmlElement,
        HtmlElementClassLookup,
        HtmlEntity,
        HtmlProcessingInstruction,
    )

    by_tag = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )
    )
    by_tag.get_namespace(None).update(HtmlElementClassLookup._default_element_classes)
    copied = parser.copy()  # the same options: trafilatura's own
    copied.set_element_class_lookup(by_tag)
    return copied


def load_page(html: bytes) -> Any:
    """trafilatura's `load_html` of a page's bytes: the same tree, with less work.

    Its loader decodes the whole page to a str, runs a regular expression over
    every character of it and gives the str to libxml2, which reads it back as
    bytes: ~1.4 of the 3.5 ms a real news page took to parse here. For a page
    in UTF-8 (nearly all) the same deletion is a byte translation in C and
    libxml2 reads the page's own bytes with trafilatura's parser. Its repairs
    of the first lines (an XHTML doctype removed; a self-closed <html/>, for
    which this hands the page to trafilatura's loader) are made as it makes them.
    Anything else (compressed bytes, another encoding, a byte-order mark, a
    page libxml2 cannot read) goes to trafilatura's loader, unchanged.
    """
    import trafilatura
    from lxml.html import fromstring

    try:  # trafilatura's own parser and repairs; a release without them is read its way
        from trafilatura.utils import DOCTYPE_TAG, HTML_PARSER, handle_compressed_file
    except ImportError:
        return trafilatura.load_html(html)

    if html.startswith(b"\xef\xbb\xbf") or handle_compressed_file(html) is not html:
        return trafilatura.load_html(html)
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        return trafilatura.load_html(html)
    beginning = text[:50].lower()  # the loader's checks look at the page as given
    cleaned = html.translate(None, _C0_DELETED)
    # Looked for in the decoded text, not the bytes: a str holding only
    # characters below U+0100 answers at once, a wider one is scanned two
    # bytes a character (two scans of the bytes were ~0.3 ms of a page).
    for noncharacter in _NONCHARACTERS:
        if noncharacter in text:
            cleaned = cleaned.replace(noncharacter.encode("utf-8"), b"")
    if len(cleaned) != len(html):
        text = cleaned.decode("utf-8")
    leading = text[: len(text) - len(text.lstrip())]
    if leading.strip(" \t\n\r"):
        # White space other than ASCII's before the markup: libxml2 judges a
        # str and bytes differently there (a <div> root instead of <body>).
        return trafilatura.load_html(html)
    head = text[:4096]
    if "doctype" in beginning:
        first_line, _, rest = text.partition("\n")
        repaired = DOCTYPE_TAG.sub("", first_line, count=1)
        head = (repaired + "\n" + rest[:4096])[:4096]
        cleaned = repaired.encode("utf-8") + b"\n" + cleaned.partition(b"\n")[2]
    if any("<html" in line and line.endswith("/>") for line in head.splitlines()[:4]):
        return trafilatura.load_html(html)
    try:
        tree = fromstring(cleaned, parser=_page_parser(HTML_PARSER))
    except Exception:
        return trafilatura.load_html(html)
    if tree is None or len(tree) < 1:
        return trafilatura.load_html(html)
    if "html" not in beginning and len(tree) < 2:
        return None  # the loader's test: not an HTML document
    return tree


# What is not a letter or a digit: str.isalnum() is re's \w without the underscore
# (checked on every code point).
_NOT_ALNUM = re.compile(r"[\W_]+")


def _letters(value: str) -> str:
    """The letters and digits of a line, case-folded (one substitution in C)."""
    return _NOT_ALNUM.sub("", value.casefold())


class PageTooComplexError(ValueError):
    """A page with more markup than extraction can handle in reasonable time."""


@dataclass(frozen=True, slots=True)
class PageExtract:
    text: str
    title: str
    author: str
    date: str
    site_name: str
    image: str

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


def extract_page(
    html: bytes, url: str | None = None, *, want_author: bool = True, want_date: bool = True
) -> PageExtract | None:
    """Main text and metadata of an article page, or None when there is none.

    The page's author and date are looked for only when wanted (a feed entry
    that names them keeps its own): the author search is the costliest part
    of the metadata."""
    import trafilatura  # heavy: imported in the worker process that needs it

    if not html.strip():
        return None
    tags = html.count(b"<")  # a cheap upper bound on the elements, before any parsing
    if tags > MAX_PAGE_TAGS:
        raise PageTooComplexError(
            f"article page too complex to extract ({tags:,} tags, limit {MAX_PAGE_TAGS:,})"
        )

    # Terminal escapes go before parsing: the HTML parser drops their ESC and BEL
    # bytes, and normalize_text could then no longer see "]52;c;..." (OSC 52
    # clipboard write) or "[2J" as sequences. Character references to C0 controls
    # (&#27;, &#x1b;) become raw bytes first: trafilatura discards a whole page that
    # holds one. 7-bit forms only: in UTF-8 the C1 bytes are continuation bytes. An
    # OSC string stops at "<" so an unterminated one cannot swallow markup.
    def control_byte(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        code = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
        return bytes([code]) if code < 32 and code not in (9, 10, 13) else match.group(0)

    html = re.sub(rb"&#([xX][0-9a-fA-F]{1,6}|[0-9]{1,7});?", control_byte, html)
    if b"\x1b" in html:  # a byte looked for in C: a fifth of a scan with the pattern
        html = re.sub(
            rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b\n<]*(?:\x07|\x1b\\)?|[ -/]*[0-~])",
            b"",
            html,
        )
    # Parsed once for the metadata (first: it reads the head and the JSON-LD) and the
    # extraction, which works on what is left once _drop_never_kept is done.
    tree = load_page(html)
    if tree is None:
        return None
    _defuse_comment_runs(html, tree)
    metadata = page_metadata(tree, url, want_author=want_author, want_date=want_date)
    _drop_never_kept(tree)
    document = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    text = normalize_text(getattr(document, "text", None) or "")
    if len(text) < SHORT_PRECISION_CHARS:
        text = _balanced_if_fuller(trafilatura, tree, url, text)
    text = _drop_promo_lines(text)
    title = normalize_line(metadata.title)

    # The headline repeated as the body's first line: the title is shown on its
    # own, so drop it (compared on letters and digits only, case-folded). This
    # lost no article text on the benchmark and lifted P 0.966 -> 0.968, F1 0.975 -> 0.976.
    first_line, _, rest = text.partition("\n")
    if title and _letters(first_line) == _letters(title):
        text = rest.strip()
    if not text:
        return None
    return PageExtract(
        text=text,
        title=title,
        author=normalize_line(metadata.author),
        date=normalize_line(metadata.date),
        site_name=normalize_line(metadata.site_name),
        image=normalize_line(metadata.image),
    )


_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})


def html_to_text(fragment: str) -> str:
    """Readable text of feed-supplied HTML (summary or content:encoded).

    Block elements become paragraph breaks; scripts and styles are dropped.
    Plain text without tags passes through unchanged apart from normalisation.
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return normalize_text(fragment)
    # Character references to C0 controls (&#27;[2J, &#27;]52;...&#7;) become the
    # characters and go with their whole escape sequence, as in extract_page. Left
    # in, lxml refuses text holding them and the raw HTML would be kept as text.
    fragment = strip_controls(_CONTROL_REFERENCE.sub(_control_character, fragment))
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return normalize_text(fragment)
    parts: list[str] = []
    _walk(root, parts)
    return normalize_text("".join(parts))


_CONTROL_REFERENCE = re.compile(r"&#([xX][0-9a-fA-F]{1,6}|[0-9]{1,7});?")


def _control_character(match: re.Match[str]) -> str:
    ref = match.group(1)
    code = int(ref[1:], 16) if ref[:1] in "xX" else int(ref)
    return chr(code) if code < 32 and code not in (9, 10, 13) else match.group(0)


def _walk(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP_TAGS:
        if element.tail:
            parts.append(element.tail)
        return
    block = tag in _BLOCK_TAGS
    if block:
        parts.append("\n\n" if tag != "br" else "\n")
    if tag == "li":
        parts.append("• ")
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if block and tag != "br":
        parts.append("\n\n")
    if element.tail:
        parts.append(element.tail)
