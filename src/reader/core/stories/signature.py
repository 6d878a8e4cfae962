"""Text signatures for finding the same news told twice: word shingles, a
MinHash signature, and the LSH band keys that index it.

The signature is a one-permutation MinHash (one hash per shingle, the
minimum kept in each of `BINS` bins, empty bins filled from their right
neighbour), so an article costs one hash per shingle rather than one per
shingle and bin. The fraction of equal bins of two signatures estimates the
Jaccard similarity of their shingle sets.

Everything here is stable across processes and Python versions (CRC-32 and
plain integer arithmetic, no `hash()`): signatures and band keys are stored.
CRC-32 is no cryptographic hash, but shingles are not adversarial here and it
runs in C: a 700-word article is hashed in about 0.3 ms, four times faster
than with blake2b. 32 bits are plenty for sets of a few thousand shingles.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat
from zlib import crc32

from reader.core.models import NAME_LABELS, Mention
from reader.core.pickling import as_tuple

BINS = 120
ROWS_PER_BAND = 3
BANDS = BINS // ROWS_PER_BAND
# Fewer shingles than this and a text says too little to match on (a bare
# headline such as "Weekly roundup" must not join every other one).
MIN_SHINGLES = 25
# The named entities an article is most about, for the same-event rule.
SALIENT_ENTITIES = 6
# Entity keys index every three of the first four of them: two articles share
# a key when three of the names each is most about are the same (the least
# the same-event rule asks is three shared). Four, not six: 4 keys rather than
# 20 an article, and fewer candidates that share only the day's big names.
KEYED_ENTITIES = 4
ENTITIES_PER_KEY = 3

_WORD = re.compile(r"\w+")
_MERSENNE61 = (1 << 61) - 1
_MIX_PRIME = 0x100000001B3


def words(text: str) -> list[bytes]:
    """Lower-cased words of the normalised text (punctuation and case ignored),
    UTF-8 encoded: what the shingles' hashes are of."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        # The regex's words, in a fifth of the time: in ASCII its word characters
        # are letters, digits and "_", and the others are blanked by a table lookup
        # a byte (the regex's Unicode word test costs more than the rest together).
        return folded.encode().translate(_ASCII_WORD_BYTES).split()
    return [word.encode() for word in _WORD.findall(folded)]


# Every ASCII byte that is not a word character, blanked out (the others are not ASCII).
_ASCII_WORD_BYTES = bytes(
    byte if chr(byte).isalnum() or chr(byte) == "_" else ord(" ") for byte in range(128)
) + bytes(range(128, 256))


def shingle_hashes(text: str) -> set[int]:
    """32-bit hashes of the text's overlapping runs of three words (their UTF-8
    bytes joined by a space)."""
    found = words(text)
    runs = zip(found, found[1:], found[2:], strict=False)  # the shorter lists end it
    # map() with C functions throughout: half the time of a comprehension.
    return set(map(crc32, map(b" ".join, runs)))


def signature(text: str) -> bytes | None:
    """The packed MinHash signature, or None for a text too short to match on."""
    return signature_of(shingle_hashes(text))


def signature_of(hashes: set[int]) -> bytes | None:
    lanes = _signature_lanes(hashes)
    return None if lanes is None else _packed(lanes)


def _signature_lanes(hashes: set[int]) -> int | None:
    """The signature's bins as one number, bin s in the low half of its 64-bit
    lane s (see _lanes_minus), or None for too few shingles."""
    if len(hashes) < MIN_SHINGLES:
        return None
    # Largest first, so in the dict each bin keeps the last (smallest) value:
    # the loops run in C, three times faster than comparing bin by bin.
    ordered = sorted(hashes, reverse=True)
    smallest = {bin_: value for value, bin_ in map(divmod, ordered, repeat(BINS))}
    # Densification: an empty bin borrows the next filled bin's value (to its
    # right, wrapping round), mixed with the distance so borrowed values
    # rarely equal real ones: bin s owned by filled bin o >= s (o - BINS < s
    # when it wraps) holds (value[o] + (o - s) * _DENSIFY) mod 2**32. Written
    # value[o] + o * _DENSIFY - s * _DENSIFY, the first part is one number a
    # filled bin, repeated over the bins it owns (a short text leaves most
    # bins empty), and the rest is done on all bins at once by _lanes_minus.
    owners: list[int] = []
    previous = -1
    for bin_ in sorted(smallest):
        owners += [smallest[bin_] + bin_ * _DENSIFY] * (bin_ - previous)
        previous = bin_
    if previous < BINS - 1:  # the bins after the last filled one wrap round
        first = min(smallest)
        owners += [smallest[first] + (first + BINS) * _DENSIFY] * (BINS - 1 - previous)
    return _lanes_minus(owners)


