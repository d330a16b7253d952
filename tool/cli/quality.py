"""Commands for the glossary and quality checks."""
