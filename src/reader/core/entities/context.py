"""Names the knowledge base does not know, typed from their context.

A capitalised run of words in running text becomes a PERSON when it starts
with a known given name or follows a person's title ("CEO", "co-founder"),
an ORG when it ends with a company word ("Labs", "Inc.") or is introduced as
one ("startup X", "X, a company"), and a GPE before "-based". Once a person or
company is named in full, a later bare surname ("Altman") or short name
("Scale" after "Scale AI") means the same entity. Everything else is left
alone: a missing highlight costs less trust than a wrong one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from reader.core.entities.casing import dictionary_class, usually_lower
from reader.core.entities.data_files import word_list
from reader.core.entities.patterns import VERSION_TAIL
from reader.core.entities.records import Mention, new_mention

# The list the span classifier also reads: words that are never names.
NOT_NAMES_FILE = "not_names.txt"
SURNAMES_FILE = "census_surnames.txt"
WORD_SURNAMES_FILE = "census_word_surnames.txt"
# A capitalised word: letters, digits, inner hyphens, dots and apostrophes;
# possessives and trailing punctuation are trimmed by `_clean`.
_WORD = re.compile(r"[A-ZÀ-ÖØ-ÞŁŚŻŹĆŃ][\w&'’.-]*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_KEEP_DOT = frozenset({"Inc.", "Corp.", "Ltd.", "Co.", "Jr.", "Sr.", "Bros.", "Ltda."})
# Lower-case words that may sit inside a name ("Jean de la Fontaine").
_PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "della",
        "di",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "bin",
        "al",
        "dos",
        "du",
    }
)

# Capitalised words that start sentences or are not names.
_STOP = frozenset(
    """A An The In On At For But And Or Nor If As By To Of It Its His Her Their Our Your My We I
    He She They You This That These Those There Here When Where While After Before With Without
    From Into Under Over What Why How Who Whom Whose Which Yet So Also Still Even Meanwhile
    However Though Although Because Since Until Unlike Like Last Next New Some Many Most All
    Both Each Every Other Such One Two Three Four Five Six Seven Eight Nine Ten First Second
    Third Then Now Today Tomorrow Yesterday Earlier Later Instead Despite Among Between Across
    Per Via Not No Yes Only Just More Less Much Few Several Another Any Again Once Twice Please
    Mr Mr. Ms Ms. Mrs Mrs. Dr Dr. Prof Prof. Sen Sen. Rep Rep. St St. Gov Gov. Inc Corp Ltd
    According Unlike Under Above Below Around During Amid Within Beyond Against Toward Towards
    Read See Watch Update Updated Editor Note Photo Image Source Sources Getty Reuters? AP
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split()
) - {"Reuters?"}
# Words before a person's name; the name run starts after them.
_PERSON_TITLES = frozenset(
    """CEO CTO CFO COO CSO CPO President Chairman Chairwoman Chair Founder Cofounder Co-founder
    co-founder cofounder founder Chief chief executive Executive Director director Professor
    professor Dr. Dr Mr. Mr Ms. Ms Mrs. Mrs Senator Sen. Rep. Representative Minister minister
    Secretary secretary Judge judge Justice Commissioner commissioner Governor Gov. Mayor
    analyst Analyst researcher Researcher scientist Scientist engineer Engineer investor
    partner Partner head Head spokesperson spokeswoman spokesman author Author reporter
    economist CEO-elect chairman president vice VP SVP EVP lead Lead officer Officer
    Producer producer Correspondent correspondent anchor host editor Reps. Sens. general
    Admiral Lieutenant Colonel Sergeant Ambassador ambassador Chancellor chancellor premier
    Councilmember councilmember actor actress singer rapper comedian billionaire
    entrepreneur Administrator administrator Congressman Congresswoman Assemblyman
    Assemblywoman Councilman Councilwoman Sri Shri""".split()
)
# (Titles end a run of capitalised words, so capitalised words that are also
# parts of names, "General" in "Lakeshore General Hospital", stay out.)
# A person's role nouns, for appositions: "Dana Whitcombe, the chief executive
# of Meridian Labs", "Étienne Marchand, Tessellate's chief scientist", "Aiko
# Hanamura, a roboticist".
_ROLE = (
    r"(?:chief|CEO|CTO|CFO|COO|founder|co-?founder|president|chair(?:man|woman)?|director"
    r"|head|professor|researcher|scientist|engineer|economist|analyst|lawyer|attorney"
    r"|investor|entrepreneur|executive|developer|designer|writer|journalist|author|physicist"
    r"|mathematician|roboticist|spokes(?:person|woman|man)|minister|secretary|senator"
    r"|governor|mayor|partner|vice|principal|lecturer|student|fellow|manager|leader"
    r"|officer|adviser|advisor|consultant|reporter|editor|commissioner|judge)"
)
_PERSON_AFTER = re.compile(
    r"^(?:,? (?:said|says|told|wrote|added|noted|explained|argued|who)\b"
    r"|, (?:a|an|the|its|their|his|her|[A-Z][\w&.-]*(?: [A-Z][\w&.-]*)?'s) "
    rf"(?:[\w-]+ ){{0,3}}?{_ROLE}s?\b)"
)
# "X's chief executive", "X's first model": X is an organisation.
_ORG_POSSESSIVE = re.compile(
    r"^'s (?:(?:chief|co-?founder|founder|president|chair|board|shares|stock|valuation|"
    r"investors|employees|staff|researchers|engineers|headquarters|revenue|first|latest|"
    r"flagship|new)\b|CEO|CTO|CFO)"
)
# Words before a single capitalised word that introduce it as an
# organisation ("the start-up Parallax"); stricter than for longer names.
_ORG_BEFORE_ONE = frozenset(
    """startup start-up company firm lab chipmaker unicorn maker automaker carmaker retailer
    publisher broadcaster newspaper airline carrier bank lender insurer fund conglomerate
    brand studio outlet agency group nonprofit non-profit charity consultancy manufacturer
    supplier distributor operator provider competitor rival""".split()
)
# What is done to or by a company only: "Ulevitch founded OpenDNS", "sold to
# Dyn", "acquired by Cisco", "backed by Strait Capital" (one word or more).
_ORG_INTRO = frozenset(
    "founded|co-founded|cofounded|sold to|acquired by|backed by|funded by|merged with"
    "|subsidiary of|stake in|shares of".split("|")
)
# What is done to a product ("released Scribe 2", "installed Homebrew",
# "the latest version of Drafts"); a company, a person or a model named after
# these words is typed first by its own cues.
_PRODUCT_INTRO = frozenset(
    "launched|released|unveiled|debuted|install|installed|installing|download|downloaded"
    "|downloading|upgraded to|upgrade to".split("|")
)
# "version 4.2 of Tallyho", "the latest version of Drafts"; not "its own version
# of LongHaul-128" (a benchmark, a story, a law have versions too).
_VERSION_OF = re.compile(
    r"\b(?:versions? v?\d+(?:\.\d+)*|(?:latest|newest|updated|current|beta|previous|free|paid"
    r"|desktop|mobile|web) versions?) of $"
)
# "its first model, Vesper-0", "a model called Kestrel", "its browser, Comet":
# what the text says a thing is gives its label.
_MODEL_NOUNS = frozenset("model models LLM LLMs".split())
_PRODUCT_NOUNS = frozenset(
    """app apps browser browsers assistant assistants chatbot chatbots chip chips accelerator
    accelerators processor processors product products tool tools platform platforms device
    devices agent agents robot robots service services headset headsets glasses phone phones
    laptop laptops""".split()
)
# Last words that make a capitalised run a place, not a person ("Marina Bay").
PLACE_WORDS = frozenset(
    """Bay Beach Park Street Avenue Road Square Bridge Island Islands Lake River Valley Hill
    Hills Mountain Mountains Harbor Harbour Point Springs Falls Heights Gardens Garden County
    Canyon Creek Coast Port Plaza Boulevard Lane Station Airport Tower Hall Center Centre
    Museum Ranch Forest Desert Sea Ocean Peninsula Strait Gulf""".split()
)
# Titles that stand before a surname alone: "Mr. Kalanick", "Dr. Hodak",
# "Colonel King", "Judge Alsup". (Job titles such as "CEO" are left out: a
# word after them may be a company's, "the Apple CEO".)
_HONORIFICS = frozenset(
    """Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Sen. Rep. Gov. Senator Judge Justice Governor
    Mayor Admiral Lieutenant Colonel Sergeant Ambassador Chancellor Congressman Congresswoman
    Professor Commissioner Sri Shri""".split()
)
# After a lone given name, what says it is a person ("Nick's memo", "Bari said").
_FIRST_NAME_ALONE = re.compile(
    r"(?:'s|’s) [a-z]|,? (?:said|says|told|wrote|added|asked|noted|explained|argued|replied)\b"
)
# A made-up word: letters with a digit ("Go1", "FX-9") or a capital inside a
# lower-case word ("DeepMind"); not an acronym ("AI").
_CODE_LIKE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)|^(?=.*[a-z]).+[A-Z]")
# A coined camel-case word ("TigerBeetle", "OpenTelemetry", "HomeBridge"): in
# running text nearly always a product's name, less often a company's (an
# introduction by context says which first). Not a surname with its prefix
# ("McNamara", "DeSantis", "MacArthur"), nor a benchmark ("LiveCodeBench").
_CAMEL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")
_SURNAME_PREFIX = re.compile(r"(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|Fitz)[A-Z]")
# After a coined word, what makes it a data set, a benchmark or a paper's
# title rather than a product: "the OpenThoughts datasets", "BrowseComp at
# 92.2%", "GenericAgent: A Token-Efficient Agent".
_NOT_A_PRODUCT_AFTER = re.compile(
    r"(?:'s|’s)? (?:data ?sets?|benchmarks?|leaderboards?|scores?|evals?|suite|paper|corpus)\b"
    r"|(?: at| of|:) \(?\d| \(\d|: [A-Z]|-(?:[A-Z]|\d)"
)
# After it, what a company does and a product does not ("TeleGeography reported").
_COMPANY_VERB_AFTER = re.compile(
    r",? (?:said|says|reported|reports|announced|hired|sued|acquired|raised|employs)\b"
)


