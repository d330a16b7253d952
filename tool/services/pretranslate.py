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
from tool.services.memory import EXACT, MemoryIndex
from tool.services.users import REVIEWING_ROLES, require_user
from tool.services.workflow import write_event

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
    index = index or MemoryIndex(db, article[0], lang)
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
            if row["id"] is None:  # a segment nobody has worked on in this language yet
                row = {**row, **_create_unit(db, row["segment_id"], lang, user, now)}
                result.created += 1
            # An open unit holds no bead (its text is empty), so no members follow it.
            db.execute(
                "UPDATE units SET text = ?, status = ?, origin = 'memory', confidence = ?, "
                "updated_at = ? WHERE id = ?",
                [match.target, status, min(match.score, EXACT) / 100, now, row["id"]],
            )
            write_event(
                db,
                row,
                at=now,
                user=user,
                action="pretranslate",
                new_status=status,
                new_text=match.target,
                detail={"memory": match.id, "score": match.score, "origin": match.origin},
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


def _create_unit(
    db: sqlite_utils.Database, segment_id: int, lang: str, user: str, at: str
) -> dict[str, Any]:
    """A new empty unit with its ``create`` event (as check-out makes them)."""
    unit_id = db.execute(
        "INSERT INTO units (segment_id, lang, text, status, origin, updated_at) "
        "VALUES (?, ?, '', 'new', 'human', ?)",
        [segment_id, lang, at],
    ).lastrowid
    db.execute(
        "INSERT INTO events (unit_id, at, user, action, old_status, new_status, old_text, "
        "new_text, comment) VALUES (?, ?, ?, 'create', NULL, 'new', NULL, '', '')",
        [unit_id, at, user],
    )
    return {"id": unit_id, "status": "new", "text": ""}


def _units(db: sqlite_utils.Database, article_id: str, lang: str, now: str) -> list[dict]:
    """The article's live segments in order, with their unit (if any) and whether it is open."""
    marks = ",".join("?" * len(OPEN_FOR_MEMORY))
    return list(
        db.query(
            "SELECT u.id, u.status, u.text, ? AS lang, s.id AS segment_id, s.article_id, "
            "s.seq, s.text AS source, "
            f"(u.status IN ({marks}) AND u.text = '' AND u.joined_to IS NULL) AS open, "
            "EXISTS (SELECT 1 FROM leases l WHERE l.unit_id = u.id AND l.expires_at > ?) "
            "AS leased FROM segments s LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
            "WHERE s.article_id = ? AND s.obsolete = 0 ORDER BY s.seq",
            [lang, *OPEN_FOR_MEMORY, now, lang, article_id],
        )
    )
