"""Editors correct the segmentation: joining and splitting segments, units following."""

from __future__ import annotations

import pytest

from tests.conftest import T0, hours
from tests.conftest import approve_any as approve  # placeholder texts
from tests.conftest import submit_any as submit  # placeholder texts
from tool.errors import ConflictError, InputError, PermissionDenied
from tool.services.leases import checkout
from tool.services.maintenance import check
from tool.services.realign import realign
from tool.services.resegment import corrected, corrections, join_segments, split_segment
from tool.services.revisions import restore_segment
from tool.services.units import get_unit


def live(db) -> list[tuple[int, int, str]]:
    return [
        tuple(r)
        for r in db.execute(
            "SELECT id, seq, text FROM segments WHERE article_id = 'budget' AND obsolete = 0 "
            "ORDER BY seq"
        )
    ]


def actions(db, unit_id: int) -> list[str]:
    return [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id = ?", [unit_id])]


def test_join_two_segments_carries_the_translations(desk):
    db = desk
    for unit in checkout(db, "ana", "en", "budget", count=3, now=T0).units:
        submit(db, unit["id"], "ana", f"EN {unit['seq']}.", now=T0)
    approve(db, [2], "eve", now=hours(1))
    assert db.execute("SELECT COUNT(*) FROM memory WHERE unit_id = 2").fetchone()[0] == 1
    result = join_segments(db, 2, 3, "eve", now=hours(2))
    assert result.texts == [
        "Consiliul General a aprobat joi bugetul Capitalei. Dl. Ionescu a votat împotrivă."
    ]
    assert [row[:2] for row in live(db)] == [(1, 0), (2, 1), (4, 2), (5, 3), (6, 4), (7, 5)]
    joined = get_unit(db, 2)
    assert (joined["status"], joined["text"]) == ("needs_review", "EN 1. EN 2.")
    assert db.execute("SELECT COUNT(*) FROM memory WHERE unit_id = 2").fetchone()[0] == 0
    assert actions(db, 2)[-1] == "join-segments" and actions(db, 3)[-1] == "join-segments"
    replaced = db.execute("SELECT obsolete, replaced_by FROM segments WHERE id = 3").fetchone()
    assert replaced == (1, 2)
    with pytest.raises(ConflictError, match="segment 3 was joined into segment 2: split that"):
        restore_segment(db, 3, "eve")
    assert check(db).ok, check(db).problems


def test_join_and_split_refusals(desk):
    db = desk
    checkout(db, "bob", "en", "budget", count=3, now=T0)
    with pytest.raises(PermissionDenied, match="ana is a translator: only editors or admins"):
        join_segments(db, 2, 3, "ana", now=T0)
    with pytest.raises(ConflictError, match="unit 2 is checked out by bob until"):
        join_segments(db, 2, 3, "eve", now=T0)
    with pytest.raises(InputError, match="segments 2 and 4 do not follow each other"):
        join_segments(db, 2, 4, "eve", now=hours(5))
    with pytest.raises(InputError, match="segments 3 and 4 are in different paragraphs"):
        join_segments(db, 3, 4, "eve", now=hours(5))
    with pytest.raises(InputError, match="segment 5 has no 'nowhere'"):
        split_segment(db, 5, "nowhere", "eve", now=hours(5))
    with pytest.raises(InputError, match="say where to split"):
        split_segment(db, 5, " ", "eve", now=hours(5))


def test_split_a_segment_keeps_the_text_on_the_first_part(desk):
    db = desk
    for unit in checkout(db, "ana", "en", "budget", now=T0).units:
        submit(db, unit["id"], "ana", f"EN {unit['seq']}.", now=T0)
    db.table("target_only").insert(
        {"article_id": "budget", "lang": "en", "after_seq": 4, "position": 0, "text": "Note."}
    )
    result = split_segment(db, 5, "la 1.250.000 lei", "eve", now=hours(1))
    assert result.texts == ["Bugetul crește cu 5,5% față de anul trecut,", "la 1.250.000 lei."]
    first, second = result.segments
    assert [row[1:] for row in live(db)][4:6] == [(4, result.texts[0]), (5, result.texts[1])]
    assert (get_unit(db, 5)["status"], get_unit(db, 5)["text"]) == ("needs_review", "EN 4.")
    new = db.execute("SELECT status, text FROM units WHERE segment_id = ?", [second]).fetchone()
    assert new == ("new", "")
    after = db.execute("SELECT after_seq FROM target_only WHERE text = 'Note.'").fetchone()[0]
    assert after == 5  # the line that followed the sentence follows its second half
    assert corrections(db, "budget") == [("split", *result.texts)]
    assert check(db).ok, check(db).problems


def test_join_and_split_inside_an_alignment_bead(desk):
    db = desk
    for unit in checkout(db, "ana", "en", "budget", count=3, now=T0).units:
        submit(db, unit["id"], "ana", f"EN {unit['seq']}.", now=T0)
    realign(db, 2, "merge-next", "eve")  # unit 3 joins unit 2's bead
    assert get_unit(db, 3)["joined_to"] == 2
    split_segment(db, 3, "a votat", "eve", now=hours(1))
    members = db.execute("SELECT id, status FROM units WHERE joined_to = 2 ORDER BY id").fetchall()
    assert len(members) == 2 and {s for _, s in members} == {"needs_review"}
    assert check(db).ok, check(db).problems
    join_segments(db, 2, 3, "eve", now=hours(2))
    assert get_unit(db, 3)["joined_to"] is None
    assert get_unit(db, 2)["text"] == "EN 1. EN 2."
    assert check(db).ok, check(db).problems


def test_corrections_apply_again_to_freshly_segmented_text():
    from tool.core.article import Sentence

    def sentences(*texts: str, paragraph: int = 1) -> list[Sentence]:
        return [Sentence(paragraph, n, "text", t) for n, t in enumerate(texts)]

    saved = [("join", "A etc. (B).", "(B)."), ("split", "C, then", "D.")]
    fixed = corrected(sentences("A etc.", "(B).", "C, then D."), saved)
    assert [(s.text, s.position) for s in fixed] == [
        ("A etc. (B).", 0),
        ("C, then", 1),
        ("D.", 2),
    ]
    edited = corrected(sentences("X etc.", "(B).", "C, now D."), saved)  # edited: no match
    assert [s.text for s in edited] == ["X etc.", "(B).", "C, now D."]


def test_a_join_survives_a_re_import_of_the_edited_original(db, run, articles_dir):
    from tool.services.importer import import_originals
    from tool.services.users import add_user

    path = articles_dir / "budget.md"
    import_originals(db, [path])
    add_user(db, "root", "admin", [], by="root")
    join_segments(db, 2, 3, "root")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("față de anul trecut", "față de 2024"), encoding="utf-8")
    [result] = import_originals(db, [path], user="root")
    assert result.revision.edited[0]["old"].startswith("Bugetul crește cu 5,5% față de anul")
    texts = [row[2] for row in live(db)]
    assert texts[1] == (
        "Consiliul General a aprobat joi bugetul Capitalei. Dl. Ionescu a votat împotrivă."
    )
    assert "Dl. Ionescu a votat împotrivă." not in texts  # not split apart again
    assert check(db).ok, check(db).problems


def test_cli_join_and_split(desk, run):
    result = run("join-segments", "2", "3", user="eve")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "joined segment 3 into 2: Consiliul General a aprobat joi bugetul Capitalei. "
        "Dl. Ionescu a votat împotrivă.\n"
    )
    result = run("split-segment", "2", "--at", "Dl. Ionescu", user="eve")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("new segment 8: Dl. Ionescu a votat")
    assert run("split-segment", "2", user="eve").exit_code == 2
    assert run("join-segments", "2", "99", user="eve").stderr == "Error: no segment 99\n"
