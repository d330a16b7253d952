"""Older databases migrate forward on first use, keeping their data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA
from tool.db.connection import open_database
from tool.db.migrations import migrations, schema_version
from tool.services.maintenance import check

FIXTURES = sorted(DATA.glob("schema-v*.db"))


#: Schema versions that reached main at the end of a working session: a database of each may
#: exist, so each keeps a fixture. Versions added within one session ship together.
SHIPPED = {1, 2, 6}


def test_there_is_a_fixture_for_every_shipped_version():
    """Each shipped schema version keeps a fixture (make one before adding a migration)."""
    versions = {int(p.stem.split("-v")[1]) for p in FIXTURES}
    assert versions >= SHIPPED
    assert max(SHIPPED) <= schema_version()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_migrates_forward_and_keeps_data(fixture: Path, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(fixture, path)
    db = open_database(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert not migrations.pending(db)
    assert db.execute("SELECT text FROM units WHERE id = 1").fetchone()[0] == "First sentence."
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= 1
    # A version-1 desk could be started by a translator (no admin): check says so.
    expected = ["no admin among the registered users"] if fixture.stem == "schema-v1" else []
    assert check(db).problems == expected