def _coined_name(text: str, start: int, word: str, after: str) -> str | None:
    """PRODUCT (or ORG) for a camel-case word no rule typed, or None when it is
    a surname, a part of a code identifier ("cuMemAlloc"), a word the
    guideline does not mark ("JavaScript") or a benchmark or data set."""
    if _SURNAME_PREFIX.match(word) or "Bench" in word or word in word_list(NOT_NAMES_FILE):
        return None
    if start and (text[start - 1].isalnum() or text[start - 1] in "_.$@/#"):
        return None  # inside an identifier or an address
    if text.endswith(("@ ", "# "), 0, start):
        return None  # a handle or a hashtag, split from its sign
    if _NOT_A_PRODUCT_AFTER.match(after):
        return None
    if text.endswith(" (", 0, start) and text[start - 3 : start - 2].islower():
        return None  # a term's short name: "visual math reasoning (MathVista)"
    return "ORG" if _COMPANY_VERB_AFTER.match(after) else "PRODUCT"


# A hyphenated model code ("CS-4", "WS-117L", "QV-10", "C-64"): a product's
# name, unless its letters say it is a disease, a visa, a form, a standard, a
# drug target or a road ("COVID-19", "H-1B", "UTF-8", "GLP-1", "I-95").
_HYPHEN_CODE = re.compile(r"[A-Z][A-Za-z]{0,3}-\d{1,5}[A-Z]{0,3}")
_NOT_CODES = frozenset(
    """COVID Covid SARS MERS H K W S I UTF SHA MD GLP IL PD HER BRCA CD ISO RFC CVE IEC EN
    IEEE NIST Fig Eq Art Sec Rule Form Type Class Tier Lvl No Vol Ch Pt Rt Hwy Apt""".split()
)
_DETERMINERS = frozenset(
    "a an the its their his her our new first latest flagship own second next".split()
)
_NAMING_WORDS = frozenset("called named dubbed as".split())


