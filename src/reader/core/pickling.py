"""Records that cross between the refresh's processes, pickled as plain tuples.

A frozen, slotted dataclass pickles through the ``__getstate__``/``__setstate__``
pair that ``dataclasses`` writes, which calls ``dataclasses.fields()`` for every
object, both ways. A first refresh sends ~30,000 such objects (entries, articles
and their entity mentions) between the workers and the parent, and that alone
was a third of the parent's CPU. As ``(class, field values)`` they cost less
than half: unpickling calls the class with the values, as the code would.
"""

from __future__ import annotations

from typing import Any


def as_tuple(record: Any) -> tuple[type[Any], tuple[Any, ...]]:
    """``__reduce__`` for a slotted dataclass whose fields are all ``__init__``
    arguments: ``__match_args__``, which ``dataclasses`` writes, names them in
    order, those of a dataclass it extends first (``__slots__`` would name
    only the class's own)."""
    kind = type(record)
    return (kind, tuple([getattr(record, name) for name in kind.__match_args__]))
