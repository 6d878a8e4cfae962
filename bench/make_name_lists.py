"""Write the given-name and surname lists the entity recognisers ship.

Source: the 1990 US Census name frequency files (public domain), as packaged by
the ``names`` library on PyPI (``pip install names==0.3.0``; used only here, not a
dependency of reader). Kept: given names held by at least 0.001% of people
(about 4,000), surnames held by at least 0.002% (about 12,000).

A name that is also an everyday word ("Will", "Rose", "Grant", "Young") would make
ordinary capitalised words look like people, so a name is left out when the
unlabelled silver feeds of bench/train_entities.py write it in lower case three
times or more (neither the dev nor the test set is read).

    python bench/make_name_lists.py --corpora /work/shared/corpora

A third list keeps the common surnames that filter left out (``census_word_surnames.txt``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
DATA = REPO_ROOT / "src/reader/data/entities"
GIVEN_CUT = 0.001  # percent of people
SURNAME_CUT = 0.002
# Common surnames that are also everyday words ("Young", "King", "Cruise"), kept
# apart: context.py lets one end a person's name after a given name, where an
# everyday word does not ("Sierra Space"), but the span classifier's surname
# list leaves them out.
WORD_SURNAME_CUT = 0.002
_LOWER = re.compile(r"\b[a-z]+\b")


def census(name: str, cut: float) -> list[str]:
    text = (resources.files("names") / name).read_text(encoding="ascii")
    out = []
    for line in text.splitlines():
        cols = line.split()
        if len(cols) >= 2 and float(cols[1]) >= cut:
            out.append(cols[0].capitalize())
    return out


def lower_counts(corpora: Path) -> Counter[str]:
    from train_entities import silver_paragraphs

    counts: Counter[str] = Counter()
    for para in silver_paragraphs(corpora, 10_000):
        counts.update(_LOWER.findall(para))
    return counts


def write(path: Path, header: str, names: Sequence[str]) -> None:
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()]
    for i in range(0, len(names), 12):
        lines.append(" ".join(names[i : i + 12]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)}: {len(names)} names")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO_ROOT.parent / "shared/corpora")
    args = parser.parse_args(argv)
    lower = lower_counts(args.corpora)
    if not lower:
        print("no silver feeds found: pass --corpora")
        return 1

    def plain(name: str) -> bool:
        return lower[name.lower()] < 3

    given = sorted(
        {n for f in ("dist.male.first", "dist.female.first") for n in census(f, GIVEN_CUT)}
    )
    given = [n for n in given if plain(n)]
    surnames = sorted(n for n in census("dist.all.last", SURNAME_CUT) if plain(n))
    source = (
        "Derived by bench/make_name_lists.py from the 1990 US Census name files (public\n"
        "domain); names that are also everyday words are left out."
    )
    write(DATA / "census_given_names.txt", "Given names. " + source, given)
    write(DATA / "census_surnames.txt", "Surnames. " + source, surnames)
    word_surnames = sorted(n for n in census("dist.all.last", WORD_SURNAME_CUT) if not plain(n))
    write(
        DATA / "census_word_surnames.txt",
        "Common surnames (0.002% of people or more) that are also everyday words: the\n"
        "names the surname list leaves out. Derived by bench/make_name_lists.py from the\n"
        "1990 US Census name files (public domain).",
        word_surnames,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