def _thing_before(before: str) -> str | None:
    """AI_MODEL or PRODUCT when the words before a name say what it is: "its
    first model, Vesper-0", "a model called Kestrel", "its browser, Comet".
    (Word look-ups: a regex searched before every name cost too much.)"""
    words = before.rsplit(None, 3)[-3:]
    if not words or not before.endswith(" "):
        return None
    last = words[-1]
    named = last in _NAMING_WORDS and len(words) >= 2
    if named:
        last = words[-2] if last != "as" or len(words) < 3 else words[-3]
    elif not last.endswith(","):
        return None  # "the model Vesper" is too weak; "the model, Vesper" is not
    last = last.rstrip(",")
    label = (
        "AI_MODEL"
        if last in _MODEL_NOUNS
        else "PRODUCT"
        if last in _PRODUCT_NOUNS
        else "ORG"
        if last in _ORG_BEFORE_ONE
        else None
    )
    if label is None or named:
        return label
    if any(w in _DETERMINERS or w.endswith(("'s", "’s")) for w in words[:-1]):
        return label  # "its browser, Comet", not "not chips, Rahman said"
    return None


# The word (or two) just before a name that introduce a person or a company;
# looked up in sets (a regex searched over the text before every name cost
# more than the rest of the typing).
_PERSON_BEFORE = frozenset(
    "said|says|according to|told by|wrote|led by|founded by|co-founded by|joined by".split("|")
)
_ORG_SUFFIXES = frozenset(
    """Inc. Inc Corp. Corp Corporation Ltd. Ltd LLC LLP PLC plc GmbH AG SA S.A. NV BV Co. Labs Lab
    AI Technologies Technology Systems Capital Ventures Partners Group Holdings Robotics Networks
    Software Bio Biosciences Therapeutics Analytics Foundation Institute University College
    Research Fund Bank Semiconductor Semiconductors Computing Cloud Security Studios Media Health
    Energy Motors Dynamics Intelligence Industries Compute Instruments Electronics Devices
    Microsystems
    Digital Data Labs. Associates Advisors Management Investments Markets Exchange Agency
    Commission Council Association Alliance Consortium Initiative Society Academy
    Institute Party""".split()
)
# Company words that also end everyday terms ("Agentic AI", "Social Media",
# "Quantum Computing"); institutions' words ("Party", "Bank", "Institute")
# are left out: "National Party" is one.
_TERM_SUFFIXES = frozenset(
    """AI Intelligence Research Computing Compute Data Cloud Security Analytics Robotics
    Digital Software Dynamics Management Technology Technologies Systems Networks Energy
    Health Media Markets""".split()
)
# "the chief executive of Orbital Forge, said": the role's organisation, even
# where a verb after it, or a given name in it ("Lumina Bay"), would make the
# run a person.
_ROLE_OF = frozenset(
    f"{role} of"
    for role in "executive CEO CTO CFO COO founder co-founder cofounder president chairman"
    " chairwoman".split()
)
_ORG_BEFORE = (
    frozenset(
        """startup start-up company firm lab rival maker developer provider competitor unicorn
    subsidiary acquired acquire acquiring investor investors backer backers fund chipmaker
    outlet newspaper publisher agency regulator platform vendor partner customer customers at
    joined leaving left""".split()
    )
    | {"acquisition of"}
    | _ROLE_OF
    | _ORG_INTRO
)


def _last_words(words: frozenset[str]) -> frozenset[str]:
    """The last words of `words` (one or two words each): a word before a name
    outside this set rules out `_introduced_by(before, words)` (see _type_run)."""
    return frozenset(entry.rsplit(" ", 1)[-1] for entry in words)


def _introduced_by(before: str, words: frozenset[str]) -> bool:
    """Whether the text before a name ends with one of `words` (one or two words)."""
    if not before.endswith(" "):
        return False
    last = before.rsplit(None, 2)[-2:]  # (the last two of split(), for less)
    return bool(last) and (last[-1] in words or " ".join(last) in words)


_ORG_AFTER = re.compile(
    r"^(?:, (?:a|an|the|its|[A-Z][\w.-]*'s) (?:[\w-]+ ){0,3}(?:startup|start-up|company|firm"
    r"|lab|maker|developer|provider|unicorn|subsidiary|fund|investor|chipmaker|outlet|publisher"
    r"|agency|platform|vendor|nonprofit|non-profit|group|consultancy|bank|lender|insurer"
    r"|retailer|carrier|operator|manufacturer|automaker|carmaker|airline|broker|regulator"
    r"|university|institute|foundation|conglomerate|giant|railway|utility|integrator"
    r"|distributor|studio|label|organi[sz]ation|association|union|charity|think tank)s?\b"
    r"|-backed\b|-owned\b|-funded\b|-led\b"
    # A listed company's ticker: "Micron Technology (Nasdaq: MU)".
    r"|(?:, Inc\.)? \((?:NASDAQ|Nasdaq|NYSE|NYSE American|LSE|LON|TSX|ASX|HKEX|SSE|SZSE|TSE|TYO|KRX"
    r"|NSE|BSE|OTC|OTCQX|OTCQB|Euronext|XETRA|FWB|SIX|AMEX|CSE)(?:GS|GM)?: ?[A-Z0-9.]+\))"
)


def company_apposition(after: str) -> bool:
    """Whether the text after a name opens an apposition that makes it a
    company (", a young company", ", the Austin-based start-up")."""
    return _ORG_AFTER.match(after) is not None


