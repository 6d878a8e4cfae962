"""CPU of the feed-item analysis (reader.core.analysis.analyse: entities of
title and summary, AI relevance) on summaries built to stall it, at growing
sizes: time that grows faster than the text shows a superlinear path.

    python bench/stall_text_bench.py [--sizes 20,80,320] [--case NAME ...]

Run it with main's interpreter and a branch's, back to back, for an A/B
(each imports the `reader` its environment installs).
"""

from __future__ import annotations

import argparse
import itertools
import string
import time
from collections.abc import Callable


def _repeated(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _defined_acronyms(size: int) -> str:
    """ "Aabtech Corporation (AAB) said. ...": an acronym learned per sentence."""
    parts: list[str] = []
    length = 0
    for letters in itertools.product(string.ascii_uppercase, repeat=3):
        acronym = "".join(letters)
        part = f"{acronym[0]}{acronym[1:].lower()}tech Corporation ({acronym}) said. "
        parts.append(part)
        length += len(part)
        if length >= size:
            break
    return "".join(parts)


CASES: dict[str, Callable[[int], str]] = {
    "capital-pairs": _repeated("AA "),  # acronyms one space apart, joined as one name
    "defined-acronyms": _defined_acronyms,
    "capitalised-words": _repeated("Aa "),
    "spaces": _repeated(" "),
    "digits": _repeated("1"),
    # review12 #5: a short name ("Aa" after "Aa Inc.") starting each sentence,
    # checked against the whole text for its lower-case use, once per sentence.
    "short-name-sentences": _repeated("Aa of Aa Inc. GPT-4 Aa\n"),
    # review12 #5 (minor): many names claimed out of order, each inserted into
    # the recogniser's sorted lists of claimed spans.
    "titled-names": _repeated("Dr Aa of Aa "),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,80,320", help="summary sizes in KB")
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    args = parser.parse_args()
    from reader.core.analysis import analyse
    from reader.core.config import EntitySettings

    settings = EntitySettings()
    analyse("Warm up", "OpenAI released a model.", "Tech news", settings)
    for name in args.case or CASES:
        figures = []
        for size in (int(kb) * 1000 for kb in args.sizes.split(",")):
            summary = CASES[name](size)
            started = time.process_time()
            analyse("OpenAI model news", summary, "Tech news", settings)
            figures.append(f"{size // 1000} KB {time.process_time() - started:.2f} s")
        print(f"{name}: " + ", ".join(figures), flush=True)


if __name__ == "__main__":
    main()
