"""The gate: one writer of units and events, status rules per action, a chained history."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import T0, hours
from tests.conftest import approve_any as approve  # placeholder texts
from tests.conftest import submit_any as submit  # placeholder texts
from tool import clock
from tool.db.connection import transaction
from tool.db.history import GENESIS, verify_chain
from tool.errors import ConflictError
from tool.services.leases import checkout, release
from tool.services.units import RULES, TRANSITIONS, change_unit, get_unit

TOOL = Path(__file__).parent.parent / "tool"
WRITES = re.compile(
    r"(UPDATE\s+units\b|INSERT\s+(OR\s+\w+\s+)?INTO\s+(units|events)\b|DELETE\s+FROM\s+(units|events)\b"
    r"|\[\"(units|events)\"\]\.(insert|update|upsert|delete)|table\(\"(units|events)\"\)\."
    r"(insert|update|upsert|delete))",
    re.I,
)


def test_only_the_gate_writes_units_and_events():
    allowed = {
        TOOL / "services" / "units.py",
        TOOL / "db" / "history.py",
        TOOL / "db" / "migrations.py",
    }
    offenders = [
        f"{path.relative_to(TOOL)}:{n}"
        for path in TOOL.rglob("*.py")
        if path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITES.search(line)
    ]
    assert offenders == []


def test_people_see_one_state_machine_derived_from_the_rules():
    assert TRANSITIONS == {
        "new": {"translated"},
        "translated": {"approved", "rejected"},
        "approved": {"needs_review"},
        "rejected": {"translated"},
        "needs_review": {"translated", "approved", "rejected"},
    }
    assert "approved" not in RULES["realign"]  # an approved bead is never realigned


def test_the_gate_refuses_a_change_its_action_may_not_make(desk):
    db = desk
    unit = checkout(db, "ana", "en", "budget", count=1, now=T0).units[0]
    row = get_unit(db, unit["id"])
    with transaction(db):
        with pytest.raises(ConflictError, match="unit 1 is new: it cannot be approved"):
            change_unit(db, row, {"status": "approved"}, at="x", user="eve", action="approve")
        with pytest.raises(ConflictError, match="unit 1 is new: it cannot be approved"):
            change_unit(db, row, {"status": "approved"}, at="x", user="eve", action="realign")


def test_the_gate_refuses_a_stale_row(desk):
    db = desk
    unit = checkout(db, "ana", "en", "budget", count=1, now=T0).units[0]
    stale = get_unit(db, unit["id"])
    submit(db, unit["id"], "ana", "Budget", now=hours(1))
    with transaction(db):
        with pytest.raises(
            ConflictError, match=r"unit 1 changed meanwhile \(it is translated now\)"
        ):
            change_unit(db, stale, {"status": "approved"}, at="x", user="eve", action="approve")


def test_the_gate_writes_only_inside_a_transaction(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    with pytest.raises(RuntimeError, match="inside a write transaction"):
        change_unit(db, get_unit(db, 1), {"text": "x"}, at="x", user="ana", action="draft")


def test_releases_are_in_the_history(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=2, now=T0)
    release(db, "root", [2])  # an admin releases ana's lease
    with clock.frozen(hours(1)):
        release(db, "ana", [1])
    rows = db.execute(
        "SELECT unit_id, user, action, detail FROM events WHERE action = 'release' ORDER BY id"
    ).fetchall()
    assert rows == [
        (2, "root", "release", '{"holder": "ana", "reason": "released"}'),
        (1, "ana", "release", '{"holder": "ana", "reason": "released"}'),
    ]


def test_the_history_is_chained_and_tampering_is_found(desk, db_path):
    db = desk
    for unit in checkout(db, "ana", "en", "budget", count=3, now=T0).units:
        submit(db, unit["id"], "ana", f"EN {unit['id']}", now=hours(1))
    approve(db, [1, 2], "eve", now=hours(2))
    report = verify_chain(db)
    assert (report.broken_at, report.problem) == (None, "")
    assert report.events == db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert report.head != GENESIS and len(report.head) == 64
    # Someone with the file rewrites an approval's text, past the trigger.
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER events_no_update")
    target = raw.execute("SELECT id FROM events WHERE action = 'approve' LIMIT 1").fetchone()[0]
    raw.execute("UPDATE events SET new_text = 'forged' WHERE id = ?", [target])
    raw.commit()
    raw.close()
    broken = verify_chain(db)
    assert (broken.broken_at, broken.problem) == (target, f"event {target} does not match its hash")


def test_a_removed_event_is_found(desk, db_path):
    db = desk
    for unit in checkout(db, "ana", "en", "budget", count=2, now=T0).units:
        submit(db, unit["id"], "ana", f"EN {unit['id']}", now=hours(1))
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER events_no_delete")
    raw.execute("DELETE FROM events WHERE id = 3")
    raw.commit()
    raw.close()
    assert verify_chain(db).problem == "event 3 is missing"


def test_event_times_never_go_backwards(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=2, now=hours(5))
    submit(db, 1, "ana", "Later", now=hours(5))
    submit(db, 2, "ana", "Earlier clock", now=hours(4))  # the machine's clock stepped back
    times = [r[0] for r in db.execute("SELECT at FROM events ORDER BY id")]
    assert times == sorted(times)
    assert verify_chain(db).problem == ""
