"""Where a long article is cut into parts: whole paragraphs, else whole words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.tui.widgets.article_parts import part_of, part_starts


def parts(text: str, size: int) -> list[str]:
    starts = part_starts(text, size)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def test_a_short_text_is_one_part() -> None:
    assert part_starts("", 10) == [0]
    assert part_starts("One paragraph.\nTwo.", 100) == [0]


def test_parts_end_after_a_paragraph_else_a_word_else_anywhere() -> None:
    text = "aaaa bbbb\ncccc dddd\n\neeee ffff gggg hhhh iiii"
    assert parts(text, 12) == ["aaaa bbbb\n", "cccc dddd\n\n", "eeee ffff ", "gggg hhhh ", "iiii"]
    assert parts("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


@given(st.text(alphabet="ab \n", max_size=400), st.integers(min_value=2, max_value=60))
def test_parts_cover_the_text_in_order_within_the_size(text: str, size: int) -> None:
    pieces = parts(text, size)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= size for piece in pieces) or text == ""
    starts = part_starts(text, size)
    for index, start in enumerate(starts):
        assert part_of(starts, start) == index
