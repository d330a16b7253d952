"""Edited originals: re-import keeps every translation (issue: nothing ever lost)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import seed_event, snapshot
from tool.services.importer import import_originals
from tool.services.maintenance import check
from tool.services.revisions import restore_segment

ORIGINAL = """---
id: meteo
lang: ro
title: Vremea de mâine
---

Mâine va fi senin în toată țara. Temperaturile vor urca până la 30 de grade.

La munte vor cădea averse scurte. Vântul va sufla slab.

Noaptea va fi răcoroasă.
"""


def write(folder, text):
    path = folder / "meteo.md"
    path.write_text(text, encoding="utf-8")
    return path


def translate_all(db, status="approved"):
    """Give every segment an English unit with history, as the workflow would."""
    for seg in db.query("SELECT id, text FROM segments WHERE article_id = 'meteo'"):
        unit_id = (
            db["units"]
            .insert(
                {
                    "segment_id": seg["id"],
                    "lang": "en",
                    "text": "EN " + seg["text"],
                    "status": status,
                    "origin": "human",
                }
            )
            .last_pk
        )
        seed_event(db, unit_id, user="ed", action="approve", old_status="new",
                   new_status=status, new_text="EN " + seg["text"])  # fmt: skip


def units_by_source(db):
    return {
        row["source"]: row
        for row in db.query(
            "SELECT s.text AS source, s.obsolete, s.seq, u.id, u.text, u.status FROM units u "
            "JOIN segments s ON s.id = u.segment_id WHERE s.article_id = 'meteo'"
        )
    }


@pytest.fixture
def meteo(db, tmp_path):
    path = write(tmp_path, ORIGINAL)
    import_originals(db, [path])
    translate_all(db)
    return path


def test_typo_fixed_keeps_translation_for_review(db, meteo):
    write(meteo.parent, ORIGINAL.replace("averse scurte", "averse scurte și izolate"))
    [result] = import_originals(db, [meteo], user="desk")
    assert result.action == "updated"
    assert result.revision.counts()["edited"] == 1
    units = units_by_source(db)
    edited = units["La munte vor cădea averse scurte și izolate."]
    assert edited["text"] == "EN La munte vor cădea averse scurte."
    assert edited["status"] == "needs_review"
    assert units["Vântul va sufla slab."]["status"] == "approved"
    event = list(
        db.query("SELECT * FROM events WHERE unit_id = ? ORDER BY id DESC", [edited["id"]])
    )[0]
    assert event["action"] == "source-changed" and event["user"] == "desk"
    assert json.loads(event["detail"]) == {
        "old_source": "La munte vor cădea averse scurte.",
        "new_source": "La munte vor cădea averse scurte și izolate.",
    }
    assert check(db).ok


def test_sentence_added_in_the_middle_and_paragraph_inserted_above(db, meteo):
    text = ORIGINAL.replace("---\n\nMâine", "---\n\nAvertizare nouă de la ANM.\n\nMâine").replace(
        "Vântul va sufla slab.", "Pe litoral va fi ceață. Vântul va sufla slab."
    )
    write(meteo.parent, text)
    [result] = import_originals(db, [meteo])
    assert result.revision.counts() == {
        "unchanged": 6,
        "moved": 0,
        "edited": 0,
        "removed": 0,
        "added": 2,
        "units_to_review": 0,
    }
    assert (result.revision.new_units, result.revision.pretranslated) == (2, 0)
    units = units_by_source(db)
    assert units["Pe litoral va fi ceață."]["status"] == "new"  # ready to check out
    assert {u["status"] for u in units.values()} == {"approved", "new"}
    seqs = [
        s["text"]
        for s in db.query(
            "SELECT text FROM segments WHERE article_id='meteo' AND obsolete=0 ORDER BY seq"
        )
    ]
    assert seqs[1] == "Avertizare nouă de la ANM."
    assert seqs[5] == "Pe litoral va fi ceață."
    assert check(db).ok


def test_paragraph_removed_becomes_obsolete_and_restorable(db, meteo):
    write(
        meteo.parent,
        ORIGINAL.replace("La munte vor cădea averse scurte. Vântul va sufla slab.\n\n", ""),
    )
    [result] = import_originals(db, [meteo])
    assert result.revision.removed == ["La munte vor cădea averse scurte.", "Vântul va sufla slab."]
    units = units_by_source(db)
    assert units["Vântul va sufla slab."]["obsolete"] == 1
    assert units["Vântul va sufla slab."]["text"] == "EN Vântul va sufla slab."  # kept
    live = [
        r[0]
        for r in db.execute(
            "SELECT text FROM segments WHERE article_id='meteo' AND obsolete=0 ORDER BY seq"
        )
    ]
    assert "Vântul va sufla slab." not in live
    segment_id = db.execute(
        "SELECT id FROM segments WHERE text = 'Vântul va sufla slab.'"
    ).fetchone()[0]
    restore_segment(db, segment_id, "ed")
    live = [
        r[0]
        for r in db.execute(
            "SELECT text FROM segments WHERE article_id='meteo' AND obsolete=0 ORDER BY seq"
        )
    ]
    assert live.index("Vântul va sufla slab.") == live.index("Noaptea va fi răcoroasă.") - 1
    assert check(db).ok


def test_two_sentences_joined(db, meteo):
    write(
        meteo.parent,
        ORIGINAL.replace(
            "Mâine va fi senin în toată țara. Temperaturile vor urca până la 30 de grade.",
            "Mâine va fi senin în toată țara, iar temperaturile vor urca până la 30 de grade.",
        ),
    )
    [result] = import_originals(db, [meteo])
    counts = result.revision.counts()
    assert counts["edited"] == 1 and counts["removed"] == 1 and counts["added"] == 0
    units = units_by_source(db)
    joined = units[
        "Mâine va fi senin în toată țara, iar temperaturile vor urca până la 30 de grade."
    ]
    assert joined["status"] == "needs_review"
    assert check(db).ok


def test_dry_run_changes_nothing(db, db_path, meteo):
    write(meteo.parent, ORIGINAL.replace("Noaptea va fi răcoroasă.", "Noaptea va fi rece."))
    before = snapshot(db_path)
    [result] = import_originals(db, [meteo], dry_run=True)
    assert result.action == "updated"
    assert result.revision.edited == [
        {"old": "Noaptea va fi răcoroasă.", "new": "Noaptea va fi rece."}
    ]
    assert snapshot(db_path) == before


def test_cli_dry_run_lists_changes(run, tmp_path):
    path = write(tmp_path, ORIGINAL)
    run("import", path)
    write(tmp_path, ORIGINAL.replace("Noaptea va fi răcoroasă.", "Noaptea va fi rece."))
    result = run("import", path, "--dry-run")
    assert result.exit_code == 0
    assert "would be updated meteo" in result.output
    assert "~ Noaptea va fi răcoroasă.\n    → Noaptea va fi rece." in result.output
    assert result.output.endswith("0 would be imported, 1 would be updated, 0 unchanged\n")


def test_new_sentence_is_filled_from_the_memory(db, meteo, tmp_path):
    from tool.services.memory import import_tmx

    tmx = tmp_path / "fog.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ro" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="ro"><seg>Pe litoral va fi ceață.</seg>'
        '</tuv><tuv xml:lang="en"><seg>It will be foggy on the coast.</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    import_tmx(db, tmx)
    write(meteo.parent, ORIGINAL.replace("Noaptea", "Pe litoral va fi ceață. Noaptea"))
    [result] = import_originals(db, [meteo])
    assert (result.revision.new_units, result.revision.pretranslated) == (1, 1)
    fog = units_by_source(db)["Pe litoral va fi ceață."]
    assert (fog["text"], fog["status"]) == ("It will be foggy on the coast.", "translated")
    assert check(db).ok
