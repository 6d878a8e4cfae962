"""Organisations named by a generic word (issue 10, entorg12).

Many organisations are named by a word every reader knows and no list holds
as a name: an armed service ("the Army", "the Navy", "the Air Force"), a unit
("First Armored Division"), a hospital ("Orvale Hospital"), a branch named
after its country ("Isuzu Motors India"); and an institution's run of words
may run on into the next name. (A publication before "magazine" or
"newspaper" is cues.py's.) The span classifier,
which knows names by their words, meets them out of the source it learnt
them from as new words; these passes type them by the head word or the words
around them, which carry to any text.

- `service_names`: an untyped run of capitalised words ending in an armed
  service's name ("Navy", "Air Force", "Marine Corps") or in a unit word
  ("Division", "Brigade") after another word ("First Armored Division"; an
  ordinal before the run joins it), or in a hospital's, a clinic's or a
  school's word after a word no dictionary writes in lower case ("Orvale
  Hospital"; not "Data Center").
- `institution_end`: where an "X of Y" institution's name ends when the
  words after it run on into a person's name or a date ("Office of Science
  and Technology Policy Michael Kratsios", "Office of Management and Budget
  Director Russell Vought", "Council on Foreign Relations on Monday").
- `branches`: a multi-word organisation right before a known place, the
  place then ending a clause ("Thumbay Hospital Dubai guided", "Isuzu Motors
  India, added"): one ORG, the branch. Not before a noun ("the Goldman Sachs
  London office" is the firm's office in a city).
- `countable_products`: a company the knowledge base knows, counted with
  "a" or "an" as a noun, is one of its products ("a Mercedes for the price
  of a Toyota"; not "a Toyota dealer").

Each filters with a set look-up before any regex: most texts name none of
these. ("The Trump administration" as one ORG was left out: the training set
labels it so and dev labels the person; docs/evaluation.md, entorg12.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reader.core.entities.casing import dictionary_class
from reader.core.entities.context import PERSON_TITLES, NameRun
from reader.core.entities.cues import in_heading
from reader.core.entities.records import Mention, new_mention

_ORG = "ORG"

# A service's name ends the run: "the Navy", "Royal Navy", "the Air Force",
# "Continental Army", "the Marines". (Capitalised only: "an army of bots".)
_SERVICE_LAST = frozenset(("Army", "Navy", "Marines"))
# Marines are also people ("three Marines", "a company of Marines"): only
# "the Marines" is the service.
_PEOPLE_TOO = "Marines"
_SERVICE_LAST_TWO = frozenset(
    (("Air", "Force"), ("Marine", "Corps"), ("Coast", "Guard"), ("Space", "Force"))
)
# Unit words end a unit's name after at least one other word ("First Armored
# Division", "101st Airborne Division", "Peace Corps"); alone they are words.
_UNIT_LAST = frozenset(("Division", "Brigade", "Battalion", "Regiment", "Squadron", "Corps"))
# After the run, words that make it part of a longer name: a word in capitals
# ("Navy SEAL teams") or "of" and a capitalised word ("Army of the Potomac").
# (A title may follow: "Army Secretary Howard Callaway".)
_LONGER_NAME = re.compile(r" (?:[A-Z]{2,}\b|of (?:the )?[A-Z])")
# Places of care and schools named by a word of their own before the kind
# word: "Orvale Hospital", "Thumbay Rehabilitation Center"; everyday words
# before it make a kind of place ("Data Center", "Notification Center",
# "Community Hospital", "Research Centre", where "Centre" is no American word).
_CARE_LAST = frozenset(("Hospital", "Clinic", "Center", "Centre", "School"))
_LAST_WORDS = _SERVICE_LAST | {two[1] for two in _SERVICE_LAST_TWO} | _UNIT_LAST | _CARE_LAST
_OWNER = "'s "  # (the text is folded: a curly apostrophe is straight here)
_ORDINAL = re.compile(
    r"(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|\d+(?:st|nd|rd|th)) $"
)


def service_names(
    text: str, runs: Sequence[NameRun], free: Callable[[int, int], bool]
) -> list[Mention]:
    """ORG mentions for the untyped `runs` that name an armed service, a unit,
    a hospital, a clinic or a school."""
    # (One set look-up a run in a comprehension first: this sees every
    # untyped run of every article, and few end in these words.)
    last_words = _LAST_WORDS
    hits = [run for run in runs if run.words[-1] in last_words]
    found: list[Mention] = []
    for run in hits:
        words = run.words
        last = words[-1]
        if last in _SERVICE_LAST or (len(words) > 1 and words[-2:] in _SERVICE_LAST_TWO):
            start = run.start
            if words == (_PEOPLE_TOO,) and not text.endswith(("the ", "The "), 0, start):
                continue
        elif last in _UNIT_LAST:
            start = run.start
            ordinal = _ORDINAL.search(text, max(0, start - 8), start)
            if ordinal is not None:
                start = ordinal.start()
            elif len(words) < 2:
                continue
        elif last in _CARE_LAST:
            start = run.start
            if len(words) < 2 or all(dictionary_class(w) == "w" for w in words[:-1]):
                continue
        else:
            continue  # "Force", "Guard" alone
        if len(words) > 4 or not free(start, run.end):
            continue
        if text[start - 3 : start] != _OWNER and in_heading(text, start):
            continue  # "Why The Navy Lost"; not "the U.S. Army's First Armored Division"
        if _LONGER_NAME.match(text, run.end):
            continue  # "Navy SEAL", "Army of the Potomac": a longer name, not this one
        surface = text[start : run.end]
        found.append(new_mention(start, run.end, _ORG, surface, surface, "context"))
    return found


# A date after a connector inside an institution's run of words is when, not
# the name's rest ("... Foreign Relations on Monday").
_DATE_AFTER = re.compile(
    r" (?:of|for|on) (?:the )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)
# Connectors inside an institution's name: a person's name after one is part
# of it ("College of William and Mary").
_CONNECTOR_WORDS = frozenset(("of", "for", "on", "and", "the", "&"))


def institution_end(text: str, head: int, end: int, people: frozenset[int]) -> int:
    """Where the institution whose head word is at `head` and whose run of
    words ends at `end` really ends: before a date after a connector, and
    before a person the rules found in the run (`people`: where PERSON
    mentions start), with the title before it ("... Policy Michael Kratsios",
    "... Budget Director Russell Vought"). Not a person after a connector:
    "College of William and Mary" names an institution after people. Most
    names end where they ended."""
    date = _DATE_AFTER.search(text, head, end)
    if date is not None:
        end = date.start()
    if not people:
        return end
    words = text[head:end].split(" ")
    at = head
    previous = ""
    title_at = -1
    for i, word in enumerate(words):
        if i >= 2 and at in people and previous not in _CONNECTOR_WORDS:
            return (title_at if title_at >= 0 else at) - 1
        title_at = at if word in PERSON_TITLES else -1
        previous = word
        at += len(word) + 1
    return end


# What may follow a branch's place: punctuation, the end, or a word that
# starts a clause ("Thumbay Hospital Dubai guided"), not a noun it modifies.
_AFTER_BRANCH = re.compile(
    r"(?:[,.;:!?)(]|$| (?:is|was|are|were|will|would|has|had|have|and|or|but|by|in|on|at"
    r"|to|for|with|from|as|said|says|added|announced|also|which|who|that)\b)"
)


def branches(text: str, mentions: list[Mention]) -> list[Mention]:
    """A multi-word organisation and a known place right after it are one ORG
    where the place ends a clause: "Isuzu Motors India, added", "at Thumbay
    Hospital Dubai." (the guideline's whole name)."""
    # (Two comprehensions find the few places right after an organisation:
    # every text passes here.)
    after_org = {m.end + 1: m for m in mentions if m.label == _ORG}
    places = [m for m in mentions if m.start in after_org and m.label == "GPE"]
    if not places:
        return mentions  # most texts
    joined: dict[int, Mention] = {}  # the organisation's start: the branch
    gone: set[int] = set()  # the joined places' starts
    for place in places:
        org = after_org[place.start]
        if (
            place.source == "kb"
            and " " in org.text
            and text[org.end] == " "
            and _AFTER_BRANCH.match(text, place.end) is not None
        ):
            surface = text[org.start : place.end]
            joined[org.start] = Mention(org.start, place.end, _ORG, surface, surface, org.source)
            gone.add(place.start)
    if not joined:
        return mentions
    return [
        joined.get(m.start, m) if m.label == _ORG else m
        for m in mentions
        if not (m.label == "GPE" and m.start in gone)
    ]


