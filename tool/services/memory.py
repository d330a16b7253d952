"""The translation memory: approved pairs, exact/fuzzy/context search, TMX import and export.

Scores follow CAT tools: 101 is a context match (exact, and the previous source segment is
the same too), 100 an exact match of the normalised source, below that a fuzzy
similarity (rapidfuzz ratio on the case-folded text, floored, at most 99).

Fuzzy search first retrieves candidates from the FTS5 index by the query's rarest words
(an inverted index), then scores only those with rapidfuzz, so its cost barely grows with
the size of the memory.
Languages are stored as base codes (``en``, not ``en_US``).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from rapidfuzz import fuzz

from tool.clock import stamp
from tool.core.locale import base_lang
from tool.core.normalize import normalise_text
from tool.core.stems import fold
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError, ToolError
from tool.services.users import REVIEWING_ROLES, require_user

CONTEXT = 101
EXACT = 100
CANDIDATES = 60  # fuzzy candidates scored per query
DF_CAP = 3000  # word frequencies are counted up to this
RARE_TERMS_HIGH = 5  # enough when only close matches (75% and up) are wanted
RARE_TERMS = 8  # at most this many of the query's rarest words retrieve candidates
_TERM = re.compile(r"[^\W_]+")


@dataclass
class Match:
    """One memory entry found for a query, with its score."""

    id: int
    score: int
    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str
    translator: str
    reviewer: str
    article_id: str
    previous: str | None
    changed_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def source_hash(norm: str) -> str:
    """The indexed hash of a normalised source text."""
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


def fuzzy_key(text: str) -> str:
    """The form fuzzy scores compare: normalised and case-folded."""
    return normalise_text(text).casefold()


def terms(text: str) -> list[str]:
    """The distinct index terms of a text, as FTS5's unicode61 tokenizer makes them."""
    return list(dict.fromkeys(_TERM.findall(fold(text))))


def similarity(query_key: str, candidate_key: str, cutoff: float = 0) -> int:
    """A fuzzy score 0..99 for two different texts (see :func:`fuzzy_key`)."""
    if query_key == candidate_key:
        return 99  # differs only in case or spacing
    score = fuzz.ratio(query_key, candidate_key, score_cutoff=cutoff)
    return min(99, int(score))


class MemoryIndex:
    """Searches the memory of one language pair; keeps word frequencies cached for batches."""

    def __init__(self, db: sqlite_utils.Database, source_lang: str, target_lang: str) -> None:
        self.db = db
        self.source_lang = base_lang(source_lang)
        self.target_lang = base_lang(target_lang)
        self._df: dict[str, int] = {}
        self._empty: bool | None = None

    def _frequencies(self, words: list[str]) -> dict[str, int]:
        """How many entries hold each word, counted up to DF_CAP (enough to rank rarity).

        Counting through the index costs as much as the word is common, so common words
        stop at the cap; counts are cached for the life of this index object.
        """
        for word in words:
            if word not in self._df:
                self._df[word] = self.db.execute(
                    "SELECT COUNT(*) FROM (SELECT rowid FROM memory_fts "
                    "WHERE memory_fts MATCH ? LIMIT ?)",
                    [f'"{word}"', DF_CAP],
                ).fetchone()[0]
        return {w: self._df[w] for w in words}

    def is_empty(self) -> bool:
        if self._empty is None:
            self._empty = not self.db.execute(
                "SELECT 1 FROM memory WHERE source_lang = ? AND target_lang = ? LIMIT 1",
                [self.source_lang, self.target_lang],
            ).fetchone()
        return self._empty

    def exact(self, norm: str) -> list[dict[str, Any]]:
        """Rows whose normalised source is ``norm``."""
        return list(
            self.db.query(
                "SELECT * FROM memory WHERE source_lang = ? AND target_lang = ? "
                "AND source_hash = ? AND source_norm = ?",
                [self.source_lang, self.target_lang, source_hash(norm), norm],
            )
        )

    def candidates(
        self, norm: str, limit: int = CANDIDATES, rare_terms: int = RARE_TERMS
    ) -> list[dict[str, Any]]:
        """Rows sharing the query's rarest words, the most (and rarest) shared first.

        Each rare word's entries are read straight from the index (FTS5's own ranking
        costs more) and weighted by 1/sqrt(frequency); SQLite sums the weights.
        """
        frequencies = self._frequencies(terms(norm))
        # Words at the cap are too common to retrieve by: reading their entries costs too much.
        rare = sorted((df, w) for w, df in frequencies.items() if 0 < df < DF_CAP)[:rare_terms]
        if not rare:
            return []
        parts = " UNION ALL ".join(
            "SELECT rowid, ? AS w FROM memory_fts WHERE memory_fts MATCH ?" for _ in rare
        )
        params: list[Any] = []
        for df, word in rare:
            params += [1 / math.sqrt(df), f'"{word}"']
        ids = [
            row[0]
            for row in self.db.execute(
                f"SELECT rowid, SUM(w) AS weight FROM ({parts}) GROUP BY rowid "
                "ORDER BY weight DESC LIMIT ?",
                [*params, limit],
            )
        ]
        marks = ",".join("?" * len(ids))
        rows = self.db.query(f"SELECT * FROM memory WHERE id IN ({marks})", ids)
        pair = (self.source_lang, self.target_lang)
        return [r for r in rows if (r["source_lang"], r["target_lang"]) == pair]

    def search(
        self,
        text: str,
        *,
        previous: str | None = None,
        limit: int = 5,
        minimum: int = 50,
    ) -> list[Match]:
        """The best matches for ``text``, best first (ties: the most recently changed)."""
        norm = normalise_text(text)
        if not norm or self.is_empty():
            return []
        context = normalise_text(previous) if previous is not None else None
        found: dict[int, Match] = {}
        for row in self.exact(norm):
            score = CONTEXT if context is not None and row["previous"] == context else EXACT
            found[row["id"]] = _match(row, score)
        if minimum < EXACT and len(found) < limit:
            key = fuzzy_key(norm)
            rare_terms = RARE_TERMS_HIGH if minimum >= 75 else RARE_TERMS
            for row in self.candidates(norm, rare_terms=rare_terms):
                if row["id"] in found:
                    continue
                score = similarity(key, row["source_norm"].casefold(), minimum)
                if score >= minimum:
                    found[row["id"]] = _match(row, score)
        ranked = sorted(found.values(), key=lambda m: (m.score, m.changed_at, m.id), reverse=True)
        best: list[Match] = []
        seen: set[tuple[str, str]] = set()
        for match in ranked:
            if match.score < minimum or (match.source, match.target) in seen:
                continue
            seen.add((match.source, match.target))
            best.append(match)
            if len(best) == limit:
                break
        return best


