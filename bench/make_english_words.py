"""Write the English word list the span classifier reads (reader/data/entities/english_words.txt).

A capitalised word that a dictionary of English writes in lower case ("Workflow",
"Pencil") is an everyday word that may or may not be a name here; one the
dictionary writes only capitalised ("Kodak", "Vicksburg") is a proper name; one
it does not know at all ("Wunderlist", "Hodak") is most likely a coined name.
That holds for names nobody labelled, which is where the classifier's own
name-word features know nothing (docs/evaluation.md, "entrec8").

Source: SCOWL, as Debian's ``wamerican`` package installs it
(``apt-get install wamerican``; /usr/share/dict/american-english), read at development time
and shipped as data: nothing is read from the system at run time. Possessives
("Kodak's") are left out; a word the dictionary writes both ways counts as lower
case.

    python bench/make_english_words.py [--words /usr/share/dict/american-english]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "src/reader/data/entities/english_words.txt"
PER_LINE = 20

HEADER = """\
# English words by how a dictionary writes them: "w" lines in lower case (everyday
# words), "p" lines only capitalised (proper names). Made by
# bench/make_english_words.py from SCOWL (Spell Checker Oriented Word Lists) as
# Debian's wamerican 2020.12.07 installs it; lower-cased, possessives left out.
#
# SCOWL: Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify,
# distribute and sell these word lists, the associated scripts, the output created
# from the scripts, and its documentation for any purpose is hereby granted without
# fee, provided that the above copyright notice appears in all copies and that both
# that copyright notice and this permission notice appear in supporting
# documentation. Kevin Atkinson makes no representations about the suitability of
# this array for any purpose. It is provided "as is" without express or implied
# warranty. (Parts of SCOWL carry further notices, all permissive: see
# /usr/share/doc/wamerican/copyright.)
"""


def classes(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """(lower-case words, words only ever capitalised), sorted and lower-cased."""
    lower: set[str] = set()
    capital: set[str] = set()
    for word in words:
        if not word or word.endswith("'s"):
            continue
        (capital if word[:1].isupper() else lower).add(word.lower())
    return sorted(lower), sorted(capital - lower)


def render(lower: Sequence[str], proper: Sequence[str]) -> str:
    lines = [HEADER.rstrip("\n")]
    for bucket, words in (("w", lower), ("p", proper)):
        for i in range(0, len(words), PER_LINE):
            lines.append(bucket + " " + " ".join(words[i : i + PER_LINE]))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=Path, default=Path("/usr/share/dict/american-english"))
    args = parser.parse_args(argv)
    if not args.words.is_file():
        print(f"{args.words} is missing: apt-get install wamerican")
        return 1
    lower, proper = classes(args.words.read_text(encoding="utf-8").split("\n"))
    OUT.write_text(render(lower, proper), encoding="utf-8")
    name = OUT.relative_to(REPO_ROOT)
    print(f"wrote {name}: {len(lower):,} lower-case words, {len(proper):,} proper")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
