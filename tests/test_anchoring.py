"""The anchoring core: making anchors, finding quotes, re-anchoring after edits.

The rule under test everywhere: a placement is either exactly the quote's
words or an orphan; a changed quote may be "fuzzy" only inside its own passage.
"""

from __future__ import annotations

import pytest

from reader.core.notes.anchoring import (
    CONTEXT,
    MAX_QUOTE,
    Anchor,
    Placement,
    find_quote,
    make_anchor,
    reanchor,
    reanchor_all,
)

ARTICLE = (
    "OpenAI released a new reasoning model on Tuesday, the company said in a blog post.\n\n"
    "The model scores higher on coding benchmarks than its predecessor, according to "
    "figures the company published alongside the release. Researchers outside the lab "
    "cautioned that benchmark results rarely translate directly into everyday use.\n\n"
    "Pricing starts at $15 per million input tokens, and the model is available to paying "
    "subscribers first. Free users will get access in the coming weeks, a spokesperson "
    "said.\n\n"
    "Competitors have raced to ship similar systems. Google and Anthropic both announced "
    "reasoning features earlier this year, and several startups followed.\n\n"
    "Analysts expect the release to intensify the price war among model providers."
)
QUOTE = "benchmark results rarely translate directly into everyday use"


def anchor_on(text: str, quote: str, occurrence: int = 1) -> Anchor:
    found = find_quote(text, quote, occurrence)
    assert found is not None
    return found


def placed_text(text: str, placement: Placement) -> str:
    assert placement.state != "orphan", placement
    return text[placement.start : placement.end]


def assert_orphan(placement: Placement) -> None:
    assert placement == Placement(-1, -1, "orphan", 0.0)


# --- make_anchor ---------------------------------------------------------------


def test_make_anchor_keeps_quote_offsets_and_context() -> None:
    start = ARTICLE.index(QUOTE)
    anchor = make_anchor(ARTICLE, start, start + len(QUOTE))
    assert anchor.exact == QUOTE
    assert (anchor.start, anchor.end) == (start, start + len(QUOTE))
    assert anchor.prefix == ARTICLE[start - CONTEXT : start]
    assert anchor.suffix == ARTICLE[start + len(QUOTE) : start + len(QUOTE) + CONTEXT]
    assert len(anchor.prefix) == len(anchor.suffix) == CONTEXT


def test_make_anchor_trims_whitespace_at_both_ends() -> None:
    start = ARTICLE.index("Pricing")
    anchor = make_anchor(ARTICLE, start - 2, start + len("Pricing starts") + 1)  # "\n\n" and " "
    assert anchor.exact == "Pricing starts"
    assert anchor.start == start
    assert anchor.prefix.endswith("\n\n")


def test_make_anchor_context_is_short_at_the_text_edges() -> None:
    anchor = make_anchor(ARTICLE, 0, len("OpenAI"))
    assert anchor.prefix == ""
    last = len(ARTICLE)
    anchor = make_anchor(ARTICLE, last - len("providers."), last)
    assert anchor.suffix == ""


def test_make_anchor_caps_the_quote() -> None:
    text = "word " * 2000
    anchor = make_anchor(text, 0, len(text))
    assert len(anchor.exact) <= MAX_QUOTE
    assert anchor.exact == text[: anchor.end]
    assert not anchor.exact[-1].isspace()


def test_make_anchor_cap_does_not_split_a_letter_from_its_accent() -> None:
    text = "a" * (MAX_QUOTE - 1) + "e\u0301" + " tail"  # e + combining acute at the cap
    anchor = make_anchor(text, 0, len(text))
    assert not anchor.exact.endswith("e")  # the base letter went with its accent
    assert anchor.exact == "a" * (MAX_QUOTE - 1)


