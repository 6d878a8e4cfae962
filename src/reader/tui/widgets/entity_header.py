"""The line above a followed entity's articles: its type and its trend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from reader.tui.widgets.entity_legend import label_content


def weekly(timeline: Sequence[tuple[str, int]]) -> list[int]:
    """Articles per week (Monday to Sunday) from the first day to the last,
    with the quiet weeks in between as zeros, so the line shows the gaps."""
    days = [(dt.date.fromisoformat(day), count) for day, count in timeline]
    if not days:
        return []
    first = days[0][0] - dt.timedelta(days=days[0][0].weekday())
    weeks = [0] * ((days[-1][0] - first).days // 7 + 1)
    for day, count in days:
        weeks[(day - first).days // 7] += count
    return weeks


BARS = "▁▂▃▄▅▆▇█"
QUIET = "·"  # a week without an article: never the lowest bar, which means one or a few


def trend(weeks: Sequence[int], width: int) -> Content:
    """The weeks as bars, one cell each (neighbours summed when there are
    more weeks than cells). Any article at all shows a bar, scaled from zero;
    a quiet week shows a muted dot."""
    if not weeks or width <= 0:
        return Content("")
    per_cell = -(-len(weeks) // width)  # ceiling division
    cells = [sum(weeks[i : i + per_cell]) for i in range(0, len(weeks), per_cell)]
    top = max(cells) or 1
    result = Content("")
    for count in cells:
        if count == 0:
            result += Content(QUIET).stylize("$text-muted")
        else:
            level = max(1, -(-count * len(BARS) // top))  # 1..8, ceiling
            result += Content(BARS[level - 1]).stylize("$text-accent")
    return result


def _day(value: str) -> str:
    day = dt.date.fromisoformat(value)
    return f"{day.day} {day:%b %Y}"


def caption(timeline: Sequence[tuple[str, int]]) -> Content:
    if not timeline:
        return Content("")
    first, last = timeline[0][0], timeline[-1][0]
    span = _day(first) if first == last else f"{_day(first)} – {_day(last)}"
    return Content(f" weekly, {span}").stylize("$text-muted")


class EntityHeader(Horizontal):
    """`organisation ▂▅█▁ weekly, 2 Nov 2026 – 27 Nov 2026` under the list title."""

    DEFAULT_CSS = """
    EntityHeader {
        height: 1;
        padding: 0 1;
        background: $panel;
        & > #entity-label { width: auto; padding-right: 1; }
        & > #entity-trend { width: 1fr; min-width: 4; }
        & > #entity-span { width: auto; }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.weeks: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(id="entity-label")
        yield Static(id="entity-trend")
        yield Static(id="entity-span")

    def show(self, label: str, timeline: Sequence[tuple[str, int]]) -> None:
        self.query_one("#entity-label", Static).update(label_content(label))
        self.weeks = weekly(timeline)
        self.query_one("#entity-span", Static).update(caption(timeline))
        # Drawn once the bars' cell knows its width.
        self.call_after_refresh(self._draw_trend)

    def on_resize(self) -> None:
        self._draw_trend()

    def _draw_trend(self) -> None:
        cell = self.query_one("#entity-trend", Static)
        cell.update(trend(self.weeks, cell.content_region.width))
