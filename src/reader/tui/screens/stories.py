"""Stories: one row per story (its first headline, how many sources, the
newest time), expanding to its articles; a story's sources side by side with
its entities; the digest.

Titles, feed names and text are untrusted: everything is built from plain
`Content`, never parsed as markup.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.service import Reader
from reader.core.stories.digest import Digest, lead_of
from reader.core.stories.queries import Story
from reader.tui.styles import LABEL_NAMES
from reader.tui.text import plural
from reader.tui.writes import ShowsRows, writes

STORIES_SHOWN = 300
SOURCES_SIDE_BY_SIDE = 4
EXCERPT_CHARS = 1200


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The opening paragraphs, about `limit` characters: enough to compare
    how each source tells the story (a copy may open with boilerplate)."""
    kept: list[str] = []
    size = 0
    for paragraph in (p.strip() for p in text.split("\n") if p.strip()):
        if size + len(paragraph) > limit:
            kept.append(lead_of(paragraph, max(limit - size, 80)))
            break
        kept.append(paragraph)
        size += len(paragraph)
    return "\n\n".join(kept)


def story_prompt(story: Story, expanded: bool) -> Content:
    marker = "▾ " if expanded else "▸ "
    title = Content(story.title or "(untitled)")
    if story.unread:
        title = title.stylize("bold")
    details = f"  {plural(len(story.sources), 'source')} · {_when(story.newest)}"
    return Content(marker) + title + Content(details).stylize("$text-muted")


