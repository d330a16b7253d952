"""A translation desk for a bilingual newsroom."""

__version__ = "0.1.0"
