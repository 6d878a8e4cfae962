"""The recogniser's output pinned on a few representative texts.

The recogniser has been made faster several times (merged and prefiltered
regular expressions, tighter loops, early exits for short texts); each such
change must leave every mention as it was. These texts exercise every pass:
known names and models with versions, amounts and dates, names typed from
their context, institutions and their acronyms, names in capitals, a
title-case headline, Unicode spellings that are folded before matching, and
user rules. The expected mentions are what main gave before the speed work
of issues 10 and 12. A change of behaviour on purpose updates them, and says
so in its commit. (The same check over the labelled sets, the corpora and the
demo is run by hand, see docs/benchmarks.md.)
"""

from __future__ import annotations

import dataclasses
import pickle
import random
import re

import ahocorasick
import pytest

from reader.core.entities import (
    Recognizer,
    Rule,
    afterpass,
    automata,
    context,
    data_files,
    normalize,
    patterns,
    recognizer,
    records,
)
from reader.core.entities.kb import family_stems
from reader.core.models import Mention

Row = tuple[int, int, str, str, str]  # start, end, label, entity, source

TEXTS = {
    "ai news": (
        "OpenAI released GPT\u20115.2 on Tuesday, and Anthropic said Claude Opus 4.5 costs $15 per"
        " million input tokens. Sam Altman, the chief executive of OpenAI, said the company\u2019s"
        " revenue rose 40% in Q3 2025 to $4.3 billion. Altman added that Microsoft would host it"
        " in Azure from March 3, 2026, and that Sonnet was cheaper."
    ),
    "institutions": (
        "The Centre for Data Ethics and Innovation (CDEI) met officials from Ohio State University"
        " in Columbus, Ohio. Later the CDEI wrote to the Office of the Director of National"
        " Intelligence. NVIDIA and SAMSUNG were not invited, said Dr. Jane Q. Smith of Harvard"
        " Medical School, who joined Hitachi Energy in the 1990s."
    ),
    "introductions": (
        "Parallax, a start-up based in Lisbon, unveiled its first model, Vesper-0. Its co-founders"
        " are Sof\u00eda Valderrama and Benedikt Ruhl. Valderrama said the Lisbon-based company had"
        " raised tens of millions of dollars from Sequoia Capital, and that Kestrel-3 8B and"
        " Qwen2.5-72B-Instruct were its rivals."
    ),
    "headline": "Nvidia Unveils Blackwell Ultra Chips for AI Data Centres",
    "folded": (
        "Meta\u2019s Llama\u00a03.1 405B beat Gemini\u20112.5 Pro, An\u00adthropic\u2019s staff"
        " said; \uff27\uff30\uff34-4o costs US$20/month."
    ),
}
USER_RULES = (
    Rule("entity", "Parallax", "Parallax", "ORG"),
    Rule("ignore", "Lisbon"),
    Rule("alias", "OAI", "OpenAI", ""),
)
USER_TEXT = TEXTS["introductions"] + " OAI agreed."