# "Plinth, a note-taking app,": what the apposition says the thing is.
_PRODUCT_AFTER = re.compile(
    r"^, (?:a|an|the|its|their|[A-Z][\w.-]*'s) (?:[\w-]+ ){0,3}(?:app|tool|browser|game|video game"
    r"|editor|chatbot|assistant|device|smartphone|phone|laptop|tablet|console|headset|robot|drone"
    r"|smartwatch|watch|camera|car|SUV|sedan|truck|rocket|aircraft|jet|satellite|chip|processor"
    r"|library|framework|plugin|plug-in|extension|database|operating system|service|website"
    r"|social network|messaging app|programme|program|software)s?"
    # The noun ends the phrase: "the Austin-based chip designer" is no chip.
    r"(?=[,.;:!?)]|\s(?:that|which|with|for|from|by|in|on|at|to|and|or|used|made|built"
    r"|launched|released|available|owned|developed|designed|created)\b|$)"
)
_GPE_AFTER = re.compile(r"^-based\b")
# After a short company name at a sentence's start, a verb says it is the company.
_VERB_AFTER = re.compile(
    r"^(?:'s|’s|,? (?:said|says|has|have|is|was|will|would|plans|announced|raised|released|"
    r"launched|declined|did)\b)"
)


class NameRun(NamedTuple):
    """A run of capitalised words. (A named tuple: thousands are made per
    article, and one costs a third of a frozen dataclass.)"""

    start: int
    end: int
    words: tuple[str, ...]


# NameRun(start, end, words) runs the named tuple's __new__, a Python
# function; new_run(NameRun, (start, end, words)), which is tuple.__new__,
# makes the same object in half the time (the capitalised-word loop makes one
# per run, about 60 an article, and the span classifier more).
new_run = tuple.__new__


_COMPOUND = re.compile(r"-(?:based|backed|owned|funded|led|made|built|born)$")


def _clean(word: str) -> str:
    # (Each regex only where its character is: most words cleaned have a dot.)
    if "-" in word:
        word = _COMPOUND.sub("", word)  # "San Francisco-based": the name ends before "-based"
        word = _before_everyday_tail(word)  # "Mac-loving", "Claude-specific"
    if "'" in word or "’" in word:
        word = _POSSESSIVE.sub("", word)
    if word in _KEEP_DOT:
        return word
    return word.rstrip(".-'’")


# "Fabric-aware", "Mac-loving", "Windows-incompatible": a name and an everyday
# word after its hyphen (the compound is an adjective; the guideline marks the
# name). Not a single letter before the hyphen ("X-ray", "B-right"), nor a word
# whose tail is written in capitals ("Dola-Seed").


def _before_everyday_tail(word: str) -> str:
    """`word` without a hyphen and an everyday word at its end. (String tests,
    no regex: this runs for every capitalised word with a hyphen.)"""
    cut = word.rfind("-")
    tail = word[cut + 1 :]
    if len(tail) < 3 or not tail.islower() or not tail.isalpha():
        return word  # the common case: "GPT-4o", "Claude-3", "Wi-Fi"
    head = word[word.rfind("-", 0, cut) + 1 : cut]
    if len(head) < 2 or not head[0].isupper() or not usually_lower(tail):
        return word
    if usually_lower(head) or usually_lower(word):
        return word  # an everyday compound at a sentence's start ("Self-driving")
    return word[:cut]


def sentence_start(text: str, pos: int) -> bool:
    """Whether `pos` begins a sentence (only spaces, quotes or brackets before it)."""
    if pos > 1 and text[pos - 1] == " " and text[pos - 2] not in _NOT_PLAIN:
        return False  # the common case: a word and a space before
    i = pos - 1
    while i >= 0 and text[i] in " \t\"“‘'([—–-":
        i -= 1
    if i < 0:
        return True
    if text[i] == "\n":
        return True
    if text[i] in ".!?":
        # "Mr. Altman": a title abbreviation does not end the sentence.
        word_start = text.rfind(" ", 0, i) + 1
        return text[word_start : i + 1] not in {
            "Mr.",
            "Ms.",
            "Mrs.",
            "Dr.",
            "Sen.",
            "Rep.",
            "St.",
            "Prof.",
            "Gov.",
        }
    return text[i] in ":;"


# What may come before a sentence's first word: see sentence_start.
_NOT_PLAIN = frozenset(" \t\"“‘'([—–-\n.!?:;")


def name_runs(text: str, taken: Sequence[tuple[int, int]]) -> list[NameRun]:
    """Capitalised word runs in the parts of the text no other recogniser
    claimed (`taken`: the claimed spans, sorted and not overlapping).

    This loop runs for every capitalised word of every article, so the common
    case (a plain word: no hyphen, apostrophe or final dot) skips the cleaning,
    claims are checked by walking `taken` along with the words, and the run
    being built is kept in locals (its words, where it starts and ends) rather
    than in a list of tuples flushed by a helper.
    """
    runs: list[NameRun] = []
    words: list[str] = []  # the run being built
    first = last = 0  # where it starts, and where its last word ends
    claims = iter(taken)
    # The first claimed span that does not end before the current word.
    claim_start, claim_end = next(claims, _NO_CLAIM)
    not_names = _NOT_NAMES
    make_run = new_run
    for match in _WORD.finditer(text):
        start = match.start()
        while claim_end <= start:
            claim_start, claim_end = next(claims, _NO_CLAIM)
        if claim_start <= start:
            # Claimed (a known name, an amount): the run ends, as below,
            # without cleaning the word first.
            if words:
                runs.append(make_run(NameRun, (first, last, tuple(words))))
                words = []
            continue
        raw = match[0]
        # (Cleaning leaves a word without any of "-'’." as it is, the same
        # string: such a word neither ends nor shortens the run below.)
        word = raw if raw.isalnum() else _clean(raw)
        end = start + len(word)
        if not word or word in not_names or claim_start < end:
            # Stop words and titles end a run (and are never part of one).
            if words:
                runs.append(make_run(NameRun, (first, last, tuple(words))))
                words = []
            continue
        if (
            len(raw) == 2
            and raw[1] == "."
            and text[start + 2 : start + 3] == " "
            and text[start + 3 : start + 4].isupper()
            and (not words or (last + 1 == start and text[last] == " "))
        ):
            # A middle initial keeps the name going: "John F. Kennedy",
            # "George H. W. Bush".
            if not words:
                first = start
            words.append(raw)
            last = start + 2
            continue
        if word.isupper() and len(word) <= 4 and word not in _ORG_SUFFIXES:
            # Acronyms such as "AI" or "CEO" end a run, unless they are a
            # company word that belongs to it ("Scale AI").
            if words:
                runs.append(make_run(NameRun, (first, last, tuple(words))))
                words = []
            continue
        if words and (last + 1 != start or text[last] != " "):
            gap = text[last:start]
            if not (gap.startswith(" ") and gap.endswith(" ") and gap.strip() in _PARTICLES):
                runs.append(make_run(NameRun, (first, last, tuple(words))))
                words = []
        if not words:
            first = start
        words.append(word)
        last = end
        if word is not raw and (
            (len(raw) != len(word) and raw[len(word) :] != ".")
            or (raw[-1] == "." and word not in _KEEP_DOT)
        ):
            # A possessive or a trailing hyphen ends the name, and so does a
            # full stop after a word that does not keep it ("Corp." does).
            runs.append(make_run(NameRun, (first, last, tuple(words))))
            words = []
    if words:
        runs.append(make_run(NameRun, (first, last, tuple(words))))
    return runs


