"""Nothing stored reaches a terminal raw: escape sequences are printed visibly."""

from __future__ import annotations

import pytest

from tests.conftest import T0, make_desk
from tests.conftest import submit_any as submit  # placeholder texts
from tool.services.leases import checkout

OSC = "\x1b]0;owned\x07"  # sets the terminal's title; a C1 CSI too
EVIL = f"Bud{OSC}get\x9b31m"


@pytest.fixture
def desk(db, run):
    """A unit whose text came in before control characters were refused (an old desk)."""
    db = make_desk(db, run)
    unit = checkout(db, "ana", "en", "budget", count=1, now=T0).units[0]
    submit(db, unit["id"], "ana", "Budget 2025", now=T0)
    db.execute("UPDATE segments SET text = ? WHERE id = 2", [f"Consiliul {OSC}General."])
    db.execute("DROP TRIGGER events_no_update")
    db.execute("UPDATE events SET new_text = ? WHERE unit_id = 1 AND action = 'submit'", [EVIL])
    db.execute("UPDATE units SET text = ? WHERE id = 1", [EVIL])
    return db


@pytest.mark.parametrize(
    ("user", "args"),
    [
        ("eve", ("show", "budget", "--lang", "en")),
        ("eve", ("show", "budget")),
        ("eve", ("review", "--lang", "en")),
        ("eve", ("history", "1")),
        ("eve", ("status", "budget", "--lang", "en")),
    ],
)
def test_escapes_are_shown_not_executed(desk, run, user, args):
    result = run(*args, user=user)
    assert result.exit_code == 0, result.output
    assert (
        "\x1b" not in result.output and "\x9b" not in result.output and "\x07" not in result.output
    )
    if args[0] in ("show", "review", "history") and "--lang" in args or args[0] == "history":
        assert "\\x1b]0;owned\\x07" in result.output


def test_json_output_escapes_control_characters(desk, run):
    result = run("history", "1", "--json", user="eve")
    assert "\x1b" not in result.output and "\\u001b" in result.output
