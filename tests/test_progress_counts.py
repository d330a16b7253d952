"""`status` keeps its per-article counts and counts again only what changed: never stale."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.conftest import PROJECT
from tool.db.connection import open_database
from tool.services.importer import import_originals
from tool.services.progress import article_counts, status
from tool.services.realign import realign
from tool.services.review import approve, reject
from tool.services.revisions import restore_segment
from tool.services.translations import import_translations
from tool.services.users import add_user


@pytest.fixture
def desk(db, tmp_path):
    """The sample corpus imported and aligned."""
    for folder in ("originals", "translations"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    import_originals(db, [tmp_path / "originals"])
    import_translations(db, [tmp_path / "translations"])
    return tmp_path


def _fresh(db, lang):
    """What status counts with nothing kept."""
    db.execute("DELETE FROM status_counts")
    return article_counts(db, lang)


def _check(db, lang="en"):
    kept = article_counts(db, lang)
    assert db.execute("SELECT COUNT(*) FROM status_counts").fetchone()[0] > 0
    assert kept == _fresh(db, lang)
    return kept


def _units(db, article, status="translated"):
    return [
        r[0]
        for r in db.execute(
            "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = ? AND u.status = ? AND u.joined_to IS NULL ORDER BY s.seq",
            [article, status],
        )
    ]


def test_counts_follow_every_kind_of_change(db, desk):
    first = _check(db)
    assert first["tiff-cluj-2025"] == {"translated": (11, 134)}
    approve(db, _units(db, "tiff-cluj-2025")[:2], "elena")
    assert _check(db)["tiff-cluj-2025"]["approved"][0] >= 2  # a bead carries its joined units
    reject(db, _units(db, "canicula-cod-rosu")[0], "elena", "Again.")
    assert _check(db)["canicula-cod-rosu"]["rejected"][0] == 1
    realign(db, _units(db, "putin-nato-threat")[3], "merge-next", "elena")
    _check(db)
    # An edited original: a sentence removed (obsolete) and one added.
    original = desk / "originals/ro/buget-bucuresti-2026.md"
    text = original.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    original.write_text("\n\n".join(paragraphs[:-1]) + "\n\nO frază nouă.\n", encoding="utf-8")
    import_originals(db, [original])
    counted = _check(db)
    obsolete = db.execute(
        "SELECT id FROM segments WHERE article_id = 'buget-bucuresti-2026' AND obsolete = 1"
    ).fetchone()[0]
    restore_segment(db, obsolete, "elena")
    assert _check(db) != counted
    # A language nobody translates into yet: every live segment is new.
    if not db.execute("SELECT 1 FROM users WHERE role = 'admin'").fetchone():
        add_user(db, "root", "admin", [], by="root")
    add_user(db, "olga", "translator", ["uk"], by="root")
    uk = _check(db, "uk")
    assert set(uk) == set(first) and all(set(c) == {"new"} for c in uk.values())


def test_status_report_is_the_same_with_kept_counts(db, desk):
    approve(db, _units(db, "tiff-cluj-2025")[:3], "elena")
    first = status(db, "ana", lang="en")
    again = status(db, "ana", lang="en")
    assert again.rows == first.rows and again.totals == first.totals
    db.execute("DELETE FROM status_counts")
    assert status(db, "ana", lang="en").rows == first.rows


def test_counts_are_made_again_when_their_version_changes(db, desk, monkeypatch):
    from tool.services import progress

    _check(db)
    db.execute("UPDATE status_counts SET counts = '0-00000000;' || counts")  # an old format
    assert article_counts(db, "en") == _fresh(db, "en")
    monkeypatch.setattr(progress, "_RECOUNT_ALL_FROM", 1)  # a few stale ones, one scan
    db.execute("DELETE FROM status_counts WHERE article_id = 'tiff-cluj-2025'")
    assert article_counts(db, "en") == _fresh(db, "en")


def test_a_read_only_database_is_counted_without_keeping(db, db_path, desk):
    expected = _fresh(db, "en")
    db.execute("DELETE FROM status_counts")
    db.close()
    db_path.chmod(0o444)
    try:
        readonly = open_database(db_path)
        readonly.conn.execute("PRAGMA query_only = ON")  # as on a read-only filesystem
        assert article_counts(readonly, "en") == expected
        readonly.close()
    finally:
        db_path.chmod(0o644)
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM status_counts").fetchone()[0] == 0
    conn.close()
