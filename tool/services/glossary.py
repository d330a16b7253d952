"""The glossary: required translations of terms per language pair, and forbidden variants.

Terms are matched in text by stems (see :mod:`tool.core.stems`), so ``negocieri`` also
finds ``negocierile`` and ``negocierilor``; multi-word terms match stem by stem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang
from tool.core.normalize import normalise_text, refuse_controls
from tool.core.qa import TermHit
from tool.core.stems import find_phrase, stems
from tool.db.connection import transaction
from tool.errors import InputError, ToolError
from tool.formats.termbase import (
    TermRecord,
    read_glossary_csv,
    read_tbx,
    write_glossary_csv,
    write_tbx,
)
from tool.services.users import REVIEWING_ROLES, require_user


@dataclass
class Term:
    term: str
    translation: str
    source_lang: str
    target_lang: str
    forbidden: list[str] = field(default_factory=list)
    note: str = ""
    created_by: str = ""
    created_at: str = ""
    id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _term(row: dict[str, Any]) -> Term:
    return Term(
        id=row["id"],
        term=row["term"],
        translation=row["translation"],
        source_lang=row["source_lang"],
        target_lang=row["target_lang"],
        forbidden=json.loads(row["forbidden"] or "[]"),
        note=row["note"] or "",
        created_by=row["created_by"] or "",
        created_at=row["created_at"] or "",
    )


def _clean(
    term: str, translation: str, forbidden: Iterable[str], where: str = ""
) -> tuple[str, str, list[str]]:
    """The entry normalised, or InputError (prefixed with ``where``)."""
    term = normalise_text(refuse_controls(term or "", f"{where}term"))
    translation = normalise_text(refuse_controls(translation or "", f"{where}translation"))
    if not term:
        raise InputError(f"{where}a glossary entry needs a term")
    if not translation:
        raise InputError(f"{where}the term {term!r} needs a translation")
    wrong = [w for w in dict.fromkeys(normalise_text(f) for f in forbidden) if w]
    if translation in wrong:
        raise InputError(f"{where}{translation!r} cannot be both required and forbidden")
    return term, translation, wrong


def add_term(
    db: sqlite_utils.Database,
    term: str,
    translation: str,
    *,
    target_lang: str,
    source_lang: str = "ro",
    forbidden: Iterable[str] = (),
    note: str = "",
    user: str = "",
) -> tuple[Term, bool]:
    """Add a term, or replace the entry for the same term; (term, True if it was new).

    Only editors and admins may change the glossary.
    """
    term, translation, wrong = _clean(term, translation, forbidden)
    note = refuse_controls(note or "", "note")
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        record = _Row(term, translation, wrong, note)
        return _upsert(db, record, base_lang(source_lang), base_lang(target_lang), user, stamp())


@dataclass
class _Row:
    term: str
    translation: str
    forbidden: list[str]
    note: str


def _upsert(
    db: sqlite_utils.Database, record: _Row, source: str, target: str, user: str, now: str
) -> tuple[Term, bool]:
    row: dict[str, Any] = {
        "source_lang": source,
        "target_lang": target,
        "term": record.term,
        "translation": record.translation,
        "forbidden": json.dumps(record.forbidden, ensure_ascii=False),
        "note": normalise_text(record.note or ""),
        "created_by": user,
        "created_at": now,
    }
    existing = db.execute(
        "SELECT id FROM glossary WHERE source_lang = ? AND target_lang = ? AND term = ?",
        [source, target, record.term],
    ).fetchone()
    table = db.table("glossary")
    if existing:
        table.update(existing[0], row)
        row["id"] = existing[0]
    else:
        row["id"] = table.insert(row).last_pk
    return _term(row), not existing


def import_glossary(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    target_lang: str,
    source_lang: str = "ro",
    user: str = "",
) -> dict[str, int]:
    """Import a CSV/TSV (or TBX) glossary, all or nothing; counts of added and updated terms.

    CSV/TSV (comma, semicolon or tab, found from the header): columns term, translation,
    forbidden (wrong translations separated by ``;``), note. TBX: the first source term
    and the target's first term not marked deprecated or superseded; the marked ones are
    forbidden. A TBX file with no entry in the two languages is refused, naming the
    languages it has.
    """
    path = Path(path)
    source, target, now = base_lang(source_lang), base_lang(target_lang), stamp()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    if path.suffix.lower() == ".tbx" or data.lstrip()[:200].lstrip(b"\xef\xbb\xbf").startswith(
        b"<"
    ):
        records = _tbx_records(data, str(path), source, target)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InputError(f"{path}: line {line}: bytes that are not valid UTF-8") from None
        records = read_glossary_csv(text, str(path))
    rows = [
        _Row(
            *_clean(r.term, r.translation, r.forbidden, f"{path}:{r.line}: "),
            refuse_controls(r.note, f"{path}:{r.line}: note"),
        )  # fmt: skip
        for r in records
    ]
    counts = {"added": 0, "updated": 0}
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        for row in rows:
            _, new = _upsert(db, row, source, target, user, now)
            counts["added" if new else "updated"] += 1
    return counts


def _tbx_records(data: bytes, name: str, source: str, target: str) -> list[TermRecord]:
    """The term pairs of a TBX file in ``source`` -> ``target``, or InputError if none."""
    records = []
    found: set[str] = set()
    for concept in read_tbx(data, name):
        terms: dict[str, list[tuple[str, bool]]] = {}
        for code, texts in concept.terms.items():
            try:
                lang = base_lang(code)
            except ToolError:
                continue
            found.add(lang)
            terms.setdefault(lang, []).extend(texts)
        sources = [t for t, bad in terms.get(source, []) if not bad]
        allowed = [t for t, bad in terms.get(target, []) if not bad]
        if not sources or not allowed:
            continue
        wrong = [t for t, bad in terms.get(target, []) if bad]
        note = "; ".join(dict.fromkeys(concept.notes))
        records.append(TermRecord(term=sources[0], translation=allowed[0], forbidden=wrong,
                                  note=note, line=concept.line))  # fmt: skip
    if not records:
        has = ", ".join(sorted(found)) or "none"
        raise InputError(
            f"{name}: no entries with terms in both {source} and {target} "
            f"(languages in the file: {has}); nothing imported"
        )
    return records


GLOSSARY_FORMATS = ("csv", "tsv", "tbx")


def export_glossary(
    db: sqlite_utils.Database,
    fmt: str,
    *,
    target_lang: str,
    source_lang: str = "ro",
) -> bytes:
    """The glossary of one language pair as TBX-Basic, CSV or TSV (what import reads)."""
    if fmt not in GLOSSARY_FORMATS:
        raise InputError(f"unknown glossary format {fmt!r} (known: {', '.join(GLOSSARY_FORMATS)})")
    source, target = base_lang(source_lang), base_lang(target_lang)
    records = [
        TermRecord(term=t.term, translation=t.translation, forbidden=t.forbidden, note=t.note)
        for t in list_terms(db, target, source)
    ]
    if fmt == "tbx":
        return write_tbx(records, source, target)
    return write_glossary_csv(records, "\t" if fmt == "tsv" else ",")


def list_terms(
    db: sqlite_utils.Database, target_lang: str | None = None, source_lang: str | None = None
) -> list[Term]:
    """Glossary entries, by language pair and term."""
    where, params = [], []
    if source_lang:
        where.append("source_lang = ?")
        params.append(base_lang(source_lang))
    if target_lang:
        where.append("target_lang = ?")
        params.append(base_lang(target_lang))
    sql = "SELECT * FROM glossary" + (" WHERE " + " AND ".join(where) if where else "")
    return [_term(r) for r in db.query(sql + " ORDER BY source_lang, target_lang, term", params)]


class Glossary:
    """The terms of one language pair, stemmed once, for matching many segments."""

    def __init__(self, db: sqlite_utils.Database, source_lang: str, target_lang: str) -> None:
        self.source_lang = base_lang(source_lang)
        self.target_lang = base_lang(target_lang)
        self.terms = [
            (stems(t.term, self.source_lang), t)
            for t in list_terms(db, self.target_lang, self.source_lang)
        ]

    def hits(self, source: str) -> list[TermHit]:
        """The terms occurring in ``source`` (in any inflected form), in text order."""
        if not self.terms:
            return []
        text = stems(source, self.source_lang)
        found = []
        for term_stems, term in self.terms:
            at = find_phrase(text, term_stems)
            if at >= 0:
                hit = TermHit(term.term, term.translation, tuple(term.forbidden), term.note)
                found.append((at, hit))
        return [hit for _, hit in sorted(found, key=lambda x: x[0])]


def glossary_hits(
    db: sqlite_utils.Database, source: str, source_lang: str, target_lang: str
) -> list[TermHit]:
    """The glossary terms in a source text, to show while translating it."""
    return Glossary(db, source_lang, target_lang).hits(source)
