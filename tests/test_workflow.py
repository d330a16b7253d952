"""The translators' workflow: the state machine, check-outs, leases, drafts and submissions."""

from __future__ import annotations

import json
import sqlite3
from itertools import product

import pytest

from tests.conftest import DATA, T0, events, hours
from tests.conftest import approve_any as approve  # placeholder texts
from tests.conftest import submit_any as submit  # placeholder texts
from tool import clock
from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from tool.services.leases import checkout, mine, release, renew, returned_units
from tool.services.review import reject
from tool.services.users import add_user
from tool.services.workflow import (
    STATUSES,
    TRANSITIONS,
    check_transition,
    get_unit,
    save_draft,
    unit_context,
)


def ids(result) -> list[int]:
    return [u["id"] for u in result.units]


# --- the state machine -------------------------------------------------------------------


def test_every_transition_outside_the_table_is_refused():
    allowed = {(old, new) for old, targets in TRANSITIONS.items() for new in targets}
    assert allowed == {
        ("new", "translated"),
        ("needs_review", "translated"),
        ("rejected", "translated"),
        ("translated", "approved"),
        ("translated", "rejected"),
        ("needs_review", "approved"),
        ("needs_review", "rejected"),
        ("approved", "needs_review"),
    }
    for old, new in product(STATUSES, STATUSES):
        unit = {"id": 1, "status": old}
        if (old, new) in allowed:
            check_transition(unit, new)
        else:
            with pytest.raises(ConflictError, match=f"^unit 1 is {old}: it cannot be"):
                check_transition(unit, new)


def test_transition_message():
    with pytest.raises(ConflictError) as error:
        check_transition({"id": 7, "status": "new"}, "approved")
    assert (
        str(error.value)
        == "unit 7 is new: it cannot be approved (a new unit can only be submitted)"
    )


def test_illegal_transitions_through_the_library(desk):
    db = desk
    unit = ids(checkout(db, "ana", "en", "budget", count=1, now=T0))[0]
    with pytest.raises(ConflictError, match="unit 1 is new: it cannot be approved"):
        approve(db, [unit], "eve", now=T0)
    with pytest.raises(ConflictError, match="unit 1 is new: it cannot be rejected"):
        reject(db, unit, "eve", "no", now=T0)
    submit(db, unit, "ana", "Budget 2025 approved", now=T0)
    with pytest.raises(ConflictError, match="unit 1 is translated: it cannot be submitted"):
        submit(db, unit, "ana", "again", now=T0)
    approve(db, [unit], "eve", now=T0)
    for call in (
        lambda: approve(db, [unit], "ed", now=T0),
        lambda: reject(db, unit, "ed", "too late", now=T0),
        lambda: save_draft(db, unit, "overwrite", "ana", now=T0),
    ):
        with pytest.raises(ConflictError, match="unit 1 is approved: it cannot be"):
            call()
    assert get_unit(db, unit)["text"] == "Budget 2025 approved"


# --- check-out ---------------------------------------------------------------------------


def test_checkout_creates_units_on_demand_and_leases_in_order(desk):
    db = desk
    result = checkout(db, "ana", "en", "budget", count=3, now=T0)
    assert result.created == 7
    assert [(u["seq"], u["status"]) for u in result.units] == [(0, "new"), (1, "new"), (2, "new")]
    assert result.units[0]["source"] == "Bugetul pe 2025, aprobat"
    assert result.expires_at == "2026-03-02T13:00:00.000000Z"  # 4 hours by default
    assert db["units"].count == 7
    assert events(db, 7) == [("ana", "create", None, "new", None, "", "")]
    second = checkout(db, "bob", "en", "budget", count=3, now=T0)
    assert [u["seq"] for u in second.units] == [3, 4, 5]
    assert second.created == 0
    rest = checkout(db, "ana", "en", "budget", now=T0)  # the whole article: what is left
    assert [u["seq"] for u in rest.units] == [6]
    assert checkout(db, "bob", "en", "budget", now=T0).units == []
    assert [u["id"] for u in mine(db, "ana", now=T0)] == [1, 2, 3, 7]


def test_checkout_without_article_walks_every_article(desk, run):
    db = desk
    run("import", DATA / "articles" / "storm.md")
    result = checkout(db, "ana", "en", count=9, now=T0)
    assert [(u["article"], u["seq"]) for u in result.units] == [
        *(("budget", i) for i in range(7)),
        ("storm", 0),
        ("storm", 1),
    ]
    assert result.created == 10  # both articles got all their units
    assert [u["seq"] for u in checkout(db, "bob", "en", now=T0).units] == [2]


