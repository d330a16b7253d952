"""Pretranslation: fill an article's open units from the translation memory.

Exact and context matches (100%, 101%) become ``translated`` units waiting for review;
weaker matches, when the minimum allows them, become ``needs_review``. Every filled unit
gets origin ``memory``, the score as its confidence and a ``pretranslate`` event; the
whole article is done in one transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import validate_lang
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError
from tool.services import qa
from tool.services.memory import EXACT, MemoryIndex
from tool.services.units import change_unit, create_units
from tool.services.users import REVIEWING_ROLES, require_user

OPEN_FOR_MEMORY = ("new", "needs_review")  # with no text yet


@dataclass
class PretranslateResult:
    article_id: str
    lang: str
    exact: int = 0  # filled from 100% and 101% matches: translated
    fuzzy: int = 0  # filled from weaker matches: needs_review
    unmatched: int = 0  # open units (or segments with none) the memory had nothing for
    leased: int = 0  # open units skipped because someone has them checked out
    created: int = 0  # units created (for filled segments that had none)
    filled: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pretranslate(
    db: sqlite_utils.Database,
    article_id: str,
    lang: str,
    *,
    user: str,
    minimum: int = EXACT,
    index: MemoryIndex | None = None,
) -> PretranslateResult:
    """Fill the article's open units in ``lang`` from the memory (see the module docstring)."""
    lang = validate_lang(lang)
    if not 1 <= minimum <= 101:
        raise InputError(f"the minimum match must be between 1 and 101, not {minimum}")
    article = db.execute("SELECT lang FROM articles WHERE id = ?", [article_id]).fetchone()
    if not article:
        raise NotFoundError(f"no article {article_id!r}")
    if validate_lang(article[0]) == lang:
        raise InputError(f"article {article_id!r} is written in {lang}: choose another language")
    source_lang = article[0]
    index = index or MemoryIndex(db, source_lang, lang)
    result = PretranslateResult(article_id, lang)
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES, lang=lang)
        now = stamp()
        previous: str | None = ""
        for row in _units(db, article_id, lang, now):
            before, previous = previous, row["source"]
            if row["id"] is not None and not row["open"]:
                continue
            if row["leased"]:
                result.leased += 1
                continue
            matches = [] if index.is_empty() else index.search(
                row["source"], previous=before, limit=1, minimum=minimum
            )  # fmt: skip
            if not matches:
                result.unmatched += 1
                continue
            match = matches[0]
            status = "translated" if match.score >= EXACT else "needs_review"
            # A memory entry approved over a QA error (a forbidden term...) is not copied
            # on as finished work: an editor looks at it in its new context.
            errors = qa.errors_of(qa.check_text(db, row["source"], match.target, source_lang, lang))
            if errors:
                status = "needs_review"
            if row["id"] is None:  # a segment nobody has worked on in this language yet
                (unit_id,) = create_units(db, [row["segment_id"]], lang, at=now, user=user)
                row = {**row, "id": unit_id, "status": "new", "text": "", "joined_to": None}
                result.created += 1
            change_unit(
                db,
                row,
                {
                    "text": match.target,
                    "status": status,
                    "origin": "memory",
                    "confidence": min(match.score, EXACT) / 100,
                },
                at=now,
                user=user,
                action="pretranslate",
                detail={
                    "memory": match.id,
                    "score": match.score,
                    "origin": match.origin,
                    **({"qa": [f"{e.check}: {e.message}" for e in errors]} if errors else {}),
                },
            )
            if status == "translated":
                result.exact += 1
            else:
                result.fuzzy += 1
            result.filled.append(
                {
                    "unit": row["id"],
                    "seq": row["seq"],
                    "score": match.score,
                    "status": status,
                    "text": match.target,
                }  # fmt: skip
            )
    return result


def _units(db: sqlite_utils.Database, article_id: str, lang: str, now: str) -> list[dict]:
    """The article's live segments in order, with their unit (if any) and whether it is open."""
    marks = ",".join("?" * len(OPEN_FOR_MEMORY))
    return list(
        db.query(
            "SELECT u.id, u.status, u.text, u.joined_to, ? AS lang, s.id AS segment_id, "
            "s.article_id, "
            "s.seq, s.text AS source, "
            f"(u.status IN ({marks}) AND u.text = '' AND u.joined_to IS NULL) AS open, "
            "EXISTS (SELECT 1 FROM leases l WHERE l.unit_id = u.id AND l.expires_at > ?) "
            "AS leased FROM segments s LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
            "WHERE s.article_id = ? AND s.obsolete = 0 ORDER BY s.seq",
            [lang, *OPEN_FOR_MEMORY, now, lang, article_id],
        )
    )
