"""The editors' workflow: review, approve, reject; and the history and status reports."""

from __future__ import annotations

import json

import pytest

from tests.conftest import T0, events, hours
from tests.conftest import approve_any as approve  # placeholder texts
from tests.conftest import submit_any as submit  # placeholder texts
from tool import clock
from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from tool.services.leases import checkout
from tool.services.progress import history, status
from tool.services.review import approve_article, reject, review_queue
from tool.services.workflow import get_unit


def translate_all(db, user: str, count: int | None = None) -> list[int]:
    """``user`` checks out and submits the next units of budget; returns their ids."""
    done = []
    for unit in checkout(db, user, "en", "budget", count=count, now=T0).units:
        submit(db, unit["id"], user, f"EN {unit['seq']} by {user}", now=T0)
        done.append(unit["id"])
    return done


def test_review_queue_lists_submitted_units(desk):
    db = desk
    translate_all(db, "ana", 2)
    rows = review_queue(db, "eve", "en")
    assert [(r["id"], r["source"], r["text"], r["translator"]) for r in rows] == [
        (1, "Bugetul pe 2025, aprobat", "EN 0 by ana", "ana"),
        (2, "Consiliul General a aprobat joi bugetul Capitalei.", "EN 1 by ana", "ana"),
    ]
    db.execute("UPDATE units SET status = 'needs_review', text = 'aligned' WHERE id = 5")
    assert [r["id"] for r in review_queue(db, "eve", "en", "budget", needs_review=True)] == [
        1,
        2,
        5,
    ]
    with pytest.raises(PermissionDenied, match="ana is a translator: only editors or admins"):
        review_queue(db, "ana", "en")
    with pytest.raises(PermissionDenied, match="eve does not work in ru"):
        review_queue(db, "eve", "ru")
    with pytest.raises(NotFoundError, match="no article 'nope'"):
        review_queue(db, "eve", "en", "nope")


def test_approve_with_an_edit_records_old_and_new_text(desk):
    db = desk
    translate_all(db, "ana", 2)
    result = approve(db, [1], "eve", text="The 2025  budget, approved", now=hours(1))
    assert (result.approved, result.edited) == ([1], [1])
    unit = get_unit(db, 1)
    assert (unit["status"], unit["reviewer"], unit["text"], unit["translator"]) == (
        "approved",
        "eve",
        "The 2025 budget, approved",
        "ana",
    )
    assert events(db, 1)[-1] == (
        "eve",
        "approve",
        "translated",
        "approved",
        "EN 0 by ana",
        "The 2025 budget, approved",
        "",
    )
    assert approve(db, [2], "eve", comment="fine").edited == []
    assert events(db, 2)[-1][-1] == "fine"
    with pytest.raises(InputError, match="--text corrects one unit"):
        approve(db, [1, 2], "eve", text="x")


def test_editor_never_approves_their_own_translation(desk):
    db = desk
    translate_all(db, "eve", 1)
    with pytest.raises(PermissionDenied) as error:
        approve(db, [1], "eve", now=T0)
    assert str(error.value) == "unit 1 is your own translation: another editor must approve it"
    approve(db, [1], "ed", now=T0)
    assert get_unit(db, 1)["reviewer"] == "ed"


def test_only_editors_in_their_languages_review(desk):
    db = desk
    translate_all(db, "ana", 1)
    with pytest.raises(PermissionDenied) as error:
        approve(db, [1], "bob", now=T0)
    assert str(error.value) == "bob is a translator: only editors or admins may do this"
    with pytest.raises(PermissionDenied, match="bob is a translator"):
        reject(db, 1, "bob", "no", now=T0)
    db.execute("UPDATE users SET languages = '[\"ru\"]' WHERE name = 'eve'")
    with pytest.raises(PermissionDenied) as error:
        approve(db, [1], "eve", now=T0)
    assert str(error.value) == (
        "eve does not work in en (their languages: ru); ask an admin to add it"
    )
    approve(db, [1], "root", now=T0)  # admins do everything


def test_approve_is_all_or_nothing(desk):
    db = desk
    translate_all(db, "ana", 2)
    with pytest.raises(ConflictError, match="unit 3 is new"):
        approve(db, [1, 2, 3], "eve", now=T0)
    assert [get_unit(db, i)["status"] for i in (1, 2)] == ["translated", "translated"]


