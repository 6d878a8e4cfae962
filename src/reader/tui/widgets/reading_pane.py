"""The reading pane: title, byline, link, then the article text as paragraphs.

All article text goes through `Content` (plain text plus styled spans), so
brackets in a title or a paragraph are shown as typed, never parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.geometry import Region, Spacing
from textual.message import Message
from textual.widgets import Static

from reader.core.models import Annotation, Article, Mention
from reader.tui.styles import HIGHLIGHT_STYLES, LABEL_STYLES
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.article_parts import part_of, part_starts
from reader.tui.widgets.entity_legend import EntityColours, legend_content
from reader.tui.widgets.text_cursor import (
    DisplayText,
    line_of,
    move_line,
    next_paragraph,
    next_word,
    visual_lines,
    word_at,
)

WORDS_PER_MINUTE = 230
FOLLOWED_STYLE = "bold reverse"  # the followed entity's mentions, coloured or not


def _format_date(value: str | None) -> str:
    if not value:
        return ""
    return value[:16].replace("T", " ") + (" UTC" if len(value) > 10 else "")


def _kilobytes(characters: int) -> str:
    return f"{max(1, round(characters / 1000)):,} KB"


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
    followed: str | None = None,
    start: int = 0,
) -> Content:
    """The text laid out as paragraphs, with its styled spans.

    Entities of the given `labels` colour the text, highlights colour the
    background, the `followed` entity's mentions are reversed (the reader came
    here for them) as are search matches, and `extra` spans (a selection, a
    cursor) come last, so the later ones win where styles overlap.
    Stored text has one paragraph a line; on screen a blank line separates
    paragraphs. Spans are found on the stored text (where every offset of
    mentions and highlights lives) and shifted by the lines added before them.
    `text` is the part of a long article on show, from stored offset `start`:
    spans are cut to it, those elsewhere are left out.
    """
    if not text:
        return Content("This article has no text. Press o to open it in the browser.").stylize(
            "$text-muted italic"
        )
    spans: list[tuple[int, int, str]] = []
    for h in highlights:
        if h.start is not None and h.end is not None and h.state != "orphan":
            spans.append((h.start, h.end, HIGHLIGHT_STYLES.get(h.color, "on $highlight-yellow")))
    for m in mentions:
        if m.label in labels:
            spans.append((m.start, m.end, LABEL_STYLES[m.label]))
    if followed is not None:
        name = followed.casefold()
        spans += [(m.start, m.end, FOLLOWED_STYLE) for m in mentions if m.entity.casefold() == name]
    if terms is not None:
        spans += [
            (start + m.start(), start + m.end(), "reverse $warning") for m in terms.finditer(text)
        ]
    spans += extra
    layout = DisplayText(text)
    end = start + len(text)

    def shifted(offset: int) -> int:
        return layout.to_display(min(max(offset, start), end) - start)

    return Content(
        layout.display,
        spans=[Span(shifted(a), shifted(b), st) for a, b, st in spans if a < end and b > start],
    )


class ReadingPane(VerticalScroll, can_focus=True):
    # The selection keys come first: they act while a cursor is in the text
    # (check_action) and otherwise let the same keys scroll and go back.
    BINDINGS = [
        Binding("v", "select", "Select", id="reader.select"),
        Binding("w", "word(1)", "Next word", show=False, id="reader.next_word"),
        Binding("b", "word(-1)", "Previous word", show=False, id="reader.previous_word"),
        Binding("W", "word(1, True)", "Extend a word", show=False, id="reader.extend_word"),
        Binding("B", "word(-1, True)", "Extend back", show=False, id="reader.extend_back"),
        Binding("j,down", "line(1)", "Next line", show=False, id="reader.next_line"),
        Binding("k,up", "line(-1)", "Previous line", show=False, id="reader.previous_line"),
        Binding(
            "J,shift+down", "line(1, True)", "Extend down", show=False, id="reader.extend_down"
        ),
        Binding("K,shift+up", "line(-1, True)", "Extend up", show=False, id="reader.extend_up"),
        Binding(
            "right_curly_bracket",
            "paragraph(1)",
            "Next paragraph",
            show=False,
            id="reader.next_paragraph",
        ),
        Binding(
            "left_curly_bracket",
            "paragraph(-1)",
            "Previous paragraph",
            show=False,
            id="reader.previous_paragraph",
        ),
        Binding("enter", "annotate", "Highlight", id="reader.highlight"),
        Binding("h", "highlight_mouse", "Highlight mouse selection", id="reader.highlight_mouse"),
        Binding("d,delete", "delete_highlight", "Delete highlight", id="reader.delete_highlight"),
        Binding("escape", "cancel_selection", "Cancel selection", id="reader.cancel_selection"),
        Binding("right_square_bracket", "part(1)", "Next part", id="reader.next_part"),
        Binding("left_square_bracket", "part(-1)", "Previous part", id="reader.previous_part"),
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="reader.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="reader.up"),
        Binding("space", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("escape,h,left", "back", "Back to the list", show=False, id="reader.back"),
    ]

    class Annotate(Message):
        """Highlight stored text[start:end], or edit `annotation` (the one under the cursor)."""

        def __init__(self, start: int, end: int, annotation: Annotation | None) -> None:
            super().__init__()
            self.start = start
            self.end = end
            self.annotation = annotation

    class DeleteHighlight(Message):
        def __init__(self, annotation: Annotation) -> None:
            super().__init__()
            self.annotation = annotation

    class Reading(Message):
        """The pane took the focus with an article in it: the reader reads it."""

        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.highlights: list[Annotation] = []
        self.mentions: Sequence[Mention] = ()
        self.entity_colours = EntityColours()
        self.followed: str | None = None  # the entity whose articles are listed
        self._terms: re.Pattern[str] | None = None
        self._layout = DisplayText("")  # the part on show
        # A long article is shown a part at a time (article_parts): where each
        # part starts in the stored text, and the one on show.
        self._starts = [0]
        self._part = 0
        # (starts, part, all mentions) -> the mentions in that part
        self._part_mentions: tuple[object, int, object, list[Mention]] = (None, -1, None, [])
        # The keyboard selection, in stored offsets: the cursor's word and,
        # once extending, the mark where the selection began.
        self.cursor: int | None = None
        self.mark: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="article-header")
        yield Static(id="entity-legend")
        yield Static(id="article-before", classes="article-part-note")
        yield ArticleBody(id="article-body")
        yield Static(id="article-after", classes="article-part-note")

    def on_mount(self) -> None:
        self.show(None)

    def on_focus(self) -> None:
        if self.article is not None:
            self.post_message(self.Reading(self.article.summary.id))

    def action_page_down(self) -> None:
        """Page down; at the end of the article, go on to the next unread one."""
        if self.scroll_y >= self.max_scroll_y:
            if self._part + 1 < len(self._starts):
                self.action_part(1)
                return
            next_unread = getattr(self.screen, "open_next_unread", None)
            if next_unread is not None:
                next_unread()
            return
        super().action_page_down()

    # -- selecting -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("word", "line", "paragraph", "annotate", "cancel_selection"):
            return self.cursor is not None
        if action == "delete_highlight":
            return self.cursor is not None and self.highlight_at_cursor() is not None
        if action == "part":
            step = parameters[0] if parameters and isinstance(parameters[0], int) else 1
            return self.article is not None and 0 <= self._part + step < len(self._starts)
        if action == "highlight_mouse":
            return self.article is not None and self._body.text_selection_range is not None
        return True

    @property
    def _body(self) -> ArticleBody:
        return self.query_one("#article-body", ArticleBody)

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected stored text as (start, end): the cursor's word, or
        every word from the mark's to the cursor's."""
        if self.cursor is None:
            return None
        start, end = self._word_at(self.cursor)
        if self.mark is not None:
            mark_start, mark_end = self._word_at(self.mark)
            start, end = min(start, mark_start), max(end, mark_end)
        return start, end

    @property
    def _base(self) -> int:
        """The stored offset where the part on show begins."""
        return self._starts[self._part]

    def _word_at(self, offset: int) -> tuple[int, int]:
        """word_at in stored offsets, within the part on show."""
        base = self._base
        start, end = word_at(self._layout.text, offset - base)
        return base + start, base + end

    def highlight_at_cursor(self) -> Annotation | None:
        if self.cursor is None:
            return None
        for annotation in self.highlights:
            if annotation.start is None or annotation.end is None or annotation.state == "orphan":
                continue
            if annotation.start <= self.cursor < annotation.end:
                return annotation
        return None

    def action_select(self) -> None:
        """First press: a cursor on the first word in view; then start or stop extending."""
        if self.article is None or not self.article.text:
            return
        if self.cursor is None:
            self.cursor = self._first_visible_word()
        else:
            self.mark = None if self.mark is not None else self.cursor
        self._selection_changed()

    # The cursor moves within the part on show; its offsets are stored ones.
    def action_word(self, step: int, extend: bool = False) -> None:
        base = self._base
        self._move(base + next_word(self._layout.text, self._cursor() - base, step), extend)

    def action_line(self, step: int, extend: bool = False) -> None:
        base = self._base
        local = move_line(self._layout, self._width(), self._cursor() - base, step)
        self._move(base + local, extend)

    def action_paragraph(self, step: int) -> None:
        base = self._base
        self._move(base + next_paragraph(self._layout.text, self._cursor() - base, step), False)

    def action_part(self, step: int) -> None:
        """Show the next (1) or previous (-1) part of a long article: from its
        top going on, from its end going back, as if the text were one."""
        part = self._part + step
        if self.article is None or not 0 <= part < len(self._starts):
            return
        self.cursor = self.mark = None
        self._show_part(part)
        self.refresh_bindings()
        if step > 0:
            self.scroll_home(animate=False)
        else:
            self.call_after_refresh(self.scroll_end, animate=False)

    def action_cancel_selection(self) -> None:
        self.cursor = self.mark = None
        self._selection_changed()

    def action_annotate(self) -> None:
        existing = self.highlight_at_cursor() if self.mark is None else None
        selection = self.selection
        if selection is not None:
            self.post_message(self.Annotate(*selection, existing))

    def action_highlight_mouse(self) -> None:
        selected = self._body.text_selection_range
        if selected is None:
            return
        layout, base = self._layout, self._base
        start, end = (base + layout.to_stored(offset) for offset in selected)
        self.screen.clear_selection()
        if end > start and self.article is not None and self.article.text[start:end].strip():
            self.post_message(self.Annotate(start, end, None))

    def action_delete_highlight(self) -> None:
        annotation = self.highlight_at_cursor()
        if annotation is not None:
            self.post_message(self.DeleteHighlight(annotation))

    def place_cursor(self, offset: int) -> None:
        """Put the cursor on the word at `offset` and scroll to it (a jump to a
        highlight from a list: Enter then edits it, d deletes it)."""
        part = part_of(self._starts, offset)
        if part != self._part and self.article is not None:
            self._show_part(part)
        self.cursor, self.mark = offset, None
        self._selection_changed()

    def set_followed(self, name: str | None) -> None:
        """Emphasise this entity's mentions (None: no more)."""
        if name != self.followed:
            self.followed = name
            self._render_body(layout=False)

    def set_highlights(self, highlights: list[Annotation]) -> None:
        """Show the article's highlights again (after one was added, edited or deleted)."""
        self.highlights = highlights
        self._render_body(layout=False)

    def refresh_header(self, article: Article) -> None:
        """Show the article's header again (its tags changed), keeping the place."""
        self.article = article
        self.query_one("#article-header", Static).update(header_content(article))

    def _cursor(self) -> int:
        return self.cursor if self.cursor is not None else self._first_visible_word()

    def _move(self, offset: int, extend: bool) -> None:
        if extend and self.mark is None:
            self.mark = self._cursor()
        self.cursor = offset
        self._selection_changed()

    def _selection_changed(self) -> None:
        self._render_body(layout=False)
        self.refresh_bindings()
        if self.cursor is not None:
            self._scroll_to_offset(self.cursor)

    def _width(self) -> int:
        return max(1, self._body.content_region.width)

    def _row_of(self, offset: int) -> int:
        starts = visual_lines(self._layout.display, self._width())
        display = self._layout.to_display(offset - self._base)
        return self._body.virtual_region.y + line_of(starts, display)

    def _scroll_to_offset(self, offset: int) -> None:
        row = self._row_of(offset)
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, spacing=Spacing(2, 0, 2, 0))

    def _first_visible_word(self) -> int:
        layout = self._layout
        starts = visual_lines(layout.display, self._width())
        top = int(self.scroll_y) - self._body.virtual_region.y
        for start in starts[max(0, top) :]:
            if layout.display[start : start + 1].strip():
                return self._word_at(self._base + layout.to_stored(start))[0]
        return self._word_at(self._base)[0]

    def _render_body(self, *, layout: bool = True) -> None:
        """Render the part on show with its spans. `layout=False` when only the
        spans changed (a cursor move, a highlight): the same text takes the same
        lines, so Textual need not wrap it once more to measure its height."""
        if self.article is None:
            return
        selection = self.selection
        extra = [(*selection, "reverse")] if selection is not None else []
        self._body.update(
            body_content(
                self._layout.text,
                self._terms,
                mentions=self._mentions_in_part(),
                labels=self.entity_colours.labels,
                # Only highlights placed on this very text: offsets on another
                # version would colour other words.
                highlights=[h for h in self.highlights if h.text_sha == self.article.text_sha],
                extra=extra,
                followed=self.followed,
                start=self._base,
            ),
            layout=layout,
        )

    def _mentions_in_part(self) -> list[Mention]:
        """The mentions inside the part on show (a giant article has hundreds of
        thousands: filtered once a part, not on every cursor move)."""
        starts, part, mentions, inside = self._part_mentions
        if starts is not self._starts or part != self._part or mentions is not self.mentions:
            start, end = self._base, self._base + len(self._layout.text)
            inside = [m for m in self.mentions if m.start < end and m.end > start]
            self._part_mentions = (self._starts, self._part, self.mentions, inside)
        return inside

    def _show_part(self, part: int) -> None:
        """Lay out and render part `part` of the article, with the notes around it."""
        text = self.article.text if self.article is not None else ""
        self._part = part
        end = self._starts[part + 1] if part + 1 < len(self._starts) else len(text)
        self._layout = DisplayText(text[self._starts[part] : end])
        self._render_body()
        self._render_part_notes()

    def _render_part_notes(self) -> None:
        """Say what comes before and after the part on show, and the keys that
        show it: the article is never cut without a word."""
        before = self.query_one("#article-before", Static)
        after = self.query_one("#article-after", Static)
        count = len(self._starts)
        before.display = after.display = False
        if self.article is None or count == 1:
            return
        base, length = self._base, len(self.article.text)
        end = base + len(self._layout.text)
        number = f"part {self._part + 1} of {count}"
        if self._part > 0:
            keys = self._keys_for("part(-1)")
            before.update(
                Content(
                    f"A long article, {number}: {_kilobytes(base)} before this. "
                    f"Press {keys} to show the previous part."
                ).stylize("$text-warning italic")
            )
            before.display = True
        if end < length:
            keys = self._keys_for("part(1)")
            after.update(
                Content(
                    f"The article continues: {_kilobytes(length - end)} more ({number}). "
                    f"Press {keys} to show the next part (Space at the end too)."
                ).stylize("$text-warning italic")
            )
            after.display = True

    def _keys_for(self, action: str) -> str:
        """The keys bound to `action` here, after the user's keymap."""
        keys = [
            self.app.get_key_display(binding)
            for bindings in self._bindings.key_to_bindings.values()
            for binding in bindings
            if binding.action == action
        ]
        return ", ".join(dict.fromkeys(keys)) or action

    def _render_legend(self) -> None:
        legend = self.query_one("#entity-legend", Static)
        width = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:
            # A long article brings the scrollbar right after this update.
            width -= self.styles.scrollbar_size_vertical
        legend.update(legend_content(self.mentions, self.entity_colours, width))
        legend.display = self.article is not None and bool(self.mentions)

    def on_resize(self) -> None:
        self._render_legend()  # its lines break between entries, for this width

    def set_entities(
        self, colours: EntityColours | None = None, mentions: Sequence[Mention] | None = None
    ) -> None:
        """Colour entities again after a toggle (`colours`) or a correction
        (`mentions`), keeping the reader's place and selection."""
        self.entity_colours = colours or self.entity_colours
        self.mentions = self.mentions if mentions is None else mentions
        self._render_body(layout=False)
        self._render_legend()

    def action_back(self) -> None:
        # The screen shows the list again when it takes the focus.
        self.screen.query_one("#articles").focus()

    def show(
        self,
        article: Article | None,
        terms: re.Pattern[str] | None = None,
        *,
        empty: Content | None = None,
        highlights: list[Annotation] | None = None,
        mentions: Sequence[Mention] = (),
    ) -> None:
        """Show an article, or `empty` (a hint about the empty view) when there is none.

        The same article shown again (the list's cursor settling on the article
        just opened) keeps the reader's place and selection.
        """
        same = (
            article is not None
            and self.article is not None
            and article.summary.id == self.article.summary.id
            and article.text == self.article.text
        )
        bindings_before = (self.article is None, self.cursor is None)
        self.article = article
        self.highlights = highlights or []
        self.mentions = mentions
        self._terms = terms
        if not same:
            self.cursor = self.mark = None
            self._starts = part_starts(article.text if article is not None else "")
            self._part = 0
        if (self.article is None, self.cursor is None) != bindings_before:
            # Only then can the footer's keys change; redrawing it on every
            # article cost more than the rest of a cursor move.
            self.refresh_bindings()
        header = self.query_one("#article-header", Static)
        body = self._body
        if article is None:
            self._layout = DisplayText("")
            header.update(empty or Content("No article selected").stylize("$text-muted"))
            body.update(Content(""))
            self._render_part_notes()
        else:
            header.update(header_content(article))
            self._show_part(self._part)
        self._render_legend()
        if not same:
            self.scroll_home(animate=False)
