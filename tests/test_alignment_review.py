"""Weak alignments reach an editor: the import counts every weak bead, target-only text
sends the unit before it to review (its history names the line), ``show`` and ``review
--needs-review`` say why, and ``realign`` moves a line into a unit and back out."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import snapshot
from tool.core.align import DOUBT, Bead
from tool.errors import ConflictError
from tool.services import translations
from tool.services.articles import article_pairs
from tool.services.importer import import_originals
from tool.services.realign import realign
from tool.services.review import review_queue
from tool.services.translations import import_translations

ORIGINAL = """---
id: pnrr-finantare
lang: ro
title: Spitalele județene primesc bani noi
---

Guvernul a aprobat miercuri finanțarea pentru 42 de spitale județene.

El a adăugat că finanțarea vine din PNRR și din fonduri europene.

Lucrările încep în martie și durează doi ani.
"""
# The translator split the second sentence in two.
TRANSLATION = """---
id: pnrr-finantare
lang: en
original: pnrr-finantare
title: County hospitals get new money
translator: Ana Pop
---

The government approved funding for 42 county hospitals on Wednesday.

He added that the financing comes from the PNRR. It also comes from European funds.

Work starts in March and lasts two years.
"""
FIRST_HALF = "He added that the financing comes from the PNRR."
SECOND_HALF = "It also comes from European funds."


@pytest.fixture
def files(tmp_path):
    original, translation = tmp_path / "ro.md", tmp_path / "en.md"
    original.write_text(ORIGINAL, encoding="utf-8")
    translation.write_text(TRANSLATION, encoding="utf-8")
    return original, translation


def half_paired(monkeypatch, *beads: Bead) -> None:
    """Make the import's aligner return ``beads`` (title, then the three sentences)."""
    monkeypatch.setattr(translations, "align", lambda *args, **kwargs: list(beads))


TITLE = Bead((0,), (0,), 0.95)
FIRST = Bead((1,), (1,), 0.9)
LAST = Bead((3,), (4,), 0.9)
LINE = Bead((), (3,), DOUBT, "unpaired")  # SECOND_HALF left on its own


def units(db) -> dict[int, dict]:
    """The article's English units by the seq of their segment."""
    return {
        row["seq"]: row
        for row in db.query(
            "SELECT s.seq, u.* FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = 'pnrr-finantare' AND u.lang = 'en'"
        )
    }


def last_detail(db, unit_id: int) -> dict:
    row = db.execute(
        "SELECT detail FROM events WHERE unit_id = ? ORDER BY id DESC LIMIT 1", [unit_id]
    ).fetchone()
    return json.loads(row[0])


def lines(db) -> list[tuple[int, int, str]]:
    return [
        tuple(r)
        for r in db.execute(
            "SELECT after_seq, position, text FROM target_only "
            "WHERE article_id = 'pnrr-finantare' ORDER BY after_seq, position"
        )
    ]


def test_a_sure_pairing_before_target_only_text_goes_to_review(db, files, monkeypatch):
    """The issue's case: half a split sentence paired at 0.62, the other half left over."""
    half_paired(monkeypatch, TITLE, FIRST, Bead((2,), (2,), 0.62), LINE, LAST)
    import_originals(db, [files[0]])
    [result] = import_translations(db, [files[1]])
    assert (result.translated, result.needs_review, result.beside_target_only) == (3, 1, 1)
    assert (result.weak, result.target_only, result.untranslated) == (1, 1, 0)
    unit = units(db)[2]
    assert (unit["status"], unit["text"], unit["confidence"]) == ("needs_review", FIRST_HALF, 0.62)
    assert last_detail(db, unit["id"])["target_only_after"] == [SECOND_HALF]
    assert lines(db) == [(2, 0, SECOND_HALF)]
    note = (
        f"target-only text after it: «{SECOND_HALF}» "
        f"(`realign {unit['id']} merge-next` joins the first line to it)"
    )
    queue = review_queue(db, "import", "en", needs_review=True)
    [queued] = [r for r in queue if r["status"] == "needs_review"]
    assert (queued["id"], queued["alignment_note"]) == (unit["id"], note)
    shown = {p["unit_id"]: p["alignment_note"] for p in article_pairs(db, "pnrr-finantare", "en")}
    assert shown[unit["id"]] == note and not shown[units(db)[1]["id"]]


