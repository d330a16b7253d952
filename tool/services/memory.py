"""The translation memory: approved pairs, exact/fuzzy/context search, TMX import and export.

Scores follow CAT tools: 101 is a context match (exact, and the previous source segment is
the same too), 100 an exact match of the normalised source, below that a fuzzy
similarity (rapidfuzz ratio on the case-folded text, floored, at most 99).

Fuzzy search first retrieves candidates from an inverted index of each entry's words and
pairs of adjacent words (:mod:`tool.db.memory_index`): it reads the posting lists of the
query's rarest keys, weights each entry by the keys it shares, and scores only the best
few dozen with rapidfuzz, so its cost barely grows with the size of the memory. Word
pairs are what find near-duplicates made only of common words: ``nu a fost`` is in far
fewer entries than ``nu``, ``a`` or ``fost``.
Languages are stored as base codes (``en``, not ``en_US``).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from rapidfuzz import fuzz

from tool.clock import stamp
from tool.core.locale import base_lang
from tool.core.normalize import normalise_text, refuse_controls
from tool.db import memory_index
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError, ToolError
from tool.fileio import open_for_writing
from tool.services.users import REVIEWING_ROLES, require_user

if TYPE_CHECKING:  # lxml, which the TMX module needs, is loaded only when TMX is used
    from tool.formats.tmx import TmxEntry, TmxUnit

CONTEXT = 101
EXACT = 100
CANDIDATES = 60  # fuzzy candidates scored per query
DF_CAP = 1000  # key frequencies are counted up to this; keys this common are not read ...
FALLBACK_CAP = 10_000  # ... unless no key is rarer: then word pairs are counted up to this
PROBES = 8  # the posting lists of at most this many of the query's rarest keys are read
FALLBACK_PROBES = 3
BATCH_ROWS = 5000  # imports commit every this many entries ...
BATCH_SECONDS = 0.5  # ... or this often, whichever comes first
LOCK_PAUSE = 0.12  # then let others take the write lock (SQLite polls every <= 100 ms)


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


def similarity(query_key: str, candidate_key: str, cutoff: float = 0) -> int:
    """A fuzzy score 0..99 for two different texts (see :func:`fuzzy_key`)."""
    if query_key == candidate_key:
        return 99  # differs only in case or spacing
    score = fuzz.ratio(query_key, candidate_key, score_cutoff=cutoff)
    return min(99, int(score))


class MemoryIndex:
    """Searches the memory of one language pair; keeps key frequencies cached for batches."""

    def __init__(self, db: sqlite_utils.Database, source_lang: str, target_lang: str) -> None:
        self.db = db
        self.source_lang = base_lang(source_lang)
        self.target_lang = base_lang(target_lang)
        self._df: dict[str, tuple[int, int]] = {}  # key -> (count, cap it was counted to)
        self._empty: bool | None = None

    def _frequencies(self, keys: list[str], cap: int | None = None) -> dict[str, int]:
        """How many entries hold each key, counted up to ``cap`` (default DF_CAP).

        Counting through the index costs as much as the key is common, so common keys
        stop at the cap; counts are cached for the life of this index object.
        """
        cap = cap or DF_CAP
        for key in keys:
            known = self._df.get(key)
            if known is None or (known[0] >= known[1] and cap > known[1]):
                count = self.db.execute(
                    f"SELECT COUNT(*) FROM (SELECT rowid FROM {memory_index.TABLE} "
                    f"WHERE {memory_index.TABLE} MATCH ? LIMIT ?)",
                    [f'"{key}"', cap],
                ).fetchone()[0]
                self._df[key] = (count, cap)
        return {k: self._df[k][0] for k in keys}

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
        self, norm: str, limit: int = CANDIDATES, probes: int = PROBES
    ) -> list[dict[str, Any]]:
        """Rows sharing the query's rarest words and word pairs, the most (and rarest) first.

        Each rare key's entries are read straight from the index and weighted by
        1/sqrt(frequency); SQLite sums the weights. When every key is in DF_CAP entries or
        more (a short sentence of very common words), the word pairs are counted further
        and the rarest few read.
        """
        words, pairs = memory_index.word_and_pair_keys(norm, self.source_lang, self.target_lang)
        frequencies = self._frequencies(words + pairs)
        rare = sorted((df, k) for k, df in frequencies.items() if 0 < df < DF_CAP)[:probes]
        if not rare and pairs:
            frequencies = self._frequencies(pairs, FALLBACK_CAP)
            rare = sorted((df, k) for k, df in frequencies.items() if 0 < df < FALLBACK_CAP)
            rare = rare[:FALLBACK_PROBES]
        if not rare:
            return []
        table = memory_index.TABLE
        parts = " UNION ALL ".join(
            f"SELECT rowid, ? AS w FROM {table} WHERE {table} MATCH ?" for _ in rare
        )
        params: list[Any] = []
        for df, key in rare:
            params += [1 / math.sqrt(df), f'"{key}"']
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
            for row in self.candidates(norm):
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


def attach_best_matches(db: sqlite_utils.Database, units: list[dict[str, Any]]) -> None:
    """Give each unit (a row with an ``id``, as a check-out lists them) its best memory
    match as ``memory``: ``{"score": ..., "target": ...}``, or None."""
    found = matches_by_unit(db, [unit["id"] for unit in units])
    for unit in units:
        best = found.get(unit["id"], [None])[0]
        unit["memory"] = {"score": best.score, "target": best.target} if best else None


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
    joined = _joined_sources(db, unit_id)
    source = normalise_text(" ".join([unit["source"], *joined]))
    before = db.execute(
        "SELECT text FROM segments WHERE article_id = ? AND obsolete = 0 AND seq < ? "
        "ORDER BY seq DESC LIMIT 1",
        [unit["article_id"], unit["seq"]],
    ).fetchone()
    target_lang = base_lang(unit["lang"])
    from tool.formats.tmx import segment_type

    return {
        "source_lang": base_lang(unit["source_lang"]),
        "target_lang": target_lang,
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
        "segtype": segment_type(1 + len(joined), unit["text"], target_lang),
        "changed_at": unit["updated_at"] or stamp(),
    }


def _keys(row: Mapping[str, Any], id_: int) -> memory_index.EntryKey:
    return (id_, row["source_norm"], row["source_lang"], row["target_lang"])


def _insert(db: sqlite_utils.Database, row: Mapping[str, Any]) -> int:
    """Insert one memory row (without indexing it); its id. Call it inside a transaction."""
    columns = [c for c in row if c != "keys"]
    id_ = db.execute(
        f"INSERT INTO memory ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    ).lastrowid
    assert id_ is not None
    return id_


def add_approved(db: sqlite_utils.Database, unit_id: int) -> int | None:
    """Put an approved unit's pair into the memory (or refresh its entry); its memory id.

    Returns None, writing nothing, if the unit is not approved, is empty or is joined
    into another unit's bead. Call it inside the approving transaction.
    """
    row = _unit_pair(db, unit_id)
    if row is None:
        return None
    with transaction(db):
        existing = memory_index.indexed_rows(db, "unit_id = ?", [unit_id])
        if existing:
            id_ = existing[0][0]
            if existing[0] != _keys(row, id_):  # the source changed: so do its keys
                memory_index.unindex_entries(db, existing)
                memory_index.index_entries(db, [_keys(row, id_)])
            db.table("memory").update(id_, row)
            return id_
        row["created_at"] = row["changed_at"]
        id_ = _insert(db, row)
        memory_index.index_entries(db, [_keys(row, id_)])
        return id_


def withdraw_unit(db: sqlite_utils.Database, unit_id: int) -> bool:
    """Take a unit's pair out of the memory (it is no longer approved); True if it was there."""
    with transaction(db):
        existing = memory_index.indexed_rows(db, "unit_id = ?", [unit_id])
        memory_index.unindex_entries(db, existing)
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


