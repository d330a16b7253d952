"""The schema, as numbered forward migrations (sqlite-utils' Migrations).

Each migration is a small function; a database records which ones it has had in
``_sqlite_migrations`` and its schema version in ``PRAGMA user_version``. Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from tool.errors import ToolError

migrations = Migrations("desk")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Articles, segments, units, target-only text, users, leases and the history."""
    db.table("articles").create(
        {
            "id": str,
            "lang": str,
            "title": str,
            "section": str,
            "author": str,
            "source": str,
            "published": str,
            "meta": str,  # the whole front matter as JSON, keys in file order
            "path": str,
            "content_hash": str,
            "imported_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"lang"},
    )
    db.table("segments").create(
        {
            "id": int,
            "article_id": str,
            "seq": int,  # order in the article, 0-based
            "paragraph": int,  # 0 is the title; body paragraphs count from 1
            "position": int,  # order within the paragraph
            "kind": str,  # title, heading, text, item
            "text": str,
            "hash": str,
            "words": int,
            "obsolete": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "seq", "paragraph", "kind", "text"},
        defaults={"obsolete": 0},
    )
    db.table("segments").create_index(["article_id", "seq"])
    db.table("units").create(
        {
            "id": int,
            "segment_id": int,
            "lang": str,
            "text": str,
            "status": str,
            "translator": str,
            "reviewer": str,
            "origin": str,  # human, aligned, memory
            "confidence": float,
            "joined_to": int,  # set on the 2nd.. unit of a bead whose text its head unit holds
            "comment": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("segment_id", "segments", "id")],
        not_null={"segment_id", "lang", "status"},
        defaults={"status": "new", "text": ""},
    )
    db.table("units").create_index(["segment_id", "lang"], unique=True)
    db.table("units").create_index(["lang", "status"])
    db.table("target_only").create(
        {
            "id": int,
            "article_id": str,
            "lang": str,
            "after_seq": int,  # source segment it follows (-1: before the first)
            "position": int,  # order among target-only lines at the same place
            "text": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("target_only").create_index(["article_id", "lang"])
    db.table("translations").create(
        {
            "article_id": str,
            "lang": str,
            "translator": str,
            "meta": str,
            "path": str,
            "content_hash": str,
            "imported_at": str,
        },
        pk=("article_id", "lang"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("users").create(
        {"name": str, "role": str, "languages": str, "created_at": str},
        pk="name",
        not_null={"role"},
    )
    db.table("leases").create(
        {"unit_id": int, "user": str, "expires_at": str, "created_at": str},
        pk="unit_id",
        foreign_keys=[("unit_id", "units", "id")],
    )
    db.table("leases").create_index(["user"])
    db.table("events").create(
        {
            "id": int,
            "unit_id": int,
            "at": str,
            "user": str,
            "action": str,
            "old_status": str,
            "new_status": str,
            "old_text": str,
            "new_text": str,
            "comment": str,
            "detail": str,  # JSON for anything else (source diff, bead, ...)
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "id")],
    )
    db.table("events").create_index(["unit_id"])
    # History is append-only.
    db.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
    )
    db.table("lexicon").create(
        {"source_lang": str, "target_lang": str, "data": str, "pairs": int, "updated_at": str},
        pk=("source_lang", "target_lang"),
    )


@migrations()
def m002_memory_glossary_qa(db: sqlite_utils.Database) -> None:
    """Translation memory (with a full-text index for fuzzy search), glossary, QA dismissals.

    Also indexes the units joined into a bead, which approving and realigning look up.
    """
    db.execute("CREATE INDEX idx_units_joined_to ON units (joined_to) WHERE joined_to IS NOT NULL")
    db.table("memory").create(
        {
            "id": int,
            "source_lang": str,  # base language codes: ro, en
            "target_lang": str,
            "source": str,
            "target": str,
            "source_norm": str,  # normalise_text(source): what exact matches compare
            "source_hash": str,  # hash of source_norm, indexed for exact lookups
            "previous": str,  # normalised source before this one (context); NULL if unknown
            "article_id": str,
            "segment_id": int,
            "unit_id": int,  # the approved unit this pair came from (desk entries)
            "translator": str,
            "reviewer": str,
            "origin": str,  # "desk" or the TMX file name
            "created_at": str,
            "changed_at": str,
        },
        pk="id",
        not_null={"source_lang", "target_lang", "source", "target", "source_norm", "source_hash"},
    )
    db.table("memory").create_index(["source_lang", "target_lang", "source_hash"])
    db.table("memory").create_index(["unit_id"], unique=True)
    # Candidate retrieval for fuzzy matches: an external-content FTS5 index of the source,
    # kept in step by triggers (lower case, diacritics folded).
    db.execute(
        "CREATE VIRTUAL TABLE memory_fts USING fts5(source_norm, content='memory', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        "CREATE TRIGGER memory_ai AFTER INSERT ON memory BEGIN "
        "INSERT INTO memory_fts(rowid, source_norm) VALUES (new.id, new.source_norm); END"
    )
    db.execute(
        "CREATE TRIGGER memory_ad AFTER DELETE ON memory BEGIN "
        "INSERT INTO memory_fts(memory_fts, rowid, source_norm) "
        "VALUES ('delete', old.id, old.source_norm); END"
    )
    db.execute(
        "CREATE TRIGGER memory_au AFTER UPDATE OF source_norm ON memory BEGIN "
        "INSERT INTO memory_fts(memory_fts, rowid, source_norm) "
        "VALUES ('delete', old.id, old.source_norm); "
        "INSERT INTO memory_fts(rowid, source_norm) VALUES (new.id, new.source_norm); END"
    )
    db.table("glossary").create(
        {
            "id": int,
            "source_lang": str,
            "target_lang": str,
            "term": str,
            "translation": str,
            "forbidden": str,  # JSON list of wrong translations
            "note": str,
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        not_null={"source_lang", "target_lang", "term", "translation"},
        defaults={"forbidden": "[]", "note": ""},
    )
    db.table("glossary").create_index(["source_lang", "target_lang", "term"], unique=True)
    db.table("qa_dismissed").create(
        {
            "unit_id": int,
            "check_id": str,
            "text_hash": str,  # hash of source and target when dismissed
            "by": str,
            "at": str,
        },
        pk=("unit_id", "check_id", "text_hash"),
        foreign_keys=[("unit_id", "units", "id")],
    )


@migrations()
def m003_event_chain(db: sqlite_utils.Database) -> None:
    """Chain the history: each event carries a hash of its content and of the event before.

    Existing events are hashed in order (the append-only trigger is lifted for that, inside
    this migration's transaction only). Users can be disabled, and their changes join the
    history (events with no unit): each existing user gets a ``user-add`` event as they are.
    """
    import json

    from tool.db.history import NewEvent, append, rehash_all

    db.execute("ALTER TABLE events ADD COLUMN hash TEXT")
    db.execute("DROP TRIGGER events_no_update")
    rehash_all(db)
    db.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
    )
    db.execute("ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0")
    # Editors' segment corrections: a segment joined into another is obsolete and says which;
    # each correction is kept so a re-import of the original applies it again.
    db.execute("ALTER TABLE segments ADD COLUMN replaced_by INTEGER")
    db.table("segment_corrections").create(
        {"id": int, "article_id": str, "kind": str, "first": str, "second": str, "by": str,
         "at": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "kind", "first", "second"},
    )  # fmt: skip
    db.table("segment_corrections").create_index(["article_id"])
    db.execute("CREATE INDEX idx_events_users ON events (action) WHERE unit_id IS NULL")
    users = db.execute("SELECT name, role, languages, created_at FROM users ORDER BY name")
    events = [
        NewEvent(
            unit_id=None,
            user="migration",
            action="user-add",
            old_status=None,
            new_status=None,
            old_text=None,
            new_text=json.dumps(
                {"disabled": False, "languages": json.loads(langs or "[]"), "role": role},
                ensure_ascii=False,
                sort_keys=True,
            ),
            detail={"name": name},
        )
        for name, role, langs, _created in users.fetchall()
    ]
    if events:
        append(db, "", events)


@migrations()
def m004_memory_context(db: sqlite_utils.Database) -> None:
    """Memory: entries keep their segment type; search indexes word pairs as well as words.

    ``segtype`` is NULL for one sentence, ``block`` for a bead that merges sentences (or
    what an imported TMX said). The word index ``memory_fts`` is replaced by
    ``memory_keys``, which indexes word pairs too, so near-duplicates made only of common
    words are found (see :mod:`tool.db.memory_index`).
    """
    from tool.db import memory_index

    db.execute("ALTER TABLE memory ADD COLUMN segtype TEXT")
    db.execute(
        "UPDATE memory SET segtype = 'block' WHERE unit_id IN "
        "(SELECT joined_to FROM units WHERE joined_to IS NOT NULL)"
    )
    for trigger in ("memory_ai", "memory_ad", "memory_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS memory_fts")
    db.execute(memory_index.CREATE)
    memory_index.rebuild(db)


@migrations()
def m005_accounts(db: sqlite_utils.Database) -> None:
    """Accounts for the served desk: password hashes, API tokens (stored hashed), browser
    sessions, failed sign-ins (for throttling) and the server's signing keys."""
    db.table("passwords").create(
        {"user": str, "hash": str, "changed_at": str, "changed_by": str},
        pk="user",
        foreign_keys=[("user", "users", "name")],
        not_null={"hash"},
    )
    db.table("tokens").create(
        {
            "id": int,
            "user": str,
            "hash": str,  # sha256 of the token: the token itself is shown once, never stored
            "prefix": str,  # its first characters, to tell tokens apart in lists
            "label": str,
            "created_at": str,
            "created_by": str,
            "last_used_at": str,
            "revoked_at": str,
            "revoked_by": str,
        },
        pk="id",
        foreign_keys=[("user", "users", "name")],
        not_null={"user", "hash"},
    )
    db.table("tokens").create_index(["hash"], unique=True)
    db.table("tokens").create_index(["user"])
    db.table("sessions").create(
        {
            "id_hash": str,  # sha256 of the cookie's session id
            "user": str,
            "csrf": str,
            "address": str,
            "created_at": str,
            "seen_at": str,
        },
        pk="id_hash",
        foreign_keys=[("user", "users", "name")],
        not_null={"user", "csrf"},
    )
    db.table("sessions").create_index(["user"])
    db.table("sign_in_failures").create(
        {"id": int, "name": str, "address": str, "at": str},
        pk="id",
    )
    db.table("sign_in_failures").create_index(["name", "at"])
    db.table("sign_in_failures").create_index(["address", "at"])
    db.table("server_keys").create({"name": str, "value": str, "created_at": str}, pk="name")


@migrations()
def m006_sync_state(db: sqlite_utils.Database) -> None:
    """What `sync` needs to skip work: the files it imported and the exports it wrote.

    ``sync_files``: per file, its size, mtime and SHA-256 when imported and the content
    hash the database then held, so an unchanged file is not read again.
    ``desk_changes``: per article and target language, the number of its last change and
    of its last change touching approved units (triggers on articles, segments, units,
    target_only and translations). ``export_marks``: per export folder, format and
    language, the change number it was written up to (and a token the folder keeps too).
    ``status_counts``: the units and words per status of each article and language as
    of a change number, so `status` counts again only the articles that changed.
    """
    db.table("sync_files").create(
        {
            "path": str,  # absolute
            "kind": str,  # original or translation
            "size": int,
            "mtime_ns": int,
            "sha256": str,
            "article_id": str,
            "lang": str,
            "stored_hash": str,  # articles/translations.content_hash after the import
            "action": str,  # the import's outcome (imported, aligned, differs, ...)
            "synced_at": str,
        },
        pk="path",
        not_null={"kind", "size", "mtime_ns", "sha256"},
    )
    db.execute(
        "CREATE TABLE desk_changes (article_id TEXT NOT NULL, lang TEXT NOT NULL, "
        "changed INTEGER NOT NULL, approvals INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (article_id, lang)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX idx_desk_changes_changed ON desk_changes (changed)")
    db.execute("CREATE INDEX idx_desk_changes_approvals ON desk_changes (approvals)")
    db.table("export_marks").create(
        {
            "folder": str,
            "format": str,
            "lang": str,
            "mark": int,
            "token": str,  # also in the folder's .desk-exports.json: who wrote it last
            "exported_at": str,
        },
        pk=("folder", "format", "lang"),
    )
    db.table("status_counts").create(
        {"lang": str, "article_id": str, "mark": int, "counts": str},  # counts: JSON
        pk=("lang", "article_id"),
    )
    # Triggers keep desk_changes, so every writer, whatever its path, is seen. Columns:
    # trigger, event, the article, the language ('*': every one), "touches approvals".
    unit = "s.article_id"
    triggers = [
        ("articles_ai", "INSERT ON articles", "NEW.id", "'*'", "1"),
        ("articles_au", "UPDATE ON articles", "NEW.id", "'*'", "1"),
        ("segments_au", "UPDATE ON segments", "NEW.article_id", "'*'", "1"),
        ("segments_ad", "DELETE ON segments", "OLD.article_id", "'*'", "1"),
        ("units_ai", "INSERT ON units", unit, "NEW.lang", "NEW.status = 'approved'"),
        (
            "units_au",
            "UPDATE ON units",
            unit,
            "NEW.lang",
            "NEW.status = 'approved' OR OLD.status = 'approved'",
        ),
        ("units_ad", "DELETE ON units", unit, "OLD.lang", "OLD.status = 'approved'"),
        ("target_only_ai", "INSERT ON target_only", "NEW.article_id", "NEW.lang", "0"),
        ("target_only_ad", "DELETE ON target_only", "OLD.article_id", "OLD.lang", "0"),
        ("translations_ai", "INSERT ON translations", "NEW.article_id", "NEW.lang", "1"),
        ("translations_au", "UPDATE ON translations", "NEW.article_id", "NEW.lang", "1"),
    ]
    next_number = "(SELECT COALESCE(MAX(changed), 0) + 1 FROM desk_changes)"  # via its index
    for name, event, article, lang, approvals in triggers:
        row = "OLD" if event.startswith("DELETE") else "NEW"
        source = f"FROM segments s WHERE s.id = {row}.segment_id" if article == unit else "WHERE 1"
        db.execute(
            f"CREATE TRIGGER desk_changes_{name} AFTER {event} BEGIN "
            "INSERT INTO desk_changes (article_id, lang, changed, approvals) "
            f"SELECT {article}, {lang}, {next_number}, "
            f"CASE WHEN {approvals} THEN {next_number} ELSE 0 END {source} "
            "ON CONFLICT (article_id, lang) DO UPDATE SET changed = excluded.changed, "
            "approvals = MAX(desk_changes.approvals, excluded.approvals); END"
        )


def schema_version() -> int:
    """The schema version this code writes: the number of migrations it knows."""
    return len(migrations._migrations)


def migrate(db: sqlite_utils.Database) -> None:
    """Apply pending migrations in one write transaction; refuse a database from a newer tool."""
    known = {m.name for m in migrations._migrations}
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > schema_version():
        raise ToolError(
            f"database schema version {version} is newer than this tool's ({schema_version()}); "
            "upgrade the tool"
        )
    if version == schema_version() and not migrations.pending(db):
        return
    db.conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it done
    try:
        applied = {m.name for m in migrations.applied(db)}
        if applied - known:
            raise ToolError("database has migrations this tool does not know; upgrade the tool")
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {schema_version()}")
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