def test_a_weak_pairing_after_target_only_text_names_it_too(db, files, monkeypatch):
    weak = Bead((3,), (4,), 0.3, "beside-unpaired")
    half_paired(monkeypatch, TITLE, FIRST, Bead((2,), (2,), 0.9), LINE, weak)
    import_originals(db, [files[0]])
    [result] = import_translations(db, [files[1]])
    assert (result.needs_review, result.beside_target_only, result.weak) == (2, 1, 2)
    answering, after = units(db)[2], units(db)[3]
    assert (answering["status"], after["status"]) == ("needs_review", "needs_review")
    assert last_detail(db, after["id"])["target_only_before"] == [SECOND_HALF]
    notes = {r["id"]: r["alignment_note"] for r in review_queue(db, "x", "en", needs_review=True)}
    assert notes[after["id"]] == (
        "weak alignment (0.30); beside an unpaired sentence that may belong to it; "
        f"target-only text before it: «{SECOND_HALF}»"
    )


def test_target_only_text_before_every_pairing_goes_to_the_first(db, files, monkeypatch):
    title = Bead((), (0,), DOUBT, "unpaired")
    beads = [title, Bead((0,), (1,), 0.95), Bead((1,), (2,), 0.9), Bead((2,), (3,), 0.9)]
    half_paired(monkeypatch, *beads, Bead((3,), (4,), 0.9))
    import_originals(db, [files[0]])
    [result] = import_translations(db, [files[1]])
    assert (result.needs_review, result.beside_target_only, result.weak) == (1, 1, 1)
    first = units(db)[0]
    assert first["status"] == "needs_review"
    assert last_detail(db, first["id"])["target_only_before"] == ["County hospitals get new money"]
    assert lines(db) == [(-1, 0, "County hospitals get new money")]


def test_a_split_sentence_is_never_half_paired_silently(db, files):
    """With the real aligner: both halves on the unit, or the unit in review naming the other."""
    import_originals(db, [files[0]])
    [result] = import_translations(db, [files[1]])
    unit = units(db)[2]
    if unit["text"] != f"{FIRST_HALF} {SECOND_HALF}":
        assert unit["status"] == "needs_review" and result.needs_review >= 1
        detail = last_detail(db, unit["id"])
        named = detail.get("target_only_after", []) + detail.get("target_only_before", [])
        assert any(SECOND_HALF in line or FIRST_HALF in line for line in named)


def test_merge_next_joins_the_target_only_line_and_move_last_puts_it_back(
    db, files, monkeypatch, run
):
    half_paired(monkeypatch, TITLE, FIRST, Bead((2,), (2,), 0.62), LINE, LAST)
    import_originals(db, [files[0]])
    import_translations(db, [files[1]])
    unit = units(db)[2]
    next_unit = units(db)[3]
    result = run("realign", unit["id"], "merge-next", user="ed")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"merge-next: joined the target-only line «{SECOND_HALF}» to #{unit['id']}\n"
    )
    joined = units(db)
    assert joined[2]["text"] == f"{FIRST_HALF} {SECOND_HALF}"
    assert joined[3]["text"] == next_unit["text"] and joined[3]["joined_to"] is None
    assert lines(db) == []
    event = db.execute(
        "SELECT action, user, old_text, new_text, detail FROM events WHERE unit_id = ? "
        "ORDER BY id DESC LIMIT 1",
        [unit["id"]],
    ).fetchone()
    assert event[:4] == ("realign", "ed", FIRST_HALF, f"{FIRST_HALF} {SECOND_HALF}")
    assert json.loads(event[4])["target_only"] == SECOND_HALF
    # The note was about the alignment as imported: the editor's correction ends it.
    assert not [r for r in review_queue(db, "ed", "en", needs_review=True) if r["alignment_note"]]

    result = run("realign", unit["id"], "move-last-to-target-only", user="ed")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"move-last-to-target-only: «{SECOND_HALF}» is target-only text after #{unit['id']}\n"
    )
    assert units(db)[2]["text"] == FIRST_HALF
    assert lines(db) == [(2, 0, SECOND_HALF)]
    assert last_detail(db, unit["id"]) == {
        "operation": "move-last-to-target-only",
        "joined_to": None,
        "was_joined_to": None,
        "target_only": SECOND_HALF,
    }
    shown = run("show", "pnrr-finantare", "--lang", "en")
    assert re.search(r"target only\s+│ " + re.escape(SECOND_HALF), shown.output)


def test_a_line_moved_out_goes_before_the_lines_already_there(db, files, monkeypatch):
    credit = Bead((), (5,), DOUBT, "unpaired")
    half_paired(monkeypatch, TITLE, FIRST, Bead((2,), (2, 3), 0.9), LAST, credit)
    files[1].write_text(TRANSLATION + "\nTranslated by the English desk.\n", encoding="utf-8")
    import_originals(db, [files[0]])
    import_translations(db, [files[1]])
    last = units(db)[3]
    assert last["status"] == "needs_review"  # it answers for the credit line
    realign(db, last["id"], "move-last-to-target-only", "ed")
    assert lines(db) == [
        (3, 0, "Work starts in March and lasts two years."),
        (3, 1, "Translated by the English desk."),
    ]
    assert units(db)[3]["text"] == "" and units(db)[3]["status"] == "needs_review"
    with pytest.raises(ConflictError) as error:
        realign(db, last["id"], "move-last-to-target-only", "ed")
    assert str(error.value) == f"unit {last['id']} has no translated sentence to move"
    realign(db, last["id"], "merge-next", "ed")
    assert units(db)[3]["text"] == "Work starts in March and lasts two years."


