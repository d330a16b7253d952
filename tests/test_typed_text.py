"""Typed text is never lost: `translate` when the lease is gone or the editor's text is
refused, the `work` loop without a terminal, and Ctrl-C in main()."""

from __future__ import annotations

import os
import signal
import time

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_desk
from tool.cli import app
from tool.cli.typed_text import visible
from tool.core.normalize import find_control
from tool.services.leases import checkout, release
from tool.services.workflow import get_unit, stray_drafts

EXPIRED = "UPDATE leases SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE unit_id = ?"


@pytest.fixture
def desk(db, run):
    """ana holds units 1 and 2 of budget."""
    make_desk(db, run)
    checkout(db, "ana", "en", "budget", count=2)
    return db


def editor_returning(monkeypatch, *texts: str | None) -> list[str]:
    """Make click.edit return ``texts`` in turn; returns what each call was given."""
    given_texts: list[str] = []
    answers = iter(texts)

    def fake_edit(text: str, **kwargs: object) -> str | None:
        given_texts.append(text)
        return next(answers)

    monkeypatch.setattr(click, "edit", fake_edit)
    return given_texts


# --- translate when the lease is gone ------------------------------------------------------


def test_lease_taken_while_the_editor_is_open_keeps_the_text_for_the_new_holder(
    desk, run, monkeypatch
):
    def edit_while_bob_takes_the_unit(text: str, **kwargs: object) -> str:
        desk.execute(EXPIRED, [1])
        checkout(desk, "bob", unit_ids=[1])
        return "Ana's  text\n"

    monkeypatch.setattr(click, "edit", edit_while_bob_takes_the_unit)
    result = run("translate", "1", "--submit", user="ana")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: unit 1 is checked out by bob until ")
    assert lines[1:] == [
        "unit 1 is checked out by bob now: your text is kept for them (in the unit's history)",
        "your text, kept:",
        "  Ana's text",
    ]
    assert [(d["user"], d["text"]) for d in stray_drafts(desk, 1)] == [("ana", "Ana's text")]
    assert get_unit(desk, 1)["text"] == ""


def test_translate_from_stdin_after_the_lease_expired_keeps_the_text(desk, run):
    desk.execute(EXPIRED, [2])
    result = run("translate", "2", "-", input="Late\nbut kept\n", user="ana")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: your lease on unit 2 expired at 2000-01-01 00:00 UTC: "
        "check it out again (`checkout --units 2`)\n"
        "nobody holds unit 2 now: your text is kept for whoever checks it out "
        "(in the unit's history)\n"
        "your text, kept:\n"
        "  Late but kept\n"
    )
    assert [d["text"] for d in stray_drafts(desk, 2)] == ["Late but kept"]


def test_an_admin_releasing_the_unit_while_the_editor_is_open_keeps_the_text(
    desk, run, monkeypatch
):
    def edit_while_root_releases_the_unit(text: str, **kwargs: object) -> str:
        release(desk, "root", [1])
        return "Written in the editor\n"

    monkeypatch.setattr(click, "edit", edit_while_root_releases_the_unit)
    result = run("translate", "1", user="ana")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: unit 1 is not checked out by you: check it out first (`checkout --units 1`)",
        "nobody holds unit 1 now: your text is kept for whoever checks it out "
        "(in the unit's history)",
        "your text, kept:",
        "  Written in the editor",
    ]
    assert [d["text"] for d in stray_drafts(desk, 1)] == ["Written in the editor"]


def test_the_holder_sees_stray_drafts_in_the_editor(desk, run, monkeypatch):
    desk.execute(EXPIRED, [1])
    run("translate", "1", "Ana's text", user="ana")
    checkout(desk, "bob", unit_ids=[1])
    seen = editor_returning(monkeypatch, "Bob's text\n")
    result = run("translate", "1", user="bob")
    assert result.stdout == "saved a draft of unit 1 (status new)\n"
    assert "\n# Kept from ana (lease lost): Ana's text\n" in seen[0]