_DENSIFY = 0x9E3779B1
_LANE_BYTES = 8
# The bins' s * _DENSIFY, and 2**32 - 1, each in its 64-bit lane of one number.
_BIN_MIXES = sum((s * _DENSIFY) << (8 * _LANE_BYTES * s) for s in range(BINS))
_LOW_HALVES = int.from_bytes(b"\xff\xff\xff\xff\x00\x00\x00\x00" * BINS, "little")


def _lanes_minus(owners: list[int]) -> int:
    """(owners[s] - s * _DENSIFY) mod 2**32, bin by bin, each in the low half of
    the 64-bit lane s of one number.

    Each value sits in a 64-bit lane of one big number, so one subtraction and
    one mask do every bin in C (a lane stays >= 0: o >= s, and < 2**40: no
    borrow nor carry crosses lanes), where a loop over the bins made three
    integer objects each."""
    lanes = array("Q", owners)
    if sys.byteorder != "little":
        lanes.byteswap()
    return (int.from_bytes(lanes, "little") - _BIN_MIXES) & _LOW_HALVES


def _packed(lanes: int) -> bytes:
    """The packed little-endian signature: the low four bytes of every lane."""
    return memoryview(lanes.to_bytes(_LANE_BYTES * BINS, "little")).cast("I")[::2].tobytes()


def _lanes_of(packed: bytes) -> int:
    """A packed signature as _signature_lanes gives it."""
    lanes = array("Q", unpack(packed))
    if sys.byteorder != "little":
        lanes.byteswap()
    return int.from_bytes(lanes, "little")


def unpack(packed: bytes) -> array[int]:
    values = array("I")
    values.frombytes(packed)
    return values


def as_number(packed: bytes) -> int:
    """The packed signature as one integer, for similarity_of(): an article
    compared with many is converted once."""
    return int.from_bytes(packed, "little")


# Every 32-bit lane's low 31 bits, and its top bit.
_LOW31 = as_number(b"\xff\xff\xff\x7f" * BINS)
_TOP_BITS = as_number(b"\x00\x00\x00\x80" * BINS)


def similarity_of(a: int, b: int) -> float:
    """similarity() of two signatures given as as_number()."""
    # XOR the two: an equal bin becomes a zero 32-bit lane. Adding 2**31 - 1
    # to each lane's low 31 bits carries into its top bit unless they are all
    # zero (and never out of the lane); OR-ed with the lane's own top bit, the
    # top bit says whether the lane is non-zero, and bit_count counts those in
    # C. Five operations on the 3,840-bit numbers where OR-ing each lane's
    # bytes into its low byte and counting zero bytes took eight (2.2 against
    # 0.8-1.3 us a pair; a story batch tests ~10 pairs an article).
    xor = a ^ b
    return (BINS - (((xor & _LOW31) + _LOW31 | xor) & _TOP_BITS).bit_count()) / BINS


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return similarity_of(as_number(a), as_number(b))


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """The share of the smaller shingle set found in the other, from their
    Jaccard similarity and sizes: |A & B| = J (|A| + |B|) / (1 + J)."""
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1.0 + jaccard) * smaller))


def _mix(values: Iterable[int], seed: int) -> int:
    key = seed
    for value in values:
        key = (key * _MIX_PRIME + value + 1) % _MERSENNE61
    return key


# band_keys() folds each band's rows with _mix(rows, band + 1). Taking the
# remainder once at the end gives the same key (the remainders are of one
# polynomial in _MIX_PRIME), so the band's part and the powers are made once.
_MIX2 = _MIX_PRIME * _MIX_PRIME % _MERSENNE61
_BAND_BASES = [
    ((band + 1) * _MIX_PRIME**3 + _MIX_PRIME**2 + _MIX_PRIME + 1) % _MERSENNE61
    for band in range(BANDS)
]


def band_keys(packed: bytes) -> list[int]:
    """One key per band (its index and its rows), fitting a signed 64-bit column:
    `_mix(rows, band + 1)`, computed with one remainder a band.

    Two texts share a band key with probability 1 - (1 - J^r)^b for Jaccard
    J: with r=3, b=40, about 0.85 at J=0.35, 0.996 at J=0.5 and 0.04 at 0.1."""
    return _band_keys(_lanes_of(packed))