# After "a" or "an" and a company's name, what ends the noun phrase: the name
# is then the noun ("a Toyota.", "a Mercedes for the price of", "a Boeing or
# Airbus"), not a noun's modifier ("a Toyota dealer"). Not "that", "which",
# "is", "of": "a Congress that understands", "a Congress of the Council of
# Europe" are bodies.
_NOUN_PHRASE_END = re.compile(
    r"(?:[,.;:!?)]|$| (?:and|or|but|for|with|to|into|in|at|on|from|by|than)\b)"
)
_ARTICLE_ENDS = frozenset(("a ", "A ", "n ", "N "))


def _counted(text: str, start: int) -> bool:
    """Whether the word "a" or "an" stands right before `start`."""
    for article in ("a ", "an "):
        at = start - len(article)
        if at >= 0 and text[at:start].lower() == article and not text[at - 1 : at].isalnum():
            return True
    return False


def countable_products(text: str, mentions: list[Mention]) -> list[Mention]:
    """A company the knowledge base knows, counted with "a" or "an" as a
    noun, is one of its products: "a Mercedes for the price of a Toyota",
    "a GoPro", "a Tesla and a Boeing" (companies are not counted)."""
    # (A comprehension, the two characters before a known company looked up
    # before any call: every text passes here, and few companies are counted.)
    ends = _ARTICLE_ENDS
    found = [
        i
        for i, m in enumerate(mentions)
        if m.label == _ORG
        and m.source == "kb"
        and text[m.start - 2 : m.start] in ends
        and " " not in m.text
        and _counted(text, m.start)
    ]
    if not found:
        return mentions  # most texts
    out = list(mentions)
    for i in found:
        m = mentions[i]
        if _NOUN_PHRASE_END.match(text, m.end):
            out[i] = Mention(m.start, m.end, "PRODUCT", m.text, m.entity, m.source)
    return out
