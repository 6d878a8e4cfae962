"""Canonical text: the one form every stored title and article text takes.

Feed and page text is untrusted. Terminal control sequences in it could clear
the screen or write the user's clipboard (OSC 52), so they are removed whole
(not just their ESC byte, which would leave ``[2J`` behind) before anything is
stored. Every later offset (entity mentions, highlights) indexes into the
normalised text, so normalisation happens exactly once, here.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings
# (terminated by BEL or ESC \), and two-byte escapes. Their 8-bit C1 forms too.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                          # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?  # OSC...
    | \x1b[ -/]*[0-~]                                         # other escapes
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides
# that can make a title display as something it is not ("Trojan source").
# U+FFFE and U+FFFF too: XML 1.0 forbids them, and an OPML backup holding one
# (from a feed title) could not be imported again.
_CONTROL_CHARS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff"
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
# Lone surrogates: a JSON "\\ud800" escape decodes to one (json.loads keeps
# it), and no UTF-8 encoder, SQLite's binding among them, accepts it.
_SURROGATES = r"\ud800-\udfff"
_SURROGATE = re.compile(f"[{_SURROGATES}]")
# Anything strip_controls changes: the fast path's one check.
_UNCLEAN = re.compile(f"[{_CONTROL_CHARS}{_SURROGATES}]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# The characters of _SPACES but the plain space.
_OTHER_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def strip_controls(value: str) -> str:
    """Remove terminal escape sequences and control characters, keep \\n and \\t;
    a lone surrogate becomes U+FFFD (the replacement character).

    The one cleaning for every string a server or a file chose (titles, texts,
    headers, URLs, error messages): applied before anything is stored, and
    again when the store hands rows out, so rows stored by an older version
    cannot reach a terminal either.
    """
    # The common case, no copies: a one-line text is checked by isprintable()
    # (false for every character _CONTROL takes, and a few times faster);
    # others by one scan.
    if value.isprintable() or _UNCLEAN.search(value) is None:
        return value
    value = _SURROGATE.sub("\ufffd", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _ESCAPE_SEQUENCE.sub("", value)
    return _CONTROL.sub("", value)


def normalize_text(value: str) -> str:
    """Article body: NFC, ``\\n`` newlines, no controls, at most one blank line in a row."""
    value = unicodedata.normalize("NFC", strip_controls(value))
    if (
        "  " not in value
        and "\t" not in value
        and (value.isascii() or _OTHER_SPACES.search(value) is None)
    ):
        # Only single plain spaces (most feed summaries): _SPACES would replace
        # each by itself, a substitution a space (~5 µs a feed item). An ASCII
        # text holds no other character of _SPACES than the tab.
        lines = [line.strip() for line in value.split("\n")]
    else:
        lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    value = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", value).strip()


def normalize_tag(value: str | None) -> str:
    """A tag name: one line, no leading '#', no commas (the app and the CLI
    take several tags separated by commas, so a comma cannot be in one)."""
    return normalize_line((value or "").replace(",", " ")).lstrip("#").strip()


def normalize_note(value: str) -> str:
    """A note or a quote the user keeps: no controls (imports come from files
    others wrote), `\n` newlines, Unicode NFC."""
    return unicodedata.normalize("NFC", strip_controls(value.replace("\r\n", "\n")))


def normalize_line(value: str | None) -> str:
    """Titles, authors, names: one line, single spaces."""
    if not value:
        return ""
    if not value.isprintable():  # False for every control, format and line-break char
        value = strip_controls(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())
