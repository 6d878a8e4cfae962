"""The sidebar: views (All, Unread, Starred), feeds, tags and saved searches.

Feed titles and tag names are untrusted: every prompt is a `Content`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from reader.core.models import ArticleQuery, Feed, ViewKey
from reader.core.service import Reader
from reader.tui.app_access import ReaderAppAccess
from reader.tui.text import short_url
from reader.tui.writes import writes


@dataclass(frozen=True, slots=True)
class View:
    """What the article list shows, and how the sidebar names it."""

    which: ViewKey
    title: str
    query: ArticleQuery

    @property
    def key(self) -> str:
        """The sidebar's option id: "all", "feed:3", "tag:ai", "search:2"."""
        return self.which.id


def _count(n: int) -> Content:
    return Content(f" {n}" if n else "").stylize("$text-muted")


class Sidebar(ReaderAppAccess, OptionList):
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("x,delete", "delete", "Delete", id="sidebar.delete"),
        Binding("f2", "rename_tag", "Rename tag", show=False, id="sidebar.rename_tag"),
        Binding("plus", "add_to_filter", "Add tag to filter", show=False, id="sidebar.tag_filter"),
    ]

    class ViewChanged(Message):
        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    class DeleteRequested(Message):
        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    class TagRequested(Message):
        """Rename or delete (`action`) the tag `name`."""

        def __init__(self, name: str, action: str) -> None:
            super().__init__()
            self.name = name
            self.action = action

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.views: dict[str, View] = {}
        self.feeds: dict[int, Feed] = {}
        # Tags combined with `+`: the "tags" view lists articles with all of them.
        self.tag_filter: tuple[str, ...] = ()

    def load(self, reader: Reader) -> None:
        """(Re)build the entries from the store, keeping the highlighted one."""
        option = self.highlighted_option
        keep = option.id if option is not None and option.id else "all"
        feeds = reader.feeds()
        self.feeds = {feed.id: feed for feed in feeds}
        unread_total = sum(f.unread for f in feeds)
        starred = reader.count_articles(ArticleQuery(starred=True))
        views = [
            View(ViewKey("all"), "All articles", ArticleQuery()),
            View(ViewKey("unread"), "Unread", ArticleQuery(unread=True)),
            View(ViewKey("starred"), "Starred", ArticleQuery(starred=True)),
        ]
        options: list[Option | None] = [
            Option(Content("All articles") + _count(sum(f.articles for f in feeds)), id="all"),
            Option(Content("Unread") + _count(unread_total), id="unread"),
            Option(Content("Starred") + _count(starred), id="starred"),
        ]
        if feeds:
            options.append(self._heading("Feeds"))
        for feed in feeds:
            which = ViewKey.feed(feed.id)
            title = feed.title or short_url(feed.url)
            views.append(View(which, title, ArticleQuery(feed_id=feed.id)))
            prompt = Content(title)
            if feed.last_error:
                prompt = Content("⚠ ").stylize("$text-error") + prompt.stylize("$text-error")
            options.append(Option(prompt + _count(feed.unread), id=which.id))
        tags = reader.tag_names()
        # Tags only analysis set (ai, say) are muted and marked, apart from the user's.
        automatic = {name for name, kind, _ in reader.tag_counts() if kind == "auto"}
        self.tag_filter = tuple(t for t in self.tag_filter if t in tags)
        if tags:
            options.append(self._heading("Tags"))
        if len(self.tag_filter) > 1:
            title = " + ".join(f"#{t}" for t in self.tag_filter)
            query = ArticleQuery(tags=self.tag_filter)
            views.append(View(ViewKey("tags"), title, query))
            unread = reader.count_articles(dataclasses.replace(query, unread=True))
            options.append(Option(Content(title).stylize("bold") + _count(unread), id="tags"))
        for tag in tags:
            which = ViewKey.tag(tag)
            query = ArticleQuery(tags=(tag,))
            views.append(View(which, f"#{tag}", query))
            unread = reader.count_articles(ArticleQuery(tags=(tag,), unread=True))
            prompt = Content(f"#{tag}")
            if tag in automatic:
                prompt = prompt.stylize("italic $text-muted") + Content(" ⚙").stylize("$text-muted")
            if tag in self.tag_filter:
                prompt = Content("+").stylize("bold $text-accent") + prompt
            options.append(Option(prompt + _count(unread), id=which.id))
        searches = reader.saved_searches()
        if searches:
            options.append(self._heading("Searches"))
        for search_id, name, text in searches:
            which = ViewKey.search(search_id)
            views.append(View(which, f"/{name}", ArticleQuery(search=text)))
            options.append(Option(Content(f"/{name}"), id=which.id))
        options += self._follow_options(reader, views)
        self.views = {view.key: view for view in views}
        # Rebuilding re-highlights the same entry: that is no change of view, and
        # announcing one would send the article list back to its top after every
        # mark-read, star or refresh. Only a view that went away is announced.
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(keep)
            except OptionDoesNotExist:
                self.highlighted = 0
        if self.current.key != keep:
            self.post_message(self.ViewChanged(self.current))

    def _follow_options(self, reader: Reader, views: list[View]) -> list[Option | None]:
        """The watchlist: each followed entity or search with how many stories
        are new since it was last opened here."""
        followed = reader.watchlist()
        options: list[Option | None] = [self._heading("Following")] if followed else []
        for item in followed:
            which = ViewKey.follow(item.id)
            if item.kind == "entity":
                views.append(View(which, item.name, ArticleQuery(entity=item.name)))
            else:
                views.append(View(which, f"/{item.name}", ArticleQuery(search=item.name)))
            count = Content(f" {item.new_stories} new" if item.new_stories else "")
            options.append(Option(Content(item.name) + count.stylize("$text-muted"), id=which.id))
        return options

    @writes
    def _seen(self, key: str) -> None:
        """A followed entity or search was opened: its new stories are seen."""
        which = self.views[key].which
        if which.kind == "follow":
            self.reader.mark_follow_seen(int(which.target))
            self.replace_option_prompt(key, Content(self.views[key].title.removeprefix("/")))

    @staticmethod
    def _heading(text: str) -> Option:
        return Option(Content(text).stylize("bold $text-muted"), disabled=True)

    @property
    def current(self) -> View:
        option = self.highlighted_option
        if option is not None and option.id in self.views:
            return self.views[option.id]
        return self.views.get("all", View(ViewKey("all"), "All articles", ArticleQuery()))

    def select(self, which: ViewKey) -> None:
        self.select_key(which.id)

    def select_key(self, key: str) -> None:
        """Highlight the entry with that option id (a `ViewKey.id`), if there is one."""
        try:
            self.highlighted = self.get_option_index(key)
        except OptionDoesNotExist:
            return

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        """The next entry that is not a heading; none past the last or the
        first (OptionList would wrap around, a jump from the last saved search
        to All articles)."""
        index = (self.highlighted if self.highlighted is not None else -direction) + direction
        while 0 <= index < self.option_count:
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return
            index += direction

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id in self.views:
            self.post_message(self.ViewChanged(self.views[event.option_id]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id in self.views:
            self._seen(event.option_id)
            self.post_message(self.ViewChanged(self.views[event.option_id]))
            self.screen.focus_next()

    def action_delete(self) -> None:
        view = self.current
        if view.which.kind in ("feed", "search"):
            self.post_message(self.DeleteRequested(view))
        elif view.which.tag_name is not None:
            self.post_message(self.TagRequested(view.which.tag_name, "delete"))

    def action_rename_tag(self) -> None:
        tag = self.current.which.tag_name
        if tag is not None:
            self.post_message(self.TagRequested(tag, "rename"))

    def action_add_to_filter(self) -> None:
        """Add the highlighted tag to the combined tag filter (or take it out) and show it."""
        which = self.current.which
        tag = which.tag_name
        if tag is None:
            return
        if tag in self.tag_filter:
            self.tag_filter = tuple(t for t in self.tag_filter if t != tag)
        else:
            self.tag_filter += (tag,)
        self.load(self.reader)
        self.select(ViewKey("tags") if len(self.tag_filter) > 1 else which)
