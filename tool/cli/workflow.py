"""Commands for the translators' and editors' workflow."""
