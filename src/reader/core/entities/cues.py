"""Names nobody listed, typed by the words a writer puts around a product or a
company (issue 10, entrec10).

The knowledge base knows names, and the span classifier knows names by their
own words: a new name ("Quorvel", "Vantrix") has neither, and the classifier,
which sees one word either side, mostly leaves it. What a new name has is the
sentence: "the Quorvel app", "Quorvel for Mac", "migrated to Quorvel", "built
on Quorvel", "Quorvel is a note-taking app" say a product; "Vantrix shares
fell", "Vantrix employees", "a spokesperson for Vantrix", "investors in
Vantrix", "Vantrix CEO Mara Ilse", "Vantrix is a startup" say a company. This
pass types the runs of capitalised words the context rules left untyped
(context.py's leftovers) when such a cue stands right next to them, before the
span classifier is asked. (An apposition, "the startup, Vantrix,", is
context.py's.)

A cue types only a run that can be a name where it stands: three words at
most, not a sentence's first word that is an everyday word ("Help for Android
users"), not a run after a capitalised word (a title-case heading), not two
letters ("AI"), not the capitalised end of a word ("arXiv"), not a word of
`not_names.txt` in any case ("Chinese", "Javascript"). Cues that people share
with companies ("developed by", "worked at", "a spokesman for", "X CEO Y",
"X is a ...") leave a run that starts with a given name or is a lone surname
to the other rules, and the cues that also come before everyday words
("switched to Labour", "built on Hope") need a run no dictionary writes in
lower case. Cues that name people as often as things were left out (see
_AFTER_WORDS and _BEFORE_PAIRS).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from reader.core.entities.casing import dictionary_class
from reader.core.entities.context import NOT_NAMES_FILE, NameRun, is_stop_word, sentence_start
from reader.core.entities.data_files import word_list
from reader.core.entities.records import Mention, new_mention

_ORG, _PRODUCT = "ORG", "PRODUCT"

# The word after a run that makes it a product or a company, or says which
# test decides: "for" a system ("Quorvel for Mac"), a spokesperson (people
# have them too: a run that may be a person's name is left), shares that
# move, a title before a person's name ("Vantrix CEO Mara Ilse"; a person's
# name can stand before a title too, so a run that may be one is left), a
# definition ("is a note-taking app"). Not a kind of device: before "laptop",
# "charger" or "receiver" a name is mostly the maker's ("a Lenovo laptop"),
# which the training set labels ORG. Not "client" (a law firm's, a bank's),
# nor "users", "subscribers" or "account": they follow peoples, programmes
# and tiers as often as products ("Rohingya users", "Medicare subscribers").
_AFTER_WORDS: dict[str, str] = {
    **dict.fromkeys("app apps browser plugin plug-in".split(), _PRODUCT),
    **dict.fromkeys("employees staffers shareholders executives".split(), _ORG),
    **dict.fromkeys("spokesperson spokesman spokeswoman".split(), "spokes"),
    # A publication: "a Personal Computer World magazine", "the Clarion
    # newspaper" (an owner's name is a person's: "a Murdoch newspaper").
    **dict.fromkeys("magazine newspaper".split(), "spokes"),
    **dict.fromkeys("shares stock".split(), "moves"),
    **dict.fromkeys(
        "CEO CFO CTO COO chief co-founder cofounder founder chairman chairwoman".split(),
        "title",
    ),
    "for": "for",
    "is": "is",
}
_WORD_AFTER = re.compile(r" ([\w-]+)")  # "app" in "app—you", "co-founder" whole
_FOR_SYSTEM = re.compile(
    r" for (?:Mac|macOS|iOS|iPhone|iPad|iPadOS|Android|Windows|Linux|the web|Chrome|Firefox"
    r"|Safari|watchOS|visionOS)\b"
)
_SHARES_MOVE = re.compile(
    r" (?:shares|stock) (?:rose|fell|jumped|climbed|slid|dropped|gained|lost|surged|sank"
    r"|tumbled|plunged|soared|closed|traded|rallied|slumped)\b"
)
_TITLE_BEFORE_NAME = re.compile(
    r" (?:CEO|CFO|CTO|COO|chief executive|co-?founder|founder|chairman|chairwoman) [A-Z]"
)
# The two words before a run that make it a product or a company, and what
# the run must be besides. Every cue here also comes before people's names
# ("developed by Ada Park", "a spokesman for Whitmore"): a run starting with
# a given name, or a lone surname, is left to the other rules. The cues for
# what one does with software also come before everyday words and causes
# ("switched to Labour", "built on Hope", "built on Maple Street"): only a
# run of words no dictionary holds takes them. Left out as too loose: "runs
# on" (Sundays, coffee), "written with" (a co-author), "made, designed or
# published by" (artists and writers), a "representative for" (of a star).
_ANY, _COINED = "any", "coined"
_BEFORE_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}
for _words, _joins, _cue_label, _needs in (
    ("switched switching migrated migrating", "to from", _PRODUCT, _COINED),
    ("built build building", "with on", _PRODUCT, _COINED),
    ("spokesperson spokesman spokeswoman", "for at", _ORG, _ANY),
    ("analyst analysts", "at", _ORG, _ANY),
    ("invested invests investing investor investors", "in", _ORG, _ANY),
    ("worked works working", "at for", _ORG, _ANY),
    ("developed manufactured operated owned", "by", _ORG, _ANY),
):
    for _word in _words.split():
        for _join in _joins.split():
            _BEFORE_PAIRS[_word, _join] = (_cue_label, _needs)
# "X is a/an [up to three words] <kind>": a definition names what X is when
# the kind is its head noun, the last word before a comma, a full stop or a
# clause ("a note-taking app for the iPad", "a small company that builds"),
# not a word before another noun ("a chip designer", "a company man").
_DEFINITION = re.compile(
    r" is an? ((?:[\w-]+ ){0,3}?([\w-]+))"
    r"(?=[,.;:!?)]|$| (?:that|which|who|for|in|on|from|with|based|founded|backed|whose"
    r"|and|to|of|set|run|owned|called|known|made|built)\b)"
)
_PRODUCT_KINDS = frozenset(
    "app application tool service platform game browser editor client device phone"
    " smartphone laptop tablet console camera headset smartwatch chip plugin database"
    " utility".split()
)
# Not "developer", "publisher", "designer": people are those too.
_ORG_KINDS = frozenset(
    "company startup start-up firm maker manufacturer lab retailer studio"
    " agency nonprofit non-profit brand carrier chain provider conglomerate bank insurer"
    " automaker carmaker chipmaker".split()
)
# The first two letters after a run of every cue after it, and the last
# three characters before a run of every cue before it.
_AFTER_STARTS = frozenset(
    " " + start for start in "ap br pl fo sh st sp em ex CE CF CT CO ch co is ma ne".split()
)
_BEFORE_ENDS = frozenset(("to ", "om ", "th ", "on ", "or ", "at ", "in ", "by "))


def cued_names(
    text: str,
    runs: Sequence[NameRun],
    free: Callable[[int, int], bool],
    first_names: frozenset[str],
    surnames: frozenset[str],
) -> list[Mention]:
    """PRODUCT or ORG mentions for the untyped `runs` a cue stands next to.
    (This loop runs for every untyped run of every article: the two letters
    after a run and the three before it are looked up before any word.)"""
    found: list[Mention] = []
    after_starts, before_ends = _AFTER_STARTS, _BEFORE_ENDS
    for run in runs:
        start, end, _ = run
        label = None
        if text[end : end + 3] in after_starts:
            label = _cue_after(text, run, first_names, surnames)
        if label is None and start > 3 and text[start - 3 : start] in before_ends:
            label = _cue_before(text, run, first_names, surnames)
        if label is None or not free(start, end) or not _looks_like_a_name(text, run):
            continue
        surface = text[start:end]
        found.append(new_mention(start, end, label, surface, surface, "context"))
    return _same_name_elsewhere(text, runs, free, found) if found else found


def _same_name_elsewhere(
    text: str, runs: Sequence[NameRun], free: Callable[[int, int], bool], found: list[Mention]
) -> list[Mention]:
    """The cued names, and every other untyped run of the text with one of
    their surfaces, labelled alike: a text that says "switched to Quorvel"
    names the same product when it writes "Quorvel" again. (Only cues spread:
    a name the classifier guessed, spread so, cost precision: see
    docs/evaluation.md, "entrec8".)"""
    labels = {m.text: m.label for m in found}
    cued = {m.start for m in found}
    out = list(found)
    for run in runs:
        start, end, _ = run
        label = labels.get(text[start:end])
        if label is None or start in cued or not free(start, end):
            continue
        if _looks_like_a_name(text, run):  # not "iHome" after "the Home app"
            surface = text[start:end]
            out.append(new_mention(start, end, label, surface, surface, "context"))
    out.sort(key=_start_of)
    return out


def _start_of(m: Mention) -> int:
    return m.start


def _cue_after(
    text: str, run: NameRun, first_names: frozenset[str], surnames: frozenset[str]
) -> str | None:
    """The label the word after the run says ("Quorvel app", "Vantrix
    employees", "Quorvel for Mac", "Vantrix CEO Mara Ilse"), or None."""
    end = run.end
    word = _WORD_AFTER.match(text, end)
    cue = _AFTER_WORDS.get(word.group(1)) if word is not None else None
    if cue is None:
        return None
    if cue == "for":
        return _PRODUCT if _FOR_SYSTEM.match(text, end) else None
    if cue == "spokes":
        return None if _personal(run, first_names, surnames) else _ORG
    if cue == "moves":
        return _ORG if _SHARES_MOVE.match(text, end) else None
    if cue == "title":
        if _TITLE_BEFORE_NAME.match(text, end) and not _personal(run, first_names, surnames):
            return _ORG
        return None
    if cue == "is":
        definition = _DEFINITION.match(text, end)
        if definition is None or _personal(run, first_names, surnames):
            return None
        head = definition.group(2)
        if head in _PRODUCT_KINDS:
            return _PRODUCT
        return _ORG if head in _ORG_KINDS else None
    return cue


def _cue_before(
    text: str, run: NameRun, first_names: frozenset[str], surnames: frozenset[str]
) -> str | None:
    """The label the words before the run say ("switched to Quorvel", "a
    spokesperson for Vantrix"), or None."""
    start = run.start
    words = text[max(0, start - 40) : start].rsplit(None, 2)
    if len(words) < 2:
        return None
    cue = _BEFORE_PAIRS.get((words[-2], words[-1]))
    if cue is None or _personal(run, first_names, surnames):
        return None
    label, needs = cue
    if needs == _COINED and not _coined(run):
        return None
    if label == _PRODUCT and (
        text.startswith(_POSSESSIVE, run.end) or _modifies_a_noun(text, run.end)
    ):
        return None  # "built on Vantrix's engine", "built with Carnegie money"
    return label


_NEXT_WORD = re.compile(r" ([a-z][\w-]*)")


def _modifies_a_noun(text: str, end: int) -> bool:
    """Whether a lower-case word that is not a function word follows the run:
    the run then names what the noun is of or for ("Carnegie money", "Quorvel
    support"), not the thing itself."""
    after = _NEXT_WORD.match(text, end)
    return after is not None and after.group(1) not in _CLAUSE_WORDS


# Lower-case words that may follow a product's name without being modified by
# it: conjunctions, prepositions, adverbs of time ("switched to Quorvel and",
# "built on Quorvel in 2021", "migrated to Quorvel last year").
_CLAUSE_WORDS = frozenset(
    "and or but nor so yet as at by for from in into of on onto over to with without"
    " since until after before because when while where which who that instead too"
    " also again then now today yesterday last this next years months weeks ago"
    " entirely completely fully".split()
)


_POSSESSIVE = "'s"  # the text is folded: a curly apostrophe is straight here


@cache
def _not_names_folded() -> frozenset[str]:
    """`not_names.txt` in lower case: a writer's "Javascript" is JavaScript."""
    return frozenset(w.lower() for w in word_list(NOT_NAMES_FILE))


def _coined(run: NameRun) -> bool:
    """Whether no word of the run is an everyday word of the dictionary."""
    return all(dictionary_class(w) != "w" for w in run.words)


def _personal(run: NameRun, first_names: frozenset[str], surnames: frozenset[str]) -> bool:
    """Whether the run may be a person's name: it starts with a given name,
    or it is one word that is a known surname."""
    words = run.words
    return words[0] in first_names or (len(words) == 1 and words[0] in surnames)


def in_heading(text: str, start: int) -> bool:
    """Whether a capitalised word stands right before `start`, not ending a
    sentence: a title-case heading, where any word is capitalised, unless that
    word is a sentence's first and an everyday one ("The Quorvel app", "Many
    Quorvel users"). (orgheads.py asks it too.)"""
    if start <= 1 or text[start - 1] != " ":
        return False
    space = text.rfind(" ", 0, start - 1)
    prev = text[space + 1 : start - 1]
    return (
        prev[:1].isupper()
        and prev[-1:] not in '.!?:;,"”’)'
        and not (
            sentence_start(text, space + 1)
            and (is_stop_word(prev) or dictionary_class(prev) == "w")
        )
    )


def _looks_like_a_name(text: str, run: NameRun) -> bool:
    """Whether the run can be a name where it stands (see the module's doc)."""
    words = run.words
    if len(words) > 3 or is_stop_word(words[0]) or run.end - run.start < 3:
        return False  # (two letters: "AI", "UK", an initial)
    if run.start and text[run.start - 1].isalnum():
        return False  # the capitalised end of a word ("arXiv"): no name of its own
    common = _not_names_folded()
    if any(w.lower() in common for w in words):
        return False  # "Chinese", "Javascript"
    if in_heading(text, run.start):
        return False
    return not (
        len(words) == 1 and sentence_start(text, run.start) and dictionary_class(words[0]) == "w"
    )
