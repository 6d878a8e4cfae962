"""An input for a comma-separated list of tags, completing the one being typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.suggester import Suggester
from textual.widgets import Input


def parse_tags(value: str) -> list[str]:
    """Tags as typed: comma-separated, trimmed, without a leading #, each once."""
    tags: list[str] = []
    for part in value.split(","):
        tag = part.strip().lstrip("#").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class TagSuggester(Suggester):
    """Completes the last tag of the list from the tags already in use."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = sorted(names, key=str.casefold)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        taken = set(parse_tags(head))
        for name in self.names:
            if name.casefold().startswith(typed.casefold()) and name not in taken:
                return value[: len(value) - len(typed)] + name
        return None


class TagInput(Input):
    """Tags, comma-separated; Right at the end accepts the grey completion."""

    def __init__(self, names: Sequence[str], value: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(
            ", ".join(value),
            placeholder="tags, comma-separated",
            suggester=TagSuggester(names),
            **kwargs,
        )

    @property
    def tags(self) -> list[str]:
        return parse_tags(self.value)
