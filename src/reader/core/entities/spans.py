"""A small learned classifier for the names no rule resolved.

The rules (knowledge base, patterns, context) are precise but only know the
names and cues someone wrote down; in open news most missed names are
unknown products, companies and people with no such cue. This pass looks at
what is left: runs of capitalised, camel-case or digit-bearing words in the
text nobody claimed ("Inon Z-330", "StreamingVLM", "Bari"), and decides for
each run PERSON, ORG, PRODUCT, AI_MODEL, GPE or nothing from features a
labeller would also use: the shape of the words, their endings, whether a
word is a known given name, the words around the run, where it stands in the
sentence, and what the rules found elsewhere in the same text.

The weights are a linear model (an averaged perceptron) trained on our own
labelled text by bench/train_entities.py and shipped as package data
(reader/data/entities/span_model.json); nothing is downloaded, and only the
few unresolved runs of a text are scored, so the pass costs little.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Callable, Container, Iterable, Sequence
from functools import cache, lru_cache
from operator import itemgetter

from reader.core.entities.capitals import capital_runs, short_acronyms
from reader.core.entities.casing import (
    ENGLISH_WORDS_FILE,
    WORD_CASE_FILE,
    dictionary_class,
    english_words,
    word_case,
)
from reader.core.entities.context import (
    NOT_NAMES_FILE,
    PLACE_WORDS,
    SURNAMES_FILE,
    WORD_SURNAMES_FILE,
    NameRun,
    name_runs,
    new_run,
    sentence_start,
)
from reader.core.entities.data_files import data_text, word_list
from reader.core.entities.records import Mention, new_mention

MODEL_FILE = "span_model.json"
# What the classifier decides between; "O" is "not a name".
CLASSES: tuple[str, ...] = ("O", "PERSON", "ORG", "PRODUCT", "AI_MODEL", "GPE")
# The five name classes by name, for SpanModel.decide (which sums six scores).
_, _PERSON, _ORG, _PRODUCT, _AI_MODEL, _GPE = CLASSES

# The candidates are the runs of capitalised words that context.py looked at
# and could not type (its `leftover`): found once, in the same pass.
Candidate = NameRun


def candidates(text: str, taken: Sequence[tuple[int, int]]) -> list[Candidate]:
    """Every candidate outside the claimed spans `taken` (sorted, not
    overlapping): what the trainer learns from. At run time the runs come
    from context.py's pass instead, and `asked` adds the rest."""

    def free(start: int, end: int) -> bool:
        i = bisect.bisect_left(taken, (end,))
        return i == 0 or taken[i - 1][1] <= start

    return asked(text, name_runs(text, taken), free, capital_runs(text))


# A short acronym ("DOD", "NRO", "GMU"): context.py ends its runs at these
# (most are words such as "API" or "GPU"); here the model decides. They are
# found among the runs of capitals the recogniser scans for once (capitals.py).
# A number after a name is part of it ("Drafts 4", "Amiga 500", "Wolfenstein
# 3D"), unless it starts an amount or a count.
_NUMBER_AFTER = re.compile(
    r" (\d{1,4}(?:\.\d{1,2})?[A-Za-z]{0,2})(?![\w%/-]|[.,:]\d| (?:percent|per|million|billion"
    r"|thousand|years?|months?|days?|hours?|minutes?|times|people|users|pounds|miles|feet|units"
    r"|of)\b)"
)


_start_of = itemgetter(0)  # a candidate's start (a C-level sort key)


def asked(
    text: str,
    runs: Iterable[Candidate],
    free: Callable[[int, int], bool],
    capitals: list[tuple[int, int]],
) -> list[Candidate]:
    """The runs, each with the number after it, and the free short acronyms
    (from `capitals`, the text's capital_runs)."""
    out: list[Candidate] = []
    for run in runs:
        end = run.end
        number = _NUMBER_AFTER.match(text, end) if text[end + 1 : end + 2].isdigit() else None
        if number is not None and free(number.start(1), number.end(1)):
            run = NameRun(run.start, number.end(1), (*run.words, number.group(1)))
        out.append(run)
    make_run = new_run  # (NameRun(...) in half the time: see context.py)
    acronyms = [
        make_run(NameRun, (start, end, (text[start:end],)))
        for start, end in short_acronyms(text, capitals)
        if free(start, end)
    ]
    if not acronyms:
        return out
    # An acronym next to a run is one name with it: "IBM PC", "Roku TV",
    # "NRI Forum", "Macintosh SE". Each chain of candidates one space apart
    # becomes one run, its words gathered once at the end of the chain: joining
    # them pairwise copied the words so far at every step, quadratic on a
    # crafted "AA AA AA ..." (an 80 KB summary took 5 s of CPU).
    joined: list[Candidate] = []
    chain: list[Candidate] = []
    for cand in sorted([*out, *acronyms], key=_start_of):
        if chain and chain[-1].end + 1 == cand.start and text[chain[-1].end] == " ":
            chain.append(cand)
            continue
        if chain:
            joined.append(_one_run(chain))
        chain = [cand]
    joined.append(_one_run(chain))
    return joined


