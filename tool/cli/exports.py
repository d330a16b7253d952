"""Commands that export bilingual articles and bring translators' files back."""
