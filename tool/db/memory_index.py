"""The memory's search index: the words and word pairs fuzzy search retrieves entries by.

Every memory entry is indexed under its folded words (lower case, no diacritics) and
under each pair of adjacent words, in ``memory_keys``, a contentless FTS5 table with
``detail=none`` (posting lists of entry ids, nothing else: about 175 bytes an entry).
Words retrieve entries that share rare vocabulary; word pairs retrieve entries made only
of common words (``nu a fost``, ``de la``...), since a pair of common words is far rarer
than either word. Keys are opaque 12-digit hex tokens hashed with the language pair, so
each pair has its own posting lists and frequencies.

The index holds no text, so it is kept in step by the code that writes the memory
(:func:`index_entries` after an insert, :func:`unindex_entries` before a delete or a
change of source) and rebuilt whole by :func:`rebuild` (``memory rebuild``). The folding
here is the index's own: changing it means rebuilding every index, since the keys stored
for an entry have to be the keys a query makes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlite_utils

TABLE = "memory_keys"
CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(keys, content='', detail='none', tokenize='ascii')"
)
BATCH = 5000

_WORD = re.compile(r"[^\W_]+")
_MASK = (1 << 48) - 1
_MIX = 0x9E3779B97F4A7C15  # odd 64-bit constant: mixes the first word of a pair

# (id, source_norm, source_lang, target_lang): what indexing an entry needs.
EntryKey = tuple[int, str, str, str]


def index_words(text: str) -> list[str]:
    """The words of a text as the index sees them, in order: ``Țările`` -> ``tarile``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(folded)


@lru_cache(maxsize=200_000)
def _word_hash(pair: str, word: str) -> int:
    digest = hashlib.blake2b(f"{pair}\x1f{word}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def word_and_pair_keys(
    text: str, source_lang: str, target_lang: str
) -> tuple[list[str], list[str]]:
    """The distinct keys of a source text in a language pair: its words', its word pairs'."""
    pair = f"{source_lang}>{target_lang}"
    hashes = [_word_hash(pair, word) for word in index_words(text)]
    words = dict.fromkeys(f"{h & _MASK:012x}" for h in hashes)
    pairs = dict.fromkeys(
        f"{((first * _MIX) ^ (second >> 1) ^ 1) & _MASK:012x}"
        for first, second in zip(hashes, hashes[1:])
    )
    return list(words), [key for key in pairs if key not in words]


def search_keys(text: str, source_lang: str, target_lang: str) -> list[str]:
    """The distinct keys of a source text in a language pair: words first, then word pairs."""
    words, pairs = word_and_pair_keys(text, source_lang, target_lang)
    return words + pairs


def keys_text(text: str, source_lang: str, target_lang: str) -> str:
    """The keys as one space-separated string, as the index takes them."""
    return " ".join(search_keys(text, source_lang, target_lang))


def index_entries(db: sqlite_utils.Database, entries: Iterable[EntryKey]) -> None:
    """Index memory entries just inserted (or whose source just changed)."""
    insert_keys(db, ((id_, keys_text(norm, src, tgt)) for id_, norm, src, tgt in entries))


def insert_keys(db: sqlite_utils.Database, keyed: Iterable[tuple[int, str]]) -> None:
    """Index entries by keys made beforehand (:func:`keys_text`), outside the write lock."""
    db.conn.executemany(f"INSERT INTO {TABLE}(rowid, keys) VALUES (?, ?)", keyed)


def unindex_entries(db: sqlite_utils.Database, entries: Iterable[EntryKey]) -> None:
    """Take entries out of the index, as they were indexed (before deleting them)."""
    db.conn.executemany(
        f"INSERT INTO {TABLE}({TABLE}, rowid, keys) VALUES ('delete', ?, ?)",
        ((id_, keys_text(norm, src, tgt)) for id_, norm, src, tgt in entries),
    )


def indexed_rows(
    db: sqlite_utils.Database, where: str = "", params: Iterable[Any] = ()
) -> list[EntryKey]:
    """The (id, source_norm, source_lang, target_lang) of memory rows matching ``where``."""
    sql = "SELECT id, source_norm, source_lang, target_lang FROM memory"
    return [tuple(r) for r in db.execute(sql + (f" WHERE {where}" if where else ""), list(params))]


def rebuild(db: sqlite_utils.Database) -> int:
    """Rebuild the whole index from the memory table (inside the caller's transaction)."""
    db.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
    cursor = db.conn.cursor()
    cursor.execute("SELECT id, source_norm, source_lang, target_lang FROM memory ORDER BY id")
    count = 0
    while rows := cursor.fetchmany(BATCH):
        index_entries(db, rows)
        count += len(rows)
    db.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    return count
