"""Backups, restores, integrity checks, and killing the process mid-operation."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT, snapshot
from tool.db.connection import open_database
from tool.services.importer import import_originals
from tool.services.maintenance import check


def test_backup_and_restore(run, db, db_path, articles_dir, tmp_path):
    run("import", articles_dir)
    backup_path = tmp_path / "backup.db"
    result = run("backup", backup_path)
    assert result.exit_code == 0 and result.output == f"backup written to {backup_path}\n"
    assert run("backup", backup_path).stderr == (
        f"Error: {backup_path} already exists; use --force to overwrite it\n"
    )
    saved = snapshot(db_path)

    db.execute("DELETE FROM segments WHERE article_id = 'storm'")
    db.execute("DELETE FROM articles WHERE id = 'storm'")
    refused = run("restore", backup_path)
    assert refused.exit_code == 1
    assert "use --force to replace it" in refused.stderr
    assert run("restore", backup_path, "--force").exit_code == 0
    assert snapshot(db_path) == saved


def test_restore_refuses_a_file_that_is_not_a_database(run, db_path, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("hello", encoding="utf-8")
    run("init")
    before = snapshot(db_path)
    result = run("restore", bogus)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bogus}: not a desk database\n"
    assert snapshot(db_path) == before


def test_check_passes_on_a_sound_database(run, articles_dir):
    run("import", articles_dir)
    result = run("check")
    assert result.exit_code == 0
    assert result.output == "ok\n"


def test_check_reports_broken_invariants(db, run, articles_dir):
    import_originals(db, [articles_dir])
    segment_id = db.execute("SELECT id FROM segments LIMIT 1").fetchone()[0]
    db.execute(
        "INSERT INTO units (segment_id, lang, text, status) VALUES (?, 'en', 'x', 'done')",
        [segment_id],
    )
    problems = check(db).problems
    assert any("illegal status 'done'" in p for p in problems)
    assert any("has no history" in p for p in problems)
    result = run("check")
    assert result.exit_code == 1
    assert result.output.endswith("problem(s) found\n")


def _sync(db_path, root):
    return subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "manage.py"),
            "--db",
            str(db_path),
            "sync",
            "--root",
            str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_all_or_nothing(tmp_path):
    """Kill a sync many times at random moments: the database stays sound, all or none."""
    if not (PROJECT / "originals").is_dir():
        pytest.skip("no sample corpus")
    rng = random.Random(20261125)
    # How long a full sync takes here, to spread the kills over it.
    probe = tmp_path / "probe.db"
    started = time.perf_counter()
    assert _sync(probe, PROJECT).wait() == 0
    duration = time.perf_counter() - started
    expected = snapshot(probe)
    counts = {"none": 0, "all": 0}
    for attempt in range(12):
        db_path = tmp_path / f"kill{attempt}.db"
        process = _sync(db_path, PROJECT)
        time.sleep(rng.uniform(0.0, duration))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        db = open_database(db_path)  # recovers the WAL, migrates if the kill came first
        assert check(db).ok, check(db).problems
        articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        translated = db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        db.close()
        if articles == 0:
            counts["none"] += 1
            assert translated == 0
        else:
            # Originals are one transaction, translations another: each all or none.
            assert articles == len(expected["articles"])
            segments = (
                sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM segments").fetchone()[0]
            )
            assert segments == len(expected["segments"])
            assert translated in (0, len(expected["units"]))
            counts["all"] += 1
    assert counts["none"] + counts["all"] == 12
