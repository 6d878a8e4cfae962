"""Notes out as Markdown, for notes tools.

Markdown (Obsidian and similar tools). Each article is one document:

    ---
    title: "…"            front matter values are JSON strings, which YAML reads as is
    url: "…"
    feed: "…"
    tags: ["…"]           the user's article tags (not automatic ones)
    published: "…"
    exported: "…"
    ---
    # Title
    ## Highlights
    > the quote, every line prefixed, Markdown in it escaped so it shows as written

    the note, Markdown as the user wrote it

    [color:: yellow] #tag #other

`[color:: yellow]` is a Dataview inline field (Obsidian renders it as
"color: yellow" and Dataview can query it); an orphaned highlight (its passage
is no longer in the article) is marked with a line saying so and
`[state:: orphan]`. Article notes follow under "## Notes". `notes_markdown`
joins the documents into one file whose front matter describes the export and
whose articles are `#` sections; `notes_markdown_files` gives one file per
article, named safely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from reader.core import clock
from reader.core.models import (
    Annotation,
)
from reader.core.notes.collect import by_article
from reader.core.store import Store
from reader.core.store.annotations import NotesArticle


def notes_markdown(store: Store, *, exported: str | None = None) -> str:
    """Every annotated article in one Markdown file."""
    exported = exported or clock.utcnow()
    groups = by_article(store, tagged=False)
    head = _front_matter(
        [
            ("title", "Reader notes"),
            ("exported", exported),
            ("articles", len(groups)),
        ]
    )
    sections = [_article_body(article, notes, level=1) for article, notes in groups]
    return head + "\n" + "\n".join(sections)


def notes_markdown_files(store: Store, *, exported: str | None = None) -> dict[str, str]:
    """One Markdown document per annotated article: {safe file name: content}."""
    exported = exported or clock.utcnow()
    files: dict[str, str] = {}
    for article, notes in by_article(store, tagged=False):
        files[markdown_file_name(article.title, article.id)] = article_markdown(
            article, notes, exported=exported
        )
    return files


def article_markdown(article: NotesArticle, notes: Sequence[Annotation], *, exported: str) -> str:
    head = _front_matter(
        [
            ("title", article.title),
            ("url", article.url),
            ("feed", article.feed_title),
            ("tags", list(article.user_tags)),
            ("published", article.published),
            ("exported", exported),
        ]
    )
    return head + "\n" + _article_body(article, notes, level=1, metadata=False)


def markdown_file_name(title: str, article_id: int) -> str:
    """A file name safe on every platform and in wiki links: words of the title and the id."""
    slug = re.sub(r"\W+", "-", title).strip("-_").lower()[:60].rstrip("-_")
    return f"{slug or 'article'}-{article_id}.md"


_PLAIN_URL = re.compile(r"https?://[^\s<>]+")


# Line breaks to YAML 1.1 that JSON leaves as they are.
_YAML_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _front_matter(fields: Iterable[tuple[str, object]]) -> str:
    # JSON strings and lists are valid YAML flow scalars and sequences: quotes,
    # colons, `---`, `#` and newlines in a value cannot end the block or change a type.
    lines = ["---"]
    for key, value in fields:
        if value is None:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False).translate(_YAML_BREAKS)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _article_body(
    article: NotesArticle, notes: Sequence[Annotation], *, level: int, metadata: bool = True
) -> str:
    h = "#" * level
    out = [f"{h} {_escape_inline(article.title) or 'Untitled'}", ""]
    if metadata:
        url = f"<{article.url}>" if _PLAIN_URL.fullmatch(article.url) else ""
        out += [f"- url: {url}".rstrip(), f"- feed: {_escape_inline(article.feed_title)}"]
        if article.published:
            out.append(f"- published: {article.published}")
        if article.user_tags:
            out.append("- tags: " + " ".join(_hashtag(t) for t in article.user_tags))
        out.append("")
    highlights = [n for n in notes if n.kind == "highlight"]
    article_notes = [n for n in notes if n.kind != "highlight"]
    if highlights:
        out += [f"{h}# Highlights", ""]
        for annotation in highlights:
            out += _highlight(annotation)
    if article_notes:
        out += [f"{h}# Notes", ""]
        for annotation in article_notes:
            out += _article_note(annotation)
    return "\n".join(out).rstrip("\n") + "\n"


def _highlight(a: Annotation) -> list[str]:
    out = []
    if a.state == "orphan":
        out += ["*Orphaned highlight: this passage is no longer in the article's text.*", ""]
    out += _quote_block(a.exact)
    out.append("")
    if a.note.strip():
        out += [_safe_note(a.note), ""]
    fields = [f"[color:: {a.color}]"]
    if a.state == "orphan":
        fields.append("[state:: orphan]")
    out += [" ".join(fields + [_hashtag(t) for t in a.tags]), ""]
    return out


def _article_note(a: Annotation) -> list[str]:
    out = []
    if a.exact:  # a note kept from an orphaned highlight
        out += [*_quote_block(a.exact), ""]
    out += [_safe_note(a.note), ""]
    if a.tags:
        out += [" ".join(_hashtag(t) for t in a.tags), ""]
    return out


def _quote_block(text: str) -> list[str]:
    return [f"> {_escape_line(line)}".rstrip() for line in text.split("\n")]


# Characters that would turn article text into Markdown (links, emphasis, code,
# HTML, Obsidian tags, highlights, maths, tables) when quoted.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~=$&])")


_NUMBERED = re.compile(r"(\d+)[.)]")


def _escape_inline(text: str) -> str:
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _escape_line(line: str) -> str:
    """One line of quoted text shown literally: no list, heading, rule or link."""
    escaped = _escape_inline(line)
    stripped = escaped.lstrip()
    indent = escaped[: len(escaped) - len(stripped)]
    if stripped[:1] in ("-", "+"):  # a list item or a `---` rule
        return indent + "\\" + stripped
    numbered = _NUMBERED.match(stripped)
    if numbered:
        return indent + numbered.group(1) + "\\" + stripped[numbered.end(1) :]
    return escaped


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)

# CommonMark's HTML blocks that end only at a marker (types 1 to 5; 6 and 7
# end at a blank line, and one follows every note): the start of a line (up
# to 3 spaces in) and the marker that ends the block. Without the marker the
# block runs to the end of the file, and a notes tool shows none of the other
# articles' headings, quotes and notes as Markdown.
_HTML_BLOCKS = tuple(
    (re.compile(start, re.IGNORECASE), re.compile(end, re.IGNORECASE))
    for start, end in (
        (r" {0,3}<(?:pre|script|style|textarea)(?:[\s>]|$)", r"</(?:pre|script|style|textarea)>"),
        (r" {0,3}<!--", r"-->"),
        (r" {0,3}<\?", r"\?>"),
        (r" {0,3}<![A-Za-z]", r">"),
        (r" {0,3}<!\[CDATA\[", r"\]\]>"),
    )
)


def _safe_note(note: str) -> str:
    """The note as written, but it cannot open a block that swallows the rest
    of the file: an unclosed code fence is closed, and the `<` of a line that
    starts an HTML block never ended in the note (`<pre>`, `<script>`, `<!--`,
    `<?`, `<![CDATA[`...) is escaped, so that line shows as written. A block
    the note closes itself is left as HTML."""
    lines = note.strip("\n").split("\n")
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1).startswith(fence) and not line[opened.end() :].strip():
                fence = ""
        elif opened:
            fence = opened.group(1)
        else:
            index = _past_html_block(lines, index)
        index += 1
    if fence:
        lines.append(fence)
    return "\n".join(lines)


def _past_html_block(lines: list[str], index: int) -> int:
    """The index of the last line of the HTML block lines[index] starts (index
    itself if it starts none); a block not ended in the note has its `<`
    escaped instead."""
    for start, end in _HTML_BLOCKS:
        if start.match(lines[index]):
            for last in range(index, len(lines)):
                if end.search(lines[last]):
                    return last
            lines[index] = lines[index].replace("<", "\\<", 1)
            return index
    return index


def _hashtag(tag: str) -> str:
    # Obsidian tags: letters, digits, _, -, /; no spaces.
    return "#" + (re.sub(r"[^\w/-]+", "-", tag, flags=re.UNICODE).strip("-") or "tag")
