"""The interactive `work` loop, driven through a pseudo-terminal with pexpect.

Keys are sent as a terminal sends them (Enter is a carriage return, arrows are escape
sequences), and what the loop stored is read back from the database.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

import pytest

from tests.conftest import PROJECT, make_desk
from tool.services.leases import checkout, release
from tool.services.review import reject
from tool.services.workflow import get_unit, stray_drafts, submit

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.slow

# Escape sequences (colours, cursor moves, modes) and carriage returns, as the terminal eats them.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\r")
# A new prompt: prompt_toolkit switches bracketed paste on as each prompt starts, and
# redraws of the same prompt while typing do not, so this never matches a stale prompt.
PROMPT = re.compile(r"\x1b\[\?2004h[^›]*en›")

ENTER, ALT_ENTER, CTRL_C, BACKSPACE = "\r", "\x1b\r", "\x03", "\x7f"
UP, DOWN, RIGHT, LEFT = "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D"
HOME, END = "\x1b[H", "\x1b[F"  # xterm
VT_HOME, VT_END = "\x1b[1~", "\x1b[4~"  # linux console, tmux, screen
APP_HOME = "\x1bOH"  # xterm in application keypad mode


def plain(text: str) -> str:
    return ESCAPES.sub("", text)


def stored(db, unit_id: int) -> tuple[str, str]:
    unit = get_unit(db, unit_id)
    return unit["status"], unit["text"]


def no_escapes_stored(db) -> bool:
    """Nothing the terminal sent (ESC, or any control character) reached the database."""
    found = db.execute(
        "SELECT COUNT(*) FROM units WHERE text GLOB ? OR text GLOB ?",
        ["*[\x01-\x08\x0b-\x1f\x7f]*", "*\x1b*"],
    ).fetchone()[0]
    found += db.execute(
        "SELECT COUNT(*) FROM events WHERE new_text GLOB ? OR detail GLOB ?",
        ["*[\x01-\x08\x0b-\x1f\x7f]*", "*\\u001b*"],
    ).fetchone()[0]
    return found == 0


@pytest.fixture
def desk(db, run, tmp_path):
    """ana holds every unit of budget; unit 2 came back rejected with a comment."""
    make_desk(db, run)
    checkout(db, "ana", "en", "budget", count=3)
    submit(db, 2, "ana", "Council agaist")
    reject(db, 2, "eve", "Typo: «against»")
    assert [u["id"] for u in checkout(db, "ana", "en", "budget").units] == [2, 4, 5, 6, 7]
    return db


def write_script(path, body: str):
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def environment(tmp_path):
    """A UTF-8 xterm; $EDITOR writes "Figures". prompt_toolkit asks a real terminal where
    its cursor is (CPR) and waits for the answer; a pseudo-terminal never answers, so
    that question is turned off."""
    editor = write_script(tmp_path / "editor.sh", "printf 'Figures\\n# ignored\\n' > \"$1\"\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DESK_", "PROMPT_TOOLKIT"))}
    env.update(
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TERM="xterm",
        EDITOR=str(editor),
        PYTHONIOENCODING="utf-8",
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    return env


@pytest.fixture
def spawn(db_path, environment):
    children = []

    def start(user: str = "ana", *extra: str, command: tuple[str, ...] = ("work", "--lang", "en")):
        child = pexpect.spawn(
            sys.executable,
            [str(PROJECT / "manage.py"), "--db", str(db_path), "--user", user, *command, *extra],
            encoding="utf-8",
            env=environment,
            dimensions=(50, 200),
            timeout=20,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def screen(child) -> str:
    """Everything printed before the next prompt."""
    child.expect(PROMPT)
    return plain(child.before)


def finish(child) -> str:
    """Wait for the program to end; what it printed last."""
    child.expect(pexpect.EOF)
    child.close()
    return plain(child.before)


def test_work_loop_shows_context_and_saves(desk, spawn):
    db = desk
    child = spawn()
    first = screen(child)
    assert "── 1/7 · budget: Bugetul pe 2025, aprobat · segment 1 of 7 · unit 1 · new" in first
    assert " ro  Bugetul pe 2025, aprobat" in first
    assert "   › Consiliul General a aprobat joi bugetul Capitalei." in first
    assert "(no translation yet)" in first
    child.send(":d Budget  draft" + ENTER)

    second = screen(child)
    assert "draft of unit 1 saved" in second
    assert (
        "── 2/7 · budget: Bugetul pe 2025, aprobat · segment 2 of 7 · unit 2 · rejected" in second
    )
    assert "   ‹ Bugetul pe 2025, aprobat" in second
    assert " ro  Consiliul General a aprobat joi bugetul Capitalei." in second
    assert "   › Dl. Ionescu a votat împotrivă." in second
    assert " en  Council agaist" in second
    assert "  !  eve: Typo: «against»" in second
    child.send("The General Council approved the capital’s budget on Thursday." + ENTER)

    third = screen(child)
    assert "submitted" in third
    assert " ro  Dl. Ionescu a votat împotrivă." in third
    assert "   ‹ Consiliul General a aprobat joi bugetul Capitalei." in third
    assert "   › Cifrele" in third
    child.send(":x" + ENTER)
    assert "unknown command :x: type :h for help" in screen(child)
    child.send(":h" + ENTER)
    assert ":s  submit the current text as it is" in screen(child)
    child.send("Mr Ionescu voted „against” — ş ț" + ENTER)

    assert "segment 4 of 7 · unit 4 · new" in screen(child)
    child.send(":e" + ENTER)  # the editor script writes "Figures"

    fifth = screen(child)
    assert "submitted" in fifth and "unit 5 · new" in fifth
    child.send(ENTER)  # skip
    assert "unit 6 · new" in screen(child)
    child.send(":b" + ENTER)
    assert "unit 5 · new" in screen(child)
    child.send(":s" + ENTER)
    assert "Error: a translation cannot be empty" in screen(child)
    child.send(":q" + ENTER)
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
    child.send(":d A 2025 draft" + ENTER)
    assert "unit 2 · rejected" in screen(child)  # in segment order
    for unit in (3, 4, 5, 6, 7):
        child.send(ENTER)
        assert f"unit {unit} · new" in screen(child)
    child.send(ENTER)
    child.expect(r"7 units left: go through them again\? \[Y/n\]")
    child.send(ENTER)
    assert "1/7 · budget" in screen(child)
    child.send(":s" + ENTER)
    assert "unit 2 · rejected" in screen(child)
    child.sendeof()
    child.expect(pexpect.EOF)
    assert "submitted 1, drafts 1, skipped 6; you still hold 6 units" in plain(child.before)
    assert (get_unit(db, 1)["status"], get_unit(db, 1)["text"]) == ("translated", "A 2025 draft")


def test_work_checks_out_when_nothing_is_held(db, run, spawn):
    make_desk(db, run)
    child = spawn("bob", "budget")
    first = screen(child)
    assert "checked out 7 units until" in first
    assert "── 1/7 · budget" in first
    child.send(":q" + ENTER)
    child.expect(pexpect.EOF)
    result = run("work", "--lang", "en", "budget", user="ana")  # bob holds everything
    assert result.output == "nothing to translate in en in budget\n"


def test_lease_expired_while_typing_keeps_the_text(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    db.execute("UPDATE leases SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE unit_id = 1")
    child.send("Too  late" + ENTER)
    after = screen(child)
    assert (
        "Error: your lease on unit 1 expired at 2000-01-01 00:00 UTC: "
        "check it out again (`checkout --units 1`)\n"
        "nobody holds unit 1 now: your text is kept for whoever checks it out "
        "(in the unit's history)\n"
        "your text, kept:\n"
        "  Too late\n"
    ) in after
    assert "unit 2 · rejected" in after  # and it moved on
    child.send(":q" + ENTER)
    finish(child)
    assert stored(db, 1) == ("new", "")  # the unit itself is untouched
    assert [(d["user"], d["text"]) for d in stray_drafts(db, 1)] == [("ana", "Too late")]


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
    child.send(":1" + ENTER)
    assert "submitted" in screen(child)
    assert get_unit(db, 1)["text"] == "The 2025 budget, approved"
    assert get_unit(db, 1)["status"] == "translated"
    child.send(":q" + ENTER)
    child.expect(pexpect.EOF)


# --- line editing -----------------------------------------------------------------------


def test_arrow_keys_and_home_end_edit_the_line_not_the_text(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    child.send("budget approved" + LEFT * 8 + "2025 " + HOME + "The " + END + "!")
    child.send(BACKSPACE + "." + LEFT * 5 + RIGHT * 5 + ENTER)
    assert "submitted" in screen(child)  # unit 2, rejected: "Council agaist"
    child.send(UP + END + LEFT * 2 + "n" + VT_HOME + "The " + VT_END + " it" + APP_HOME)
    child.send("\x06" * 3 + "\x02" * 3 + "\x05" + "." + ENTER)  # Ctrl-F/B/E: Emacs moves
    assert "unit 3 · new" in screen(child)
    child.send(":q" + ENTER)
    assert "submitted 2" in finish(child)
    assert stored(db, 1) == ("translated", "The budget 2025 approved.")
    assert stored(db, 2) == ("translated", "The Council against it.")
    assert no_escapes_stored(db)


def test_history_recalls_the_units_text_and_earlier_answers(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    child.send("The 2025 budget" + ENTER)
    assert "unit 2 · rejected" in screen(child)
    # ↑ the unit's own text (Council agaist), ↑ the answer before, ↓ back to the unit's text
    child.send(UP + UP + " was approved" + ENTER)
    assert "unit 3 · new" in screen(child)
    # the answers of this session, newest first; unit 2's text was offered at unit 2 only
    child.send(UP + UP + UP + DOWN + " again" + ENTER)
    assert "unit 4 · new" in screen(child)
    child.send(":q" + ENTER)
    finish(child)
    assert stored(db, 1) == ("translated", "The 2025 budget")
    assert stored(db, 2) == ("translated", "The 2025 budget was approved")
    assert stored(db, 3) == ("translated", "The 2025 budget was approved again")


def test_multi_line_entry_for_long_sentences(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    # a backslash at the end of a line, or Alt-Enter, goes on on the next line
    child.send("The 2025 budget\\" + ENTER + "approved the capital's" + ALT_ENTER)
    child.send("budget on Thursday." + UP + HOME + "→ " + ENTER)  # ↑ moves between lines
    second = screen(child)
    assert "submitted" in second and "unit 2 · rejected" in second
    assert "… approved the capital's" in plain(child.before) or "…" in second
    child.send("\x1b[200~Pasted over\ntwo lines\x1b[201~" + ENTER)  # bracketed paste
    assert "unit 3 · new" in screen(child)
    child.send(":d A draft\\" + ENTER + "on two lines" + ENTER)
    assert "draft of unit 3 saved" in screen(child)
    child.send(":q" + ENTER)
    finish(child)
    assert stored(db, 1) == (
        "translated",
        "The 2025 budget → approved the capital's budget on Thursday.",
    )
    assert stored(db, 2) == ("translated", "Pasted over two lines")
    assert stored(db, 3) == ("new", "A draft on two lines")
    assert stored(db, 4) == ("new", "")  # the pasted second line was not an answer


def test_a_typed_control_character_is_refused_and_offered_again_to_fix(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    child.send("\x1b[200~Bud\x1b[Dget 2025\x1b[201~" + ENTER)  # pasted with an arrow key in it
    again = screen(child)
    assert (
        "Error: a translation: control character U+001B at character 4: remove it\n"
        "fix it and press Enter again\n"
    ) in again
    assert "unit 2" not in again
    child.send(LEFT * 8 + BACKSPACE * 3 + ENTER)  # the escape is shown as ^[[D: delete it
    assert "unit 2 · rejected" in screen(child)
    child.send(":q" + ENTER)
    finish(child)
    assert stored(db, 1) == ("translated", "Budget 2025")
    assert no_escapes_stored(db)


# --- Ctrl-C -----------------------------------------------------------------------------


def test_ctrl_c_keeps_the_half_typed_text_as_a_draft(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    child.send(ENTER)
    assert "unit 2 · rejected" in screen(child)
    child.send(UP + " and hal" + CTRL_C)
    last = finish(child)
    assert child.exitstatus == 130
    assert last.endswith("draft of unit 2 saved\nInterrupted.\n")
    assert "Traceback" not in last
    assert stored(db, 2) == ("rejected", "Council agaist and hal")
    assert [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id = 2")][-1] == "draft"


def test_ctrl_c_at_an_empty_prompt_or_a_question_exits_130_without_traceback(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    child.send(CTRL_C)
    last = finish(child)
    assert (child.exitstatus, last.splitlines()) == (130, ["en›", "Interrupted."])
    child = spawn("ana", "budget")
    for unit in range(1, 8):
        assert f"unit {unit} ·" in screen(child)
        child.send(ENTER)
    child.expect(r"go through them again\? \[Y/n\]: ")
    # The terminal is in cooked mode here: Ctrl-C is a signal. One sent before Python is
    # blocked reading would wait for the next key (as with KeyboardInterrupt): let it get there.
    time.sleep(0.5)
    child.sendintr()
    last = finish(child)
    assert (child.exitstatus, last.splitlines()) == (130, ["^C", "Interrupted."])
    assert stored(db, 1) == ("new", "")


def test_ctrl_c_while_the_editor_is_open_exits_130_without_traceback(
    desk, spawn, environment, tmp_path
):
    environment["EDITOR"] = str(write_script(tmp_path / "slow.sh", "echo editing; sleep 30\n"))
    child = spawn(command=("translate", "1"))
    child.expect("editing")
    child.sendintr()
    last = finish(child)
    assert child.exitstatus == 130
    assert "Traceback" not in last and last.strip().endswith("Interrupted.")
    assert stored(desk, 1) == ("new", "")


# --- the lease lost while typing ----------------------------------------------------------


def test_lease_taken_after_expiry_keeps_the_text_for_the_new_holder(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    db.execute("UPDATE leases SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE unit_id = 1")
    checkout(db, "bob", unit_ids=[1])
    child.send("Ana's  budget" + ENTER)
    after = screen(child)
    assert re.search(
        r"Error: unit 1 is checked out by bob until .* UTC; only the lease holder may change it\n"
        r"unit 1 is checked out by bob now: your text is kept for them \(in the unit's history\)\n"
        r"your text, kept:\n  Ana's budget\n",
        after,
    )
    child.send(CTRL_C)
    finish(child)
    assert stored(db, 1) == ("new", "")

    child = spawn("bob")
    shown = screen(child)
    assert "unit 1 · new" in shown
    assert re.search(
        r"  ✎  kept by ana after losing the lease, .* UTC \(↑ recalls it\): Ana's budget", shown
    )
    child.send(UP + " for 2025" + ENTER)
    assert "submitted 1, drafts 0, skipped 0; you still hold 0 units" in finish(child)
    unit = get_unit(db, 1)
    assert (unit["status"], unit["text"], unit["translator"]) == (
        "translated",
        "Ana's budget for 2025",
        "bob",
    )
    assert stray_drafts(db, 1) == []  # superseded by bob's submission; the history keeps it


def test_lease_released_by_an_admin_keeps_drafts_and_half_typed_text(desk, spawn):
    db = desk
    child = spawn()
    assert "unit 1 · new" in screen(child)
    release(db, "root", [1])
    child.send(":d A draft" + ENTER)
    after = screen(child)
    assert (
        "Error: unit 1 is not checked out by you: check it out first (`checkout --units 1`)\n"
        "nobody holds unit 1 now: your text is kept for whoever checks it out "
        "(in the unit's history)\n"
        "your text, kept:\n  A draft\n"
    ) in after
    assert "unit 2 · rejected" in after
    release(db, "root", [2])
    child.send("Half" + CTRL_C)
    last = finish(child)
    assert child.exitstatus == 130
    assert "Error: unit 2 is not checked out by you" in last
    assert last.endswith("your text, kept:\n  Half\nInterrupted.\n")
    assert [d["text"] for d in stray_drafts(db, 1)] == ["A draft"]
    assert [d["text"] for d in stray_drafts(db, 2)] == ["Half"]
    assert (stored(db, 1), stored(db, 2)) == (("new", ""), ("rejected", "Council agaist"))


# --- the editor -------------------------------------------------------------------------


def test_editor_text_with_control_characters_is_shown_and_edited_again(
    desk, spawn, environment, tmp_path
):
    """The first save carries an escape sequence; the editor reopens on it with the error."""
    db = desk
    log = tmp_path / "seen.txt"
    environment["EDITOR"] = str(
        write_script(
            tmp_path / "editor.sh",
            f'cat "$1" >> {log}\n'
            f'if grep -q "^# Error" "$1"; then printf "Figures 2025\\n" > "$1";\n'
            f'else printf "Fig\\033[Dures 2025\\n" > "$1"; fi\n',
        )
    )
    child = spawn()
    assert "unit 1 · new" in screen(child)
    child.send(":e" + ENTER)
    child.expect(r"Edit it again\? \[Y/n\]: ")
    assert "Error: a translation: control character U+001B at character 4: remove it" in plain(
        child.before
    )
    child.send(ENTER)
    assert "submitted" in screen(child)
    child.send(":e" + ENTER)  # unit 2: this time give up
    child.expect(r"Edit it again\? \[Y/n\]: ")
    child.send("n" + ENTER)
    after = screen(child)
    assert (
        "your text, not saved (control characters written as \\xNN):\n  Fig\\x1b[Dures 2025\n"
        in after
    )
    assert "nothing saved" in after
    child.send(":q" + ENTER)
    finish(child)
    assert stored(db, 1) == ("translated", "Figures 2025")
    assert stored(db, 2) == ("rejected", "Council agaist")
    assert (  # the second time, the editor opened on the refused text, with the error
        "Fig\x1b[Dures 2025\n\n# Write the translation above. Lines starting with # are ignored.\n"
        "# Error: a translation: control character U+001B at character 4: remove it\n"
        "# Source: Bugetul pe 2025, aprobat\n"
    ) in log.read_text(encoding="utf-8")


def test_qa_findings_show_before_submitting_and_errors_need_a_reason(desk, run):
    db = desk
    refused = run("work", "--lang", "en", "budget", input="Budget approved\n\n:q\n", user="ana")
    assert refused.exit_code == 0, refused.output
    assert "qa error [numbers]: number 2025 is missing from the translation" in refused.output
    assert "submitted 0," in refused.output
    assert stored(db, 1) == ("new", "")  # Enter at the question: back to editing, nothing sent
    answers = "Budget approved\nthe year is in the photo caption\n:q\n"
    accepted = run("work", "--lang", "en", "budget", input=answers, user="ana")
    assert "submitted 1," in accepted.output
    assert stored(db, 1) == ("translated", "Budget approved")
    detail = db.execute(
        "SELECT detail FROM events WHERE unit_id = 1 AND action = 'submit'"
    ).fetchone()[0]
    assert json.loads(detail) == {
        "override": "the year is in the photo caption",
        "qa": ["numbers: number 2025 is missing from the translation"],
    }