def test_checkout_skips_joined_units_and_refuses_them_by_id(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    release(db, "ana")
    db.execute("UPDATE units SET joined_to = 2 WHERE id = 3")
    assert 3 not in ids(checkout(db, "ana", "en", "budget", now=T0))
    with pytest.raises(ConflictError) as error:
        checkout(db, "bob", unit_ids=[3], now=T0)
    assert str(error.value) == (
        "unit 3 is part of unit 2's alignment bead: check out unit 2 instead"
    )


def test_checkout_refusals(desk):
    db = desk
    with pytest.raises(NotFoundError, match="no article 'nope'"):
        checkout(db, "ana", "en", "nope", now=T0)
    with pytest.raises(InputError, match="article 'budget' is written in ro"):
        checkout(db, "root", "ro", "budget", now=T0)
    with pytest.raises(PermissionDenied, match="ana does not work in ru"):
        checkout(db, "ana", "ru", "budget", now=T0)
    with pytest.raises(InputError, match="say which language"):
        checkout(db, "ana", now=T0)
    taken = ids(checkout(db, "ana", "en", "budget", count=2, now=T0))
    with pytest.raises(ConflictError) as error:
        checkout(db, "bob", unit_ids=[3, taken[1]], now=T0)
    assert str(error.value) == "unit 2 is checked out by ana until 2026-03-02 13:00 UTC"
    assert mine(db, "bob", now=T0) == []  # all or nothing
    with pytest.raises(ConflictError, match=r"you already hold unit 1 \(see `renew`\)"):
        checkout(db, "ana", unit_ids=[1], now=T0)
    with pytest.raises(PermissionDenied, match="ivan does not work in en"):
        checkout(db, "ivan", unit_ids=[3], now=T0)
    with pytest.raises(NotFoundError, match="no unit 99"):
        checkout(db, "bob", unit_ids=[99], now=T0)
    submit(db, 1, "ana", "Budget", now=T0)
    with pytest.raises(ConflictError, match="unit 1 is translated: only new, rejected and"):
        checkout(db, "bob", unit_ids=[1], now=T0)


def test_checkout_by_id_and_lease_length(desk, monkeypatch):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    monkeypatch.setenv("DESK_LEASE_HOURS", "1.5")
    result = checkout(db, "bob", unit_ids=[4, 2], now=T0)
    assert ids(result) == [2, 4] and result.lang == "en"
    assert result.expires_at == "2026-03-02T10:30:00.000000Z"
    assert checkout(db, "bob", unit_ids=[5], hours=8, now=T0).expires_at.startswith(
        "2026-03-02T17:00"
    )
    monkeypatch.setenv("DESK_LEASE_HOURS", "soon")
    with pytest.raises(InputError, match="DESK_LEASE_HOURS must be a number of hours"):
        checkout(db, "bob", "en", now=T0)


# --- leases ------------------------------------------------------------------------------


def test_expired_lease_frees_the_unit_and_refuses_the_old_holder(desk):
    db = desk
    taken = ids(checkout(db, "ana", "en", "budget", count=2, now=T0))
    assert checkout(db, "bob", "en", "budget", count=2, now=hours(1)).units[0]["seq"] == 2
    save_draft(db, taken[0], "Draft by Ana", "ana", now=hours(3))
    later = checkout(db, "bob", "en", "budget", count=2, now=hours(5))  # ana's leases expired
    assert ids(later) == taken
    with pytest.raises(PermissionDenied) as error:
        submit(db, taken[0], "ana", "Too late", now=hours(5))
    assert str(error.value) == (
        "unit 1 is checked out by bob until 2026-03-02 18:00 UTC; "
        "only the lease holder may change it"
    )
    assert submit(db, taken[0], "bob", None, now=hours(5)).text == "Draft by Ana"


def test_submission_on_an_expired_or_missing_lease_is_refused(desk):
    db = desk
    unit = ids(checkout(db, "ana", "en", "budget", count=1, now=T0))[0]
    with pytest.raises(PermissionDenied) as error:
        submit(db, unit, "ana", "Late", now=hours(4))
    assert str(error.value) == (
        "your lease on unit 1 expired at 2026-03-02 13:00 UTC: "
        "check it out again (`checkout --units 1`)"
    )
    with pytest.raises(PermissionDenied) as error:
        save_draft(db, 2, "Never checked out", "ana", now=T0)
    assert str(error.value) == (
        "unit 2 is not checked out by you: check it out first (`checkout --units 2`)"
    )
    assert get_unit(db, unit)["status"] == "new"
    assert [e[1] for e in events(db, unit)] == ["create"]


def test_renew_and_release(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=3, now=T0)
    renewed = renew(db, "ana", [2], hours=2, now=hours(3))
    assert [(r["id"], r["expires_at"]) for r in renewed] == [(2, "2026-03-02T14:00:00.000000Z")]
    renewed = renew(db, "ana", now=hours(5))  # --all, even expired ones nobody took
    assert [r["id"] for r in renewed] == [1, 2, 3]
    with pytest.raises(ConflictError, match="unit 4 is not checked out by you"):
        renew(db, "ana", [4], now=T0)
    with pytest.raises(PermissionDenied, match="unit 1 is checked out by ana, not you"):
        release(db, "bob", [1])
    assert release(db, "ana", [1]) == [1]
    with pytest.raises(ConflictError, match="unit 1 is not checked out"):
        release(db, "ana", [1])
    assert release(db, "root", [2]) == [2]  # admins may release anyone's lease
    assert release(db, "ana") == [3]
    assert mine(db, "ana", now=hours(5)) == []


# --- drafts and submissions --------------------------------------------------------------


def test_draft_keeps_status_and_writes_an_event(desk):
    db = desk
    unit = ids(checkout(db, "ana", "en", "budget", count=1, now=T0))[0]
    result = save_draft(db, unit, "  Bugetul  pe 2025 \n draft ş ţ  ", "ana", now=T0)
    assert result.changed and result.status == "new"
    assert get_unit(db, unit)["text"] == "Bugetul pe 2025 draft ș ț"  # normalised
    assert save_draft(db, unit, "Bugetul pe 2025 draft ș ț", "ana", now=T0).changed is False
    assert events(db, unit)[-1] == (
        "ana",
        "draft",
        "new",
        "new",
        "",
        "Bugetul pe 2025 draft ș ț",
        "",
    )
    assert len(events(db, unit)) == 2
    with pytest.raises(InputError, match="a translation cannot be empty"):
        save_draft(db, unit, "   ", "ana", now=T0)


def test_submit_sets_translator_releases_lease_and_writes_event(desk):
    db = desk
    unit = ids(checkout(db, "ana", "en", "budget", count=1, now=T0))[0]
    save_draft(db, unit, "Draft", "ana", now=T0)
    result = submit(db, unit, "ana", "The 2025 budget,   approved", now=T0)
    assert result.status == "translated"
    row = get_unit(db, unit)
    assert (row["status"], row["translator"], row["text"], row["lease_user"]) == (
        "translated",
        "ana",
        "The 2025 budget, approved",
        None,
    )
    assert events(db, unit)[-1] == (
        "ana",
        "submit",
        "new",
        "translated",
        "Draft",
        "The 2025 budget, approved",
        "",
    )
    with pytest.raises(InputError, match="a translation cannot be empty"):
        checkout(db, "ana", unit_ids=[2], now=T0)
        submit(db, 2, "ana", None, now=T0)  # nothing drafted, nothing given


def test_translating_needs_a_translating_role_and_language(desk):
    db = desk
    add_user(db, "rex", "translator", ["ru"], by="root")
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    with pytest.raises(PermissionDenied, match="^unknown user 'zed'"):
        submit(db, 1, "zed", "x", now=T0)
    with pytest.raises(PermissionDenied) as error:
        save_draft(db, 1, "x", "rex", now=T0)
    assert (
        str(error.value) == "rex does not work in en (their languages: ru); ask an admin to add it"
    )


def test_bead_members_follow_their_head(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    release(db, "ana")
    db.execute("UPDATE units SET joined_to = 2 WHERE id = 3")
    checkout(db, "ana", unit_ids=[2], now=T0)
    with pytest.raises(ConflictError, match="part of unit 2's alignment bead: submit unit 2"):
        submit(db, 3, "ana", "x", now=T0)
    submit(db, 2, "ana", "The council approved the budget; Mr Ionescu voted against.", now=T0)
    assert get_unit(db, 3)["status"] == "translated"
    assert events(db, 3)[-1][:4] == ("ana", "submit", "new", "translated")
    approve(db, [2], "eve", now=T0)
    assert (get_unit(db, 3)["status"], get_unit(db, 3)["reviewer"]) == ("approved", "eve")


def test_every_change_writes_one_event_and_history_is_append_only(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=2, now=T0)
    save_draft(db, 1, "d1", "ana", now=T0)
    submit(db, 1, "ana", "t1", now=T0)
    submit(db, 2, "ana", "t2", now=T0)
    approve(db, [1], "eve", text="T1", now=T0)
    reject(db, 2, "eve", "fix it", now=T0)
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id IN (1, 2)")]
    assert sorted(actions) == sorted(
        ["create", "create", "draft", "submit", "submit", "approve", "reject"]
    )
    with pytest.raises(sqlite3.IntegrityError, match="history is append-only"):
        db.execute("UPDATE events SET comment = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="history is append-only"):
        db.execute("DELETE FROM events")


def test_failed_operation_writes_nothing(desk, db_path):
    from tests.conftest import snapshot

    db = desk
    checkout(db, "ana", "en", "budget", count=2, now=T0)
    before = snapshot(db_path)
    with pytest.raises(ConflictError):
        checkout(db, "bob", unit_ids=[5, 1], now=T0)
    with pytest.raises(PermissionDenied):
        submit(db, 1, "bob", "x", now=T0)
    assert snapshot(db_path) == before


# --- rejected units go back to their translator -----------------------------------------


def test_rejected_unit_is_reserved_for_its_translator(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    submit(db, 1, "ana", "Budget 2025 aproved", now=T0)
    reject(db, 1, "eve", "Spelling: approved", now=hours(1))
    assert [r["id"] for r in returned_units(db, "ana")] == [1]
    assert 1 not in ids(checkout(db, "bob", "en", "budget", count=1, now=hours(2)))
    with pytest.raises(ConflictError) as error:
        checkout(db, "bob", unit_ids=[1], now=hours(2))
    assert str(error.value) == (
        "unit 1 was rejected and goes back to ana first; "
        "others may take it 24 hours after the rejection"
    )
    back = checkout(db, "ana", "en", "budget", count=1, now=hours(2)).units[0]
    assert (back["id"], back["status"], back["comment"], back["reviewer"]) == (
        1,
        "rejected",
        "Spelling: approved",
        "eve",
    )
    context = unit_context(db, 1)
    assert context["comment"] == "Spelling: approved"
    submit(db, 1, "ana", "Budget 2025 approved", now=hours(2))
    assert get_unit(db, 1)["comment"] == ""  # addressed; the history keeps it
    assert returned_units(db, "ana") == []


def test_rejected_unit_is_open_to_all_after_a_day(desk):
    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    submit(db, 1, "ana", "x", now=T0)
    reject(db, 1, "eve", "redo", now=T0)
    assert ids(checkout(db, "bob", "en", "budget", count=1, now=hours(25))) == [1]


# --- CLI ---------------------------------------------------------------------------------


def test_cli_checkout_translate_mine_release(desk, run, monkeypatch):
    monkeypatch.setattr(clock, "_fixed", clock.parse("2026-03-02T09:00:00Z"))
    result = run("checkout", "budget", "--lang", "en", "--count", "2", user="ana")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "checked out 2 units in en until 2026-03-02 13:00 UTC (7 new units created)"
    assert lines[1].split() == ["id", "article", "seq", "lang", "status", "source"]
    assert lines[3].split()[:5] == ["1", "budget", "0", "en", "new"]
    data = json.loads(
        run("checkout", "--lang", "en", "--units", "3,4", "--json", user="bob").output
    )
    assert [u["id"] for u in data["units"]] == [3, 4] and data["user"] == "bob"
    assert run("translate", "1", "Budget draft", user="ana").output == (
        "saved a draft of unit 1 (status new)\n"
    )
    refused = run("translate", "1", "--submit", "--keep", user="ana")
    assert refused.stderr == (
        "Error: unit 1 has 1 QA error (numbers: number 2025 is missing from the translation): "
        'fix the translation, or submit with --override "reason" (your text is saved as a draft)\n'
    )
    submitted = run(
        "translate", "1", "--submit", "--keep", "--override", "a draft title", user="ana"
    ).output
    assert submitted == (
        "qa error [numbers]: number 2025 is missing from the translation\n"
        "submitted unit 1 for review (QA errors overridden)\n"
    )
    piped = run("translate", "2", "-", "--submit", input="From stdin ş\n", user="ana")
    assert piped.output.splitlines()[0] == (
        "qa warning [length]: the translation is 24% of the source's length: something missing?"
    )  # the findings come first
    assert piped.output.endswith("submitted unit 2 for review\n")
    assert desk.execute("SELECT text FROM units WHERE id = 2").fetchone()[0] == "From stdin ș"
    refused = run("translate", "3", "Mine now", user="ana")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: unit 3 is checked out by bob until 2026-03-02 13:00 UTC; "
        "only the lease holder may change it\n"
    )
    assert "you hold no units" in run("mine", user="ana").output
    held = json.loads(run("mine", "--json", user="bob").output)
    assert [u["id"] for u in held["checked_out"]] == [3, 4]
    assert run("renew", "--all", "--hours", "1", user="bob").output == (
        "renewed 2 units until 2026-03-02 10:00 UTC\n"
    )
    assert run("release", "3", user="bob").output == "released 1 unit: 3\n"
    assert run("release", user="bob").exit_code == 2
    monkeypatch.setattr(
        clock, "_fixed", clock.parse("2026-03-02T11:00:00Z")
    )  # bob's lease on 4 expired
    assert run("translate", "4", "x", user="bob").stderr.startswith(
        "Error: your lease on unit 4 expired at 2026-03-02 10:00 UTC"
    )
    assert run("checkout", "budget", "--lang", "en", "--json", user="ana").exit_code == 0


def test_cli_translate_opens_the_editor(desk, run, monkeypatch):
    import click

    checkout(desk, "ana", "en", "budget", count=1)
    seen = {}

    def fake_edit(text, **kwargs):
        seen["text"] = text
        return "Edited in the editor\n# a comment line\n"

    monkeypatch.setattr(click, "edit", fake_edit)
    result = run("translate", "1", "--submit", "--override", "test", user="ana")
    assert result.output.endswith("submitted unit 1 for review (QA errors overridden)\n")
    assert "# Source: Bugetul pe 2025, aprobat" in seen["text"]
    assert get_unit(desk, 1)["text"] == "Edited in the editor"
    monkeypatch.setattr(click, "edit", lambda text, **kwargs: None)
    checkout(desk, "ana", unit_ids=[2])
    result = run("translate", "2", user="ana")
    assert result.stderr == "Error: editor closed without saving: nothing saved\n"


def test_text_typed_after_losing_the_lease_is_kept_for_the_holder(desk):
    from tool.services.workflow import keep_stray_draft, stray_drafts

    db = desk
    taken = ids(checkout(db, "ana", "en", "budget", count=1, now=T0))
    checkout(db, "bob", "en", "budget", count=1, now=hours(5))  # ana's lease expired: bob has it
    kept = keep_stray_draft(db, taken[0], "ana", "Ana's  late text", now=hours(5))
    assert (kept.holder, kept.text) == ("bob", "Ana's late text")
    unit = get_unit(db, taken[0])
    assert (unit["status"], unit["text"]) == ("new", "")  # the unit itself does not change
    assert stray_drafts(db, taken[0]) == [
        {"user": "ana", "at": "2026-03-02T14:00:00.000000Z", "text": "Ana's late text"}
    ]
    assert unit_context(db, taken[0])["stray_drafts"][0]["text"] == "Ana's late text"
    submit(db, taken[0], "bob", "Bob's text", now=hours(6))
    assert stray_drafts(db, taken[0]) == []  # superseded by the next change; history keeps it
    assert [e[1] for e in events(db, taken[0])] == ["create", "release", "stray-draft", "submit"]
    nobody = keep_stray_draft(db, 3, "ana", "unheld", now=hours(6))
    assert nobody.holder is None


def test_a_submission_refused_for_qa_errors_keeps_the_text_as_a_draft(desk):
    from tool.errors import QAError
    from tool.services.workflow import submit as submit_checked

    db = desk
    checkout(db, "ana", "en", "budget", count=1, now=T0)
    with pytest.raises(QAError, match=r"\(your text is saved as a draft\)$"):
        submit_checked(db, 1, "ana", "The budget, approved", now=T0)
    unit = get_unit(db, 1)
    assert (unit["status"], unit["text"], unit["lease_user"]) == (
        "new",
        "The budget, approved",
        "ana",
    )
    assert events(db, 1)[-1][:2] == ("ana", "draft")