def _band_keys(lanes: int) -> list[int]:
    """band_keys() of the signature in lanes (_signature_lanes), every band at once.

    A band's three rows are three 64-bit lanes, 192 bits a band: masking and
    shifting the number puts each band's first, second and third row at the
    bottom of its 192 bits, where the products stay below 2**95, so nothing
    crosses bands; the remainder by the Mersenne prime 2**61 - 1 is folded band
    by band (x mod m is (x & m) + (x >> 61), again, then m itself is 0). A loop
    over the bands made a dozen integer objects each, twice the time; reading
    the rows from the lanes the signature is made in spares packing and
    unpacking them."""
    first, second, third = (lanes >> (64 * row) & _BAND_LOW32 for row in range(ROWS_PER_BAND))
    keys = _BAND_BASE_LANES + first * _MIX2 + second * _MIX_PRIME + third
    for _ in range(2):
        keys = (keys & _BAND_LOW61) + (keys >> 61 & _BAND_HIGH)
    bands = array("Q")
    bands.frombytes(keys.to_bytes(_BAND_LANE_BYTES * BANDS, "little"))
    if sys.byteorder != "little":
        bands.byteswap()
    found = bands[:: _BAND_LANE_BYTES // 8].tolist()  # each band's low 64 bits: its key
    # (A key is m only where it is 0 mod m: once in 2**61 bands.)
    return [0 if key == _MERSENNE61 else key for key in found] if _MERSENNE61 in found else found


_BAND_LANE_BYTES = 8 * ROWS_PER_BAND


def _band_lanes(value_of_band: Iterable[int]) -> int:
    return sum(value << (8 * _BAND_LANE_BYTES * band) for band, value in enumerate(value_of_band))


_BAND_BASE_LANES = _band_lanes(_BAND_BASES)
_BAND_LOW32 = _band_lanes([(1 << 32) - 1] * BANDS)
_BAND_LOW61 = _band_lanes([_MERSENNE61] * BANDS)
# A band's bits above the 61 folded down, not the next band's (those land 61 below it).
_BAND_HIGH = _band_lanes([(1 << (8 * _BAND_LANE_BYTES - 61)) - 1] * BANDS)


def salient_keys(names: Iterable[tuple[str, str]]) -> list[int]:
    """32-bit keys of the named entities an article is most about, the most
    about first.

    `names` holds (canonical name, label) once per mention. The most
    mentioned win, ties broken by name and label (never by arrival order).
    Keys come from the names, not from database ids, so they can be made
    where the text is analysed, before anything is stored."""
    # (A dict, not a Counter: a feed item names two or three, and a Counter's
    # set-up cost more than the counting.)
    counts: dict[tuple[str, str], int] = {}
    for pair in names:
        if pair[1] in NAME_LABELS:
            counts[pair] = counts.get(pair, 0) + 1
    if not counts:
        return []
    ranked = sorted(counts, key=lambda pair: (-counts[pair], pair))[:SALIENT_ENTITIES]
    return [crc32(f"{label}\t{name}".encode()) for name, label in ranked]


def entity_keys(salient: Sequence[int]) -> list[int]:
    """Index keys for every three of the first KEYED_ENTITIES salient keys,
    negative so that they never equal a band key (those are 0 to 2**61) in
    the one index both live in."""
    keyed = sorted(salient[:KEYED_ENTITIES])
    return [-1 - _mix(trio, 7) for trio in combinations(keyed, ENTITIES_PER_KEY)]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What grouping needs of an article, made in the refresh's worker
    processes with the text's analysis, so the process that stores articles
    only looks up and writes index rows."""

    signature: bytes | None  # None: too short a text to match on
    shingles: int  # how many distinct shingles the signature summarises
    entities: tuple[int, ...]  # salient_keys(), sorted
    bands: tuple[int, ...]  # band_keys() of the signature
    trios: tuple[int, ...]  # entity_keys() of the entities

    __reduce__ = as_tuple  # pickled between processes: see reader.core.pickling


def fingerprint(title: str, text: str, names: Iterable[tuple[str, str]]) -> Fingerprint:
    """The article's fingerprint from its title, text and entity mentions."""
    hashes = shingle_hashes(f"{title}\n{text}")
    lanes = _signature_lanes(hashes)
    salient = salient_keys(names)
    return Fingerprint(
        None if lanes is None else _packed(lanes),
        len(hashes),
        tuple(sorted(salient)),
        () if lanes is None else tuple(_band_keys(lanes)),
        tuple(entity_keys(salient)),
    )


def fingerprint_mentions(title: str, text: str, mentions: Sequence[Mention]) -> Fingerprint:
    """fingerprint() of an analysed article, from its Mention records."""
    return fingerprint(title, text, [(m.entity, m.label) for m in mentions])