def _match(row: dict[str, Any], score: int) -> Match:
    return Match(
        id=row["id"],
        score=score,
        source=row["source"],
        target=row["target"],
        source_lang=row["source_lang"],
        target_lang=row["target_lang"],
        origin=row["origin"] or "",
        translator=row["translator"] or "",
        reviewer=row["reviewer"] or "",
        article_id=row["article_id"] or "",
        previous=row["previous"],
        changed_at=row["changed_at"] or "",
    )


def search_memory(
    db: sqlite_utils.Database,
    text: str,
    source_lang: str,
    target_lang: str,
    *,
    previous: str | None = None,
    limit: int = 5,
    minimum: int = 50,
) -> list[Match]:
    """Exact, context and fuzzy matches for ``text``, best first."""
    index = MemoryIndex(db, source_lang, target_lang)
    return index.search(text, previous=previous, limit=limit, minimum=minimum)


def best_matches(
    db: sqlite_utils.Database,
    source_text: str,
    source_lang: str,
    target_lang: str,
    *,
    previous: str | None = None,
    limit: int = 3,
    minimum: int = 75,
) -> list[Match]:
    """The few best matches to show next to a unit while it is translated."""
    return search_memory(
        db, source_text, source_lang, target_lang, previous=previous, limit=limit, minimum=minimum
    )


def matches_by_unit(
    db: sqlite_utils.Database, unit_ids: Iterable[int], *, minimum: int = 75, limit: int = 1
) -> dict[int, list[Match]]:
    """The best memory matches of each unit's source, its whole bead's (units without one
    are left out); the segment before it decides context matches."""
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = db.execute(
        "SELECT u.id, u.lang, a.lang, s.text, (SELECT p.text FROM segments p "
        "WHERE p.article_id = s.article_id AND p.obsolete = 0 AND p.seq < s.seq "
        "ORDER BY p.seq DESC LIMIT 1) FROM units u JOIN segments s ON s.id = u.segment_id "
        f"JOIN articles a ON a.id = s.article_id WHERE u.id IN ({','.join('?' * len(ids))})",
        ids,
    ).fetchall()
    indexes: dict[tuple[str, str], MemoryIndex] = {}
    found: dict[int, list[Match]] = {}
    for unit_id, target_lang, source_lang, source, previous in rows:
        pair = (source_lang, target_lang)
        index = indexes.setdefault(pair, MemoryIndex(db, *pair))
        text = " ".join([source, *_joined_sources(db, unit_id)])
        matches = index.search(text, previous=previous, minimum=minimum, limit=limit)
        if matches:
            found[unit_id] = matches
    return found


def _joined_sources(db: sqlite_utils.Database, head_id: int) -> list[str]:
    """The source texts of the segments joined into a head unit's bead, in order."""
    return [
        r[0]
        for r in db.execute(
            "SELECT s.text FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE u.joined_to = ? ORDER BY s.seq",
            [head_id],
        )
    ]