EXPECTED: dict[str, list[Row]] = {
    "ai news": [
        (0, 6, "ORG", "OpenAI", "kb"),
        (16, 23, "AI_MODEL", "GPT-5.2", "pattern"),
        (27, 34, "DATE", "Tuesday", "pattern"),
        (40, 49, "ORG", "Anthropic", "kb"),
        (55, 70, "AI_MODEL", "Claude Opus 4.5", "kb"),
        (77, 105, "MONEY", "$15 per million input tokens", "pattern"),
        (107, 117, "PERSON", "Sam Altman", "kb"),
        (142, 148, "ORG", "OpenAI", "kb"),
        (182, 185, "PERCENT", "40%", "pattern"),
        (189, 196, "DATE", "Q3 2025", "pattern"),
        (200, 212, "MONEY", "$4.3 billion", "pattern"),
        (214, 220, "PERSON", "Sam Altman", "kb"),
        (232, 241, "ORG", "Microsoft", "kb"),
        (259, 264, "PRODUCT", "Azure", "kb"),
        (270, 283, "DATE", "March 3, 2026", "pattern"),
        (294, 300, "AI_MODEL", "Claude Sonnet", "context"),
    ],
    "institutions": [
        (4, 41, "ORG", "Centre for Data Ethics and Innovation", "context"),
        (43, 47, "ORG", "Centre for Data Ethics and Innovation", "context"),
        (68, 89, "ORG", "Ohio State University", "kb"),  # a known name since entqual
        (93, 101, "GPE", "Columbus", "kb"),
        (103, 107, "GPE", "Ohio", "kb"),
        (119, 123, "ORG", "Centre for Data Ethics and Innovation", "context"),
        (137, 184, "ORG", "Office of the Director of National Intelligence", "kb"),
        (186, 192, "ORG", "Nvidia", "kb"),
        (197, 204, "ORG", "Samsung", "kb"),
        (232, 245, "PERSON", "Jane Q. Smith", "context"),
        (249, 271, "ORG", "Harvard Medical School", "context"),
        (284, 298, "ORG", "Hitachi Energy", "kb"),
        (306, 311, "DATE", "1990s", "pattern"),
    ],
    "introductions": [
        (0, 8, "ORG", "Parallax", "context"),
        (30, 36, "GPE", "Lisbon", "kb"),
        (64, 72, "AI_MODEL", "Vesper-0", "context"),
        (94, 110, "PERSON", "Sofía Valderrama", "context"),
        (115, 128, "PERSON", "Benedikt Ruhl", "context"),
        (130, 140, "PERSON", "Sofía Valderrama", "context"),
        (150, 156, "GPE", "Lisbon", "kb"),
        (182, 209, "MONEY", "tens of millions of dollars", "pattern"),
        (215, 230, "ORG", "Sequoia Capital", "kb"),
        (241, 253, "AI_MODEL", "Kestrel-3 8B", "pattern"),
        (258, 278, "AI_MODEL", "Qwen2.5-72B-Instruct", "kb"),
    ],
    "headline": [
        (0, 6, "ORG", "Nvidia", "kb"),
        (15, 30, "PRODUCT", "Blackwell Ultra", "kb"),
    ],
    "folded": [
        (0, 4, "ORG", "Meta", "kb"),
        (7, 21, "AI_MODEL", "Llama 3.1 405B", "kb"),
        (27, 41, "AI_MODEL", "Gemini-2.5 Pro", "kb"),
        (43, 53, "ORG", "Anthropic", "kb"),
        (68, 74, "AI_MODEL", "GPT-4o", "kb"),
        (81, 92, "MONEY", "US$20/month", "pattern"),
    ],
    "user rules": [
        (0, 8, "ORG", "Parallax", "user"),
        (64, 72, "AI_MODEL", "Vesper-0", "context"),
        (94, 110, "PERSON", "Sofía Valderrama", "context"),
        (115, 128, "PERSON", "Benedikt Ruhl", "context"),
        (130, 140, "PERSON", "Sofía Valderrama", "context"),
        (182, 209, "MONEY", "tens of millions of dollars", "pattern"),
        (215, 230, "ORG", "Sequoia Capital", "kb"),
        (241, 253, "AI_MODEL", "Kestrel-3 8B", "pattern"),
        (258, 278, "AI_MODEL", "Qwen2.5-72B-Instruct", "kb"),
        (296, 299, "ORG", "OpenAI", "user"),
    ],
}


def rows(recognizer: Recognizer, text: str) -> list[Row]:
    found = recognizer.find(text)
    for m in found:
        assert m.text == text[m.start : m.end]  # offsets index the text as given
    return [(m.start, m.end, m.label, m.entity, m.source) for m in found]


@pytest.mark.parametrize("name", list(TEXTS))
def test_mentions_are_as_pinned(name: str) -> None:
    assert rows(Recognizer(), TEXTS[name]) == EXPECTED[name]


def test_mentions_with_user_rules_are_as_pinned() -> None:
    assert rows(Recognizer(USER_RULES), USER_TEXT) == EXPECTED["user rules"]