@pytest.mark.parametrize("operation", ["merge-next", "move-last-to-target-only"])
def test_approved_units_and_units_leased_by_others_are_refused(
    db, db_path, files, monkeypatch, run, operation
):
    half_paired(monkeypatch, TITLE, FIRST, Bead((2,), (2,), 0.62), LINE, LAST)
    import_originals(db, [files[0]])
    import_translations(db, [files[1]])
    unit = units(db)[2]
    run("user", "add", "ana", "--role", "admin", user="ana")
    run("user", "add", "ed", "--role", "editor", "--lang", "en", user="ana")
    run("user", "add", "tom", "--role", "translator", "--lang", "en", user="ana")
    assert run("checkout", "--units", unit["id"], "--lang", "en", user="tom").exit_code == 0
    expires = db.execute("SELECT expires_at FROM leases WHERE unit_id = ?", [unit["id"]])
    until = expires.fetchone()[0][:16].replace("T", " ")
    before = snapshot(db_path)
    result = run("realign", unit["id"], operation, user="ed")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: unit {unit['id']} is checked out by tom until {until} UTC; "
        "realign it once they submit or release it\n"
    )
    assert snapshot(db_path) == before
    run("release", "--units", unit["id"], user="tom")
    db.execute("UPDATE units SET status = 'approved' WHERE id = ?", [unit["id"]])
    before = snapshot(db_path)
    with pytest.raises(ConflictError) as error:
        realign(db, unit["id"], operation, "ed")
    assert str(error.value) == (
        f"unit {unit['id']} is approved; reject it before changing its alignment"
    )
    assert snapshot(db_path) == before


def test_cli_import_review_and_show_name_the_target_only_line(files, monkeypatch, run):
    half_paired(monkeypatch, TITLE, FIRST, Bead((2,), (2,), 0.62), LINE, LAST)
    assert run("import", files[0]).exit_code == 0
    result = run("import-translation", files[1])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "aligned    pnrr-finantare [en]: 5 beads, 3 translated, 1 need review (1 for "
        "target-only text), 0 source segments untranslated, 1 target-only; 1 weak beads "
        "(confidence below 0.6)\n"
    )
    review = run("review", "--lang", "en", "--needs-review")
    assert f"aligner: target-only text after it: «{SECOND_HALF}»" in review.output
    shown = run("show", "pnrr-finantare", "--lang", "en")
    assert "aligner: target-only text after it:" in shown.output
    rows = json.loads(run("review", "--lang", "en", "--needs-review", "--json").output)
    notes = [(r["seq"], r["alignment_note"][:26]) for r in rows if r["alignment_note"]]
    assert notes == [(2, "target-only text after it:")]


def test_target_only_text_new_in_a_reimport_sends_the_unit_before_it_to_review(
    db, files, monkeypatch, run
):
    whole = Bead((2,), (2, 3), 0.9)
    half_paired(monkeypatch, TITLE, FIRST, whole, LAST)
    import_originals(db, [files[0]])
    import_translations(db, [files[1]])
    last = units(db)[3]
    assert last["status"] == "translated"
    files[1].write_text(TRANSLATION + "\nRead more on our website.\n", encoding="utf-8")
    half_paired(monkeypatch, TITLE, FIRST, whole, LAST, Bead((), (5,), DOUBT, "unpaired"))
    result = run("import-translation", files[1])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "differs    pnrr-finantare [en]: 1 unit(s) differ from the database; run with --apply "
        "to write them\n"
        f"  #{last['id']} [translated] Lucrările încep în martie și durează doi ani.\n"
        "    new target-only text beside it: «Read more on our website.»: to review\n"
    )
    assert units(db)[3]["status"] == "translated" and lines(db) == []
    result = run("import-translation", files[1], "--apply")
    assert result.exit_code == 0, result.output
    after = units(db)[3]
    assert (after["status"], after["text"]) == ("needs_review", last["text"])
    assert lines(db) == [(3, 0, "Read more on our website.")]
    review = run("review", "--lang", "en", "--needs-review")
    assert "aligner: target-only text after it: «Read more on our website.»" in review.output