# Adding pairs -------------------------------------------------------------------------


def _unit_pair(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any] | None:
    """The memory row an approved unit makes (its bead's sources joined), or None."""
    rows = list(
        db.query(
            "SELECT u.*, s.article_id, s.seq, s.text AS source, a.lang AS source_lang "
            "FROM units u JOIN segments s ON s.id = u.segment_id "
            "JOIN articles a ON a.id = s.article_id WHERE u.id = ?",
            [unit_id],
        )
    )
    if not rows:
        raise NotFoundError(f"no unit {unit_id}")
    unit = rows[0]
    if unit["status"] != "approved" or unit["joined_to"] or not (unit["text"] or "").strip():
        return None
    source = normalise_text(" ".join([unit["source"], *_joined_sources(db, unit_id)]))
    before = db.execute(
        "SELECT text FROM segments WHERE article_id = ? AND obsolete = 0 AND seq < ? "
        "ORDER BY seq DESC LIMIT 1",
        [unit["article_id"], unit["seq"]],
    ).fetchone()
    return {
        "source_lang": base_lang(unit["source_lang"]),
        "target_lang": base_lang(unit["lang"]),
        "source": source,
        "target": unit["text"],
        "source_norm": source,
        "source_hash": source_hash(source),
        "previous": normalise_text(before[0]) if before else "",
        "article_id": unit["article_id"],
        "segment_id": unit["segment_id"],
        "unit_id": unit_id,
        "translator": unit["translator"] or "",
        "reviewer": unit["reviewer"] or "",
        "origin": "desk",
        "changed_at": unit["updated_at"] or stamp(),
    }


def add_approved(db: sqlite_utils.Database, unit_id: int) -> int | None:
    """Put an approved unit's pair into the memory (or refresh its entry); its memory id.

    Returns None, writing nothing, if the unit is not approved, is empty or is joined
    into another unit's bead. Call it inside the approving transaction.
    """
    row = _unit_pair(db, unit_id)
    if row is None:
        return None
    with transaction(db):
        existing = db.execute("SELECT id FROM memory WHERE unit_id = ?", [unit_id]).fetchone()
        if existing:
            db["memory"].update(existing[0], row)
            return existing[0]
        row["created_at"] = row["changed_at"]
        return db["memory"].insert(row).last_pk


def withdraw_unit(db: sqlite_utils.Database, unit_id: int) -> bool:
    """Take a unit's pair out of the memory (it is no longer approved); True if it was there."""
    return db.execute("DELETE FROM memory WHERE unit_id = ?", [unit_id]).rowcount > 0


def sync_memory(db: sqlite_utils.Database) -> int:
    """Add every approved unit missing from the memory (or changed since); how many."""
    ids = [
        r[0]
        for r in db.execute(
            "SELECT u.id FROM units u LEFT JOIN memory m ON m.unit_id = u.id "
            "WHERE u.status = 'approved' AND u.joined_to IS NULL AND u.text != '' "
            "AND (m.id IS NULL OR m.target != u.text) ORDER BY u.id"
        )
    ]
    with transaction(db):
        return sum(1 for unit_id in ids if add_approved(db, unit_id) is not None)


def rebuild_index(db: sqlite_utils.Database) -> None:
    """Rebuild the full-text index from the memory table."""
    with transaction(db):
        db.execute("INSERT INTO memory_fts(memory_fts) VALUES ('rebuild')")