@pytest.mark.parametrize(("start", "end"), [(5, 5), (-1, 4), (3, len(ARTICLE) + 1), (6, 2)])
def test_make_anchor_rejects_empty_or_out_of_range_spans(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        make_anchor(ARTICLE, start, end)


def test_make_anchor_rejects_whitespace_only_selection() -> None:
    start = ARTICLE.index("\n\n")
    with pytest.raises(ValueError, match="whitespace"):
        make_anchor(ARTICLE, start, start + 2)


# --- find_quote ----------------------------------------------------------------


def test_find_quote_anchors_the_nth_occurrence() -> None:
    first = anchor_on(ARTICLE, "the company")
    second = anchor_on(ARTICLE, "the company", occurrence=2)
    assert first.start == ARTICLE.index("the company")
    assert second.start == ARTICLE.index("the company", first.start + 1)
    assert find_quote(ARTICLE, "the company", occurrence=3) is None


def test_find_quote_single_spaces_match_a_newline_and_runs() -> None:
    text = "The launch went well.\n\nPricing  starts\tat $15."
    anchor = anchor_on(text, "  well. Pricing starts at ")
    assert anchor.exact == "well.\n\nPricing  starts\tat"
    assert text[anchor.start : anchor.end] == anchor.exact


def test_find_quote_is_exact_otherwise() -> None:
    assert find_quote(ARTICLE, "Benchmark results") is None  # case matters
    assert find_quote(ARTICLE, "benchmark result s") is None


def test_find_quote_rejects_empty_quote_and_bad_occurrence() -> None:
    with pytest.raises(ValueError):
        find_quote(ARTICLE, "   ")
    with pytest.raises(ValueError):
        find_quote(ARTICLE, "model", occurrence=0)


# --- step 1: unchanged text ----------------------------------------------------


def test_unchanged_text_is_exact() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    assert reanchor(anchor, ARTICLE, ARTICLE) == Placement(anchor.start, anchor.end, "exact", 1.0)


# --- step 2: through the diff ----------------------------------------------------


def test_boilerplate_prepended_moves_the_anchor() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    new = "Advertisement\n\nSkip to main content\n\n" + ARTICLE
    placement = reanchor(anchor, ARTICLE, new)
    assert placement.state == "moved"
    assert placement.start == anchor.start + len("Advertisement\n\nSkip to main content\n\n")
    assert placed_text(new, placement) == QUOTE


def test_boilerplate_removed_and_appended() -> None:
    old = "Sign up for our newsletter.\n\n" + ARTICLE
    new = ARTICLE + "\n\nComments are closed."
    anchor = anchor_on(old, QUOTE)
    placement = reanchor(anchor, old, new)
    assert placement.state == "moved"
    assert (placement.start, placement.end) == (
        ARTICLE.index(QUOTE),
        ARTICLE.index(QUOTE) + len(QUOTE),
    )


def test_words_changed_next_to_the_quote_still_moved() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    new = ARTICLE.replace("Researchers outside the lab cautioned that", "Experts warned that")
    new = new.replace("everyday use.", "everyday use, they added.")
    placement = reanchor(anchor, ARTICLE, new)
    assert placement.state == "moved"
    assert placed_text(new, placement) == QUOTE


def test_typography_changed_outside_the_quote() -> None:
    quote = "Free users will get access in the coming weeks"
    anchor = anchor_on(ARTICLE, quote)
    new = ARTICLE.replace("Tuesday, the", "Tuesday\u00a0\u2014 the").replace(
        "$15 per", "$15\u00a0per"
    )
    placement = reanchor(anchor, ARTICLE, new)
    assert placement.state == "moved"
    assert placed_text(new, placement) == quote


def test_word_changed_inside_a_long_quote_is_fuzzy_on_the_same_passage() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    new = ARTICLE.replace("rarely translate directly", "rarely carry over directly")
    placement = reanchor(anchor, ARTICLE, new)
    assert placement.state == "fuzzy"
    assert 0.8 <= placement.score < 1.0
    edited = "benchmark results rarely carry over directly into everyday use"
    passage_start = new.index(edited)
    # Inside the edited passage, on its word boundaries: here all of it.
    assert (placement.start, placement.end) == (passage_start, passage_start + len(edited))


def test_word_changed_at_the_quote_edge_does_not_keep_a_partial_word() -> None:
    quote = "the company said in a blog post"
    anchor = anchor_on(ARTICLE, quote)
    new = ARTICLE.replace("in a blog post.", "in a blog posting.")
    placement = reanchor(anchor, ARTICLE, new)
    edited_start = new.index("the company said in a blog posting")
    if placement.state != "orphan":
        assert placement.state == "fuzzy"
        assert edited_start <= placement.start
        assert placement.end <= edited_start + len("the company said in a blog posting")
        assert new[placement.end].isspace() or new[placement.end] == "."  # no "post|ing"


def test_word_changed_inside_a_short_quote_is_orphan_not_elsewhere() -> None:
    anchor = anchor_on(ARTICLE, "raced to ship")
    new = ARTICLE.replace("raced to ship", "hurried to ship")
    assert_orphan(reanchor(anchor, ARTICLE, new))
    assert_orphan(reanchor(anchor, None, new))


def test_quote_rewritten_beyond_recognition_is_orphan() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    new = ARTICLE.replace(QUOTE, "lab numbers seldom match what people see at work")
    assert_orphan(reanchor(anchor, ARTICLE, new))
    assert_orphan(reanchor(anchor, None, new))


def test_quote_deleted_is_orphan() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    new = ARTICLE.replace(" Researchers outside the lab cautioned that " + QUOTE + ".", "")
    assert QUOTE not in new
    assert_orphan(reanchor(anchor, ARTICLE, new))
    assert_orphan(reanchor(anchor, None, new))


def test_quote_deleted_next_to_a_look_alike_is_orphan() -> None:
    old = (
        "Revenue rose 5% in 2023 to a record, the filing shows.\n\n"
        "In the second half, revenue rose 7% in 2024 to a record, the filing shows."
    )
    anchor = anchor_on(old, "Revenue rose 5% in 2023 to a record")
    new = old.split("\n\n")[1]
    assert_orphan(reanchor(anchor, old, new))
    assert_orphan(reanchor(anchor, None, new))


def test_entry_deleted_from_a_list_of_alike_entries_is_orphan() -> None:
    entries = [
        f"{name}: possession of methamphetamine, held in jail in lieu of ${bond} bond."
        for name, bond in [
            ("John A. Doe", "5,000"),
            ("Jane B. Roe", "7,500"),
            ("Sam C. Poe", "2,500"),
        ]
    ]
    old = "Police arrested three people.\n\n" + "\n\n".join(entries)
    anchor = anchor_on(old, "held in jail in lieu of $7,500 bond", 1)
    new = old.replace(entries[1] + "\n\n", "")
    assert_orphan(reanchor(anchor, old, new))
    assert_orphan(reanchor(anchor, None, new))
    short = anchor_on(old, "in lieu of", 2)  # Jane's
    assert_orphan(reanchor(short, old, new))


# --- step 3: exact occurrences ---------------------------------------------------


def test_quote_duplicated_elsewhere_keeps_the_original() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    paragraphs = ARTICLE.split("\n\n")
    paragraphs.insert(1, "\u201c" + QUOTE + "\u201d")  # a pull quote before the original
    new = "\n\n".join(paragraphs)
    original = new.index("cautioned that " + QUOTE) + len("cautioned that ")
    for old in (ARTICLE, None):
        placement = reanchor(anchor, old, new)
        assert placement.state == "moved"
        assert (placement.start, placement.end) == (original, original + len(QUOTE))


def test_copies_with_identical_context_and_no_old_text_are_orphan() -> None:
    paragraph = "The chip maker said demand for accelerators remains strong this quarter."
    old = f"Intro line.\n\n{paragraph}\n\nMiddle line.\n\nOutro line."
    anchor = anchor_on(old, "demand for accelerators remains strong")
    new = f"Intro line.\n\n{paragraph}\n\nMiddle line.\n\n{paragraph}\n\nOutro line."
    assert_orphan(reanchor(anchor, None, new))
    # With the old version the diff knows which copy is the original.
    placement = reanchor(anchor, old, new)
    assert placement.state == "moved"
    assert placement.start == anchor.start


def test_paragraph_moved_is_moved() -> None:
    quote = "Google and Anthropic both announced reasoning features"
    anchor = anchor_on(ARTICLE, quote)
    paragraphs = ARTICLE.split("\n\n")
    moved = paragraphs.pop(3)
    paragraphs.insert(0, moved)
    new = "\n\n".join(paragraphs)
    for old in (ARTICLE, None):
        placement = reanchor(anchor, old, new)
        assert placement.state == "moved"
        assert placed_text(new, placement) == quote
        assert placement.start == new.index(quote)


def test_short_quote_at_the_start_of_a_moved_paragraph() -> None:
    anchor = anchor_on(ARTICLE, "Analysts expect")  # short, and its prefix is another paragraph
    paragraphs = ARTICLE.split("\n\n")
    paragraphs.insert(1, paragraphs.pop())
    new = "\n\n".join(paragraphs)
    placement = reanchor(anchor, ARTICLE, new)
    assert placement.state == "moved"
    assert placement.start == new.index("Analysts expect")


def test_reextraction_reorders_and_adds_boilerplate() -> None:
    quote = "Free users will get access in the coming weeks"
    anchor = anchor_on(ARTICLE, quote)
    paragraphs = ARTICLE.split("\n\n")
    paragraphs.reverse()
    new = "Menu\n\nShare this article\n\n" + "\n\n".join(paragraphs) + "\n\nRelated stories"
    placement = reanchor(anchor, ARTICLE, new)
    assert placement.state == "moved"
    assert placed_text(new, placement) == quote


def test_old_text_missing_falls_back_to_the_quote() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    new = "Breaking news banner\n\n" + ARTICLE.replace("OpenAI released", "OpenAI unveiled")
    placement = reanchor(anchor, None, new)
    assert placement.state == "moved"
    assert placement.start == new.index(QUOTE)


def test_anchor_not_made_on_the_given_old_text_falls_back_to_the_quote() -> None:
    anchor = anchor_on(ARTICLE, QUOTE)
    stale = Anchor(anchor.exact, anchor.prefix, anchor.suffix, anchor.start + 7, anchor.end + 7)
    new = "Banner\n\n" + ARTICLE
    placement = reanchor(stale, ARTICLE, new)
    assert placed_text(new, placement) == QUOTE
    assert placement.start == new.index(QUOTE)


def test_short_quote_needs_matching_context() -> None:
    old = "The new model is fast. Everyone was impressed by it."
    anchor = anchor_on(old, "is fast")  # 7 characters
    elsewhere = "Nothing about speed here. The train is fast, and so is the bus."
    assert_orphan(reanchor(anchor, None, elsewhere))
    assert_orphan(reanchor(anchor, old, elsewhere))
    kept = "Intro.\n\nThe new model is fast. Everyone was impressed by it."
    placement = reanchor(anchor, None, kept)
    assert placement.state == "moved"
    assert placement.start == kept.index("is fast")


def test_quote_that_now_cuts_a_word_is_not_found() -> None:
    old = "It would be North Dakota, one user said. Then it rained all day long."
    anchor = anchor_on(old, "one user")
    new = old.replace("one user said", "one users said")
    for base in (old, None):
        placement = reanchor(anchor, base, new)
        if placement.state != "orphan":
            assert new[placement.end] != "s"  # never "one user|s"


def test_number_changed_is_not_the_same_passage() -> None:
    old = "Intro.\n\nShipments grew 12% to 40 million units last quarter, the firm said."
    anchor = anchor_on(old, "Shipments grew 12% to 40 million units last quarter")
    new = old.replace("12%", "14%")
    assert_orphan(reanchor(anchor, old, new))
    assert_orphan(reanchor(anchor, None, new))


# --- unicode -------------------------------------------------------------------


def test_offsets_are_code_points_with_emoji() -> None:
    old = "Launch day \U0001f680 went well. The crowd cheered loudly at the stage."
    quote = "The crowd cheered loudly"
    anchor = anchor_on(old, quote)
    assert anchor.start == old.index(quote)  # str index: the rocket counts as one
    new = "\U0001f525\U0001f525 " + old  # two more emoji and a space before
    placement = reanchor(anchor, old, new)
    assert placement.state == "moved"
    assert placement.start == anchor.start + 3
    assert new[placement.start : placement.end] == quote


def test_combining_characters_stay_with_their_letters() -> None:
    old = "Intro.\n\nThe cafe\u0301 in Zu\u0308rich served cre\u0300me brule\u0301e to the team."
    quote = "cafe\u0301 in Zu\u0308rich"
    anchor = anchor_on(old, quote)
    assert anchor.end - anchor.start == len(quote) == 16  # 14 letters and 2 accents
    new = "Banner\n\n" + old
    placement = reanchor(anchor, old, new)
    assert placed_text(new, placement) == quote
    changed = old.replace("served", "offered")  # next to the quote, not in it
    placement = reanchor(anchor, old, changed)
    assert placed_text(changed, placement) == quote


# --- reanchor_all --------------------------------------------------------------


def test_reanchor_all_matches_reanchor_one_by_one() -> None:
    quotes = [QUOTE, "Pricing starts at $15", "raced to ship", "Analysts expect the release"]
    anchors = [anchor_on(ARTICLE, q) for q in quotes]
    paragraphs = ARTICLE.split("\n\n")
    paragraphs.insert(0, paragraphs.pop(2))
    new = "Banner\n\n" + "\n\n".join(paragraphs).replace("raced to ship", "hurried to ship")
    together = reanchor_all(anchors, ARTICLE, new)
    assert together == [reanchor(a, ARTICLE, new) for a in anchors]
    assert [p.state for p in together] == ["moved", "moved", "orphan", "moved"]
    assert reanchor_all([], ARTICLE, new) == []


def test_copies_whose_context_agrees_equally_are_orphan() -> None:
    letters = "a b c d e f g h i j k l m n o p "  # 16 one-letter words: one changed is 0.94
    old = letters + "the plan works well for most families in the state."
    anchor = anchor_on(old, "the plan works well")
    copy = "{} the plan works well for most families in the state."
    first, second = letters.replace(" o ", " q "), letters.replace(" m ", " q ")
    new = copy.format(first.strip()) + "\n\n" + copy.format(second.strip())
    # Each copy's context is one word off the stored one: nothing picks either.
    assert_orphan(reanchor(anchor, None, new))
    # With its own context intact and the other copy's unlike it, it is found.
    kept = copy.format("Elsewhere, officials said that") + "\n\n" + copy.format(letters.strip())
    placement = reanchor(anchor, None, kept)
    assert placement.state == "moved"
    assert placement.start == kept.rindex("the plan works well")
