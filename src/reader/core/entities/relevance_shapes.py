"""What AI items look like, beside what they say: the shapes of model listings,
repository names and paper titles.

A model hub's trending list says "XiaomiMiMo/MiMo-V2.5" and counters; a paper
feed says "VOID: Video Object and Interaction Deletion"; a repository list says
"thedotmack / claude-mem". None of these needs the field's vocabulary to be an AI
item, and a reader can tell them apart from "ghostty-org / ghostty" or "Ubuntu
26.04" by their form: a version glued to a name with a hyphen ("-V2.5", "-2.0-
Preview"), a size or a quantisation in the identifier ("27B", "A3B", "GGUF",
"BF16"), an acronym spelled by the words after it, "Towards …" and "… via …".

A model-shaped identifier is strong evidence, like a word of the AI vocabulary
(in the labelled dev items, 85 of the 86 headlines and leads with one are AI). A
listing and a paper title are features of their own (relevance.ai_features), so
the labels decide what those shapes are worth: a repository name is AI only as
often as repositories are. Software versions ("DuckDB 1.5.2", "Xwayland 26.1.0"),
aircraft ("F-35B"), standards ("UTF-8", "ISO-8859-1") and diseases ("COVID-19")
do not have these shapes: a plain number after a hyphen is not a model's version.
"""

from __future__ import annotations

import re

# A version glued to a name by a hyphen, dotted or with a "V" ("MiMo-V2.5",
# "Music-2.5", "Laguna-XS.2", "DeepSeek-V4", "LLaDA2.0-Uni"), or followed by one of
# the suffixes only model releases carry ("Seed-2.0-Preview", "Hy3-preview",
# "Speech-02-turbo", "Qwen3-Coder"; not "Pro", "Mini" or "Ultra", which phones carry too).
_VERSIONED = re.compile(
    r"(?<![\w.-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)*"
    r"(?:-(?:[A-Za-z]{1,3})?[Vv]?\d+(?:\.\d+)+|-[A-Za-z]{1,3}\.\d+|-[Vv]\d+(?:\.\d+)*"
    r"|[-.]?\d+(?:\.\d+)?-(?:Preview|preview|Instruct|Base|Thinking|Reasoning|Coder|Omni|Uni"
    r"|turbo|hd|Director|Text|VL|Chat|it|GGUF|Exp)\b)"
)
# A size in parameters or a quantisation inside an identifier ("Qwen3.6-27B",
# "35B-A3B", "8x7B", "Q4_K_M", "BF16", "AWQ", "4bit"): how model files are named.
_FILE_TOKENS = re.compile(
    r"(?<=[\w.]\w[-_/])(?:\d+(?:\.\d+)?[BbMm]|A\d+B|\d+x\d+B|Q\d_K(?:_[SML])?|Q[48]_0|"
    r"(?:BF|bf|FP|fp|INT|int)(?:4|8|16)|AWQ|GPTQ|EXL2|MLX|mlx|GGUF|gguf|\d-?bit)(?![\w.])"
)
# "owner/name" or "owner / name": a repository or a model on a hub.
_LISTING = re.compile(r"^\s*([\w.-]{2,40}) ?/ ?([\w.-]{2,80})\s*$")
_IDENTIFIER_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

# Paper-title grammar: the openings and joins of research titles.
_PAPER_OPENINGS = re.compile(
    r"^(?:Towards?|Learning to|Scaling|Rethinking|Revisiting|Unlocking|Unleashing|Bridging|"
    r"Boosting|Beyond|Benchmarking|Evaluating|Distilling|Aligning|Training|Teaching)\b"
)
_PAPER_JOINS = re.compile(
    r"\b(?:via|[Tt]owards|[Ff]or (?:Efficient|Scalable|Robust|Generalizable|Unified|"
    r"Long-Horizon|Long-Context|Fast|Faithful|Controllable|Open-Ended|Fine-Grained)|"
    r"[Ww]ith (?:Reinforcement|Verifiable|Self-|Diffusion|Latent|Sparse)|"
    r"[Ii]s All You Need|[Aa] Survey|[Aa] Benchmark|[Aa]n? (?:Empirical|Unified) Study)\b"
)
# A piece of each of _PAPER_JOINS' alternatives: a title holding none of them (most
# do not: a few substring tests in C) is not searched (a regex step at each character).
_PAPER_JOIN_PARTS = (
    "via",
    "owards",
    "or ",
    "ith ",
    "s All You Need",
    " Survey",
    " Benchmark",
    " Study",
)
# "VOID: Video Object and Interaction Deletion": a made-up acronym spelled out.
_ACRONYM_HEAD = re.compile(r"^([A-Z][A-Za-z0-9-]{1,14})\s*:\s+(.+)$")
_CONNECTORS = frozenset("a an and by for from in of on the to via with".split())
# arXiv identifiers ("2604.01234", "arXiv:2604.01234v2").
_ARXIV_ID = re.compile(r"(?:arXiv:\s?|\b)(?:1\d|2\d)(?:0[1-9]|1[0-2])\.\d{4,5}(?:v\d+)?\b")


