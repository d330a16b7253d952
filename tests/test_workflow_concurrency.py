"""Check-out is atomic: real processes racing on one database file never share a unit."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tool.db.connection import open_database, transaction
from tool.services.users import add_user

pytestmark = pytest.mark.slow

WORKER = """
import json, sys, time
from pathlib import Path
from tool.db.connection import open_database
from tool.services.leases import checkout
from tool.services.workflow import submit

db_path, user, go, do_submit = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4] == "1"
db = open_database(db_path)
(go.parent / f"ready-{user}").touch()
while not go.exists():
    time.sleep(0.005)
taken = []
while True:
    units = checkout(db, user, "en", count=3).units
    if not units:
        break
    time.sleep(0.002)  # a translator reads before asking again: lets the others in
    for unit in units:
        taken.append(unit["id"])
        if do_submit:
            submit(db, unit["id"], user, f"{user} {unit['id']}", override="placeholder")
print(json.dumps(taken))
"""


def build(path: Path, articles: int, segments: int, translators: int) -> None:
    """Articles with segments but no units yet: check-outs create them on demand."""
    db = open_database(path)
    with transaction(db):
        db["articles"].insert_all(
            {"id": f"a{i:03}", "lang": "ro", "title": f"Articol {i}"} for i in range(articles)
        )
        db["segments"].insert_all(
            {
                "article_id": f"a{i:03}",
                "seq": j,
                "paragraph": 1,
                "position": j,
                "kind": "text",
                "text": f"Propoziția {j} din articolul {i}.",
                "words": 5,
            }
            for i in range(articles)
            for j in range(segments)
        )
    add_user(db, "root", "admin", [], by="root")
    for n in range(translators):
        add_user(db, f"t{n}", "translator", ["en"], by="root")
    db.close()


def race(tmp_path: Path, workers: int, do_submit: bool) -> list[list[int]]:
    db_path = tmp_path / "race.db"
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(db_path),
                f"t{n}",
                str(go),
                "1" if do_submit else "0",
            ],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < workers and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_racing_checkouts_hand_out_every_unit_once(tmp_path):
    build(tmp_path / "race.db", articles=12, segments=25, translators=8)
    results = race(tmp_path, workers=8, do_submit=False)
    taken = [unit for worker in results for unit in worker]
    assert len(taken) == len(set(taken)) == 300
    assert sum(1 for worker in results if worker) >= 2  # they really raced
    db = open_database(tmp_path / "race.db")
    assert db["units"].count == 300  # created once each, despite the race
    assert db.execute("SELECT COUNT(*) FROM events WHERE action = 'create'").fetchone()[0] == 300
    holders = dict(db.execute("SELECT unit_id, user FROM leases").fetchall())
    for n, worker in enumerate(results):
        assert all(holders[unit] == f"t{n}" for unit in worker)


def test_racing_translators_submit_every_unit_exactly_once(tmp_path):
    build(tmp_path / "race.db", articles=6, segments=25, translators=6)
    results = race(tmp_path, workers=6, do_submit=True)
    taken = [unit for worker in results for unit in worker]
    assert len(taken) == len(set(taken)) == 150
    db = open_database(tmp_path / "race.db")
    submits = Counter(
        r[0] for r in db.execute("SELECT unit_id FROM events WHERE action = 'submit'")
    )
    assert set(submits) == set(taken) and set(submits.values()) == {1}
    assert db.execute("SELECT DISTINCT status FROM units").fetchall() == [("translated",)]
    for n, worker in enumerate(results):
        translators = (
            {
                r[0]
                for r in db.execute(
                    f"SELECT translator FROM units WHERE id IN ({','.join(map(str, worker))})"
                )
            }
            if worker
            else set()
        )
        assert translators <= {f"t{n}"}
    assert db["leases"].count == 0


def test_racing_cli_checkouts(tmp_path):
    db_path = tmp_path / "race.db"
    build(db_path, articles=4, segments=20, translators=6)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                str(PROJECT / "manage.py"),
                "--db",
                str(db_path),
                "--user",
                f"t{n}",
                "checkout",
                "--lang",
                "en",
                "--count",
                "10",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    taken = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        units = json.loads(out)["units"]
        assert len(units) == 10
        taken += [u["id"] for u in units]
    assert len(set(taken)) == 60
    db = open_database(db_path)
    assert db["leases"].count == db["units"].count == 60  # 3 articles reached, 20 units each


def test_a_colleague_never_waits_long_for_approve_article(tmp_path):
    """approve --article on a big article works in short transactions: a check-out made
    meanwhile by another process waits well under 2 s."""
    from tests.conftest import seed_event

    db_path = tmp_path / "big.db"
    build(db_path, articles=2, segments=4000, translators=1)
    db = open_database(db_path)
    add_user(db, "eve", "editor", ["en"], by="root")
    with transaction(db):
        db.execute(
            "INSERT INTO units (segment_id, lang, text, status, translator, origin, updated_at) "
            "SELECT id, 'en', 'Sentence ' || seq || ' of article ' || substr(article_id, 2) "
            "|| '.', 'translated', 't0', 'human', '2026-01-01T00:00:00Z' FROM segments "
            "WHERE article_id = 'a000'"
        )
    for (unit_id,) in db.execute("SELECT id FROM units ORDER BY id").fetchall():
        seed_event(db, unit_id, user="t0", action="submit", old_status="new",
                   new_status="translated", new_text=None)  # fmt: skip
    approving = subprocess.Popen(
        [sys.executable, str(PROJECT / "manage.py"), "--db", str(db_path), "--user", "eve",
         "approve", "--article", "a000", "--lang", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    from tool.services.leases import checkout

    waits = []
    while approving.poll() is None:
        started = time.monotonic()
        checkout(db, "t0", "en", "a001", count=1)  # a colleague takes work meanwhile
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    out, err = approving.communicate()
    assert approving.returncode == 0, err
    assert out.startswith("approved 4000 units")
    assert len(waits) >= 2  # check-outs really ran while it worked
    assert max(waits) < 2.0