class StoriesScreen(ShowsRows, Screen[int | None]):
    """Dismissed with the id of the article to open, or None."""

    DEFAULT_CSS = """
    #stories-title, #stories-following { height: 1; padding: 0 1; background: $panel; }
    #stories-following { color: $text-muted; }
    #stories { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="stories.close"),
        Binding("v", "view_story", "Sources side by side", id="stories.view"),
        Binding("D", "digest", "Digest", id="stories.digest"),
    ]

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader
        self.stories: list[Story] = []
        self.expanded: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Static(Content("Stories").stylize("bold"), id="stories-title")
        yield Static(id="stories-following")
        yield OptionList(markup=False, id="stories")
        yield Footer()

    def on_mount(self) -> None:
        self.reload_rows()
        self.query_one("#stories").focus()

    @writes  # the stories of articles not grouped yet are stored first
    def reload_rows(self) -> None:
        keep = self.query_one("#stories", OptionList).highlighted_option
        self.stories = self.reader.stories(limit=STORIES_SHOWN)
        follows = self.reader.following()
        line = "Following: " + (
            ", ".join(f"{f.name} ({f.new_stories} new)" for f in follows)
            if follows
            else "nothing yet (reader follow NAME)"
        )
        self.query_one("#stories-following", Static).update(Content(line))
        count = Content(f"  {plural(len(self.stories), 'story', 'stories')}")
        self.query_one("#stories-title", Static).update(
            Content("Stories").stylize("bold") + count.stylize("$text-muted")
        )
        # The row it was on, if that story is still there.
        ids = {f"s{story.id}" for story in self.stories} | {
            f"a{article.id}" for story in self.stories for article in story.articles
        }
        self._draw(keep.id if keep is not None and keep.id in ids else None)

    def _draw(self, keep: str | None = None) -> None:
        options: list[Option | None] = []
        for story in self.stories:
            expanded = story.id in self.expanded
            options.append(Option(story_prompt(story, expanded), id=f"s{story.id}"))
            if expanded:
                for article in story.articles:
                    options.append(
                        Option(
                            Content("    ")
                            + Content(article.feed_title).stylize("$text-primary")
                            + Content(f"  {article.title}  ")
                            + Content(_when(article.sort_date)).stylize("$text-muted"),
                            id=f"a{article.id}",
                        )
                    )
        if not options:
            options.append(Option(Content("No stories yet.").stylize("$text-muted"), disabled=True))
        listing = self.query_one("#stories", OptionList)
        listing.set_options(options)
        if keep is not None:
            listing.highlighted = listing.get_option_index(keep)
        elif options and options[0] is not None and not options[0].disabled:
            listing.highlighted = 0

    def _highlighted_story(self) -> Story | None:
        listing = self.query_one("#stories", OptionList)
        index = listing.highlighted
        if index is None:
            return None
        # An article row belongs to the story row above it.
        for option in reversed(listing.options[: index + 1]):
            if option.id and option.id.startswith("s"):
                return next((s for s in self.stories if f"s{s.id}" == option.id), None)
        return None

    @on(OptionList.OptionSelected, "#stories")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option_id or ""
        if option_id.startswith("a"):
            self.dismiss(int(option_id[1:]))
            return
        story_id = int(option_id[1:])
        self.expanded ^= {story_id}
        self._draw(keep=option_id)

    @writes  # an article of the story may be gone (deleted by another process)
    def action_view_story(self) -> None:
        story = self._highlighted_story()
        if story is not None:
            shown = story.articles[:SOURCES_SIDE_BY_SIDE]
            texts = [self.reader.article(article.id).text for article in shown]
            self.app.push_screen(StoryScreen(self.reader, story, texts))

    def action_digest(self) -> None:
        self.app.push_screen(DigestScreen(self.reader))

    def action_close(self) -> None:
        self.dismiss(None)


class StoryScreen(Screen[None]):
    """One story: each source's headline and lead side by side, its entities below."""

    DEFAULT_CSS = """
    #story-title { height: auto; padding: 0 1; background: $panel; }
    #story-sources { height: 1fr; }
    .story-source { width: 1fr; padding: 0 1; border-right: vkey $panel; }
    #story-entities { height: auto; max-height: 6; padding: 0 1; border-top: tall $panel; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close", id="story.close")]

    def __init__(self, reader: Reader, story: Story, texts: list[str]) -> None:
        """`texts`: the text of each article shown side by side, read by the
        caller (where an article found gone is a notice, not a crash)."""
        super().__init__()
        self.reader = reader
        self.story = story
        self.texts = texts

    def compose(self) -> ComposeResult:
        story = self.story
        yield Static(
            Content(story.title).stylize("bold")
            + Content(f"  {plural(len(story.articles), 'article')} from ").stylize("$text-muted")
            + Content(", ".join(story.sources)).stylize("$text-muted"),
            id="story-title",
        )
        with Horizontal(id="story-sources"):
            for article, text in zip(story.articles, self.texts, strict=False):
                with VerticalScroll(classes="story-source"):
                    yield Static(Content(article.feed_title).stylize("bold $text-primary"))
                    yield Static(Content(article.title).stylize("bold"))
                    yield Static(Content(_when(article.sort_date)).stylize("$text-muted"))
                    yield Static(Content("\n" + _excerpt(text)))
        entities = self.reader.story_entities(story.id)
        line = Content("Entities: ").stylize("bold")
        for n, (name, label, count) in enumerate(entities):
            line += Content(", " if n else "") + Content(name)
            line += Content(f" ({LABEL_NAMES.get(label, label)}, {count})").stylize("$text-muted")
        if len(story.articles) > SOURCES_SIDE_BY_SIDE:
            more = len(story.articles) - SOURCES_SIDE_BY_SIDE
            line += Content(f"\n{plural(more, 'more article')} not shown").stylize("$text-muted")
        yield Static(line, id="story-entities")
        yield Footer()


DIGEST_WINDOWS = {"1": ("1d", "the last day"), "7": ("1w", "the last week"), "0": ("", "ever")}


class DigestScreen(Screen[None]):
    """The digest of `reader digest`: by followed entity, then by AI relevance."""

    DEFAULT_CSS = """
    #digest { height: 1fr; padding: 0 1; }
    .digest-section { margin-top: 1; }
    .digest-story { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="digest.close"),
        Binding("1", "window('1')", "Last day", id="digest.day"),
        Binding("7", "window('7')", "Last week", id="digest.week"),
        Binding("0", "window('0')", "Everything", id="digest.all"),
    ]

    def __init__(self, reader: Reader, window: str = "1") -> None:
        super().__init__()
        self.reader = reader
        self.window = window

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="digest")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()

    def action_window(self, window: str) -> None:
        self.window = window
        self._fill()

    @writes  # as the stories screen
    def _fill(self) -> None:
        since, said = DIGEST_WINDOWS[self.window]
        digest = self.reader.digest(since or "1970-01-01")
        pane = self.query_one("#digest", VerticalScroll)
        pane.remove_children()
        pane.mount_all(list(_digest_widgets(digest, said)))
        pane.focus()


def _digest_widgets(digest: Digest, said: str) -> list[Static]:
    count = plural(digest.story_count, "story", "stories")
    widgets = [Static(Content(f"Digest: {count} {said}").stylize("bold $accent"))]
    for section in digest.sections:
        heading = f"Following: {section.title}" if section.kind == "follow" else section.title
        widgets.append(Static(Content(heading).stylize("bold"), classes="digest-section"))
        for item in section.stories:
            story = item.story
            body = Content(story.title).stylize("bold $text-primary")
            body += Content(f"\n{', '.join(story.sources)} · {_when(story.newest)}").stylize(
                "$text-muted"
            )
            if item.lead:
                body += Content(f"\n{item.lead}")
            for h in item.highlights:
                quote = f"“{h.exact}”" if h.exact else "Note"
                body += Content("\n  ▌ ").stylize("$warning") + Content(quote)
                if h.note:
                    body += Content(f" — {h.note}").stylize("italic")
            widgets.append(Static(body, classes="digest-story"))
    return widgets
