"""The glossary: required translations of terms per language pair, and forbidden variants.

Terms are matched in text by stems (see :mod:`tool.core.stems`), so ``negocieri`` also
finds ``negocierile`` and ``negocierilor``; multi-word terms match stem by stem.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang
from tool.core.normalize import normalise_text
from tool.core.qa import TermHit
from tool.core.stems import find_phrase, stems
from tool.db.connection import transaction
from tool.errors import InputError, ToolError
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


def _clean(term: str, translation: str, forbidden: Iterable[str], where: str = "") -> tuple:
    term, translation = normalise_text(term or ""), normalise_text(translation or "")
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
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        return _upsert(db, term, translation, wrong, note, base_lang(source_lang),
                       base_lang(target_lang), user, stamp())  # fmt: skip


def _upsert(db, term, translation, wrong, note, source, target, user, now) -> tuple[Term, bool]:
    row = {
        "source_lang": source,
        "target_lang": target,
        "term": term,
        "translation": translation,
        "forbidden": json.dumps(wrong, ensure_ascii=False),
        "note": normalise_text(note or ""),
        "created_by": user,
        "created_at": now,
    }
    existing = db.execute(
        "SELECT id FROM glossary WHERE source_lang = ? AND target_lang = ? AND term = ?",
        [source, target, term],
    ).fetchone()
    if existing:
        db["glossary"].update(existing[0], row)
        row["id"] = existing[0]
    else:
        row["id"] = db["glossary"].insert(row).last_pk
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

    CSV/TSV columns: term, translation, forbidden (wrong translations separated by ``;``),
    note. TBX: see :func:`_tbx_entries`.
    """
    path = Path(path)
    source, target, now = base_lang(source_lang), base_lang(target_lang), stamp()
    if path.suffix.lower() == ".tbx":
        entries = _tbx_entries(path, source, target)
    else:
        entries = _csv_entries(path)
    counts = {"added": 0, "updated": 0}
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        for term, translation, wrong, note in entries:
            _, new = _upsert(db, term, translation, wrong, note, source, target, user, now)
            counts["added" if new else "updated"] += 1
    return counts


def _csv_entries(path: Path) -> list[tuple[str, str, list[str], str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from None
    dialect = (
        "excel-tab" if path.suffix.lower() == ".tsv" or "\t" in text.split("\n")[0] else "excel"
    )
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if "term" not in columns or "translation" not in columns:
        raise InputError(f"{path}: the first line must name the columns term and translation")
    entries = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
        if not any(v.strip() for v in row.values()):
            continue
        wrong = [w.strip() for w in row.get("forbidden", "").split(";")]
        entries.append((*_clean(row["term"], row["translation"], wrong, f"{path}:{line}: "),
                        row.get("note", "")))  # fmt: skip
    return entries


_FORBIDDEN_STATUS = {"deprecatedterm-admn", "supersededterm-admn", "deprecated", "superseded"}


def _tbx_entries(path: Path, source: str, target: str) -> list[tuple[str, str, list[str], str]]:
    """Term pairs from a TBX file (TBX-Basic, v2 termEntry or v3 conceptEntry).

    The target's first term not marked deprecated or superseded is the translation; the
    marked ones are forbidden.
    """
    from tool.formats.xml import local, parse_xml

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    root = parse_xml(data, str(path))
    if local(root.tag) not in ("martif", "tbx"):
        raise InputError(f"{path}: not a TBX file (root element <{local(root.tag)}>)")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    entries = []
    for concept in root.iter():
        if local(concept.tag) not in ("termEntry", "conceptEntry"):
            continue
        terms: dict[str, list[tuple[str, bool]]] = {}
        notes = []
        for lang_set in concept.iter():
            if local(lang_set.tag) in ("descrip", "note") and (lang_set.text or "").strip():
                notes.append(lang_set.text.strip())
            if local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            code = lang_set.get(xml_lang) or lang_set.get("lang") or ""
            try:
                lang = base_lang(code)
            except ToolError:
                continue
            for node in lang_set.iter():
                if local(node.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term = next((e for e in node.iter() if local(e.tag) == "term"), None)
                if term is None or not "".join(term.itertext()).strip():
                    continue
                status = " ".join(
                    (e.text or "").strip().lower()
                    for e in node.iter()
                    if local(e.tag) == "termNote" and e.get("type") == "administrativeStatus"
                )
                terms.setdefault(lang, []).append(
                    ("".join(term.itertext()), status in _FORBIDDEN_STATUS)
                )
        sources = [t for t, bad in terms.get(source, []) if not bad]
        targets = terms.get(target, [])
        allowed = [t for t, bad in targets if not bad]
        if not sources or not allowed:
            continue
        wrong = [t for t, bad in targets if bad]
        line = concept.sourceline or 0
        entries.append((*_clean(sources[0], allowed[0], wrong, f"{path}:{line}: "),
                        "; ".join(dict.fromkeys(notes))))  # fmt: skip
    return entries


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