# No claim left: a span that starts and ends after any text.
_NO_CLAIM = (sys.maxsize, sys.maxsize)


def is_stop_word(word: str) -> bool:
    """A capitalised word that starts sentences but never a name ("When", "The")."""
    return word in _STOP


_NOT_NAMES = _STOP | _PERSON_TITLES
PERSON_TITLES = _PERSON_TITLES  # (orgheads: a title ends an institution's name)


def find_context_names(
    text: str,
    free: Callable[[int, int], bool],
    first_names: frozenset[str],
    known: Iterable[Mention],
    leftover: list[NameRun] | None = None,
) -> list[Mention]:
    """Typed names in the unclaimed parts of `text`; `known` are the mentions
    already found (their surnames and short names resolve later mentions).
    The runs no rule typed are added to `leftover` (for spans.py)."""
    found: list[Mention] = []
    untyped: list[NameRun] = []
    known = list(known)
    taken = sorted((m.start, m.end) for m in known)
    for run in name_runs(text, taken):
        label: str | None
        # (The set look-up first: a call for every run cost more.)
        titled = _after_leading_title(run, first_names) if run.words[0] in _TITLE_STARTS else None
        if titled is not None:
            # "Sir John Bowring", "Archbishop Salvatore Pennacchio": the
            # title stays outside the person's name (docs/labelling.md).
            run, label = titled, "PERSON"
        else:
            label = _type_run(text, run, first_names)
        if label is None:
            untyped.append(run)
            continue
        end = run.end
        if label in ("AI_MODEL", "PRODUCT") and text[end : end + 1] in (" ", "-"):
            tail = VERSION_TAIL.match(text, end)  # "a vision model, Pomona-Vision 3"
            if tail is not None and free(end, tail.end()):
                end = tail.end()
        surface = text[run.start : end]
        found.append(new_mention(run.start, end, label, surface, surface, "context"))

    untyped = _coordinated_people(text, untyped, [*known, *found], found)
    if " & " in text:
        untyped = _ampersand_firms(text, untyped, first_names, found)
    # "Lowell, Massachusetts", "Long Beach, California": a place before a
    # known region is a place.
    before_region = {m.start - 2 for m in known if m.label == "GPE"}
    if before_region:
        places = [
            run
            for run in untyped
            if run.end in before_region
            and text.startswith(", ", run.end)
            and len(run.words) <= 3
            and not sentence_start(text, run.start)
        ]
        for run in places:
            surface = text[run.start : run.end]
            found.append(Mention(run.start, run.end, "GPE", surface, surface, "context"))
        placed = {run.start for run in places}  # (a set: a long text has many)
        untyped = [run for run in untyped if run.start not in placed]

    # Short references resolve to a name given in full in the same article:
    # a person's surname, and a company's name without its company word
    # ("Scale" for "Scale AI", "Cobalt Ridge" for "Cobalt Ridge Data"). A
    # name typed once by its context ("Parallax, a start-up") keeps its type
    # wherever else it appears.
    short: dict[str, tuple[str, str]] = {}
    for mention in [*known, *found]:
        if mention.label not in ("PERSON", "ORG"):
            continue
        words = mention.text.split()
        if mention.label == "PERSON" and len(words) >= 2:
            short.setdefault(words[-1], (mention.entity, "PERSON"))
        elif mention.label == "ORG" and len(words) >= 2 and words[-1] in _ORG_SUFFIXES:
            short.setdefault(" ".join(words[:-1]), (mention.entity, "ORG"))
    same: dict[str, tuple[str, str]] = {}
    spaced = SpacedWords(text)
    for i, mention in enumerate(found):
        if mention.text in short and len(mention.text.split()) == 1:
            # "Tessellate's chief scientist" after "Tessellate Research".
            entity, label = short[mention.text]
            if label == mention.label:
                found[i] = mention = Mention(
                    mention.start, mention.end, label, mention.text, entity, "context"
                )
        same.setdefault(mention.text, (mention.entity, mention.label))
    for run in untyped:
        name = " ".join(run.words)
        if name in same:
            entity, label = same[name]
        elif name in short:
            entity, label = short[name]
            if (
                label == "ORG"
                and len(run.words) == 1
                and sentence_start(text, run.start)
                and _VERB_AFTER.match(text[run.end : run.end + 20]) is None
                and _maybe_a_word(run.words[0], spaced)
            ):
                if leftover is not None:
                    leftover.append(run)
                continue
        else:
            if leftover is not None:
                leftover.append(run)
            continue
        end = run.end
        if label in ("AI_MODEL", "PRODUCT") and text[end : end + 1] in (" ", "-"):
            # "Kiln 0.9" after "Kiln, the open-source tool": the version stays.
            tail = VERSION_TAIL.match(text, end)
            if tail is not None and free(end, tail.end()):
                end = tail.end()
        found.append(Mention(run.start, end, label, text[run.start : end], entity, "context"))
    return found