def rebuild_index(db: sqlite_utils.Database) -> int:
    """Rebuild the search index from the memory table; how many entries it holds."""
    with transaction(db):
        return memory_index.rebuild(db)


def memory_stats(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Entries per language pair and origin."""
    return list(
        db.query(
            "SELECT source_lang, target_lang, origin, COUNT(*) AS entries FROM memory "
            "GROUP BY source_lang, target_lang, origin ORDER BY source_lang, target_lang, origin"
        )
    )


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


# TMX import ---------------------------------------------------------------------------


@dataclass
class TmxImportResult:
    """What a TMX import did."""

    path: str
    added: int = 0
    duplicates: int = 0  # already in the memory (same pair, same or no context)
    skipped: int = 0  # entries without the source language or without a translation


_KEPT_SEGTYPES = frozenset({"block", "paragraph", "phrase"})  # NULL: a sentence, the default


def _tmx_rows(path: Path, source_lang: str | None, now: str) -> Iterator[dict[str, Any]]:
    """The memory rows of a TMX file, checked; ``{}`` for a unit that makes none."""
    from tool.formats.tmx import iso_date, read_tmx

    label = str(path)
    origin = refuse_controls(path.name, label)
    for entry in read_tmx(path):
        where = entry.where(label)
        _refuse_controls(entry, where)
        variants = {_tmx_lang(code, where): text for code, text in entry.variants.items()}
        wanted = source_lang or (_tmx_lang(entry.srclang, where) if entry.srclang else "")
        source = normalise_text(variants.get(wanted, ""))
        if not wanted or not source:
            yield {}
            continue
        context = entry.context
        targets = [
            (lang, normalise_text(text)) for lang, text in variants.items() if lang != wanted
        ]
        if not any(text for _, text in targets):
            yield {}  # nothing translated
        for lang, target in targets:
            if not target:
                continue
            yield {
                "source_lang": wanted,
                "target_lang": lang,
                "source": source,
                "target": target,
                "source_norm": source,
                "source_hash": source_hash(source),
                "previous": normalise_text(context) if context is not None else None,
                "translator": entry.creationid or "",
                "reviewer": entry.changeid or "",
                "origin": origin,
                "segtype": entry.segtype if entry.segtype in _KEPT_SEGTYPES else None,
                "created_at": iso_date(entry.creationdate) or now,
                "changed_at": iso_date(entry.changedate or entry.creationdate) or now,
                "keys": memory_index.keys_text(source, wanted, lang),  # made outside the lock
            }


def _refuse_controls(entry: TmxEntry, where: str) -> None:
    """InputError naming the unit if any text it brings holds a control character."""
    texts = [*entry.variants.values(), entry.context or ""]
    texts += [entry.creationid or "", entry.changeid or ""]
    for text in texts:
        refuse_controls(text, where)


def _tmx_lang(code: str, where: str) -> str:
    try:
        return base_lang(code)
    except ToolError:
        raise InputError(f"{where}: unknown language {code!r}") from None


def _is_duplicate(db: sqlite_utils.Database, row: Mapping[str, Any]) -> bool:
    """Is the pair in the memory already, with the same context (or the row has none)?"""
    return bool(
        db.execute(
            "SELECT 1 FROM memory WHERE source_lang = ? AND target_lang = ? AND source_hash = ? "
            "AND source_norm = ? AND target = ? AND (? IS NULL OR previous IS ?) LIMIT 1",
            [row["source_lang"], row["target_lang"], row["source_hash"], row["source_norm"],
             row["target"], row["previous"], row["previous"]],
        ).fetchone()
    )  # fmt: skip


def import_tmx(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    source_lang: str | None = None,
    user: str = "",
    batch_rows: int = BATCH_ROWS,
) -> TmxImportResult:
    """Add a TMX file's pairs to the memory; pairs already in it are skipped.

    The source language is ``source_lang`` if given, else each unit's (or the header's)
    srclang; every other variant becomes a pair. Only editors and admins may import.

    The whole file is read and checked first (XML, languages, control characters): a
    bad file changes nothing. Its entries then go in in batches (``batch_rows``
    entries, or half a second of work, each one transaction, with a pause after each),
    so a large import never keeps colleagues waiting for the write lock. If an import is
    interrupted, the batches already committed stay; running it again adds the rest,
    since an entry already in the memory (same pair, same context) is a duplicate.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    wanted = base_lang(source_lang) if source_lang else None
    require_user(db, user, roles=REVIEWING_ROLES)  # before reading a large file; again below
    result = TmxImportResult(str(path))
    rows = list(_tmx_rows(path, wanted, stamp()))  # read and check it all first
    result.skipped = sum(1 for row in rows if not row)
    pending = iter([row for row in rows if row])
    del rows
    while _import_batch(db, pending, user, result, batch_rows):
        time.sleep(LOCK_PAUSE)  # others waiting for the write lock get it now
    return result


