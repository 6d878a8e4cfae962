"""The reading pane: title, byline, link, then the article text as paragraphs.

All article text goes through `Content` (plain text plus styled spans), so
brackets in a title or a paragraph are shown as typed, never parsed as markup.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.widgets import Static

from reader.core.entities import Mention
from reader.core.models import Annotation, Article
from reader.tui.styles import HIGHLIGHT_STYLES, LABEL_STYLES

WORDS_PER_MINUTE = 230
_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")


def _format_date(value: str | None) -> str:
    if not value:
        return ""
    return value[:16].replace("T", " ") + (" UTC" if len(value) > 10 else "")


def header_content(article: Article) -> Content:
    s = article.summary
    minutes = max(1, round(len(article.text.split()) / WORDS_PER_MINUTE))
    byline = " · ".join(
        part
        for part in (
            s.author,
            article.site_name or s.feed_title,
            _format_date(s.published),
            f"{minutes} min read",
        )
        if part
    )
    title = Content(s.title or "(untitled)").stylize("bold")
    lines = [title, Content(byline).stylize("$text-muted")]
    if s.url:
        lines.append(Content(s.url).stylize("$text-secondary underline"))
    tags = (*s.tags, *s.feed_tags)
    if tags:
        lines.append(Content("tags: " + ", ".join(tags)).stylize("$text-accent"))
    if article.extraction_error:
        lines.append(
            Content(f"Showing the feed's text: {article.extraction_error}").stylize(
                "$text-warning italic"
            )
        )
    return Content("\n").join(lines)


def body_content(
    text: str,
    terms: re.Pattern[str] | None,
    *,
    mentions: Sequence[Mention] = (),
    labels: Collection[str] = (),
    highlights: Sequence[Annotation] = (),
    extra: Sequence[tuple[int, int, str]] = (),
) -> Content:
    """The text laid out as paragraphs, with its styled spans.

    Entities of the given `labels` colour the text, highlights colour the
    background, search matches are reversed, and `extra` spans (a selection,
    a cursor) come last, so the later ones win where styles overlap.
    Stored text has one paragraph a line; on screen a blank line separates
    paragraphs. Spans are found on the stored text (where every offset of
    mentions and highlights lives) and shifted by the lines added before them.
    """
    if not text:
        return Content("This article has no text. Press o to open it in the browser.").stylize(
            "$text-muted italic"
        )
    spans: list[tuple[int, int, str]] = []
    for h in highlights:
        if h.start is not None and h.end is not None and h.state != "orphan":
            spans.append((h.start, h.end, HIGHLIGHT_STYLES.get(h.color, "on $warning-muted")))
    for m in mentions:
        if m.label in labels:
            spans.append((m.start, m.end, LABEL_STYLES[m.label]))
    if terms is not None:
        spans += [(m.start(), m.end(), "reverse $warning") for m in terms.finditer(text)]
    spans += extra
    # Feed text (not extracted from the page) can keep one blank line between
    # paragraphs already: only a lone newline is doubled.
    newlines = [m.start() for m in _LONE_NEWLINE.finditer(text)]

    def shifted(offset: int) -> int:
        return offset + bisect.bisect_left(newlines, offset)

    display = _LONE_NEWLINE.sub("\n\n", text)
    return Content(display, spans=[Span(shifted(a), shifted(b), st) for a, b, st in spans])


class ReadingPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("space", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("escape,h,left", "back", "Back to the list", show=False, id="reader.back"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article: Article | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="article-header")
        yield Static(id="article-body")

    def on_mount(self) -> None:
        self.show(None)

    def action_page_down(self) -> None:
        """Page down; at the end of the article, go on to the next unread one."""
        if self.scroll_y >= self.max_scroll_y:
            next_unread = getattr(self.screen, "open_next_unread", None)
            if next_unread is not None:
                next_unread()
            return
        super().action_page_down()

    def action_back(self) -> None:
        screen = self.screen
        if screen.has_class("wide"):
            screen.remove_class("wide")
        screen.query_one("#articles").focus()

    def show(
        self,
        article: Article | None,
        terms: re.Pattern[str] | None = None,
        *,
        empty: Content | None = None,
    ) -> None:
        """Show an article, or `empty` (a hint about the empty view) when there is none."""
        self.article = article
        header = self.query_one("#article-header", Static)
        body = self.query_one("#article-body", Static)
        if article is None:
            header.update(empty or Content("No article selected").stylize("$text-muted"))
            body.update(Content(""))
        else:
            header.update(header_content(article))
            body.update(body_content(article.text, terms))
        self.scroll_home(animate=False)
