"""reader: a terminal news reader for tech and AI news."""

__version__ = "0.1.0"