def test_an_empty_text_has_no_mentions() -> None:
    assert Recognizer().find("") == []
    assert Recognizer(USER_RULES).find("") == []


def test_the_amounts_and_dates_prefilter_changes_no_match() -> None:
    """The regex's lookahead on its first characters only skips positions
    where no form can start: without it, the same matches."""
    text = (
        "On Monday, June 3, 2026 (3 June; Jun 4; Sept. 5) it paid US$2.5bn, A$3m, HK$1, C$2,"
        " CHF 40, EUR 9 million, 12 euros, 7 billion dollars, \u20ac94m and \u00a3300m; Q3 2025,"
        " Q3 FY25, H1 2025, 3Q 2024, fiscal 2025, FY26, 2025-06-03, the 1990s, the 21st century,"
        " in 1823, in March, 49%, 20\u201330%, 6.2 percent, 5 percentage points, 2048 GPUs."
    )
    plain = re.compile(
        patterns._AMOUNTS_AND_DATES.pattern.replace(patterns._SECOND, "", 1), re.VERBOSE
    )
    assert patterns._SECOND in patterns._AMOUNTS_AND_DATES.pattern
    found = [(m.span(), m.lastgroup) for m in patterns._AMOUNTS_AND_DATES.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in plain.finditer(text)]
    assert len(found) >= 30
    # The one-scan form the recogniser uses finds the very same matches.
    ours = [((start, end), kind) for kind, start, end, _ in patterns.amounts_and_dates(text)]
    assert ours == found
    assert all(text[s:e] == surface for _, s, e, surface in patterns.amounts_and_dates(text))


def test_the_amounts_and_dates_split_by_first_character_find_the_same() -> None:
    """The scan tries at a digit only the forms that start with one, and the
    others elsewhere: the same matches, of the same kind, as the one regex
    with every form (digits in other scripts too, which \\d matches)."""
    text = (
        "Sept. 5, 2025: 3 June 2026, 4 June, 3Q 2024, 12 euros, 7 billion dollars, 20\u201330%,"
        " 2025-06-03, the 1990s, the 21st century, 1823, \u0663\u0664 USD and \u0665 percent,"
        " $5 per hour, US$2.5bn, Friday, fiscal 2025, May 2026 and 1200 people in March."
    )
    found = [(m.lastgroup, m.start(), m.end()) for m in patterns._AMOUNTS_AND_DATES.finditer(text)]
    assert [(kind, s, e) for kind, s, e, _ in patterns.amounts_and_dates(text)] == found
    assert {kind for kind, _, _ in found} == {"money", "percent", "date", "old_year", "month"}
    # Numbers in Arabic-Indic digits: "\u0663\u0664 USD", "\u0665 percent".
    assert ("money", 129, 135) in found and ("percent", 140, 149) in found


@pytest.mark.parametrize(
    "text",
    [
        "the chipmaker's data",  # "data" after a word with an apostrophe
        "metadata and AIs",  # words that only contain or start with a listed one
        "AI",
        "(A.I.) rules",
        "launches, releases",  # "launches" is listed, "releases" is not
        "companies_x companyX Company",
        "\u00e9AI, \u00e0 Google",  # a letter of another script before
        "",
    ],
)
def test_the_tech_words_are_found_where_the_plain_regex_finds_them(text: str) -> None:
    """_TECH starts with the words' first letters, for speed: it finds a
    word wherever `\\b(?:words)\\b` does, and nowhere else."""
    plain = re.compile(rf"\b(?:{recognizer._TECH_WORDS})\b")
    for start in range(len(text) + 1):
        for piece in (text[start:], text[:start]):
            assert (recognizer._TECH.search(piece) is None) == (plain.search(piece) is None)


def test_a_word_list_that_starts_with_no_letter_is_refused() -> None:
    with pytest.raises(ValueError):
        recognizer._any_word(r"AI|\bGPU")
    with pytest.raises(ValueError):
        recognizer._any_word(r"AI|s?GPU")


