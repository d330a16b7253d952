"""Plan-then-write paths against real processes: nothing decided on stale rows is written.

Each test starts a real `manage.py` process that pauses at a chosen point (its slow
step is wrapped to wait for a signal file), acts from another process meanwhile, then
lets the first one finish, and checks what the database says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.conftest import approve_any as approve  # placeholder texts
from tests.conftest import submit_any as submit  # placeholder texts
from tool.db.connection import open_database
from tool.services.importer import import_originals
from tool.services.leases import checkout
from tool.services.maintenance import check
from tool.services.translations import import_translations
from tool.services.users import add_user

pytestmark = pytest.mark.slow

PAUSED = """
import importlib, sys, time
from pathlib import Path

module, name, ready, go = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
target = importlib.import_module(module)
original = getattr(target, name)

def paused(*args, **kwargs):
    ready.touch()
    while not go.exists():
        time.sleep(0.01)
    return original(*args, **kwargs)

setattr(target, name, paused)
from tool.cli import cli
cli(sys.argv[5:], prog_name="manage.py")
"""


class Paused:
    """A manage.py process that stops when it calls ``module.name`` until released."""

    def __init__(self, tmp_path: Path, db_path: Path, module: str, name: str, *args: str):
        self.ready, self.go = tmp_path / "ready", tmp_path / "go"
        for flag in (self.ready, self.go):
            flag.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(PROJECT)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", PAUSED, module, name, str(self.ready), str(self.go),
             "--db", str(db_path), *args],
            cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def wait_until_paused(self) -> None:
        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.process.poll() is not None:
                raise AssertionError(f"exited before pausing: {self.process.stderr.read()}")
            assert time.monotonic() < deadline, "never reached its pause"
            time.sleep(0.01)

    def finish(self) -> tuple[int, str, str]:
        self.go.touch()
        out, err = self.process.communicate(timeout=120)
        return self.process.returncode, out, err


def cli_process(db_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.Popen(
        [sys.executable, "manage.py", "--db", str(db_path), *args],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture
def corpus(tmp_path):
    for folder in ("originals", "translations"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    return tmp_path


def desk(db_path: Path):
    db = open_database(db_path)
    add_user(db, "ana", "admin", [], by="ana")
    add_user(db, "mihai", "translator", ["en"], by="ana")
    add_user(db, "elena", "editor", ["en"], by="ana")
    return db


def test_an_approval_made_while_a_translation_is_aligned_is_kept(tmp_path, corpus):
    db_path = tmp_path / "desk.db"
    db = desk(db_path)
    name = "tiff-cluj-2025"
    import_originals(db, [corpus / "originals" / "ro" / f"{name}.md"], user="ana")
    path = corpus / "translations" / "en" / f"{name}.md"
    import_translations(db, [path], user="ana")
    unit_id, old = db.execute(
        "SELECT u.id, u.text FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = ? AND u.status = 'translated' AND u.joined_to IS NULL "
        "ORDER BY s.seq LIMIT 1 OFFSET 1",
        [name],
    ).fetchone()
    path.write_text(
        path.read_text(encoding="utf-8").replace(old, old.rstrip(".") + ", the desk said."),
        encoding="utf-8",
    )
    importer = Paused(
        tmp_path, db_path, "tool.services.translations", "align",
        "--user", "ana", "import-translation", str(path), "--apply",
    )  # fmt: skip
    importer.wait_until_paused()  # the file is read; its alignment is under way
    approve(db, [unit_id], "elena")  # meanwhile an editor approves the unit it would change
    code, out, err = importer.finish()
    assert code == 0, err
    unit = db.execute("SELECT status, text FROM units WHERE id = ?", [unit_id]).fetchone()
    assert unit == ("approved", old)  # never silently turned back into translated
    assert "1 approved kept (use --force)" in out
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id = ?", [unit_id])]
    assert actions[-1] == "approve"
    assert check(db).ok, check(db).problems


def test_an_original_reimported_meanwhile_is_aligned_against(tmp_path, corpus):
    """The original changes while the translation aligns: the plan is redone inside."""
    db_path = tmp_path / "desk.db"
    db = desk(db_path)
    name = "canicula-cod-rosu"
    original = corpus / "originals" / "ro" / f"{name}.md"
    import_originals(db, [original], user="ana")
    importer = Paused(
        tmp_path, db_path, "tool.services.translations", "align",
        "--user", "ana", "import-translation", str(corpus / "translations" / "en" / f"{name}.md"),
        "--json",
    )  # fmt: skip
    importer.wait_until_paused()
    text = original.read_text(encoding="utf-8")
    original.write_text(text + "\nO propoziție adăugată la sfârșit.\n", encoding="utf-8")
    import_originals(db, [original], user="ana")  # a new segment arrives meanwhile
    code, out, err = importer.finish()
    assert code == 0, err
    segments = db.execute(
        "SELECT COUNT(*) FROM segments WHERE article_id = ? AND obsolete = 0", [name]
    ).fetchone()[0]
    beads = json.loads(out)[0]["alignment"]
    covered = [i for bead in beads for i in json.loads(bead.split(":")[0])]
    assert covered == list(range(segments))  # aligned against the segments as they are now
    assert beads[-1] == f"[{segments - 1}]:[]"  # the sentence added meanwhile is untranslated
    assert check(db).ok, check(db).problems


def test_a_decision_waits_for_a_reimport_in_progress_and_sees_its_result(tmp_path, corpus):
    """Re-importing an edited original plans inside its transaction: an approval waits."""
    db_path = tmp_path / "desk.db"
    db = desk(db_path)
    name = "canicula-cod-rosu"
    original = corpus / "originals" / "ro" / f"{name}.md"
    import_originals(db, [original], user="ana")
    for unit in checkout(db, "mihai", "en", name).units:
        submit(db, unit["id"], "mihai", f"EN {unit['seq']}")
    first = db.execute(
        "SELECT u.id, s.text FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = ? AND s.kind != 'title' ORDER BY s.seq LIMIT 1",
        [name],
    ).fetchone()
    text = original.read_text(encoding="utf-8")
    original.write_text(text.replace(first[1], first[1].rstrip(".") + " azi."), encoding="utf-8")
    importer = Paused(
        tmp_path, db_path, "tool.services.importer", "plan_revision",
        "--user", "ana", "import", str(original),
    )  # fmt: skip
    importer.wait_until_paused()  # inside its write transaction
    approval = cli_process(
        db_path, "--user", "elena", "approve", str(first[0]), "--override", "placeholder"
    )
    time.sleep(1.0)
    assert approval.poll() is None  # waits for the write lock, does not decide on old rows
    code, _out, err = importer.finish()
    assert code == 0, err
    assert approval.wait(timeout=60) == 0, approval.stderr.read()
    history = db.execute(
        "SELECT action, old_status, new_status, at FROM events WHERE unit_id = ? ORDER BY id",
        [first[0]],
    ).fetchall()
    assert [h[:3] for h in history[-2:]] == [
        ("source-changed", "translated", "needs_review"),
        ("approve", "needs_review", "approved"),
    ]
    assert history[-1][3] >= history[-2][3]
    assert check(db).ok, check(db).problems


def test_a_checkout_waits_for_a_realignment_in_progress(tmp_path, corpus):
    db_path = tmp_path / "desk.db"
    db = desk(db_path)
    name = "tiff-cluj-2025"
    import_originals(db, [corpus / "originals" / "ro" / f"{name}.md"], user="ana")
    import_translations(db, [corpus / "translations" / "en" / f"{name}.md"], user="ana")
    head = db.execute(
        "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = ? AND u.joined_to IS NULL AND u.text != '' "
        "ORDER BY s.seq LIMIT 1 OFFSET 2",
        [name],
    ).fetchone()[0]
    realigner = Paused(
        tmp_path, db_path, "tool.services.realign", "_apply",
        "--user", "elena", "realign", str(head), "merge-next",
    )  # fmt: skip
    realigner.wait_until_paused()  # its checks are done, inside the transaction
    taking = cli_process(db_path, "--user", "mihai", "checkout", "--units", str(head + 1), "--json")
    time.sleep(1.0)
    assert taking.poll() is None  # the check-out waits its turn
    code, _out, err = realigner.finish()
    assert code == 0, err
    _out, err = taking.communicate(timeout=60)
    # The next unit was joined into the bead meanwhile: the check-out sees that and refuses.
    assert taking.returncode == 1
    assert f"part of unit {head}'s alignment bead" in err
    assert check(db).ok, check(db).problems


def test_a_draft_typed_while_sync_aligns_a_new_translation_is_kept(tmp_path, corpus):
    """sync aligns a translation file outside its write transaction; a translator who
    starts a draft on that article meanwhile keeps it (sync reports the file instead)."""
    db_path = tmp_path / "desk.db"
    db = desk(db_path)
    name = "canicula-cod-rosu"
    for path in (corpus / "translations" / "en").glob("*.md"):
        if path.stem != name:
            path.unlink()
    translation = corpus / "translations" / "en" / f"{name}.md"
    translation.rename(tmp_path / "later.md")
    import_originals(db, [corpus / "originals" / "ro" / f"{name}.md"], user="ana")
    unit = checkout(db, "mihai", "en", name, count=1).units[0]
    (tmp_path / "later.md").rename(translation)  # the translation arrives
    syncing = Paused(
        tmp_path, db_path, "tool.services.translations", "align",
        "--user", "ana", "sync", "--root", str(corpus), "--no-export",
    )  # fmt: skip
    syncing.wait_until_paused()
    from tool.services.workflow import save_draft

    save_draft(db, unit["id"], "Cod roșu: my own draft", "mihai")
    code, out, err = syncing.finish()
    assert code == 0, err
    row = db.execute("SELECT status, text FROM units WHERE id = ?", [unit["id"]]).fetchone()
    assert row == ("new", "Cod roșu: my own draft")  # not overwritten by the alignment
    assert db.execute("SELECT COUNT(*) FROM units WHERE status = 'translated'").fetchone()[0] == 0
    assert check(db).ok, check(db).problems
