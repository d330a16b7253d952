"""import-work checks everything inside its write transaction: real processes racing.

The test holds the database's write lock while import-work processes start, read their
file and wait for the lock; what happens meanwhile (another import, an editor's
approval) must be seen by each process when it finally writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from tests.conftest import PROJECT
from tool.db.connection import open_database
from tool.services.review import approve
from tool.services.work_files import import_work

pytestmark = pytest.mark.slow

SENTENCES = 40


def desk(command: list[str], db_path: Path, user: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "--db", str(db_path), "--user", user, *command],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, env=_env(),
    )  # fmt: skip


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DESK_NOW", "DESK_USER", "DESK_DB")}
    return env


def start(command: list[str], db_path: Path, user: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "--db", str(db_path), "--user", user, *command],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip


def wait_until_waiting_for_the_lock(process: subprocess.Popen, db_path: Path) -> None:
    """Until the process has the database open and has stopped using the CPU (it sleeps in
    SQLite's busy handler), or fail if it ends first."""
    if not Path(f"/proc/{process.pid}").exists():
        pytest.skip("needs /proc to see a process waiting")
    deadline = time.monotonic() + 60
    last, still = None, 0
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            fds = os.listdir(f"/proc/{process.pid}/fd")
            opened = any(
                os.readlink(f"/proc/{process.pid}/fd/{fd}").startswith(str(db_path)) for fd in fds
            )
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        cpu = int(fields[11]) + int(fields[12])  # utime + stime
        still = still + 1 if opened and cpu == last else 0
        last = cpu
        if still >= 8:  # 0.8 s without CPU
            return
        time.sleep(0.1)
    pytest.fail("the process never settled waiting for the lock")


def article(tmp_path: Path, name: str) -> Path:
    body = "\n\n".join(f"Propoziția numărul {i} despre {name}." for i in range(1, SENTENCES))
    path = tmp_path / f"{name}.md"
    path.write_text(f"---\nid: {name}\nlang: ro\ntitle: Titlul {name}\n---\n\n{body}\n",
                    encoding="utf-8")  # fmt: skip
    return path


def translated_work_file(db_path: Path, tmp_path: Path, name: str) -> Path:
    """tom checks out article ``name`` as PO and translates every entry."""
    out = tmp_path / f"{name}.po"
    result = desk(["checkout", name, "--lang", "en", "--export", "po", "-o", str(out)],
                  db_path, "tom")  # fmt: skip
    assert result.returncode == 0, result.stderr
    po = polib.pofile(str(out))
    for entry in po:
        entry.msgstr = entry.msgid.replace("Propoziția numărul", "Sentence number")
    po.save(str(out))
    assert len(po) == SENTENCES
    return out


@pytest.fixture
def shared_desk(tmp_path):
    db_path = tmp_path / "desk.db"
    for command in (["user", "add", "root", "--role", "admin"],
                    ["user", "add", "tom", "--role", "translator", "--lang", "en"],
                    ["user", "add", "ed", "--role", "editor", "--lang", "en"],
                    ["import", str(article(tmp_path, "one"))],
                    ["import", str(article(tmp_path, "two"))]):  # fmt: skip
        result = desk(command, db_path, "root")
        assert result.returncode == 0, result.stderr
    return db_path


def test_two_imports_of_one_file_submit_each_unit_once(shared_desk, tmp_path):
    work = translated_work_file(shared_desk, tmp_path, "one")
    lock = open_database(shared_desk)
    lock.conn.execute("BEGIN IMMEDIATE")
    first = start(["import-work", str(work)], shared_desk, "tom")
    second = start(["import-work", str(work)], shared_desk, "tom")
    for process in (first, second):
        wait_until_waiting_for_the_lock(process, shared_desk)
    lock.conn.execute("ROLLBACK")
    outputs = sorted(p.communicate(timeout=120)[0] for p in (first, second))
    assert [first.returncode, second.returncode] == [0, 0]
    assert outputs == [
        f"0 translations submitted (en), {SENTENCES} unchanged, 0 untranslated\n",
        f"{SENTENCES} translations submitted (en), 0 unchanged, 0 untranslated\n",
    ]
    events = lock.execute(
        "SELECT COUNT(*), SUM(old_status = new_status) FROM events WHERE action = 'import-work'"
    ).fetchone()
    assert events == (SENTENCES, 0)  # once each, and no translated -> translated
    lock.close()


def test_an_approval_made_meanwhile_is_never_undone(shared_desk, tmp_path):
    work = translated_work_file(shared_desk, tmp_path, "two")
    lock = open_database(shared_desk)
    lock.conn.execute("BEGIN IMMEDIATE")
    late = start(["import-work", str(work)], shared_desk, "tom")  # reads, then waits
    wait_until_waiting_for_the_lock(late, shared_desk)
    # Meanwhile, in the transaction holding the lock: the same file is imported, and an
    # editor approves what it submitted.
    done = import_work(lock, work, "tom")
    assert len(done.applied) == SENTENCES
    approve(lock, done.applied, "ed")
    approved_at = lock.execute("SELECT MAX(at) FROM events").fetchone()[0]
    lock.conn.execute("COMMIT")
    output, errors = late.communicate(timeout=120)
    assert late.returncode == 0, errors
    assert output == f"0 translations submitted (en), {SENTENCES} unchanged, 0 untranslated\n"
    statuses = lock.execute(
        "SELECT u.status, COUNT(*) FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = 'two' GROUP BY u.status"
    ).fetchall()
    assert statuses == [("approved", SENTENCES)]
    later = lock.execute("SELECT COUNT(*) FROM events WHERE at > ?", [approved_at]).fetchone()
    assert later == (0,)  # nothing written after the approval, nothing backdated before it
    assert lock.execute(
        "SELECT COUNT(*) FROM events WHERE action = 'import-work' AND old_status = 'approved'"
    ).fetchone() == (0,)
    lock.close()