def _one_run(chain: list[Candidate]) -> Candidate:
    """The candidates of a chain as one run (a lone one as it is)."""
    if len(chain) == 1:
        return chain[0]
    words = tuple(word for cand in chain for word in cand.words)
    return new_run(NameRun, (chain[0].start, chain[-1].end, words))


@lru_cache(maxsize=8192)
def _shape(word: str) -> str:
    """A word's shape with repeats collapsed: "Parallax" Xx, "Z-330" X-d, "iPhone" xXx."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:6]


def surface_features(words: tuple[str, ...], first_names: frozenset[str]) -> list[str]:
    """What the run's own words say: shapes, endings, name lists. The same
    for every occurrence, so their scores are cached per surface."""
    first, last = words[0], words[-1]
    n = len(words)
    feats = [
        "bias",
        f"n={min(n, 4)}",
        "shape=" + " ".join([_shape(w) for w in words[:3]]),
        "first=" + first.lower(),
        "last=" + last.lower(),
        "suf3=" + last[-3:].lower(),
    ]
    if first in first_names:
        feats.append("given" if n > 1 else "given-alone")
    if last in PLACE_WORDS:
        feats.append("place-word")
    if last in surnames():
        feats.append("surname" if n > 1 else "surname-alone")
    common = not_names()
    for w in words:
        if w in common:
            feats.append("not-name-word")
            break
    feats += casing_features(words)
    feats += dictionary_features(words)
    return feats


def dictionary_features(words: tuple[str, ...]) -> list[str]:
    """How an English dictionary writes the run's first and last words: a word
    it does not know is most likely a coined name ("Wunderlist"), one it writes
    only capitalised a proper name, one it writes in lower case an everyday
    word. Unlike the name-word features, this carries over to names nobody
    labelled (docs/evaluation.md, "entrec8")."""
    if len(words) == 1:
        return ["dict1=" + dictionary_class(words[0])]
    return ["dictf=" + dictionary_class(words[0]), "dictl=" + dictionary_class(words[-1])]


def casing_features(words: tuple[str, ...]) -> list[str]:
    """How the run's words are written elsewhere (word_case.txt): a run of
    words usually written in lower case ("Annual Report") is less likely a
    name than one of words nearly always capitalised ("Karnataka")."""
    cases = word_case()
    buckets = [cases.get(w.lower(), "?") if w.isalpha() else "#" for w in words]
    if len(words) == 1:
        return ["case1=" + buckets[0]]
    return ["casef=" + buckets[0], "casel=" + buckets[-1], "cases=" + "".join(sorted(set(buckets)))]


Edges = tuple[dict[int, str], dict[int, str]]


def mention_edges(mentions: Iterable[Mention]) -> Edges:
    """The labels of the names the rules found, by where each ends and
    where each starts (for the coordination feature of context_features)."""
    ends: dict[int, str] = {}
    starts: dict[int, str] = {}
    for m in mentions:
        if m.label in _NAME_CLASSES:
            ends[m.end] = m.label
            starts[m.start] = m.label
    return ends, starts


_NAME_CLASSES = frozenset(CLASSES[1:])


def coordination(text: str, start: int, end: int, edges: Edges) -> str | None:
    """The label of a typed name listed beside the run ("Claude Code, Cursor,
    X, Hermes Agent"): the items of one list are mostly of one kind. The
    joins are ", ", " and ", " or ", " & " and "/"; the character next to the
    run says which can be there (this runs for every run the model is asked
    about)."""
    ends, starts = edges
    if not ends:
        return None
    label = None
    # (The two characters on each side are looked up in a dict of the joins
    # they can end or start: most runs stand beside none.)
    before = text[start - 2 : start] if start > 1 else ""
    join = _JOIN_BEFORE.get(before)
    if join is not None:
        if text.endswith(join, 0, start):
            label = ends.get(start - len(join))
    elif before[-1:] == "/":
        label = ends.get(start - 1)
    if label is not None:
        return label
    after = text[end : end + 2]
    join = _JOIN_AFTER.get(after)
    if join is not None:
        if text.startswith(join, end):
            return starts.get(end + len(join))
    elif after[:1] == "/":
        return starts.get(end + 1)
    return None


# The joins of coordination by their two characters next to the run.
_JOIN_BEFORE = {", ": ", ", "d ": " and ", "r ": " or ", "& ": " & "}
_JOIN_AFTER = {", ": ", ", " a": " and ", " o": " or ", " &": " & "}


def context_features(
    text: str,
    cand: Candidate,
    words_of_text: Container[str],
    known: dict[str, str],
    edges: Edges = ({}, {}),
) -> list[str]:
    """What the text around the run says; `words_of_text` come from
    text_words, `known` are the labels of names the rules found in the text
    (their surfaces and surnames). Whether the text also writes the run's
    first word in lower case comes first, then place_features."""
    place = place_features(text, cand, known, edges)
    if also_lower(words_of_text, cand.words[0]):
        return [lower_feature(cand.words), *place]
    return place


def lower_feature(words: tuple[str, ...]) -> str:
    """The feature of a run whose first word the text also writes in lower case."""
    return "also-lower" if len(words) == 1 else "first-also-lower"


def place_features(
    text: str, cand: Candidate, known: dict[str, str], edges: Edges = ({}, {})
) -> list[str]:
    """The context features but the lower-case one (see context_features):
    where the run stands, what the rules found, the words around it. Few and
    cheap: this runs for every unresolved run of every article."""
    start, end, words = cand
    first = words[0]
    n = len(words)
    feats = []
    if sentence_start(text, start):
        feats.append("sent-start-n=1" if n == 1 else "sent-start-n=2")
        # A sentence's first word is capitalised whatever it is: how the
        # word is written elsewhere says more there.
        feats.append("sent-start-case=" + word_case().get(first.lower(), "?"))
    label = known.get(first if n == 1 else " ".join(words))
    if label is not None:
        feats.append("known=" + label)
    listed = coordination(text, start, cand.end, edges)
    if listed is not None:
        feats.append("listed-with=" + listed)
    # The word before (within 25 characters) and the word after, found in
    # `text` itself: slicing out the 25 characters first cost as much again.
    if start:
        low = start - 25 if start > 25 else 0
        space = text.rfind(" ", low, start - 1)
        prev = text[space + 1 if space >= 0 else low : start].strip()
        if prev:
            # In a title or a heading every word is capitalised: a run there is
            # less likely one name ("Solve Math Word Problems").
            if not prev[0].isupper():
                feats.append("p1=" + prev.lower())
            elif prev[-1] in ".!?:":
                feats.append("p1-ends-sentence")  # "... Ridge. Sickles": a new sentence
            elif word_case().get(prev.lower()) == "L":
                feats.append("p1=" + prev.lower())  # "The Pencil": a sentence's first word
            else:
                feats.append("capital-before")
    if text.startswith(" ", end):
        space = text.find(" ", end + 1, end + 25)
        nxt = text[end + 1 : space if space >= 0 else end + 25].rstrip(".,;:)'’\"”")
        if nxt:
            feats.append("capital-after" if nxt[0].isupper() else "n1=" + nxt)
    elif end < len(text):
        feats.append("next-char=" + text[end])
    return feats


def features(
    text: str,
    cand: Candidate,
    first_names: frozenset[str],
    words_of_text: Container[str],
    known: dict[str, str],
    edges: Edges = ({}, {}),
) -> list[str]:
    """Every feature of one candidate run (what the trainer learns from)."""
    return surface_features(cand.words, first_names) + context_features(
        text, cand, words_of_text, known, edges
    )


_SURFACE_CACHE = 20_000  # surfaces whose scores are kept (a few MB at most)


class SpanModel:
    """Linear weights per class for the candidate features."""

    def __init__(
        self, weights: dict[str, list[float]], threshold: float, source: str | None = None
    ) -> None:
        self.weights = weights
        self.threshold = threshold
        self._surfaces: dict[tuple[str, ...], list[float] | None] = {}
        self._source = source  # the JSON it was read from (from_json), if any

    def __repr__(self) -> str:
        """Part of the analysis digest: new weights or word lists re-analyse.
        A model read from JSON is named by that text, and the word lists by
        their files: serialising the weights and sorting the lists again cost
        20-90 ms at every start-up, hashing the files well under one."""
        digest = hashlib.sha256((self._source or self.to_json()).encode())
        # (The context rules' word surnames too: the digest names the analysis.)
        for name in (
            NOT_NAMES_FILE,
            SURNAMES_FILE,
            WORD_SURNAMES_FILE,
            WORD_CASE_FILE,
            ENGLISH_WORDS_FILE,
        ):
            digest.update(data_text(name).encode())
        return "spans:" + digest.hexdigest()[:12]

    def scores(self, feats: Iterable[str], base: Sequence[float] = ()) -> list[float]:
        # Six running sums in locals: a list per feature cost twice as much.
        o, p, g, d, m, z = base or (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        weights = self.weights
        for feat in feats:
            row = weights.get(feat)
            if row is not None:
                o += row[0]
                p += row[1]
                g += row[2]
                d += row[3]
                m += row[4]
                z += row[5]
        return [o, p, g, d, m, z]

    def decide(self, feats: Iterable[str], base: Sequence[float] = ()) -> str | None:
        """The best label, or None when "not a name" is within the threshold;
        `base` are scores already summed (a surface's, see surface_scores).
        The sums are `scores`' (one list a call, no more), and the first
        highest of the five name classes wins."""
        o, p, g, d, m, z = self.scores(feats, base)
        best, top = _PERSON, p
        if g > top:
            best, top = _ORG, g
        if d > top:
            best, top = _PRODUCT, d
        if m > top:
            best, top = _AI_MODEL, m
        if z > top:
            best, top = _GPE, z
        return best if top - o > self.threshold else None

    def surface_scores(
        self, words: tuple[str, ...], first_names: frozenset[str]
    ) -> list[float] | None:
        """The scores of a surface's own features, or None when it cannot be a
        name (plausible_surface); cached: names recur within and across articles."""
        try:
            return self._surfaces[words]
        except KeyError:
            pass
        if len(self._surfaces) >= _SURFACE_CACHE:
            self._surfaces.clear()
        found = None
        if plausible_surface(words):
            found = self.scores(surface_features(words, first_names))
        self._surfaces[words] = found
        return found

    def to_json(self) -> str:
        return json.dumps(
            {"classes": CLASSES, "threshold": self.threshold, "weights": self.weights},
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> SpanModel:
        data = json.loads(text)
        if tuple(data["classes"]) != CLASSES:
            raise ValueError(f"{MODEL_FILE}: classes {data['classes']} are not {CLASSES}")
        return cls(data["weights"], float(data["threshold"]), text)


def not_names() -> frozenset[str]:
    """Words that never make a name on their own (reader/data/entities/not_names.txt)."""
    return word_list(NOT_NAMES_FILE)


def surnames() -> frozenset[str]:
    """Common surnames (see bench/make_name_lists.py)."""
    return word_list(SURNAMES_FILE)


@cache
def shipped_model() -> SpanModel | None:
    """The model in the package, or None when the file is missing."""
    text = data_text(MODEL_FILE)
    if not text:
        return None
    # The word lists its features read are loaded with it: a process that
    # loads the model before it forks (the workers' fork server, see
    # refresh.load_for_jobs) then shares them instead of each worker reading
    # them at its first name (the dictionary is 74,000 words).
    word_case()
    english_words()
    return SpanModel.from_json(text)


def text_words(text: str) -> TextWords:
    """The text's words as split at white space (punctuation kept), for also_lower."""
    return TextWords(text)


class TextWords:
    """`word in TextWords(text)` answers `word in frozenset(text.split())`.

    The set cost about 3% of the recogniser's instructions on the news
    (hashing every word of every text), and the classifier needs it only
    where also_lower can change a decision (classify_spans: a few words a
    text, most texts none). So a word is first looked for with str.find, its
    ends checked, and the set is made only past _FINDS_BEFORE_SET finds (a
    find is ~4 instructions a character, the set ~80: past that many, the
    set costs less). One search answers a word with "," and "." after it
    too (the forms also_lower asks): they are kept by the word without them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: frozenset[str] | None = None
        self._finds = 0
        # A word without a final "," or "." -> which of "", ",", "." after it make a word.
        self._endings: dict[str, str] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if self._words is not None:
            return word in self._words
        stem = word[:-1] if len(word) > 1 and word[-1] in ",." else word
        endings = self._endings.get(stem)
        if endings is None:
            found = self._search(stem)
            if found is None:  # past the finds' budget: the set answers from now on
                self._words = frozenset(self.text.split())
                return word in self._words
            endings = self._endings[stem] = found
        return (word[len(stem) :] or " ") in endings

    def _search(self, stem: str) -> str | None:
        """Which of nothing, "," and "." after `stem` make one of the text's
        words (" " stands for nothing), or None when the finds' budget runs
        out first."""
        if stem.split() != [stem]:
            return ""  # empty, or white space in it: never one word of split()
        text = self.text
        size = len(text)
        width = len(stem)
        endings = ""
        at = -1
        while True:
            if self._finds >= _FINDS_BEFORE_SET:
                return None
            self._finds += 1
            at = text.find(stem, at + 1)
            if at < 0:
                return endings
            if at and not text[at - 1].isspace():
                continue  # inside a word
            end = at + width
            if end == size or text[end].isspace():
                endings += " "
            elif text[end] in ",." and (end + 1 == size or text[end + 1].isspace()):
                endings += text[end]


_FINDS_BEFORE_SET = 16


def also_lower(words: Container[str], word: str) -> bool:
    """Whether the text (its `words`) also writes `word` in lower case: a
    capitalised word that is also written so is more likely a sentence's
    first word than a name."""
    low = word.lower()
    return low != word and (low in words or low + "," in words or low + "." in words)


def known_names(mentions: Iterable[Mention]) -> dict[str, str]:
    """Names the rules typed in this text, with a person's surname: the same
    string unresolved elsewhere is most likely the same thing."""
    known: dict[str, str] = {}
    for m in mentions:
        if m.label in CLASSES:
            known.setdefault(m.text, m.label)
            if m.label == "PERSON" and " " in m.text:
                known.setdefault(m.text.rsplit(" ", 1)[1], "PERSON")
    return known


# Longer runs of capitalised words are mostly titles, headings and events
# ("Green Valley Orchard Picnic Day"): without a cue they are left alone.
_MAX_WORDS = 3


def plausible_surface(words: tuple[str, ...]) -> bool:
    """Whether these words can be a name at all: three words at most, not a
    benchmark, not only words such as "Europe", "Chinese", "Python" (not
    names under the guideline)."""
    if len(words) > _MAX_WORDS:
        return False
    for w in words:
        if "Bench" in w or w.endswith(_BENCHMARK_ENDS):
            return False  # a benchmark or a data set ("SEC-Bench Pro", "IndQA"): not a name
    common = not_names()
    return not all(w in common for w in words)


def plausible_here(text: str, cand: Candidate, words_of_text: Container[str]) -> bool:
    """Whether the run can be a name where it stands: not an acronym defining
    a term, not a sentence's capitalised first word that the text also
    writes in lower case. (classify_spans asks the two apart.)"""
    if len(cand.words) == 1:
        start = cand.start
        if defines_a_term(text, start):
            return False
        # (sentence_start first: it is the cheaper test, and mostly false.)
        if sentence_start(text, start) and also_lower(words_of_text, cand.words[0]):
            return False
    return True


def defines_a_term(text: str, start: int) -> bool:
    """Whether a one-word run at `start` is a term's short name in brackets
    after it: "state-of-the-art (SOTA)"."""
    return text.endswith(" (", 0, start) and text[start - 3 : start - 2].islower()


def worth_asking(text: str, cand: Candidate, words_of_text: Container[str]) -> bool:
    """Whether to ask the model about a run (most runs end here)."""
    return plausible_surface(cand.words) and plausible_here(text, cand, words_of_text)


_BENCHMARK_ENDS = ("Eval", "QA")


def classify_spans(
    text: str,
    model: SpanModel,
    runs: Sequence[Candidate],
    mentions: Sequence[Mention],
    free: Callable[[int, int], bool],
    first_names: frozenset[str],
    capitals: list[tuple[int, int]],
) -> list[Mention]:
    """Typed mentions for the unresolved runs of `text` still free
    (`capitals`: the text's capital_runs, scanned once by the recogniser)."""
    found: list[Mention] = []
    known: dict[str, str] | None = None
    full: dict[str, str] | None = None
    words = TextWords("")
    edges: Edges = ({}, {})
    makers: set[int] = set()
    licences: frozenset[str] | None = None
    # (This loop runs for every unresolved run of every article: the text's
    # own structures are made at the first run worth scoring, if any.)
    for cand in asked(text, runs, free, capitals):
        start, end, cand_words = cand
        if not free(start, end):
            continue
        base = model.surface_scores(cand_words, first_names)
        if base is None:
            continue
        if known is None:
            known, words = known_names(mentions), text_words(text)
            edges = mention_edges(mentions)
            makers = {m.end for m in mentions if m.label == "ORG" and m.source == "kb"}
        if start - 1 in makers and text[start - 1] == " ":
            continue  # "Deepgram Nova": a longer name a known company starts (afterpass.py)
        single = len(cand_words) == 1
        if single and defines_a_term(text, start):
            continue  # (plausible_here, its first half)
        if licences is None:
            licences = _licences(text, runs, capitals)
        if licences and text[start:end] in licences:
            continue  # "the Apache 2.0 licence", and that licence elsewhere: not a name
        # Whether the text also writes the first word in lower case (also_lower)
        # is asked only where the answer changes the outcome: most runs are
        # decided the same either way (context_features, without and with its
        # first feature), so most texts never need their words.
        place = place_features(text, cand, known, edges)
        label = model.decide(place, base)  # as if it did not
        if single and sentence_start(text, start):
            # plausible_here, its second half: if it does, the run is no name.
            if label is None or also_lower(words, cand_words[0]):
                continue
        else:
            lowered = model.decide([lower_feature(cand_words), *place], base)  # as if it did
            if lowered != label and also_lower(words, cand_words[0]):
                label = lowered
        if label is None:
            continue
        if label == _PERSON and cand_words[-1] in PLACE_WORDS:
            continue  # "Marina Bay": a given name, but a place's last word
        surface = text[start:end]
        if full is None:
            full = full_names(mentions)
        entity = full.get(surface, surface) if label == _PERSON else surface
        found.append(new_mention(start, end, label, surface, entity, "model"))
        # A person found here is known further on: "Nic Tringali ... Tringali".
        known.setdefault(surface, label)
        if label == _PERSON and len(cand_words) > 1:
            known.setdefault(cand_words[-1], _PERSON)
            full.setdefault(cand_words[-1], surface)
    return _one_label_per_surface(found)


_LICENCE_AFTER = re.compile(r" licen[cs]es?\b")


def _licences(
    text: str, runs: Sequence[Candidate], capitals: list[tuple[int, int]]
) -> frozenset[str]:
    """The runs the text calls a licence ("the Apache 2.0 licence")."""
    if " licen" not in text:
        return frozenset()
    found = set()
    for run in asked(text, runs, lambda start, end: True, capitals):
        if _LICENCE_AFTER.match(text, run.end):
            found.add(text[run.start : run.end])
    return frozenset(found)


def _one_label_per_surface(found: list[Mention]) -> list[Mention]:
    """One text names one thing by one surface: where the model typed the same
    surface differently ("Ferrocore" an ORG, then a place), the label given
    most often (the first, on a tie) wins everywhere."""
    if len(found) < 2:
        return found  # most texts: nothing to reconcile
    labels: dict[str, list[str]] = {}
    for m in found:
        labels.setdefault(m.text, []).append(m.label)
    if all(len(set(v)) == 1 for v in labels.values()):
        return found
    chosen = {surface: max(dict.fromkeys(v), key=v.count) for surface, v in labels.items()}
    return [
        m
        if m.label == chosen[m.text]
        else Mention(m.start, m.end, chosen[m.text], m.text, m.entity, m.source)
        for m in found
    ]


def full_names(mentions: Iterable[Mention]) -> dict[str, str]:
    """A person's surname -> the full name the text gave first."""
    full: dict[str, str] = {}
    for m in mentions:
        if m.label == "PERSON" and " " in m.text:
            full.setdefault(m.text.rsplit(" ", 1)[1], m.entity)
    return full