def _maybe_a_word(word: str, spaced: SpacedWords) -> bool:
    """Whether a sentence's capitalised first word may be an everyday word
    rather than the short name it spells ("Scale" for "Scale AI"): running
    text mostly writes it in lower case, or this text does. A coined word
    ("Quantra makes sensors." after "Quantra Systems") is the name."""
    return usually_lower(word) or spaced.has(word.lower())


class SpacedWords:
    """Whether `f" {low} "`, `f" {low},"` or `f" {low}."` is in a text, for
    many words of it: a search of the whole text for each word made a long
    text of short sentence-initial names quadratic (a 320 KB feed item held
    the analysis 14 s). A word without a space, comma or full stop is found so
    exactly when it is the text between a space and the first of those after
    it, so those pieces, collected in one scan, answer the rest. The first
    questions are searched for as before: a scan costs as much as ~64 of
    them (on a text of any length), and most texts ask a few or none."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._pieces: set[str] | None = None
        self._searched = 0

    def has(self, low: str) -> bool:
        self._searched += 1
        if self._searched <= _SEARCHES_BEFORE_SCAN or " " in low or "," in low or "." in low:
            text = self.text
            return f" {low} " in text or f" {low}," in text or f" {low}." in text
        if self._pieces is None:
            self._pieces = set(_SPACED_PIECE.findall(self.text))
        return low in self._pieces


_SEARCHES_BEFORE_SCAN = 64
# The text after each space up to the next space, comma or full stop (the
# lookahead leaves a space to start the next piece).
_SPACED_PIECE = re.compile(r" ([^ ,.]*)(?=[ ,.])")


# "Her co-founders are Benedikt Ruhl, ..., and Aiko Hanamura": the names a
# sentence lists after these words are people.
_PEOPLE_LIST = re.compile(
    r"\b(?:co-?founders|founders|partners|authors|researchers|executives|investors)"
    r" (?:are|were|include|included|including)\b"
)

# Its nouns with the space after them: a text without any of them lists no
# people, in any part of it (str.find: a regex search of every text cost more).
_PEOPLE_LIST_WORDS = tuple(
    f"{noun} " for noun in "founders partners authors researchers executives investors".split()
)


_SENTENCE_END = re.compile(r"[.!?;]\s")
# The verbs _PEOPLE_LIST ends with.
_PEOPLE_LIST_VERBS = ("are", "were", "include", "included", "including")


def _coordinated_people(
    text: str, untyped: list[NameRun], known: list[Mention], found: list[Mention]
) -> list[NameRun]:
    """Two- or three-word names joined by "and" to a person, or listed after
    "co-founders are", are people too; returns the runs still untyped."""
    person_ends: set[int] | None = None  # made at the first run of two or three words
    lists = False
    left = []
    gap = len(" and ")
    listed: re.Match[str] | None
    for run in untyped:
        if not 2 <= len(run.words) <= 3:
            left.append(run)
            continue
        if person_ends is None:
            person_ends = {m.end for m in known if m.label == "PERSON"}
            # Most texts list no people: then no sentence needs splitting or searching.
            lists = any(word in text for word in _PEOPLE_LIST_WORDS)
        if not lists and run.start - gap not in person_ends:
            left.append(run)  # (the common case: neither test below can hold)
            continue
        if all(w[0].isupper() and w[1:].islower() for w in run.words):
            before = text[max(0, run.start - 160) : run.start]
            joined = before.endswith((" and ", ", ", ", and "))
            # The list's sentence is searched only where a list can count:
            # after a join, or right after the list's verb (one character
            # between them, see `first`).
            sentence, listed = "", None  # (what they are where no list can count)
            if lists and (joined or before.endswith(_PEOPLE_LIST_VERBS, 0, len(before) - 1)):
                sentence = _SENTENCE_END.split(before)[-1]
                listed = _PEOPLE_LIST.search(sentence)
            # The list's first name comes right after its words: "co-founders are A and B".
            first = listed is not None and listed.end() == len(sentence) - 1
            if first or (joined and (run.start - gap in person_ends or listed)):
                surface = text[run.start : run.end]
                found.append(Mention(run.start, run.end, "PERSON", surface, surface, "context"))
                continue
        left.append(run)
    return left


_CITATION_AFTER = re.compile(r",? \(?(?:19|20)\d\d\b|,? et al\b|[\];]")


def _ampersand_firms(
    text: str, untyped: list[NameRun], first_names: frozenset[str], found: list[Mention]
) -> list[NameRun]:
    """Two single capitalised words joined by " & " are one firm ("Harcourt &
    Lyle", "Pratt & Whitney", "Procter & Gamble": partners' surnames), unless
    the first is an everyday word ("Arts & Culture", "Research & Development")
    or a given name ("Jamie & Colm": two people), or it is cited as authors
    are ("Mallen & Shlegeris (2024)", "[Hebbar; Mallen & Shlegeris]").
    Returns the runs still untyped."""
    left: list[NameRun] = []
    i = 0
    while i < len(untyped):
        run = untyped[i]
        nxt = untyped[i + 1] if i + 1 < len(untyped) else None
        if (
            nxt is not None
            and len(run.words) == 1
            and len(nxt.words) == 1
            and nxt.start == run.end + 3
            and text.startswith(" & ", run.end)
            and run.words[0].isalpha()
            and nxt.words[0].isalpha()
            and dictionary_class(run.words[0]) != "w"
            and run.words[0] not in first_names
            and _CITATION_AFTER.match(text, nxt.end) is None
            and text[run.start - 1 : run.start] not in ("[", ";")
            and not text.endswith("; ", 0, run.start)
        ):
            surface = text[run.start : nxt.end]
            found.append(Mention(run.start, nxt.end, "ORG", surface, surface, "context"))
            i += 2
            continue
        left.append(run)
        i += 1
    return left


# Titles written before a name that are also words of other names ("Stephen
# King", "Major League", "Democrat Party" aside), so they cannot end a run
# as _PERSON_TITLES do: a run that starts with one is a person after it when
# the rest looks like a person's name.
LEADING_TITLES = frozenset(
    """Sir Dame Lord Lady King Queen Prince Princess Emperor Empress Kaiser Tsar Czar Sultan
    Emir Sheikh Pope Archbishop Bishop Cardinal Reverend Rev. Rabbi Imam Pastor Father
    Democrat Republican Architect Sheriff Detective Inspector Coach""".split()
)
# Ranks that also start names of things ("General Assembly", "Major League",
# "Captain America"): a person only when a given name follows.
_LEADING_RANKS = frozenset("General Gen. Major Captain Capt. Lt. Sgt. Private Corporal".split())
_TITLE_STARTS = LEADING_TITLES | _LEADING_RANKS


def _after_leading_title(run: NameRun, first_names: frozenset[str]) -> NameRun | None:
    """The run without its leading title when what follows is a person's name:
    one to three words, none a company's or a place's word, the first a known
    given name after a rank."""
    words = run.words
    title = words[0]
    if title not in _TITLE_STARTS or not 2 <= len(words) <= 4:
        return None
    rest = words[1:]
    if title in _LEADING_RANKS and rest[0] not in first_names:
        return None
    if rest[-1] in _ORG_SUFFIXES or rest[-1] in PLACE_WORDS or any(w.isupper() for w in rest):
        return None
    # (Words of a run stand one space apart: the name starts after the title's.)
    return NameRun(run.start + len(title) + 1, run.end, tuple(rest))


# Last words of the names of public bodies: a capitalised run ending in one
# is an organisation ("High Court", "Air Force", "Indian Embassy").
_BODY_WORDS = frozenset(
    """Court Force Forces Committee Agency Bureau Embassy Consulate Ministry Commission
    Parliament Senate Police Army Navy Guard Corps Tribunal Administration Directorate
    Secretariat Cabinet Congress Legislature""".split()
)


# "Vesper-2, an open-weights model", "StreamingVLM 2, a video model": what the
# apposition says the name is (a version may stand between).
_MODEL_AFTER = re.compile(
    r"(?: v?\d+(?:\.\d+)*)?, (?:a|an|the|its|their) "
    r"(?:(?!(?:which|that|where|whose|who) )[\w-]+ ){0,3}?(?:model|LLM)s?"
    # The noun ends the phrase: "Marathon, an evaluation in which models..." is none.
    r"(?=[,.;:!?)]|\s(?:that|which|with|for|from|by|in|on|at|to|and|or|led|trained|built"
    r"|released|made|developed|designed|created|available|called|named)\b|$)"
)


# The last words of both kinds of introduction ("of": "version 4.2 of X").
_INTRO_LAST_WORDS = _last_words(_ORG_INTRO | _PRODUCT_INTRO) | {"of"}
_ROLE_OF_LAST = _last_words(_ROLE_OF)
_ORG_BEFORE_LAST = _last_words(_ORG_BEFORE)
_PERSON_BEFORE_LAST = _last_words(_PERSON_BEFORE)
# The words before a one-word run that _type_run looks up (its first test).
_ONE_WORD_CUES = _ORG_BEFORE_ONE | _INTRO_LAST_WORDS | _HONORIFICS


def _product_introduced(before: str) -> bool:
    """Whether the words before a name introduce it as a product."""
    if _introduced_by(before, _PRODUCT_INTRO):
        return True
    if not before.endswith(" of ") or "version" not in before:
        return False
    return _VERSION_OF.search(before) is not None


# Words that head an institution's name at its start in French, Spanish,
# Italian, Portuguese and German, where English puts them last ("Banque
# Duvernoy", "Fondo Andino", "Deutsche Telekom"): two unknown words after one
# are no person's name, whatever their endings suggest.
_HEADS_FIRST = frozenset(
    """Banque Banco Banca Caisse Crédit Credito Fondo Fonds Fondation Fundación Fundação
    Fondazione Stiftung Groupe Grupo Gruppo Société Sociedad Società Sociedade Compagnie
    Compañía Compagnia Companhia Deutsche Institut Instituto Istituto Universidad Université
    Università Universität Universidade Hochschule Agence Agencia Agenzia Ministère Ministerio
    Ministero Éditions Editorial Ediciones Laboratorios Laboratoires Industrias""".split()
)


def _surname_like(word: str, first_names: frozenset[str]) -> bool:
    """Whether a run's last word can end a person's name after a given name:
    not an everyday word the dictionary writes in lower case ("Mac Power
    Users", "Sierra Space", "Kimi Open Platform"), unless it is also a known
    surname or given name ("Stephen King", "Ruth Young", "John Paul"); the
    common surnames that are everyday words have a list of their own
    (bench/make_name_lists.py)."""
    if dictionary_class(word) != "w":
        return True
    return (
        word in first_names
        or word in word_list(SURNAMES_FILE)
        or word in word_list(WORD_SURNAMES_FILE)
    )


def _type_run(text: str, run: NameRun, first_names: frozenset[str]) -> str | None:
    start, end, words = run
    n = len(words)
    # (One test of n for the head words: most runs are one word, and each
    # comparison here costs a measurable share of this function.)
    if n >= 2:
        last_word = words[-1]
        if last_word in _ORG_SUFFIXES:
            if last_word in _TERM_SUFFIXES and all(usually_lower(w) for w in words[:-1]):
                # "Agentic AI", "Advanced Research", "Automated Scientific Research":
                # everyday words capitalised (a heading, a term) before a company
                # word are no company; the span classifier may still find one.
                return None
            return "ORG"
        if last_word in _BODY_WORDS and words[-2] not in PLACE_WORDS:
            return "ORG"  # "High Court", "Air Force", "House Oversight Committee"
        if words[0] in _HEADS_FIRST:
            return "ORG"  # "Banque Duvernoy", "Fondo Andino", "Universidad Nacional"
        if words[0] == "County" and n == 2 and last_word.isalpha():
            return "GPE"  # "County Meath", "County Cork": an Irish county, named first
    before = text[start - 40 if start > 40 else 0 : start]
    after = text[end : end + 60]
    first = after[:1]
    # The word just before the run, when a space ends `before` ("" otherwise).
    last = before[before.rfind(" ", 0, -1) + 1 : -1] if before.endswith(" ") else ""
    if (
        # Most runs: one plain capitalised word (no digit, hyphen or inner
        # capital) before a space, that nothing around types. Each test rules
        # out some of the one-word branch's cues below, together all of them,
        # so the branch's answer, None, is given without testing them in turn:
        # no word before it that a cue looks up (`last`, which _introduced_by
        # reads for the honorifics unless white space other than a space hides
        # in it); no ", " "d " "as " or " of " before it; no bracket, digit or
        # "et al" after it; not a given name before "said".
        n == 1
        and first == " "
        and last not in _ONE_WORD_CUES
        and (last.isprintable() if last else not before.endswith(" "))
        and not before.endswith((", ", "d ", "as ", " of "))
        and (word := words[0]).isalpha()
        and word.istitle()
        and not after[1:2].isdigit()
        and not after.startswith((" (", " et al"))
        and not (word in first_names and _FIRST_NAME_ALONE.match(after))
    ):
        return None
    if first == "-" and _GPE_AFTER.match(after):
        return "GPE"
    if n <= 2 and before.endswith((", ", "d ", "as ")):
        thing = _thing_before(before)
        if thing is not None:
            return thing
    if n == 1:
        # One word is a name only when the text says what it is. Most runs
        # are one plain word, so the cheap tests on the next character come
        # first.
        word = words[0]
        if first == " ":
            if not (word.isalpha() and word.istitle()) and _CODE_LIKE.search(word):
                # "the Go1 robot dog", "its FX-9 chip": a made-up word before what it is.
                noun = after[1:].split(" ", 1)[0].rstrip(".,;:")
                if noun in _MODEL_NOUNS:
                    return "AI_MODEL"
                if noun in _PRODUCT_NOUNS:
                    return "PRODUCT"
            if after.startswith(" (") and word not in _ORG_SUFFIXES and _ORG_AFTER.match(after):
                return "ORG"  # "Quantra (Nasdaq: QTR)"
        elif first in ",'-" and (_ORG_AFTER.match(after) or _ORG_POSSESSIVE.match(after)):
            return "ORG"
        elif first == "," and _PRODUCT_AFTER.match(after):
            return "PRODUCT"  # "Plinth, a note-taking app"
        if before.endswith(" of ") and _introduced_by(before, _ROLE_OF):
            return "ORG"  # "the chief executive of Trevano" (the cheap test first: most runs)
        if (first == "," or after[1:2].isdigit()) and _MODEL_AFTER.match(after):
            return "AI_MODEL"  # "StreamingVLM 2, a video model"
        if last:
            if last in _ORG_BEFORE_ONE:
                return "ORG"  # "the start-up Parallax"
            # (A set look-up first: most runs have no introduction.)
            if last in _INTRO_LAST_WORDS and _introduced_by(before, _ORG_INTRO):
                return "ORG"  # "Ulevitch founded OpenDNS", "sold to Dyn"
        if word in first_names and _FIRST_NAME_ALONE.match(after):
            return "PERSON"  # "Nick's memo", "Scott said": a person called by first name
        if (
            word.isalpha()
            and not word.isupper()
            and (
                # (`last` is the word _introduced_by reads unless white space
                # other than a space hides in it: a set look-up then does.)
                last in _HONORIFICS
                if last and last.isprintable()
                else _introduced_by(before, _HONORIFICS)
            )
        ):
            return "PERSON"  # "Mr. Kalanick": a surname after a title
        if after.startswith(" et al"):
            return "PERSON"  # a paper's first author: "Hu et al."
        if last in _INTRO_LAST_WORDS and _product_introduced(before):
            return "PRODUCT"  # "unveiled Pawnote", "the latest version of Drafts"
        if "-" in word and _HYPHEN_CODE.fullmatch(word) and word.split("-")[0] not in _NOT_CODES:
            return "PRODUCT"  # "the CS-4", "WS-117L": a model code, hyphenated
        if not word.istitle() and _CAMEL.fullmatch(word):
            return _coined_name(text, start, word, after)  # "TigerBeetle"
        return None
    # Most runs have no introduction: when the word before the run is the one
    # _introduced_by would read (no white space but spaces around it), a word
    # outside an introduction's last words rules the introduction out at once.
    plain = not last or not last.isprintable()  # ("": no space before, or two)
    if (plain or last in _ROLE_OF_LAST) and _introduced_by(before, _ROLE_OF):
        return "ORG"  # "chief executive of Lumina Bay": a company, "Bay" or not
    # A known given name, or a person's title just before, says PERSON even
    # where the sentence also talks about companies ("angel investor X Y").
    if 2 <= len(words) <= 4 and words[-1] not in PLACE_WORDS:
        previous = before.rstrip().rsplit(" ", 1)[-1].rstrip(",") if before.strip() else ""
        if previous in _PERSON_TITLES or (
            words[0] in first_names and _surname_like(words[-1], first_names)
        ):
            return "PERSON"
    if _ORG_AFTER.match(after) or (
        words[-1] not in PLACE_WORDS
        and (plain or last in _ORG_BEFORE_LAST)
        and _introduced_by(before, _ORG_BEFORE)
    ):
        return "ORG"
    if first == "," and n <= 3 and _PRODUCT_AFTER.match(after):
        return "PRODUCT"  # "Plinth Notes, a note-taking app"
    if n <= 3 and (first == "," or after[1:2].isdigit()) and _MODEL_AFTER.match(after):
        return "AI_MODEL"  # "Kestrel Vision 2, a video model"
    if (
        n <= 3
        and before.endswith(" ")
        and (plain or last in _INTRO_LAST_WORDS)
        and _product_introduced(before)
    ):
        return "PRODUCT"  # "released Pawnote Scribe"
    if 2 <= len(words) <= 4 and (
        _PERSON_AFTER.match(after)
        or ((plain or last in _PERSON_BEFORE_LAST) and _introduced_by(before, _PERSON_BEFORE))
    ):
        return "PERSON"
    return None