def memory_stats(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Entries per language pair and origin."""
    return list(
        db.query(
            "SELECT source_lang, target_lang, origin, COUNT(*) AS entries FROM memory "
            "GROUP BY source_lang, target_lang, origin ORDER BY source_lang, target_lang, origin"
        )
    )


# TMX ----------------------------------------------------------------------------------


@dataclass
class TmxImportResult:
    path: str
    added: int = 0
    duplicates: int = 0
    skipped: int = 0  # entries without the source language or without a translation


def _tmx_rows(path: Path, source_lang: str | None, now: str) -> Iterator[dict[str, Any]]:
    from tool.formats.tmx import read_tmx

    for entry in read_tmx(path):
        variants = {}
        for code, text in entry.variants.items():
            variants[_tmx_lang(code, path)] = text
        wanted = source_lang or (
            _tmx_lang(entry.srclang, path) if entry.srclang and entry.srclang != "*all*" else ""
        )
        source = normalise_text(variants.get(wanted, ""))
        if not wanted or not source:
            yield {}
            continue
        for lang, text in variants.items():
            if lang == wanted or not normalise_text(text):
                continue
            yield {
                "source_lang": wanted,
                "target_lang": lang,
                "source": source,
                "target": normalise_text(text),
                "source_norm": source,
                "source_hash": source_hash(source),
                "previous": _context(entry.props),
                "translator": entry.creationid or "",
                "reviewer": entry.changeid or "",
                "origin": path.name,
                "created_at": _tmx_date(entry.creationdate) or now,
                "changed_at": _tmx_date(entry.changedate or entry.creationdate) or now,
            }


def _context(props: dict[str, str] | None) -> str | None:
    """The previous source segment, if the TMX unit carries it (as this desk exports)."""
    value = (props or {}).get("x-context")
    return normalise_text(value) if value is not None else None


def _tmx_lang(code: str, path: Path) -> str:
    try:
        return base_lang(code)
    except ToolError:
        raise InputError(f"{path}: unknown language {code!r}") from None


def _tmx_date(value: Any) -> str:
    """An ISO stamp from a TMX date (``20020523T091200Z``) or a datetime; '' if unknown."""
    if not value:
        return ""
    if hasattr(value, "strftime"):
        return stamp(value)
    text = str(value)
    match = re.fullmatch(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z", text)
    if match:
        y, mo, d, h, mi, s = match.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s}.000000Z"
    return text


def import_tmx(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    source_lang: str | None = None,
    user: str = "",
) -> TmxImportResult:
    """Add a TMX file's pairs to the memory, all or nothing; identical pairs are skipped.

    The source language is ``source_lang`` if given, else each unit's (or the header's)
    srclang; every other variant becomes a pair. Only editors and admins may import.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    wanted = base_lang(source_lang) if source_lang else None
    result = TmxImportResult(str(path))
    rows = list(_tmx_rows(path, wanted, stamp()))  # read and check it all first
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        for row in rows:
            if not row:
                result.skipped += 1
                continue
            if db.execute(
                "SELECT 1 FROM memory WHERE source_lang = ? AND target_lang = ? "
                "AND source_hash = ? AND source_norm = ? AND target = ?",
                [row["source_lang"], row["target_lang"], row["source_hash"], row["source"],
                 row["target"]],
            ).fetchone():  # fmt: skip
                result.duplicates += 1
                continue
            db["memory"].insert(row)
            result.added += 1
    return result


def memory_entries(
    db: sqlite_utils.Database, source_lang: str | None = None, target_lang: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every memory row (optionally of one language pair), oldest first."""
    where, params = [], []
    if source_lang:
        where.append("source_lang = ?")
        params.append(base_lang(source_lang))
    if target_lang:
        where.append("target_lang = ?")
        params.append(base_lang(target_lang))
    sql = "SELECT * FROM memory" + (" WHERE " + " AND ".join(where) if where else "")
    yield from db.query(sql + " ORDER BY id", params)


def write_tmx(entries: Iterable[dict[str, Any]], path: str | Path, source_lang: str) -> int:
    """Write memory rows as a TMX 1.4b file, streaming; how many units were written."""
    from lxml import etree

    from tool.formats.tmx import TOOL_NAME, TOOL_VERSION

    count = 0
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        xf.write_doctype('<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
        with xf.element("tmx", version="1.4"):
            header = etree.Element(
                "header",
                creationtool=TOOL_NAME,
                creationtoolversion=TOOL_VERSION,
                segtype="sentence",
                adminlang="en",
                srclang=source_lang,
                datatype="plaintext",
            )
            header.set("o-tmf", TOOL_NAME)
            xf.write("\n", header, "\n")
            with xf.element("body"):
                for row in entries:
                    xf.write(_tu(row), "\n")
                    count += 1
    return count


def _tu(row: dict[str, Any]) -> Any:
    from lxml import etree

    from tool.formats.tmx import XML_LANG, tmx_date

    tu = etree.Element("tu", tuid=f"memory-{row['id']}", srclang=row["source_lang"])
    for name, value in (
        ("creationdate", tmx_date(row["created_at"] or "")),
        ("creationid", row["translator"]),
        ("changedate", tmx_date(row["changed_at"] or "")),
        ("changeid", row["reviewer"]),
    ):
        if value:
            tu.set(name, value)
    for prop, value in (
        ("x-article", row["article_id"]),
        ("x-context", row["previous"]),
        ("x-origin", row["origin"]),
    ):
        if value or (prop == "x-context" and value is not None):  # "": the article's start
            etree.SubElement(tu, "prop", type=prop).text = value
    for lang, text in ((row["source_lang"], row["source"]), (row["target_lang"], row["target"])):
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(XML_LANG, lang)
        etree.SubElement(tuv, "seg").text = text
    return tu


def export_tmx(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    source_lang: str = "ro",
    target_lang: str | None = None,
) -> int:
    """Export the memory of one source language (optionally one target) as TMX."""
    source = base_lang(source_lang)
    return write_tmx(memory_entries(db, source, target_lang), path, source)