def test_automata_match_the_same_whatever_the_order_of_their_keys() -> None:
    """automata.automaton adds the keys with common characters first, for
    speed only: an automaton built in the order given finds the same."""
    keys = ["Sam Altman", "Altman", "S", "OpenAI", "Open", "GPT", "GPT-5", "uv", "eBay", "e", "X"]
    text = "Sam Altman of OpenAI said GPT-5 beats GPTs; eBay uses uv. Xs and e-mail, Openly."
    plain = ahocorasick.Automaton()
    for key in keys:
        plain.add_word(key, (len(key), key))
    plain.make_automaton()
    built = automata.automaton((key, (len(key), key)) for key in keys)
    assert list(built.iter_long(text)) == list(plain.iter_long(text))
    assert list(built.iter(text)) == list(plain.iter(text))
    assert len(list(built.iter_long(text))) >= 8


def test_new_mention_makes_the_same_mention_as_the_class() -> None:
    """records.new_mention sets the frozen fields directly, for speed: an
    equal object in every way the rest of reader can see."""
    made = records.new_mention(3, 9, "ORG", "OpenAI", "OpenAI", "kb")
    plain = Mention(3, 9, "ORG", "OpenAI", "OpenAI", "kb")
    assert type(made) is Mention
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert pickle.loads(pickle.dumps(made)) == plain
    assert dataclasses.astuple(made) == (3, 9, "ORG", "OpenAI", "OpenAI", "kb")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.label = "PERSON"  # type: ignore[misc]


def test_new_run_makes_the_same_run_as_the_named_tuple() -> None:
    """context.new_run (tuple.__new__) makes runs faster than NameRun(...):
    an equal object of the same type."""
    made = context.new_run(context.NameRun, (3, 9, ("Parallax",)))
    plain = context.NameRun(3, 9, ("Parallax",))
    assert type(made) is context.NameRun
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert (made.start, made.end, made.words) == (3, 9, ("Parallax",))


def test_the_company_cue_before_a_name_needs_one_of_its_last_words() -> None:
    """afterpass tests the text before a name for the cue's last words with
    str.endswith before searching it, for speed: wherever the search finds
    the cue, that test holds (line breaks, where "$" also matches, too)."""
    text = (
        "a co-founder of Twitch, the CEO of \nWindsurf, it acquired Slack and bought \n"
        "Figma; investor in Dropbox, a stake in Notion; joined Stripe, buys X, buying Y, "
        "purchased Z, acquires W, acquiring V, will acquire U, employees of T. Chief "
        "Executive of S, shareholders of R,\nof Q"
    )
    found = 0
    for end in range(len(text) + 1):
        match = afterpass._COMPANY_BEFORE.search(text, max(0, end - 25), end)
        if match is not None:
            found += 1
            assert text.endswith(afterpass._COMPANY_BEFORE_ENDS, 0, end)
    assert found >= 18


def test_a_people_list_counts_only_after_its_verb() -> None:
    """context._coordinated_people searches the sentence before a run for a
    people list only after a join or right after the list's verb, for speed:
    wherever the search makes a run the list's first name, the text before
    the run ends with the verb and one character."""
    text = (
        "Its co-founders are Ana Ruiz and Ben Holt. The researchers were: Cy Dunn, and the"
        " investors included\nDee Fox; its partners including Eli Gray. Founders include Fay"
        " Lim. The authors are (Gus Hill) and executives were Hal Ives."
    )
    first = 0
    for start in range(1, len(text) + 1):
        before = text[max(0, start - 160) : start]
        sentence = context._SENTENCE_END.split(before)[-1]
        listed = context._PEOPLE_LIST.search(sentence)
        if listed is not None and listed.end() == len(sentence) - 1:
            first += 1
            assert before.endswith(context._PEOPLE_LIST_VERBS, 0, len(before) - 1)
    assert first >= 4


