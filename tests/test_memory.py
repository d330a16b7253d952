"""The translation memory: approved pairs, exact/fuzzy/context search, TMX in and out."""

from __future__ import annotations

import json

import pytest

from tests.conftest import INTEROP_KIT, seed_event
from tool.errors import InputError, NotFoundError
from tool.services.memory import (
    add_approved,
    best_matches,
    export_tmx,
    import_tmx,
    memory_entries,
    search_memory,
    sync_memory,
)

INTEROP = INTEROP_KIT / "inputs" / "good"
NOW = "2025-06-20T10:00:00.000000Z"


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
                    "updated_at": NOW,
                }  # fmt: skip
            )
            .last_pk
        )
        if unit_status != "new":
            seed_event(db, unit, user="ana", action="submit", old_status="new",
                       new_status=unit_status, new_text=target, at=NOW)  # fmt: skip
        units.append(unit)
    return units


BUDGET = [
    ("Bugetul pe 2025, aprobat", "2025 budget approved"),
    ("Consiliul General a aprobat joi bugetul Capitalei.",
     "The General Council approved the capital's budget on Thursday."),
    ("Dl. Ionescu a votat împotrivă.", "Mr Ionescu voted against."),
    ("Bugetul crește cu 5,5% față de anul trecut, la 1.250.000 lei.",
     "The budget grows by 5.5% compared with last year, to 1,250,000 lei."),
]  # fmt: skip


def test_add_approved_stores_pair_with_context_and_people(db):
    units = store_article(db, "budget", BUDGET)
    memory_id = add_approved(db, units[2])
    row = db["memory"].get(memory_id)
    assert (row["source"], row["target"]) == BUDGET[2]
    assert row["previous"] == BUDGET[1][0]
    assert (row["translator"], row["reviewer"], row["origin"]) == ("ana", "ed", "desk")
    assert (row["article_id"], row["source_lang"], row["target_lang"]) == ("budget", "ro", "en")
    assert row["changed_at"] == NOW
    # Adding again refreshes the same entry.
    assert add_approved(db, units[2]) == memory_id
    assert db["memory"].count == 1


def test_add_approved_ignores_unapproved_and_unknown(db):
    units = store_article(db, "budget", BUDGET, status="translated")
    assert add_approved(db, units[0]) is None
    assert db["memory"].count == 0
    with pytest.raises(NotFoundError, match="^no unit 99$"):
        add_approved(db, 99)


def test_merged_bead_joins_its_sources(db):
    units = store_article(db, "budget", BUDGET)
    db.execute("UPDATE units SET text = 'The General Council approved the budget; Mr Ionescu "
               "voted against.' WHERE id = ?", [units[1]])  # fmt: skip
    db.execute("UPDATE units SET text = '', joined_to = ? WHERE id = ?", [units[1], units[2]])
    assert sync_memory(db) == 3
    sources = [r["source"] for r in memory_entries(db)]
    assert f"{BUDGET[1][0]} {BUDGET[2][0]}" in sources
    assert BUDGET[2][0] not in sources


def test_sync_memory_adds_missing_and_changed(db):
    units = store_article(db, "budget", BUDGET)
    assert sync_memory(db) == 4
    assert sync_memory(db) == 0
    db.execute("UPDATE units SET text = 'Budget for 2025 approved' WHERE id = ?", [units[0]])
    assert sync_memory(db) == 1
    assert db["memory"].count == 4


def test_search_exact_context_and_fuzzy(db):
    store_article(db, "budget", BUDGET)
    sync_memory(db)
    exact = search_memory(db, "Dl. Ionescu a votat  împotrivă.", "ro", "en")
    assert [(m.score, m.target) for m in exact] == [(100, "Mr Ionescu voted against.")]
    context = search_memory(db, BUDGET[2][0], "ro", "en", previous=BUDGET[1][0])
    assert context[0].score == 101
    fuzzy = search_memory(db, "Bugetul crește cu 6,5% față de anul trecut.", "ro", "en")
    assert fuzzy and 70 <= fuzzy[0].score < 100
    assert fuzzy[0].target == BUDGET[3][1]
    assert search_memory(db, "Bugetul crește cu 6,5%.", "ro", "en", minimum=95) == []
    assert search_memory(db, "Dl. Ionescu a votat împotrivă.", "ro", "fr") == []


def test_case_difference_is_99(db):
    store_article(db, "budget", BUDGET)
    sync_memory(db)
    assert search_memory(db, "dl. ionescu a votat împotrivă.", "ro", "en")[0].score == 99


def test_best_matches_are_ranked_and_limited(db):
    pairs = [
        ("Ministrul a anunțat noi măsuri fiscale.", "The minister announced new tax measures."),
        ("Ministrul a anunțat noi măsuri sociale.", "The minister announced new social measures."),
        ("Ministrul a anunțat măsuri.", "The minister announced measures."),
    ]
    store_article(db, "a", pairs)
    sync_memory(db)
    found = best_matches(db, "Ministrul a anunțat noi măsuri fiscale azi.", "ro", "en", limit=2)
    assert len(found) == 2
    assert found[0].target == "The minister announced new tax measures."
    assert found[0].score >= found[1].score


