"""The user's notes: anchoring highlights to text that changes (anchoring.py),
Markdown export (markdown.py), W3C Web Annotation export and import (w3c.py)."""