@pytest.mark.parametrize(
    "text",
    [
        "The pies, pie and piesx; a piece of apple pie_ in the orchards by the river.",
        "Astrology, astrologers and astrolog; star signs, a star sign and the zodiac.",
        "windsurf windows winds wind, rainforests_ basin's analyses/analysis twins twin",
        "A Monet painter poet poets NASA's NASAx Apollo11 Apollo spacecraft capsule juice",
        "cider fruit fruits fruitsy horoscope horoscopes horoscopesx constellation \u00e9pie",
        "",
    ],
)
def test_other_senses_are_found_where_the_plain_regex_finds_them(text: str) -> None:
    """_OTHER_SENSE groups its words by first letter, for speed: it finds a
    word in every piece of a text where `\\b(?:words)\\b` does, and only there."""
    plain = re.compile(rf"\b(?:{recognizer._OTHER_SENSE_WORDS})\b")
    assert plain.pattern != recognizer._OTHER_SENSE.pattern
    found = 0
    for start in range(len(text) + 1):
        for piece in (text[start:], text[:start], text[start : start + 9]):
            expected = plain.search(piece) is not None
            assert (recognizer._OTHER_SENSE.search(piece) is not None) == expected
            found += expected
    assert found or not text


def test_words_grouped_by_first_letter_start_with_a_letter() -> None:
    assert recognizer._by_first_letter("pies?|poet|river") == "p(?:ies?|oet)|r(?:iver)"
    with pytest.raises(ValueError):
        recognizer._by_first_letter(r"pie|\bpoet")
    with pytest.raises(ValueError):
        recognizer._by_first_letter("pie|s?poet")


@pytest.mark.parametrize(
    "learned",
    [["AT", "AT&T"], ["AT&T", "AT"], ["T.", "A.T", "TA", "A.T."], ["AA", "AT", "TA", "TT", "A-T"]],
)
def test_learned_acronyms_are_found_where_their_alternation_finds_them(
    learned: list[str],
) -> None:
    # Every text of up to six characters from capitals, a lower case letter,
    # the acronyms' punctuation and a space: the spans learned_uses gives are
    # those of the alternation bracketed_acronyms used before redos11.
    alternation = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, learned)) + r")(?![\w-])")
    texts = [""]
    for _ in range(6):
        texts = [text + ch for text in texts for ch in "AT&.-a "]
        for text in texts:
            expected = [m.span() for m in alternation.finditer(text)]
            assert list(afterpass.learned_uses(text, learned)) == expected, text


def test_the_foldable_characters_are_the_ones_the_alternation_found() -> None:
    # The regex of folded characters before recspeed12: one class of every
    # one-for-one character and a second of the invisible ones. Random texts
    # of those, characters beyond the Basic Multilingual Plane (folded or
    # not), other non-ASCII characters and ASCII: the same set is found.
    before = re.compile(
        "["
        + "".join(re.escape(chr(c)) for c in sorted(normalize._ONE_FOR_ONE))
        + "]|"
        + normalize._INVISIBLE.pattern
    )
    # (Since recspeed13 a DFA finds them: lone surrogates too, which it
    # cannot read as UTF-8, see automata.leftmost_matches.)
    alphabet = [chr(c) for c in normalize._ONE_FOR_ONE]
    alphabet += [*normalize._INVISIBLE_CHARS, "a", " ", "é", "“", "\U0001d550", "\U0001f600"]
    alphabet += ["\ud800", "\udfff", "\ufffd"]
    rng = random.Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.5:
            text = "x" + text.replace("\U0001d54f", "")  # most texts: none beyond the plane
        assert normalize._foldable(text) == set(before.findall(text)), text
    assert normalize._foldable("X \U0001d54f") == {"\U0001d54f"}
    assert normalize._foldable("\ud800GPT\u2011\ud83d5") == {"\u2011"}


