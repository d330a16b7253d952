"""CAT-style analysis: how much of a job the memory already covers, in words and segments.

Each live segment falls into one band, checked in this order: a repetition of an earlier
segment of the job, a context match (101%), an exact match (100%), then fuzzy bands by
the best memory score, else no match.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from tool.core.locale import base_lang, validate_lang
from tool.core.normalize import count_words, normalise_text
from tool.errors import NotFoundError
from tool.services.memory import MemoryIndex

BANDS: tuple[tuple[str, int, int], ...] = (
    ("repetitions", -1, -1),
    ("101%", 101, 101),
    ("100%", 100, 100),
    ("95-99%", 95, 99),
    ("85-94%", 85, 94),
    ("75-84%", 75, 84),
    ("50-74%", 50, 74),
    ("no match", 0, 49),
)
FUZZY_MINIMUM = 50


@dataclass
class Band:
    name: str
    segments: int = 0
    words: int = 0


@dataclass
class Analysis:
    lang: str
    articles: list[str]
    bands: list[Band] = field(default_factory=lambda: [Band(name) for name, _, _ in BANDS])

    @property
    def segments(self) -> int:
        return sum(b.segments for b in self.bands)

    @property
    def words(self) -> int:
        return sum(b.words for b in self.bands)

    def band(self, name: str) -> Band:
        return next(b for b in self.bands if b.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "articles": self.articles,
            "bands": [asdict(b) for b in self.bands],
            "total": {"segments": self.segments, "words": self.words},
        }


def band_of(score: int) -> str:
    """The band name of a memory score (0 for no match)."""
    for name, low, high in BANDS[1:]:
        if low <= score <= high:
            return name
    return "no match"


def analyse(
    db: sqlite_utils.Database,
    article_ids: list[str] | None,
    lang: str,
    *,
    open_only: bool = False,
) -> Analysis:
    """Analyse the given articles (None: every article not written in ``lang``) against the memory.

    With ``open_only``, segments whose unit in ``lang`` already has text are left out.
    """
    lang = validate_lang(lang)
    if article_ids is None:
        article_ids = [
            r[0] for r in db.execute("SELECT id, lang FROM articles ORDER BY id") if r[1] != lang
        ]
    for article_id in article_ids:
        if not db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone():
            raise NotFoundError(f"no article {article_id!r}")
    result = Analysis(lang, list(article_ids))
    seen: set[tuple[str, str]] = set()
    indexes: dict[str, MemoryIndex] = {}
    for article_id in article_ids:
        source_lang = base_lang(db.execute("SELECT lang FROM articles WHERE id = ?",
                                           [article_id]).fetchone()[0])  # fmt: skip
        if source_lang not in indexes:
            indexes[source_lang] = MemoryIndex(db, source_lang, lang)
        index = indexes[source_lang]
        previous = ""
        for row in _segments(db, article_id, lang):
            before, previous = previous, row["text"]
            if open_only and not row["open"]:
                continue
            norm = normalise_text(row["text"])
            words = row["words"] if row["words"] is not None else count_words(norm)
            if (source_lang, norm) in seen:
                name = "repetitions"
            else:
                seen.add((source_lang, norm))
                found = index.search(norm, previous=before, limit=1, minimum=FUZZY_MINIMUM)
                name = band_of(found[0].score if found else 0)
            band = result.band(name)
            band.segments += 1
            band.words += words
    return result


def _segments(db: sqlite_utils.Database, article_id: str, lang: str) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT s.text, s.words, (u.id IS NULL OR (u.text = '' AND u.joined_to IS NULL)) "
            "AS open FROM segments s LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
            "WHERE s.article_id = ? AND s.obsolete = 0 ORDER BY s.seq",
            [lang, article_id],
        )
    )