def _import_batch(
    db: sqlite_utils.Database,
    rows: Iterator[dict[str, Any]],
    user: str,
    result: TmxImportResult,
    batch_rows: int,
) -> bool:
    """Add rows in one short transaction (at most ``batch_rows``, about BATCH_SECONDS of
    work); True if rows remain."""
    started = time.monotonic()
    more = False
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        keyed: list[tuple[int, str]] = []
        for count, row in enumerate(rows, start=1):
            if _is_duplicate(db, row):
                result.duplicates += 1
            else:
                keyed.append((_insert(db, row), row["keys"]))
            if count >= batch_rows or time.monotonic() - started > BATCH_SECONDS:
                more = True
                break
        memory_index.insert_keys(db, keyed)
        result.added += len(keyed)
    return more


# TMX export ---------------------------------------------------------------------------


@dataclass
class TmxExportResult:
    """What a memory export wrote, and the entries it left out."""

    path: str
    written: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)  # entries XML cannot hold


def memory_unit(row: Mapping[str, Any]) -> TmxUnit:
    """The TMX unit of a memory row: people, dates, article, context and origin."""
    from tool.formats.tmx import TmxUnit

    props = [("x-article", row["article_id"] or "")]
    if row["previous"] is not None:  # "": the article's start; None: unknown
        props.append(("x-context", row["previous"]))
    props.append(("x-origin", row["origin"] or ""))
    return TmxUnit(
        tuid=f"memory-{row['id']}",
        srclang=row["source_lang"],
        segtype=row["segtype"],
        variants=[(row["source_lang"], row["source"]), (row["target_lang"], row["target"])],
        creationdate=row["created_at"] or "",
        creationid=row["translator"] or "",
        changedate=row["changed_at"] or "",
        changeid=row["reviewer"] or "",
        props=[(name, value) for name, value in props if value or name == "x-context"],
    )


def export_tmx(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    source_lang: str = "ro",
    target_lang: str | None = None,
    locales: Mapping[str, str] | None = None,
    force: bool = False,
) -> TmxExportResult:
    """Export the memory of one source language (optionally one target) as a TMX file.

    The file appears whole or not at all, and replaces an existing one only with
    ``force``. An entry holding a character XML cannot (a control typed before they were
    refused) is left out and reported, not written half. ``locales`` maps language codes
    to the tags written (``{"ro": "ro-RO"}``).
    """
    from tool.formats.tmx import TmxWriter

    source = base_lang(source_lang)
    result = TmxExportResult(str(path))
    with open_for_writing(path, force=force) as out, TmxWriter(out, source, locales=locales) as tmx:
        for row in memory_entries(db, source, target_lang):
            tmx.write_unit(memory_unit(row))
    result.written = tmx.count
    result.skipped = [
        {"id": int(tuid.removeprefix("memory-")), "character": f"U+{ord(char):04X}"}
        for tuid, char in tmx.skipped
    ]
    return result
