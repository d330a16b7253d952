"""Database: creation, pragmas, migrations, version checks, append-only history."""

from __future__ import annotations

import sqlite3

import pytest

from tool.db.connection import default_db_path, open_database, transaction
from tool.db.migrations import migrations, schema_version
from tool.errors import ToolError


def test_new_database_has_schema_wal_and_version(db_path):
    db = open_database(db_path)
    assert {"articles", "segments", "units", "events", "users", "leases"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert [m.name for m in migrations.applied(db)] == [
        m.name for m in migrations.pending(open_database(":memory:", migrate_schema=False))
    ]


def test_reopening_applies_nothing_twice(db_path):
    open_database(db_path).close()
    db = open_database(db_path)
    assert len(migrations.applied(db)) == schema_version()
    assert migrations.pending(db) == []


def test_older_database_is_migrated_forward(db_path):
    """An empty database of schema version 0 (no tables) reaches the current version."""
    sqlite3.connect(db_path).close()
    db = open_database(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema_version()


def test_newer_database_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.close()
    with pytest.raises(ToolError, match="newer than this tool's"):
        open_database(db_path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ToolError, match="folder .* does not exist"):
        open_database(tmp_path / "nope" / "desk.db")


def test_env_var_sets_default_path(monkeypatch, tmp_path):
    monkeypatch.setenv("DESK_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"


def test_default_path_is_in_the_project_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DESK_DB", raising=False)
    (tmp_path / "originals").mkdir()
    (tmp_path / "originals" / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "originals" / "sub")
    assert default_db_path() == tmp_path.resolve() / "desk.db"


def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with transaction(db):
            db["users"].insert({"name": "ana", "role": "translator", "languages": "[]"})
            raise RuntimeError("boom")
    assert db["users"].count == 0


def test_nested_transaction_is_a_savepoint(db):
    with transaction(db):
        db["users"].insert({"name": "ana", "role": "translator", "languages": "[]"})
        with pytest.raises(RuntimeError):
            with transaction(db):
                db["users"].insert({"name": "bob", "role": "editor", "languages": "[]"})
                raise RuntimeError("inner")
    assert [r["name"] for r in db["users"].rows] == ["ana"]


def test_history_is_append_only(db):
    db.execute("INSERT INTO articles (id, lang, content_hash) VALUES ('a', 'ro', 'h')")
    db.execute(
        "INSERT INTO segments (article_id, seq, paragraph, position, kind, text) "
        "VALUES ('a', 0, 1, 0, 'text', 'x')"
    )
    db.execute("INSERT INTO units (segment_id, lang, status) VALUES (1, 'en', 'new')")
    db.execute("INSERT INTO events (unit_id, action) VALUES (1, 'submit')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")
