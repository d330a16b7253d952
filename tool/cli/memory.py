"""Commands for the translation memory, pretranslation and analysis."""
