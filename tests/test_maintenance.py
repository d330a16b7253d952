"""Backups, restores, integrity checks, and killing the process mid-operation."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from tests.conftest import PROJECT, snapshot
from tests.conftest import approve_any as approve  # placeholder texts
from tests.conftest import submit_any as submit  # placeholder texts
from tool.cli import cli
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
    assert result.output == "ok: 0 events, history head 0000000000000000\n"


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


def _sync(db_path, root, *options):
    return subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "manage.py"),
            "--db",
            str(db_path),
            "sync",
            "--root",
            str(root),
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _shape(db_path) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Segments per article and units per article and language."""
    conn = sqlite3.connect(db_path)
    try:
        segments = dict(conn.execute("SELECT article_id, COUNT(*) FROM segments GROUP BY 1"))
        units = {
            (a, lang): n
            for a, lang, n in conn.execute(
                "SELECT s.article_id, u.lang, COUNT(*) FROM units u "
                "JOIN segments s ON s.id = u.segment_id GROUP BY 1, 2"
            )
        }
        return segments, units
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("strict", [False, True], ids=["per-file", "strict"])
def test_sigkill_at_random_points_leaves_all_or_nothing(tmp_path, strict):
    """Kill a sync many times at random moments: the database stays sound and every
    article (with --strict: the whole import) is all or nothing; the next sync finishes."""
    if not (PROJECT / "originals").is_dir():
        pytest.skip("no sample corpus")
    root = tmp_path / "project"  # a copy: sync writes exports/ beside the corpus
    for folder in ("originals", "translations"):
        shutil.copytree(PROJECT / folder, root / folder)
    options = ["--strict"] if strict else []
    rng = random.Random(20261125)
    # How long a full sync takes here, to spread the kills over it.
    probe = tmp_path / "probe.db"
    started = time.perf_counter()
    assert _sync(probe, root, *options).wait() == 0
    duration = time.perf_counter() - started
    segments, units = _shape(probe)
    counts = {"none": 0, "some": 0, "all": 0}
    landed = 0
    for attempt in range(12):
        db_path = tmp_path / f"kill{attempt}.db"
        process = _sync(db_path, root, *options)
        time.sleep(rng.uniform(0.0, duration))
        if process.poll() is None:  # still running (poll reaps a finished one)
            landed += 1
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        db = open_database(db_path)  # recovers the WAL, migrates if the kill came first
        assert check(db).ok, check(db).problems
        recorded = db.execute(
            "SELECT f.path FROM sync_files f LEFT JOIN articles a ON a.id = f.article_id "
            "WHERE f.kind = 'original' AND (a.id IS NULL OR a.content_hash != f.stored_hash)"
        ).fetchall()
        db.close()
        assert recorded == []  # no file is recorded as imported that is not
        got_segments, got_units = _shape(db_path)
        for article, count in got_segments.items():
            assert count == segments[article], article
        for key, count in got_units.items():
            assert count == units[key], key
        whole = got_segments == segments and got_units == units
        if strict:
            assert not got_units or got_segments == segments  # one transaction
            assert got_segments in ({}, segments) and got_units in ({}, units)
        counts["all" if whole else "some" if got_segments else "none"] += 1
        assert _sync(db_path, root, *options).wait() == 0  # the next sync finishes the job
        assert _shape(db_path) == (segments, units)
    assert landed >= 6, f"only {landed} of 12 kills landed before the sync ended: {counts}"


def _desk_with_history(run, db, articles_dir):
    """An imported desk with an admin, a translator, an editor and some approved work."""
    from tool.services.leases import checkout
    from tool.services.users import add_user

    run("import", articles_dir)
    add_user(db, "ana", "admin", [], by="ana")
    add_user(db, "mihai", "translator", ["en"], by="ana")
    add_user(db, "elena", "editor", ["en"], by="ana")
    for unit in checkout(db, "mihai", "en", "storm").units:
        submit(db, unit["id"], "mihai", f"EN {unit['id']}")
    approve(db, [1], "elena")


def test_backup_and_restore_are_for_admins(run, db, db_path, articles_dir, tmp_path):
    _desk_with_history(run, db, articles_dir)
    copy = tmp_path / "b.db"
    for who in ("mihai", "elena", "nobody"):
        assert run("backup", copy, user=who).exit_code == 1
    assert run("backup", copy, user="mihai").stderr == (
        "Error: mihai is a translator: only admins may do this\n"
    )
    assert run("backup", copy, user="nobody").stderr.startswith("Error: unknown user 'nobody'")
    assert not copy.exists()
    assert run("backup", copy, user="ana").exit_code == 0
    assert oct(copy.stat().st_mode & 0o777) == "0o600"  # a backup holds everyone's work
    before = snapshot(db_path)
    assert run("restore", copy, "--force", user="mihai").stderr == (
        "Error: mihai is a translator: only admins may do this\n"
    )
    assert snapshot(db_path) == before
    assert run("restore", copy, "--force", user="ana").exit_code == 0


@pytest.mark.parametrize(
    ("doctor", "problem"),
    [
        ("UPDATE users SET role = 'admin' WHERE name = 'mihai'", "user mihai differs from"),
        ("DELETE FROM users", "user ana is in the history but not in the users table"),
        ("UPDATE users SET role = 'editor' WHERE name = 'ana'", "no admin among"),
        ("DROP TRIGGER events_no_delete", "trigger events_no_delete is missing"),
        ("REWRITE", "does not match its hash"),
    ],
)
def test_restore_refuses_a_doctored_backup(
    run, db, db_path, articles_dir, tmp_path, doctor, problem
):
    _desk_with_history(run, db, articles_dir)
    copy = tmp_path / "b.db"
    run("backup", copy, user="ana")
    raw = sqlite3.connect(copy)
    if doctor == "REWRITE":
        raw.execute("DROP TRIGGER events_no_update")
        raw.execute("UPDATE events SET new_text = 'forged' WHERE action = 'approve'")
        raw.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
            "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
        )
    else:
        raw.execute(doctor)
    raw.commit()
    raw.close()
    before = snapshot(db_path)
    result = run("restore", copy, "--force", user="ana")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: {copy}: refused, ")
    assert problem in result.stderr
    assert snapshot(db_path) == before


def test_check_finds_a_rewritten_event_and_a_missing_trigger(run, db, db_path, articles_dir):
    _desk_with_history(run, db, articles_dir)
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER events_no_update")
    raw.execute("UPDATE events SET comment = 'nothing to see' WHERE id = 5")
    raw.commit()
    raw.close()
    result = run("check", user="ana")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "the history's append-only trigger events_no_update is missing",
        "history: event 5 does not match its hash",
        "2 problem(s) found",
    ]


def test_check_reports_a_damaged_file(run, db_path, articles_dir):
    run("import", articles_dir)
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.close()
    data = bytearray(db_path.read_bytes())
    assert len(data) > page * 8
    for offset in range(page * 3, page * 8):
        data[offset] = 0x5A
    broken = db_path.with_name("broken.db")
    broken.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["--db", str(broken), "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "damaged" in result.output or "malformed" in (result.output + result.stderr)
