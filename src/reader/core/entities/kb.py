"""The curated knowledge base: package data matched with Aho–Corasick.

Each file in reader/data/entities is a TSV of `name, label, aliases, flags`.
All surfaces go into one automaton, so matching costs one pass over the text
whatever the number of entries. Matching is case-sensitive: in edited news
text case is the strongest signal that "Apple" is the company and "apple"
is not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache

import ahocorasick
import ahocorasick_rs

from reader.core.entities.automata import automaton
from reader.core.entities.data_files import data_text
from reader.core.entities.patterns import family_automaton
from reader.core.entities.records import LABELS

# The hand-made files first: the first file to claim a surface keeps it, so
# the names built from open data (bench/make_open_kb.py) never relabel them.
_LABELS = frozenset(LABELS)
_KB_FILES = (
    "orgs.tsv",
    "people.tsv",
    "models.tsv",
    "products.tsv",
    "places.tsv",
    "open_orgs.tsv",
    "open_products.tsv",
    "open_places.tsv",
)


@dataclass(frozen=True, slots=True)
class Entry:
    name: str  # canonical name
    label: str
    ambiguous: bool  # the surface has another common meaning: needs context
    # A one-word name of the long tail (a city, a listed company) that is also
    # a part of people's names nobody lists ("Fukuyama", "McKinney"): it
    # yields to a longer capitalised name around it.
    weak: bool = False


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    automaton: ahocorasick.Automaton  # surface -> (surface length, Entry)
    entries: dict[str, Entry]  # surface -> entry
    families: ahocorasick_rs.AhoCorasick | None  # AI model family stems for the model grammar
    first_names: frozenset[str]
    digest: str  # changes whenever the data changes (articles are re-analysed)
    # One-word surfaces by their lower-case form, for names written in capitals.
    folded: dict[str, Entry] = field(default_factory=dict)

    def by_lower_surface(self) -> dict[str, Entry]:
        """Every surface by its lower-case form (what a user types to follow
        an entity); built on first use, the first entry for a form wins."""
        if not self._lower:
            for surface, entry in self.entries.items():
                self._lower.setdefault(surface.lower(), entry)
        return self._lower

    _lower: dict[str, Entry] = field(default_factory=dict)


def _rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def parse_entries(text: str) -> dict[str, Entry]:
    """Surface -> entry for one TSV file; the first entry to claim a surface keeps it.

    Every worker parses some 17,000 rows at start-up: an Entry is made per
    row and kind of surface it has, not per surface.
    """
    found: dict[str, Entry] = {}
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        cols = line.split("\t")
        name = cols[0].strip()
        label = cols[1].strip() if len(cols) > 1 else ""
        if not name or label not in _LABELS:
            continue
        flags = cols[3].strip().split(",") if len(cols) > 3 else ()
        ambiguous = "ambiguous" in flags
        plain: Entry | None = None
        # The flagged kinds, for one-word surfaces only (see Entry).
        special: Entry | None = None
        if ambiguous:
            special = Entry(name, label, True)
        elif "weak" in flags:
            special = Entry(name, label, False, weak=True)
        aliases = cols[2].split("|") if len(cols) > 2 and cols[2] else ()
        for surface in (name, *aliases):
            # "The New York Times": "The" is left out of spans (it is often
            # lower case in running text, "the Times").
            surface = surface.strip().removeprefix("The ")
            if not surface or surface in found:
                continue
            if special is not None and (_word_like(surface) if ambiguous else " " not in surface):
                found[surface] = special
            else:
                plain = plain or Entry(name, label, False)
                found[surface] = plain
    return found


def _word_like(surface: str) -> bool:
    """Whether a surface of an ambiguous entry can be an ordinary word.

    The flag is for the entry's one-word names ("Apple", "Mistral", "US",
    "o3"); its longer or marked names ("Mistral AI", "United States",
    "Apple Inc.", "U.S.") mean the entity wherever they appear.
    """
    return " " not in surface and (surface.isalpha() or len(surface) <= 3)


def build(entries: dict[str, Entry]) -> ahocorasick.Automaton:
    return automaton((surface, (len(surface), entry)) for surface, entry in entries.items())


def family_stems(text: str) -> tuple[str, ...]:
    """The model family stems of model_families.tsv's text, longest first."""
    return tuple(
        sorted(
            {c.strip() for row in _rows(text) for c in row[0].split("|") if c.strip()},
            key=len,
            reverse=True,
        )
    )


@cache
def knowledge_base() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per process."""
    digest = hashlib.sha256()
    entries: dict[str, Entry] = {}
    folded: dict[str, Entry] = {}
    for name in _KB_FILES:
        text = data_text(name)
        digest.update(text.encode())
        for surface, entry in parse_entries(text).items():
            entries.setdefault(surface, entry)
            if not name.startswith("open_") and " " not in surface and len(surface) >= 4:
                # Names written in capitals ("NVIDIA") only for the hand-made
                # files: the long tail's "Itron", "Manta" are words in capitals.
                folded.setdefault(surface.lower(), entry)
    families_text = data_text("model_families.tsv")
    # Our own list, and the common given names of the census (see
    # bench/make_name_lists.py: everyday words among them left out).
    names_text = data_text("first_names.txt") + "\n" + data_text("census_given_names.txt")
    digest.update(families_text.encode())
    digest.update(names_text.encode())
    families = family_stems(families_text)
    first_names = frozenset(
        word
        for line in names_text.splitlines()
        if not line.startswith("#")
        for word in line.split()
    )
    return KnowledgeBase(
        build(entries),
        entries,
        family_automaton(families),
        first_names,
        digest.hexdigest()[:16],
        folded,
    )