def test_the_family_stems_are_found_where_and_in_the_order_pyahocorasick_found_them() -> None:
    # Before recspeed12 the stems were found with pyahocorasick's `iter`:
    # every occurrence of every stem, by where it ends, the longer first at
    # one end. The DFA's overlapping matches, sorted as find_patterns sorts
    # them, are the same, in the same order: on random texts made of the
    # shipped stems, pieces of them, separators and characters of every
    # width, a lone surrogate too (the DFA counts in characters, as
    # pyahocorasick does).
    stems = family_stems(data_files.data_text("model_families.tsv"))
    before = automata.automaton((stem, len(stem)) for stem in stems)
    after = patterns.family_automaton(stems)
    assert after is not None
    pieces = [*stems, "Code", "Llama", "claude-", "o", "1", "-", " ", "ü", "“", "\U0001f600", "a"]
    pieces.append("\ud800")  # a lone surrogate (json.loads makes them): no UTF-8 for it
    rng = random.Random(12)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        expected = [(end + 1, end + 1 - length) for end, length in before.iter(text)]
        assert patterns.family_hits(after, text) == expected, text


def _institution_heads_before_recspeed12(text: str) -> list[tuple[str, int, int]]:
    """afterpass._institution_heads as it was before recspeed12: a regex of
    the head words grouped by first letter, then pyahocorasick on a window
    at each head word starting a word."""
    heads = {*afterpass._HEAD_WORDS, *afterpass._HEADS_AFTER}
    by_first: dict[str, list[str]] = {}
    for head in sorted(heads, key=len, reverse=True):
        by_first.setdefault(head[0], []).append(re.escape(head[1:]))
    head_word = re.compile("|".join(f"{f}(?:{'|'.join(rest)})" for f, rest in by_first.items()))
    keys = automata.automaton(
        (key, (len(key), with_connector)) for key, with_connector in afterpass._HEAD_KEYS
    )
    longest = max(map(len, heads)) + max(map(len, afterpass._CONNECTORS))
    found: list[tuple[str, int, int]] = []
    for head in head_word.finditer(text):
        at = head.start()
        if at and text[at - 1] not in ' \n("“':
            continue
        for window_end, (length, with_connector) in keys.iter(text[at : at + longest]):
            end_index = at + window_end
            if end_index + 1 - length != at:
                continue
            if with_connector:
                match = afterpass._OF_HEAD.match(text, at, at + afterpass.MAX_NAME_CHARS)
                if match is not None and not afterpass._DATE_WORD.match(text, end_index + 1):
                    found.append(("of", *match.span()))
            else:
                match = afterpass._HEAD_AFTER.match(text, at)
                if match is not None:
                    found.append(("after", *match.span()))
    return sorted(found, key=lambda kind_span: (kind_span[0], kind_span[1]))


def test_the_institution_heads_are_the_ones_the_windows_found() -> None:
    # Random texts of head words, connectors, capitalised words, dates and
    # the characters that may or may not stand before a head word: the same
    # "X of Y" and "X University" matches, in the same order.
    pieces = [
        *afterpass._HEAD_WORDS,
        *afterpass._HEADS_AFTER,
        " of ", " for ", " on ", " the ", "Ohio", "State", "Monday", "Data", "and", "s",
        " ", " ", "(", "“", "-", "\n", "x", "Programme", "\udfff",
    ]  # fmt: skip
    rng = random.Random(12)
    compared = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        of_heads, after_heads = afterpass._institution_heads(text)
        found = [("after", *m.span()) for m in after_heads] + [("of", *m.span()) for m in of_heads]
        expected = _institution_heads_before_recspeed12(text)
        assert found == expected, text
        compared += len(found)
    assert compared > 300


def test_a_text_with_a_lone_surrogate_is_recognised_as_before() -> None:
    # json.loads makes a lone surrogate of "\ud800"; the DFA scans read UTF-8,
    # which has none: the text is read with U+FFFD in its place. The mentions
    # are main's before recspeed12.
    text = (
        "Kestrel-3 8B and Qwen2.5-72B-Instruct \ud800 beat Llama 3.1 405B, said the"
        " Office of the Director of National Intelligence.\udfff"
    )
    assert [(m.text, m.label, m.source) for m in Recognizer().find(text)] == [
        ("Kestrel-3 8B", "AI_MODEL", "pattern"),
        ("Qwen2.5-72B-Instruct", "AI_MODEL", "kb"),
        ("Llama 3.1 405B", "AI_MODEL", "kb"),
        ("Office of the Director of National Intelligence", "ORG", "kb"),
    ]