def test_approve_refuses_a_unit_someone_is_working_on(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    db.execute("UPDATE units SET status = 'needs_review', text = 'aligned' WHERE id = 1")
    with pytest.raises(ConflictError) as error:
        approve(db, [1], "eve", now=T0)
    assert str(error.value) == (
        "unit 1 is checked out by ana until 2026-03-02 13:00 UTC; "
        "wait for the submission or ask them to release it"
    )
    approve(db, [1], "eve", now=hours(5))  # the lease expired: the editor confirms the alignment
    assert db.execute("SELECT COUNT(*) FROM leases").fetchone()[0] == 0


def test_approve_article_skips_own_translations(desk):
    db = desk
    translate_all(db, "ana", 3)
    translate_all(db, "eve", 2)
    result = approve_article(db, "budget", "en", "eve", now=T0)
    assert result.approved == [2, 3]  # unit 1's placeholder text lost the source's 2025
    assert result.skipped == [
        {"unit": 1, "reason": "unit 1 has 1 QA error (numbers: numbers changed: 2025 -> 0)"},
        {"unit": 4, "reason": "your own translation"},
        {"unit": 5, "reason": "your own translation"},
    ]
    assert approve_article(db, "budget", "en", "ed", now=T0).approved == [4]  # 5 lost numbers
    with pytest.raises(NotFoundError):
        approve_article(db, "nope", "en", "ed")


def test_reject_needs_a_comment_and_sends_the_unit_back(desk):
    db = desk
    translate_all(db, "ana", 1)
    for empty in ("", "   "):
        with pytest.raises(InputError) as error:
            reject(db, 1, "eve", empty, now=T0)
        assert str(error.value) == "a rejection needs a comment saying what to fix (--comment)"
    unit = reject(db, 1, "eve", "  Say  «approved»  ", now=T0)
    assert (unit["status"], unit["comment"], unit["reviewer"], unit["translator"]) == (
        "rejected",
        "Say «approved»",
        "eve",
        "ana",
    )
    assert events(db, 1)[-1] == (
        "eve",
        "reject",
        "translated",
        "rejected",
        "EN 0 by ana",
        "EN 0 by ana",
        "Say «approved»",
    )
    assert checkout(db, "ana", "en", "budget", count=1, now=T0).units[0]["id"] == 1


def test_needs_review_can_be_confirmed_rejected_or_redone(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    from tool.services.leases import release

    release(db, "ana")
    db.execute("UPDATE units SET status = 'needs_review', text = 'aligned' WHERE id IN (1, 2, 3)")
    approve(db, [1], "eve", now=T0)
    reject(db, 2, "eve", "wrong sentence", now=T0)
    checkout(db, "bob", unit_ids=[3], now=T0)
    submit(db, 3, "bob", None, now=T0)  # the translator confirms the aligned text
    assert [get_unit(db, i)["status"] for i in (1, 2, 3)] == ["approved", "rejected", "translated"]


def test_history(desk):
    db = desk
    translate_all(db, "ana", 1)
    approve(db, [1], "eve", text="Budget", now=T0)
    rows = history(db, 1, "bob")
    assert [(e["action"], e["old_status"], e["new_status"]) for e in rows] == [
        ("create", None, "new"),
        ("submit", "new", "translated"),
        ("approve", "translated", "approved"),
    ]
    assert rows[-1]["detail"] == {
        "edited": True,
        "override": "placeholder text in a workflow test",
        "qa": ["numbers: number 2025 is missing from the translation"],
    }
    assert (rows[-1]["old_text"], rows[-1]["new_text"], rows[-1]["user"]) == (
        "EN 0 by ana",
        "Budget",
        "eve",
    )
    with pytest.raises(NotFoundError, match="no unit 99"):
        history(db, 99, "bob")
    with pytest.raises(PermissionDenied, match="unknown user 'zed'"):
        history(db, 1, "zed")


def test_status_numbers(desk):
    db = desk
    translate_all(db, "ana", 3)  # units 1-3: 4 + 7 + 5 words
    approve(db, [1, 2], "eve", now=T0)
    reject(db, 3, "eve", "redo", now=T0)
    checkout(db, "bob", "en", "budget", count=2, now=T0)  # units 4, 5 leased
    report = status(db, "eve", "budget", now=T0)
    assert len(report.rows) == 2  # en (units) and ru (ed and ivan work in it; no units yet)
    en, ru = report.rows
    assert (en["lang"], en["units"], en["words"]) == ("en", 7, 30)
    assert {s: en[s] for s in ("new", "translated", "approved", "rejected", "needs_review")} == {
        "new": 4,
        "translated": 0,
        "approved": 2,
        "rejected": 1,
        "needs_review": 0,
    }
    assert en["status_words"]["approved"] == 11 and en["status_words"]["rejected"] == 5
    assert en["percent_approved"] == 28.6
    assert (ru["lang"], ru["new"], ru["percent_approved"]) == ("ru", 7, 0)
    assert [(r["user"], r["units"], r["until"]) for r in report.leases] == [
        ("bob", 2, "2026-03-02T13:00:00.000000Z")
    ]
    assert status(db, "eve", lang="en", now=hours(5)).leases == []  # expired
    by_ana = status(db, "eve", by="ana", now=T0)
    assert [
        (r["article"], r["lang"], r["units"], r["approved"], r["rejected"]) for r in by_ana.rows
    ] == [("budget", "en", 3, 2, 1)]
    assert by_ana.leases == []
    with pytest.raises(NotFoundError):
        status(db, "eve", "nope")


def test_cli_review_approve_reject_history_status(desk, run, monkeypatch):
    monkeypatch.setattr(clock, "_fixed", clock.parse("2026-03-02T09:00:00Z"))
    translate_all(desk, "ana", 4)
    shown = run("review", "--lang", "en", user="eve")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "#1 budget:0 translated by ana"
    assert "Bugetul pe 2025, aprobat" in shown.output and "│ EN 0 by ana" in shown.output
    assert shown.output.endswith("4 units to review\n")
    assert [
        r["id"] for r in json.loads(run("review", "--lang", "en", "--json", user="eve").output)
    ] == [1, 2, 3, 4]
    assert run("review", "--lang", "en", user="ana").stderr == (
        "Error: ana is a translator: only editors or admins may do this\n"
    )
    refused = run("approve", "1", "2", user="eve")
    assert refused.stderr == (
        "Error: unit 1 has 1 QA error (numbers: numbers changed: 2025 -> 0): fix the "
        'translation, or approve with --override "reason"\n'
    )
    assert run("approve", "2", user="eve").output == "approved 1 unit\n"
    assert run("approve", "1", "--override", "the year is in the dateline", user="eve").output == (
        "approved 1 unit\n"
    )
    assert (
        run("approve", "3", "--text", "Fixed", user="eve").output == "approved 1 unit (1 edited)\n"
    )
    own = run("approve", "4", user="ana")
    assert own.exit_code == 1
    assert run("reject", "4", user="eve").exit_code == 2  # --comment is required
    assert run("reject", "4", "--comment", " ", user="eve").stderr == (
        "Error: a rejection needs a comment saying what to fix (--comment)\n"
    )
    assert run("reject", "4", "-m", "Too literal", user="eve").output == (
        "rejected unit 4: sent back to ana\n"
    )
    text = run("history", "4", user="bob").output.splitlines()
    assert text[0].split() == ["2026-03-02", "09:00", "UTC", "ana", "create", "-", "→", "new"]
    assert text[-1].strip() == "“Too literal”"
    data = json.loads(run("history", "3", "--json", user="bob").output)
    assert [e["action"] for e in data] == ["create", "submit", "approve"]
    table = run("status", "budget", "--lang", "en", user="eve").output.splitlines()
    assert table[0] == "units / source words per status"
    assert table[1].split() == [
        "article",
        "lang",
        "units",
        "words",
        "new",
        "translated",
        "needs_review",
        "rejected",
        "approved",
        "approved%",
    ]
    row = ["budget", "en", "7", "30", "3/13", "0/0", "0/0", "1/1", "3/16", "42.9"]
    assert table[3].split() == row
    data = json.loads(run("status", "--json", "--by", "ana", user="eve").output)
    assert data["by"] == "ana" and data["rows"][0]["approved"] == 3
    translate_all(desk, "bob")
    result = run("approve", "--article", "budget", "--lang", "en", user="eve")
    assert result.output == (
        "approved 2 units\n"
        "skipped unit 5: unit 5 has 2 QA errors (numbers: numbers changed: 5,5 -> 4; numbers: "
        "number 1.250.000 is missing from the translation)\n"
    )
    assert run("approve", "--article", "budget", user="eve").exit_code == 2


@pytest.mark.parametrize(
    ("user", "args", "message"),
    [
        (
            "zed",
            ["checkout", "--lang", "en"],
            "unknown user 'zed': ask an admin to add you with `user add`",
        ),
        (
            "ivan",
            ["checkout", "--lang", "en", "budget"],
            "ivan does not work in en (their languages: ru); ask an admin to add it",
        ),
        ("ana", ["approve", "1"], "ana is a translator: only editors or admins may do this"),
        (
            "ana",
            ["reject", "1", "-m", "no"],
            "ana is a translator: only editors or admins may do this",
        ),
        ("eve", ["approve", "1"], "unit 1 is your own translation: another editor must approve it"),
        (
            "ed",
            ["approve", "2"],
            "unit 2 is new: it cannot be approved (a new unit can only be submitted)",
        ),
        (
            "ed",
            ["approve", "3"],
            "unit 3 is part of unit 1's alignment bead: approve unit 1 instead",
        ),
        (
            "bob",
            ["translate", "2", "x"],
            "unit 2 is not checked out by you: check it out first (`checkout --units 2`)",
        ),
        ("bob", ["history", "99"], "no unit 99"),
        ("bob", ["checkout", "--lang", "en", "nope"], "no article 'nope'"),
        ("bob", ["checkout", "--lang", "xx-yy"], "unknown language: 'xx-yy'"),
    ],
)
def test_cli_refusals_are_one_clear_line(desk, run, user, args, message):
    checkout(desk, "eve", "en", "budget", count=1)
    submit(desk, 1, "eve", "Budget")
    desk.execute("UPDATE units SET joined_to = 1 WHERE id = 3")
    result = run(*args, user=user)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"


def test_editor_reopens_an_approved_unit(desk):
    from tool.services.review import reopen

    db = desk
    translate_all(db, "ana", 2)
    approve(db, [1, 2], "eve", now=hours(1))
    assert db.execute("SELECT COUNT(*) FROM memory WHERE unit_id = 1").fetchone()[0] == 1
    with pytest.raises(InputError, match="reopening needs a comment"):
        reopen(db, [1], "eve", "  ")
    with pytest.raises(PermissionDenied, match="ana is a translator: only editors or admins"):
        reopen(db, [1], "ana", "why")
    reopened = reopen(db, [1], "eve", "check the year", now=hours(2))
    assert [(u["id"], u["status"], u["text"], u["translator"]) for u in reopened] == [
        (1, "needs_review", "EN 0 by ana", "ana")
    ]
    assert events(db, 1)[-1] == (
        "eve",
        "reopen",
        "approved",
        "needs_review",
        "EN 0 by ana",
        "EN 0 by ana",
        "check the year",
    )
    # It leaves the memory until approved again, and can be approved again.
    assert db.execute("SELECT COUNT(*) FROM memory WHERE unit_id = 1").fetchone()[0] == 0
    with pytest.raises(ConflictError, match="unit 1 is needs_review: only an approved unit"):
        reopen(db, [1, 2], "eve", "again")
    assert get_unit(db, 2)["status"] == "approved"  # all or nothing
    approve(db, [1], "eve", now=hours(3))
    assert db.execute("SELECT COUNT(*) FROM memory WHERE unit_id = 1").fetchone()[0] == 1


def test_reopen_command(desk, run):
    translate_all(desk, "ana", 1)
    approve(desk, [1], "eve", now=hours(1))
    result = run("reopen", "1", "--comment", "name is wrong", user="eve")
    assert result.exit_code == 0, result.output
    assert result.output == "reopened 1 unit: needs review\n"
    result = run("reopen", "1", "-m", "x", user="eve")
    assert result.exit_code == 1