def test_text_for_a_unit_that_was_not_theirs_is_refused_as_before(desk, run):
    """Only text typed while holding the unit is kept: the rest is a plain refusal."""
    checkout(desk, "bob", "en", "budget", count=1)  # unit 3
    release(desk, "root", [2])
    for unit in ("2", "3"):
        result = run("translate", unit, "Mine", "--submit", user="ana")
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1
        assert stray_drafts(desk, int(unit)) == []


# --- translate: text the editor brings back that the desk refuses ---------------------------


def test_editor_text_with_an_escape_is_shown_and_the_editor_reopens_on_it(desk, run, monkeypatch):
    seen = editor_returning(monkeypatch, "Bud\x1b[Dget 2025\n", "Budget 2025\n")
    result = run("translate", "1", "--submit", input="y\n", user="ana")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Error: a translation: control character U+001B at character 4: remove it\n"
        "Edit it again? [Y/n]: y\n"
    )
    assert result.stdout.startswith("submitted unit 1 for review\n")
    assert seen[1].startswith(
        "Bud\x1b[Dget 2025\n\n# Write the translation above. Lines starting with # are ignored.\n"
        "# Error: a translation: control character U+001B at character 4: remove it\n"
    )
    assert (get_unit(desk, 1)["status"], get_unit(desk, 1)["text"]) == (
        "translated",
        "Budget 2025",
    )


def test_declining_to_edit_again_prints_the_text_back(desk, run, monkeypatch):
    editor_returning(monkeypatch, "Line one\nline \x07two\n")
    result = run("translate", "1", input="n\n", user="ana")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: a translation: control character U+0007 at line 2: remove it\n"
        "Edit it again? [Y/n]: n\n"
        "your text, not saved (control characters written as \\xNN):\n"
        "  Line one\n"
        "  line \\x07two\n"
        "Error: nothing saved\n"
    )
    assert get_unit(desk, 1)["text"] == ""


def test_closing_the_editor_unsaved_after_a_refusal_prints_the_text_back(desk, run, monkeypatch):
    editor_returning(monkeypatch, "   \n", None)
    result = run("translate", "1", input="\n", user="ana")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: a translation cannot be empty",
        "Edit it again? [Y/n]: ",
        "your text, not saved:",
        "     ",
        "Error: editor closed without saving: nothing saved",
    ]


# --- the work loop without a terminal ---------------------------------------------------------


def test_work_without_a_terminal_reads_lines_with_backslash_continuation(desk, run):
    answers = "The 2025\\\nbudget\n:d Bud\x1bget\n:q\n"
    result = run("work", "--lang", "en", input=answers, user="ana")
    assert result.exit_code == 0, result.output
    assert "Error: a translation: control character U+001B at character 4: remove it\n" in (
        result.stdout
    )
    assert "your text, not saved (control characters written as \\xNN):\n  Bud\\x1bget\n" in (
        result.stdout
    )
    assert "submitted 1, drafts 0, skipped 0" in result.stdout
    assert get_unit(desk, 1)["text"] == "The 2025 budget"
    assert get_unit(desk, 2)["text"] == ""


def test_work_without_a_terminal_ends_at_the_end_of_input(desk, run):
    result = run("work", "--lang", "en", input="A 2025 draft at the end\\\n", user="ana")
    assert result.exit_code == 0
    assert "you still hold 1 unit" in result.stdout  # the last line was an answer, then EOF
    assert get_unit(desk, 1)["status"] == "translated"


# --- Ctrl-C ------------------------------------------------------------------------------


def test_main_turns_ctrl_c_into_one_line_and_exit_code_130(monkeypatch, capsys):
    def interrupted_command(**kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the signal arrives long before this ends
        raise AssertionError("not interrupted")

    monkeypatch.setattr(app, "cli", interrupted_command)
    try:
        with pytest.raises(SystemExit) as stopped:
            app.main()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "Interrupted.\n"


# --- printing text back ------------------------------------------------------------------


@given(st.text())
def test_text_printed_back_holds_no_control_character_but_newlines_and_tabs(text):
    shown = visible(text)
    assert find_control(shown) is None and "\r" not in shown
    if find_control(text) is None and "\r" not in text:
        assert shown == text