@pytest.mark.skipif(not INTEROP.is_dir(), reason="interop files not present")
@pytest.mark.parametrize("path", sorted(INTEROP.glob("*.tmx")), ids=lambda p: p.name)
def test_import_real_tmx_files(db, path):
    result = import_tmx(db, path)
    assert result.added > 0
    assert db["memory"].count == result.added
    row = next(memory_entries(db))
    assert row["origin"] == path.name
    assert row["source_lang"] == "en"
    again = import_tmx(db, path)
    assert again.added == 0 and again.duplicates == result.added + result.duplicates


@pytest.mark.skipif(not INTEROP.is_dir(), reason="interop files not present")
def test_imported_tmx_is_searchable(db):
    import_tmx(db, INTEROP / "tmx.okapi-website.sample14b.tmx")
    found = search_memory(db, "Touch Retry to resume.", "en", "de")
    assert found[0].source == "Touch Retry to resume the procedure."


def test_tmx_round_trip(db, tmp_path):
    units = store_article(db, "budget", BUDGET)
    sync_memory(db)
    path = tmp_path / "out.tmx"
    assert export_tmx(db, path, source_lang="ro") == len(units)
    text = path.read_text(encoding="utf-8")
    assert '<prop type="x-context">Consiliul General' in text
    assert 'creationid="ana"' in text and 'changeid="ed"' in text
    db.execute("DELETE FROM memory")
    result = import_tmx(db, path)
    assert result.added == len(units)
    assert search_memory(db, BUDGET[2][0], "ro", "en", previous=BUDGET[1][0])[0].score == 101
    assert {r["translator"] for r in memory_entries(db)} == {"ana"}


def test_import_errors(db, tmp_path):
    with pytest.raises(InputError, match="^no such file: "):
        import_tmx(db, tmp_path / "missing.tmx")
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu><tuv xml:lang='ro'><seg>a</seg>", encoding="utf-8")
    with pytest.raises(InputError):
        import_tmx(db, bad)
    assert db["memory"].count == 0


# --- CLI ---------------------------------------------------------------------------------


def test_cli_memory_search_and_json(run, db):
    store_article(db, "budget", BUDGET)
    assert run("memory", "rebuild").output == "Added 4 approved pairs; search index rebuilt.\n"
    result = run("memory", "search", "Dl. Ionescu a votat împotrivă.", "--lang", "en")
    assert result.exit_code == 0
    assert "Mr Ionescu voted against." in result.output and "100" in result.output
    data = json.loads(
        run(
            "memory",
            "search",
            "Dl. Ionescu a votat împotrivă.",
            "--lang",
            "en",
            "--previous",
            BUDGET[1][0],
            "--json",
        ).output  # fmt: skip
    )
    assert data[0]["score"] == 101
    assert set(data[0]) == {"id", "score", "source", "target", "source_lang", "target_lang",
                            "origin", "translator", "reviewer", "article_id", "previous",
                            "changed_at"}  # fmt: skip
    assert run("memory", "search", "Nimic aici.", "--lang", "en").output == "No matches.\n"


def test_cli_memory_import_export(run, tmp_path, db):
    store_article(db, "budget", BUDGET)
    run("memory", "rebuild")
    out = tmp_path / "m.tmx"
    assert run("memory", "export", str(out)).output == f"Wrote 4 units to {out}.\n"
    result = run("memory", "import", str(out))
    assert result.output == f"{out}: 0 added, 4 already in memory, 0 skipped\n"
    result = run("memory", "import", str(tmp_path / "nope.tmx"))
    assert result.exit_code == 1
    assert result.output == f"Error: no such file: {tmp_path / 'nope.tmx'}\n"
    stats = json.loads(run("memory", "stats", "--json").output)
    assert stats == [{"source_lang": "ro", "target_lang": "en", "origin": "desk", "entries": 4}]


def test_approving_puts_the_pair_into_the_memory(run, db):
    from tests.conftest import DATA

    run("user", "add", "ana", "--role", "admin", user="ana")
    run("user", "add", "tom", "--role", "translator", "--lang", "en", user="ana")
    run("import", DATA / "articles" / "storm.md", user="ana")
    run("checkout", "storm", "--lang", "en", user="tom")
    assert run("translate", "1", "Storm in Constanța", "--submit", user="tom").exit_code == 0
    assert run("approve", "1", user="ana").exit_code == 0
    result = run("memory", "search", "Furtună la Constanța", "--lang", "en", "--json")
    assert result.exit_code == 0, result.output
    assert "Storm in Constanța" in result.output
