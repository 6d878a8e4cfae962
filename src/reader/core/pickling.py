"""Records that cross between the refresh's processes, pickled as plain tuples.

A frozen, slotted dataclass pickles through the ``__getstate__``/``__setstate__``
pair that ``dataclasses`` writes, which calls ``dataclasses.fields()`` for every
object, both ways. A first refresh sends ~30,000 such objects (entries, articles
and their entity mentions) between the workers and the parent, and that alone
was a third of the parent's CPU. As ``(class, field values)`` they cost less
than half: unpickling calls the class with the values, as the code would.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

# Per class, what reads its fields' values into a tuple: an attrgetter of
# several names does it in C, a quarter of the time of getattr in a loop (a
# feed item's record and its mentions are a dozen objects to reduce).
_VALUES: dict[type[Any], Callable[[Any], tuple[Any, ...]]] = {}


def as_tuple(record: Any) -> tuple[type[Any], tuple[Any, ...]]:
    """``__reduce__`` for a slotted dataclass whose fields are all ``__init__``
    arguments: ``__match_args__``, which ``dataclasses`` writes, names them in
    order, those of a dataclass it extends first (``__slots__`` would name
    only the class's own)."""
    kind = type(record)
    values = _VALUES.get(kind)
    if values is None:
        values = _VALUES[kind] = _values_of(kind.__match_args__)
    return (kind, values(record))


def _values_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:  # (an attrgetter of one name gives the value, not a tuple)
        [name] = names
        return lambda record: (getattr(record, name),)
    return attrgetter(*names)