# Software whose versions are sometimes written glued on ("Python-3.12", "GTK-4.0").
_SOFTWARE = frozenset(
    """python perl ruby php node nodejs java go golang rust lua julia gcc llvm clang
    linux kernel ubuntu debian fedora rhel centos alpine windows macos ios ipados android
    gtk qt kde gnome openssl openssh unicode http tls ssl ipv postgresql postgres mysql
    sqlite redis nginx apache firefox chrome chromium safari webkit xwayland wayland
    mesa vulkan opengl directx cuda usb wifi bluetooth hdmi pcie ddr lpddr""".split()
)


# Where an identifier may be: a separator before a version, size or quantisation, or a
# hyphen after a number ("Lark-3-Coder"). The two patterns above try every position of
# the text; this one only separators, so only the words around them are searched.
_CANDIDATE = re.compile(
    r"[-_/](?:(?=[A-Za-z]{0,3}[Vv.]?\d|BF|bf|FP|fp|INT|int|AWQ|GPTQ|MLX|mlx|GGUF|gguf)"
    r"|(?<=\d-)(?=[A-Za-z]))"
)
_SPACE = re.compile(r"\s")


def _candidate_words(text: str) -> list[tuple[int, int]]:
    """The whitespace-separated words holding a _CANDIDATE, each once, in order."""
    words: list[tuple[int, int]] = []
    if "-" not in text and "_" not in text and "/" not in text:
        return words  # (no separator: three substring tests in C instead of the scan)
    for found in _CANDIDATE.finditer(text):
        at = found.start()
        if words and at < words[-1][1]:
            continue
        start = at
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        after = _SPACE.search(text, at)
        words.append((start, after.start() if after else len(text)))
    return words


def model_identifiers(text: str) -> list[tuple[int, int]]:
    """Where `text` holds model-shaped identifiers (versioned names, size and
    quantisation tokens), in order, none overlapping."""
    spans: list[tuple[int, int]] = []
    for start, end in _candidate_words(text):
        spans += [
            m.span()
            for m in _VERSIONED.finditer(text, start, end)
            if m.group(0).split("-")[0].lower() not in _SOFTWARE
        ]
        spans += [m.span() for m in _FILE_TOKENS.finditer(text, start, end)]
    spans.sort()
    found: list[tuple[int, int]] = []
    for start, end in spans:
        if found and start < found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return found


def listing_name(title: str) -> str | None:
    """The name part of an "owner/name" title, split into its words
    ("free-claude-code" -> "free claude code", "GenericAgent" -> "Generic Agent");
    None when the title is not a listing."""
    found = _LISTING.match(title)
    if found is None or "://" in title:
        return None
    owner, name = found.groups()
    words = _IDENTIFIER_PARTS.findall(owner) + _IDENTIFIER_PARTS.findall(name)
    return " ".join(words)


# A model hub's counters as a listing's whole description ("Downloads: 3,077 Likes: 148",
# with "Type: text-generation" before them on some): only a hub lists items this way.
_HUB_COUNTERS = re.compile(r"^(?:Type: [\w-]+ )?Downloads: [\d,.]+[kKmM]? Likes: [\d,.]+[kKmM]?$")


def hub_listing(title: str, lead: str) -> bool:
    """An item of a model hub's list: an "owner/name" title and only the hub's counters."""
    return listing_name(title) is not None and bool(_HUB_COUNTERS.match(lead.strip()))


def _spelled_acronym(title: str) -> bool:
    """A short name before a colon whose letters start the words after it
    ("VOID: Video Object and Interaction Deletion", "AA-LCR: ...")."""
    found = _ACRONYM_HEAD.match(title)
    if found is None:
        return False
    letters = [ch.lower() for ch in found.group(1) if ch.isupper()]
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", found.group(2))]
    initials = [w[0].lower() for w in words if w.lower() not in _CONNECTORS]
    if len(letters) < 3:
        return False
    # The acronym's capitals in order among the initials (papers skip words freely).
    i = 0
    for initial in initials:
        if i < len(letters) and initial == letters[i]:
            i += 1
    return i == len(letters)


def paper_title_cues(title: str) -> int:
    """How many marks of a research title `title` has (at most 3)."""
    joins = any(map(title.__contains__, _PAPER_JOIN_PARTS)) and _PAPER_JOINS.search(title)
    cues = bool(_PAPER_OPENINGS.match(title)) + bool(joins)
    # (An arXiv identifier has a dot.)
    cues += _spelled_acronym(title) + bool("." in title and _ARXIV_ID.search(title))
    return min(cues, 3)
