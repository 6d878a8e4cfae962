"""The article list: a virtual list that draws only the rows on screen.

Rows come from the store in keyset pages of (sort_date, id) keys, read from
the indexes as the cursor or the scrollbar moves down; only the rows being
drawn are loaded in full. 100,000 articles open as fast as 100 (see
bench/app_bench.py). Feed text reaches the screen as rich Segments, never as
markup.
"""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.models import ArticleQuery, ArticleSummary
from reader.core.service import Reader

KEY_PAGE = 2000  # keys per keyset page: ~1 ms from the index
SEARCH_LIMIT = 1000  # ranked search results listed
ROW_CACHE = 600
STRIP_CACHE = 1_000  # drawn rows kept (a screen is ~50)


class ArticleList(ScrollView, can_focus=True):
    """Every article of a view, one line each: marks, title, feed, date."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("v", "toggle_mark", "Mark", show=False, id="list.mark"),
        Binding("V", "clear_marks", "Clear marks", show=False, id="list.clear_marks"),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--match",
        "article-list--star",
        "article-list--marked",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        overflow-y: auto;
        & > .article-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .article-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--read { color: $text-muted; }
        & > .article-list--meta { color: $text-muted; }
        & > .article-list--match { background: $warning 30%; }
        & > .article-list--star { color: $warning; }
        & > .article-list--marked { color: $text-accent; text-style: bold; }
    }
    """

    # No repaint of the whole list on a move: watch_cursor redraws the two rows.
    cursor: reactive[int] = reactive(-1, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved onto an article."""

        def __init__(self, article_id: int | None) -> None:
            super().__init__()
            self.article_id = article_id

    class Opened(Message):
        """The user opened the article under the cursor (Enter or a click)."""

        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, reader: Callable[[], Reader], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._reader = reader
        self.view_query = ArticleQuery(limit=None)
        self._keys: list[tuple[str, int]] = []
        self._exhausted = True
        self._total = 0
        self._rows: OrderedDict[int, ArticleSummary] = OrderedDict()
        self._terms: re.Pattern[str] | None = None
        # Articles marked for a command on several at once (tagging); a set,
        # so drawing a row costs one lookup.
        self.marked: set[int] = set()
        # Drawn rows, so scrolling by one row (holding j) draws one new row
        # instead of every row on screen. The key holds everything a row's
        # look depends on; summaries are replaced (not changed) when read or
        # starred, so a changed article never matches an old entry.
        self._strips: dict[tuple[object, ...], Strip] = {}

    # -- data ----------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    def show(
        self,
        query: ArticleQuery,
        *,
        keep_id: int | None = None,
        ranked: list[tuple[str, int]] | None = None,
    ) -> None:
        """List the articles of `query`; keep the cursor on `keep_id` if it is there.

        A search lists its best SEARCH_LIMIT matches by relevance; `ranked`
        passes those keys when they were computed elsewhere (in a worker).
        """
        self.view_query = dataclasses.replace(query, limit=None, after=None)
        self._rows.clear()
        if self.view_query.search:
            self._keys = ranked if ranked is not None else search_keys(self._reader(), query)
            self._exhausted = True
            self._total = len(self._keys)
        else:
            self._keys = []
            self._exhausted = False
            self._total = self._reader().count_articles(self.view_query)
        self._terms = terms_pattern(self.view_query.search)
        self.virtual_size = Size(self.size.width, self._total)
        index = self._index_of(keep_id) if keep_id is not None else None
        self.cursor = index if index is not None else (0 if self._total else -1)
        if index is None:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def reload(self) -> None:
        """Re-read the view (after a refresh or a change), keeping the place."""
        current = self.current_id
        offset = self.cursor - int(self.scroll_y)
        self.show(self.view_query, keep_id=current)
        if current is not None and self.cursor >= 0:
            self.scroll_to(y=max(0, self.cursor - offset), animate=False)

    def forget(self, article_id: int) -> None:
        """Drop a cached row so it is read again (after marking it read, say)."""
        self._rows.pop(article_id, None)
        self.refresh()

    @property
    def current_id(self) -> int | None:
        return self.id_at(self.cursor)

    def id_at(self, index: int) -> int | None:
        if not 0 <= index < self._total:
            return None
        self._load_keys_to(index)
        return self._keys[index][1] if index < len(self._keys) else None

    def summary_at(self, index: int) -> ArticleSummary | None:
        article_id = self.id_at(index)
        if article_id is None:
            return None
        self._load_rows(index, index + 1)
        return self._rows.get(article_id)

    def _index_of(self, article_id: int) -> int | None:
        # Look through the pages already read, then page on (keyset) until found.
        while True:
            for index, (_, key_id) in enumerate(self._keys):
                if key_id == article_id:
                    return index
            if self._exhausted or len(self._keys) >= self._total:
                return None
            self._load_keys_to(len(self._keys))

    def _load_keys_to(self, index: int) -> None:
        reader = self._reader()
        while len(self._keys) <= index and not self._exhausted:
            after = self._keys[-1] if self._keys else None
            page = reader.article_keys(
                dataclasses.replace(self.view_query, after=after, limit=KEY_PAGE)
            )
            self._exhausted = len(page) < KEY_PAGE
            self._keys.extend(page)
        if self._exhausted and len(self._keys) < self._total:
            # Articles went away since the count (pruned, removed): shrink.
            self._total = len(self._keys)
            self.virtual_size = Size(self.size.width, self._total)

    def _load_rows(self, start: int, end: int) -> None:
        end = min(end, self._total)
        if start >= end:
            return
        self._load_keys_to(end - 1)
        wanted = [key[1] for key in self._keys[start:end] if key[1] not in self._rows]
        if wanted:
            for summary in self._reader().summaries(wanted):
                self._rows[summary.id] = summary
        for key in self._keys[start:end]:
            if key[1] in self._rows:
                self._rows.move_to_end(key[1])
        while len(self._rows) > ROW_CACHE:
            self._rows.popitem(last=False)

    # -- drawing -------------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self._total)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= self._total or width <= 0:
            return Strip.blank(width, self.rich_style)
        # One query loads every missing row on screen; cached rows cost nothing.
        top = int(self.scroll_y)
        self._load_rows(top, top + self.size.height + 1)
        summary = self.summary_at(index)
        if summary is None:
            return Strip.blank(width, self.rich_style)
        cursor = index == self.cursor
        key = (
            summary,
            width,
            cursor,
            summary.id in self.marked,
            self.has_focus,
            self.app.theme,
            self._terms,
            self.view_query.feed_id is None,
        )
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > STRIP_CACHE:
                self._strips.clear()
            strip = self._strips[key] = self._row(summary, width, cursor=cursor)
        return strip

    def _row(self, summary: ArticleSummary, width: int, *, cursor: bool) -> Strip:
        # Full component styles (not partial): "$text-muted" must resolve
        # against this widget's background, or read rows come out white.
        style = self.get_component_rich_style
        base = self.rich_style
        weight = style("article-list--unread" if not summary.read else "article-list--read")
        meta = style("article-list--meta")
        date = (summary.published or summary.added_at)[:10]
        # In a single feed's view the feed's name on every row says nothing.
        show_feed = width > 60 and self.view_query.feed_id is None
        feed_width = max(0, min(20, width // 5))
        feed = _fit(summary.feed_title, feed_width) if show_feed else ""
        right = f" {feed} {date} " if show_feed else f" {date} "
        marks = [
            Segment("●" if not summary.read else " ", weight),
            Segment("★" if summary.starred else " ", style("article-list--star")),
            Segment("✓", style("article-list--marked"))
            if summary.id in self.marked
            else Segment(" ", base),
        ]
        title_width = max(1, width - cell_len(right) - 3)
        title = _fit(summary.title or "(untitled)", title_width)
        segments = [*marks, *self._title_segments(title, weight), Segment(right, meta)]
        if cursor:
            # On top of every segment's own colours, so the cursor row shows.
            cursor_style = style("article-list--cursor")
            segments = list(Segment.apply_style(segments, post_style=cursor_style))
            base = base + cursor_style
        return Strip(segments).adjust_cell_length(width, base)

    def _title_segments(self, title: str, style: Style) -> list[Segment]:
        if self._terms is None:
            return [Segment(title, style)]
        match_style = style + self.get_component_rich_style("article-list--match")
        segments: list[Segment] = []
        position = 0
        for found in self._terms.finditer(title):
            if found.start() > position:
                segments.append(Segment(title[position : found.start()], style))
            segments.append(Segment(found.group(), match_style))
            position = found.end()
        segments.append(Segment(title[position:], style))
        return segments

    # -- moving --------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self._total and not 0 <= new < self._total:
            self.cursor = max(0, min(new, self._total - 1))
            return
        if self._scroll_cursor_into_view():
            self.refresh()
        else:
            # Only the two rows whose cursor mark changed are drawn again.
            top = int(self.scroll_y)
            width = self.size.width
            for index in (old, new):
                if 0 <= index - top < self.size.height:
                    self.refresh(Region(0, index - top, width, 1))
        self.post_message(self.Highlighted(self.current_id))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row shows; True when it scrolled."""
        if self.cursor < 0:
            return False
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
            return True
        if self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
            return True
        return False

    def action_cursor_down(self) -> None:
        if self.cursor < self._total - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor = min(self._total - 1, self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self._total - 1

    def action_open(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Opened(self.current_id))

    def action_toggle_mark(self) -> None:
        """Mark or unmark the article and move on, so holding v marks a run."""
        article_id = self.current_id
        if article_id is None:
            return
        self.marked ^= {article_id}
        self.refresh()
        self.action_cursor_down()

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    def on_click(self, event: object) -> None:
        y = getattr(event, "y", None)
        if y is None:
            return
        index = int(self.scroll_y) + int(y)
        if 0 <= index < self._total:
            if index == self.cursor:
                self.action_open()
            self.cursor = index

    def move_to_unread(self, step: int) -> bool:
        """Move the cursor to the next (step 1) or previous (-1) unread article."""
        index = self.cursor + step
        while 0 <= index < self._total:
            summary = self.summary_at(index)
            if summary is not None and not summary.read:
                self.cursor = index
                return True
            index += step
        return False


def _fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells, with an ellipsis when it was cut."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""


def search_keys(reader: Reader, query: ArticleQuery) -> list[tuple[str, int]]:
    """The best SEARCH_LIMIT matches of a search, by relevance."""
    return reader.article_keys(dataclasses.replace(query, limit=SEARCH_LIMIT, after=None))


PREFIX_FROM = 3  # letters typed before a word matches as a prefix (fewer match nearly all)


def as_typed(value: str) -> str | None:
    """The search for text being typed: the last word, with no space after it
    yet, also matches as a prefix (`quant` finds "quantization"); a space,
    a quote or a `*` after it ends the word. The ranking stays the store's."""
    text = value.strip()
    if not text:
        return None
    # The last token (the search splits `gpt-4` into gpt and 4) needs
    # PREFIX_FROM letters: `c++*` would be every word that starts with c.
    if value[-1].isspace() or not re.search(rf"\w{{{PREFIX_FROM},}}$", text):
        return text
    return text + "*"


def terms_pattern(search: str | None) -> re.Pattern[str] | None:
    if not search:
        return None
    words = [w.strip('"*') for w in search.split()]
    words = [re.escape(w) for w in words if len(w) > 1]
    return re.compile("|".join(sorted(words, key=len, reverse=True)), re.I) if words else None
