"""The interactive `work` loop, driven through a pseudo-terminal with pexpect."""

from __future__ import annotations

import os
import re
import sys

import pytest

from tests.conftest import PROJECT
from tests.test_workflow import make_desk
from tool.services.leases import checkout
from tool.services.review import reject
from tool.services.workflow import get_unit, submit

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROMPT = "en›"


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r\n", "\n")


@pytest.fixture
def desk(db, run, tmp_path):
    """ana holds every unit of budget; unit 2 came back rejected with a comment."""
    make_desk(db, run)
    checkout(db, "ana", "en", "budget", count=3)
    submit(db, 2, "ana", "Council agaist")
    reject(db, 2, "eve", "Typo: «against»")
    assert [u["id"] for u in checkout(db, "ana", "en", "budget").units] == [2, 4, 5, 6, 7]
    return db


@pytest.fixture
def spawn(db_path, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'Figures\\n# ignored\\n' > \"$1\"\n", encoding="utf-8")
    editor.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", EDITOR=str(editor), PYTHONIOENCODING="utf-8")
    children = []

    def start(user: str = "ana", *extra: str):
        child = pexpect.spawn(
            sys.executable,
            [
                str(PROJECT / "manage.py"),
                "--db",
                str(db_path),
                "--user",
                user,
                "work",
                "--lang",
                "en",
                *extra,
            ],
            encoding="utf-8",
            env=env,
            dimensions=(50, 200),
            timeout=20,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def screen(child) -> str:
    """Everything printed before the prompt just matched."""
    child.expect(PROMPT)
    return plain(child.before)


def test_work_loop_shows_context_and_saves(desk, spawn):
    db = desk
    child = spawn()
    first = screen(child)
    assert "── 1/7 · budget: Bugetul pe 2025, aprobat · segment 1 of 7 · unit 1 · new" in first
    assert " ro  Bugetul pe 2025, aprobat" in first
    assert "   › Consiliul General a aprobat joi bugetul Capitalei." in first
    assert "(no translation yet)" in first
    child.sendline(":d Budget  draft")

    second = screen(child)
    assert "draft saved" in second
    assert (
        "── 2/7 · budget: Bugetul pe 2025, aprobat · segment 2 of 7 · unit 2 · rejected" in second
    )
    assert "   ‹ Bugetul pe 2025, aprobat" in second
    assert " ro  Consiliul General a aprobat joi bugetul Capitalei." in second
    assert "   › Dl. Ionescu a votat împotrivă." in second
    assert " en  Council agaist" in second
    assert "  !  eve: Typo: «against»" in second
    child.sendline("The General Council approved the capital’s budget on Thursday.")

    third = screen(child)
    assert "submitted" in third
    assert " ro  Dl. Ionescu a votat împotrivă." in third
    assert "   ‹ Consiliul General a aprobat joi bugetul Capitalei." in third
    assert "   › Cifrele" in third
    child.sendline(":x")
    assert "unknown command :x: type :h for help" in screen(child)
    child.sendline(":h")
    assert ":s  submit the current text as it is" in screen(child)
    child.sendline("Mr Ionescu voted „against” — ş ț")

    assert "segment 4 of 7 · unit 4 · new" in screen(child)
    child.sendline(":e")  # the editor script writes "Figures"

    fifth = screen(child)
    assert "submitted" in fifth and "unit 5 · new" in fifth
    child.sendline("")  # skip
    assert "unit 6 · new" in screen(child)
    child.sendline(":b")
    assert "unit 5 · new" in screen(child)
    child.sendline(":s")
    assert "Error: a translation cannot be empty" in screen(child)
    child.sendline(":q")
    child.expect(pexpect.EOF)
    assert "submitted 3, drafts 1, skipped 1; you still hold 4 units (see `mine`)" in plain(
        child.before
    )
    child.close()
    assert child.exitstatus == 0

    assert (get_unit(db, 1)["status"], get_unit(db, 1)["text"]) == ("new", "Budget draft")
    unit2 = get_unit(db, 2)
    assert (unit2["status"], unit2["text"], unit2["comment"]) == (
        "translated",
        "The General Council approved the capital’s budget on Thursday.",
        "",
    )
    assert get_unit(db, 3)["text"] == "Mr Ionescu voted „against” — ș ț"  # normalised cedilla
    assert (get_unit(db, 4)["status"], get_unit(db, 4)["text"]) == ("translated", "Figures")
    assert [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id = 1")] == [
        "create",
        "draft",
    ]


def test_work_loop_submits_drafts_goes_round_and_ends_on_eof(desk, spawn):
    db = desk
    child = spawn("ana", "budget")
    assert "unit 1 · new" in screen(child)
    child.sendline(":d A draft")
    assert "unit 2 · rejected" in screen(child)  # in segment order
    for unit in (3, 4, 5, 6, 7):
        child.sendline("")
        assert f"unit {unit} · new" in screen(child)
    child.sendline("")
    child.expect(r"7 units left: go through them again\? \[Y/n\]")
    child.sendline("")
    assert "1/7 · budget" in screen(child)
    child.sendline(":s")
    assert "unit 2 · rejected" in screen(child)
    child.sendeof()
    child.expect(pexpect.EOF)
    assert "submitted 1, drafts 1, skipped 6; you still hold 6 units" in plain(child.before)
    assert (get_unit(db, 1)["status"], get_unit(db, 1)["text"]) == ("translated", "A draft")


def test_work_checks_out_when_nothing_is_held(db, run, spawn):
    make_desk(db, run)
    child = spawn("bob", "budget")
    first = screen(child)
    assert "checked out 7 units until" in first
    assert "── 1/7 · budget" in first
    child.sendline(":q")
    child.expect(pexpect.EOF)
    result = run("work", "--lang", "en", "budget", user="ana")  # bob holds everything
    assert result.output == "nothing to translate in en in budget\n"


def test_work_loop_refuses_a_submission_once_the_lease_expired(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    db.execute("UPDATE leases SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE unit_id = 1")
    child.sendline("Too late")
    after = screen(child)
    assert (
        "Error: your lease on unit 1 expired at 2000-01-01 00:00 UTC: "
        "check it out again (`checkout --units 1`)"
    ) in after
    assert "unit 2 · rejected" in after  # and it moved on
    child.sendline(":q")
    child.expect(pexpect.EOF)
    assert (get_unit(db, 1)["status"], get_unit(db, 1)["text"]) == ("new", "")


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
o-tmf="t" adminlang="en" srclang="ro" datatype="plaintext"/><body>
<tu><tuv xml:lang="ro"><seg>Bugetul pe 2025, aprobat</seg></tuv>
<tuv xml:lang="en"><seg>The 2025 budget, approved</seg></tuv></tu>
</body></tmx>"""


def test_work_loop_shows_memory_matches_and_glossary_terms(desk, spawn, tmp_path):
    from tool.services.glossary import add_term
    from tool.services.memory import import_tmx

    db = desk
    path = tmp_path / "memory.tmx"
    path.write_text(TMX, encoding="utf-8")
    import_tmx(db, path, user="root")
    add_term(db, "buget", "budget", source_lang="ro", target_lang="en", user="root")
    child = spawn()
    first = screen(child)
    assert " :1 100% The 2025 budget, approved" in first
    assert "≡  buget → budget" in first
    child.sendline(":1")
    assert "submitted" in screen(child)
    assert get_unit(db, 1)["text"] == "The 2025 budget, approved"
    assert get_unit(db, 1)["status"] == "translated"
    child.sendline(":q")
    child.expect(pexpect.EOF)
