"""Entity recognition for tech and AI news (no Textual here).

`recognize(text)` runs the shipped recognisers; `Recognizer(rules)` adds the
user's own rules. See recognizer.py for how the recognisers are merged.
"""

from reader.core.entities.recognizer import Recognizer, recognize, salience
from reader.core.entities.records import LABELS, NAME_LABELS, Mention, Rule

__all__ = ["LABELS", "NAME_LABELS", "Mention", "Recognizer", "Rule", "recognize", "salience"]
