"""The records the recognisers produce and consume. They belong to the public
vocabulary (reader.core.models); named here too for the recognisers' modules."""

from __future__ import annotations

from dataclasses import fields

from reader.core.models import LABELS, NAME_LABELS, SOURCES, Mention, Rule

__all__ = ["LABELS", "NAME_LABELS", "SOURCES", "Mention", "Rule", "new_mention"]

# Mention(...) runs the dataclass's __init__, which sets each of the six
# fields through object.__setattr__ (the class is frozen): about 1 µs, and the
# recognisers make thousands a long article. new_mention sets the slots
# through their descriptors: the same object (type, fields, equality, hash,
# pickling) in about 60% of the time. It knows the fields by name, so a change
# to Mention that it would not follow stops the import here.
_FIELDS = ("start", "end", "label", "text", "entity", "source")
if tuple(field.name for field in fields(Mention)) != _FIELDS or hasattr(Mention, "__post_init__"):
    raise RuntimeError("records.new_mention does not know Mention's fields any more")
_new = object.__new__
_set_start, _set_end, _set_label, _set_text, _set_entity, _set_source = (
    Mention.__dict__[name].__set__ for name in _FIELDS
)


def new_mention(start: int, end: int, label: str, text: str, entity: str, source: str) -> Mention:
    """Mention(start, end, label, text, entity, source), made faster."""
    mention: Mention = _new(Mention)
    _set_start(mention, start)
    _set_end(mention, end)
    _set_label(mention, label)
    _set_text(mention, text)
    _set_entity(mention, entity)
    _set_source(mention, source)
    return mention
