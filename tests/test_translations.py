"""Importing existing translations: alignment stored as units, nothing of the text lost."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import PROJECT, snapshot
from tool.core.article import split_article
from tool.errors import ConflictError, NotFoundError, PermissionDenied
from tool.services.articles import article_pairs
from tool.services.importer import import_originals, read_article
from tool.services.maintenance import check
from tool.services.realign import realign
from tool.services.translations import import_translations

SAMPLES = sorted(p.stem for p in (PROJECT / "originals" / "ro").glob("*.md"))
PAGE_LEFTOVERS = [
    "International",
    "BBC",
    "Sursa: BBC",
    "Translation by Iurie Tataru",
    "Raisa Lozinschi-Hadei",
    "Raisa Lozinschi-Hadei",
    "Author",
    "Read more",
]


@pytest.fixture
def corpus(tmp_path):
    """A copy of the project's sample corpus, safe to edit."""
    for folder in ("originals", "translations"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    return tmp_path


def translation(corpus, name):
    return corpus / "translations" / "en" / f"{name}.md"


def imported(db, corpus, name):
    import_originals(db, [corpus / "originals" / "ro" / f"{name}.md"])
    [result] = import_translations(db, [translation(corpus, name)])
    return result


def test_putin_page_leftovers_and_credits_become_target_only(db, corpus):
    result = imported(db, corpus, "putin-nato-threat")
    assert result.action == "aligned"
    assert result.target_only == len(PAGE_LEFTOVERS)
    rows = db.execute(
        "SELECT text FROM target_only WHERE article_id = 'putin-nato-threat' "
        "ORDER BY after_seq, position"
    ).fetchall()
    assert [r[0] for r in rows] == PAGE_LEFTOVERS
    title = article_pairs(db, "putin-nato-threat", "en")[1]
    assert title["kind"] == "title"
    assert title["target"] == "Putin: NATO threat dismissed, Ukraine war advances"


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sentence_of_the_translation_is_stored_once_in_order(db, corpus, name):
    imported(db, corpus, name)
    path = translation(corpus, name)
    sentences = [s.text for s in split_article(read_article(path), "en")]
    stored = [p["target"] for p in article_pairs(db, name, "en") if p["target"]]
    assert " ".join(stored) == " ".join(sentences)
    assert check(db).ok


def test_units_carry_origin_confidence_status_and_translator(db, corpus):
    imported(db, corpus, "tiff-cluj-2025")
    units = list(db.query("SELECT * FROM units WHERE lang = 'en'"))
    assert {u["origin"] for u in units} == {"aligned"}
    assert {u["translator"] for u in units} == {"Ana Vlad"}
    assert all(0 <= u["confidence"] <= 1 for u in units)
    assert {u["status"] for u in units} <= {"translated", "needs_review"}
    merged = [u for u in units if u["joined_to"]]  # two sentences, one English sentence
    assert len(merged) == 1 and merged[0]["text"] == ""
    events = db.execute("SELECT COUNT(*) FROM events WHERE action = 'align'").fetchone()[0]
    assert events == len(units)


def test_merges_splits_omissions_and_additions_of_the_samples(db, corpus):
    budget = imported(db, corpus, "buget-bucuresti-2026")
    assert (budget.untranslated, budget.target_only) == (1, 1)  # dropped line, credit line
    weather = imported(db, corpus, "canicula-cod-rosu")
    assert (weather.untranslated, weather.target_only) == (1, 1)  # dropped, explanation added
    pairs = {p["source"]: p["target"] for p in article_pairs(db, "canicula-cod-rosu", "en")}
    assert pairs["Temperaturile maxime vor ajunge la 40-42 de grade Celsius, iar indicele "
                 "temperatură-umezeală (ITU) va depăși pragul critic de 80 de unități."] == (
        "Maximum temperatures will reach 40-42 degrees Celsius. The temperature-humidity "
        "index (THI) will exceed the critical threshold of 80 units."
    )  # fmt: skip


def test_unchanged_file_changes_nothing(db, db_path, corpus):
    imported(db, corpus, "tiff-cluj-2025")
    before = snapshot(db_path)
    [again] = import_translations(db, [translation(corpus, "tiff-cluj-2025")])
    assert again.action == "unchanged"
    assert snapshot(db_path) == before


def test_edited_translation_differs_until_applied_and_keeps_approved_units(db, db_path, corpus):
    imported(db, corpus, "tiff-cluj-2025")
    unit_id = db.execute("SELECT id FROM units WHERE text LIKE 'Who said audiences%'").fetchone()[0]
    db["units"].update(unit_id, {"status": "approved", "reviewer": "ed"})
    title_id = db.execute("SELECT id FROM units WHERE text LIKE 'TIFF brought%'").fetchone()[0]
    path = translation(corpus, "tiff-cluj-2025")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Who said audiences", "Who claimed audiences").replace(
            "TIFF brought 140,000 viewers", "TIFF drew 140,000 viewers"
        ),
        encoding="utf-8",
    )
    before = snapshot(db_path)
    [shown] = import_translations(db, [path])
    assert shown.action == "differs"
    assert {d["new"] for d in shown.differences} >= {"TIFF drew 140,000 viewers to Cluj"}
    assert snapshot(db_path) == before  # shown, not applied

    [applied] = import_translations(db, [path], apply=True)
    assert applied.action == "updated" and applied.kept_approved == 1
    assert db["units"].get(title_id)["text"] == "TIFF drew 140,000 viewers to Cluj"
    assert db["units"].get(unit_id)["text"].startswith("Who said audiences")  # approved kept
    [forced] = import_translations(db, [path], apply=True, force=True)
    assert forced.kept_approved == 0
    assert db["units"].get(unit_id)["text"].startswith("Who claimed audiences")
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id = ?", [unit_id])]
    assert actions == ["create", "align", "reimport"]
    assert check(db).ok


def test_translation_of_an_unknown_article_is_refused_and_changes_nothing(db, db_path, corpus):
    before = snapshot(db_path)
    with pytest.raises(NotFoundError, match="no article 'tiff-cluj-2025'; import the original"):
        import_translations(db, [translation(corpus, "tiff-cluj-2025")])
    assert snapshot(db_path) == before


def test_plain_text_translation_with_article_and_lang(db, corpus, tmp_path):
    import_originals(db, [corpus / "originals" / "ro" / "putin-nato-threat.md"])
    body = translation(corpus, "putin-nato-threat").read_text(encoding="utf-8").split("---\n")[2]
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(body, encoding="utf-8")
    [result] = import_translations(db, [pasted], article="putin-nato-threat", lang="en")
    assert result.action == "aligned" and result.target_only == len(PAGE_LEFTOVERS)


def test_cli_import_translation_and_show(run, corpus):
    assert run("import", corpus / "originals").exit_code == 0
    result = run("import-translation", corpus / "translations" / "en")
    assert result.exit_code == 0, result.output
    assert "aligned    putin-nato-threat [en]: " in result.output
    assert "8 target-only" in result.output
    shown = run("show", "putin-nato-threat", "--lang", "en")
    assert "target only" in shown.output and "Read more" in shown.output


def test_realign_merge_and_split_with_history(db, corpus):
    imported(db, corpus, "canicula-cod-rosu")
    first, second = (
        r[0]
        for r in db.execute(
            "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = 'canicula-cod-rosu' AND s.paragraph = 1 ORDER BY s.seq"
        )
    )
    text_before = db["units"].get(first)["text"], db["units"].get(second)["text"]
    realign(db, first, "merge-next", "ed")
    assert db["units"].get(second)["joined_to"] == first
    assert db["units"].get(first)["text"] == " ".join(text_before)
    realign(db, first, "split", "ed")
    assert (db["units"].get(first)["text"], db["units"].get(second)["text"]) == text_before
    actions = [r[0] for r in db.execute("SELECT action FROM events WHERE unit_id = ?", [second])]
    assert actions == ["create", "align", "realign", "realign"]
    assert check(db).ok
    db["units"].update(first, {"status": "approved"})
    with pytest.raises(ConflictError, match="unit .* is approved; reject it before"):
        realign(db, first, "merge-next", "ed")


def _tiff_bead(db):
    """The TIFF sample's first paragraph: two Romanian sentences, one English sentence."""
    head, member = db.query(
        "SELECT u.* FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = 'tiff-cluj-2025' AND s.paragraph = 1 ORDER BY s.seq"
    )
    assert member["joined_to"] == head["id"]
    return head, member


def test_editing_one_sentence_of_a_merged_bead_reopens_the_whole_bead(db, corpus):
    imported(db, corpus, "tiff-cluj-2025")
    head, member = _tiff_bead(db)
    db.execute(
        "UPDATE units SET status = 'approved' WHERE id IN (?, ?)", [head["id"], member["id"]]
    )
    path = corpus / "originals" / "ro" / "tiff-cluj-2025.md"
    path.write_text(path.read_text().replace("peste 140.000", "peste 150.000"), encoding="utf-8")
    import_originals(db, [path])
    head, member = _tiff_bead(db)
    assert (head["status"], member["status"]) == ("needs_review", "needs_review")


def test_removing_the_sentence_that_holds_a_bead_text_hands_it_to_the_next(db, corpus):
    imported(db, corpus, "tiff-cluj-2025")
    head, member = _tiff_bead(db)
    path = corpus / "originals" / "ro" / "tiff-cluj-2025.md"
    text = path.read_text()
    first = "Festivalul Internațional de Film Transilvania (TIFF) s-a încheiat duminică, "
    first += "la Cluj-Napoca, după zece zile de proiecții. "
    assert first in text
    path.write_text(text.replace(first, ""), encoding="utf-8")
    import_originals(db, [path])
    survivor = db["units"].get(member["id"])
    assert survivor["joined_to"] is None and survivor["text"] == head["text"]
    assert survivor["status"] == "needs_review"
    live = [p for p in article_pairs(db, "tiff-cluj-2025", "en") if p["unit_id"] == member["id"]]
    assert live[0]["target"] == head["text"]
    assert check(db).ok


def test_realign_respects_languages_leases_and_refuses_an_empty_split(db, corpus, run):
    imported(db, corpus, "tiff-cluj-2025")
    head, _ = _tiff_bead(db)
    run("user", "add", "ana", "--role", "admin", user="ana")
    run("user", "add", "ivan", "--role", "editor", "--lang", "ru", user="ana")
    run("user", "add", "tom", "--role", "translator", "--lang", "en", user="ana")
    with pytest.raises(PermissionDenied, match="ivan does not work in en"):
        realign(db, head["id"], "merge-next", "ivan")  # not an English editor
    with pytest.raises(ConflictError, match="one sentence for its 2 segments; nothing to split"):
        realign(db, head["id"], "split", "ana")
    following = db.execute(
        "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = 'tiff-cluj-2025' AND s.paragraph = 2 ORDER BY s.seq LIMIT 1"
    ).fetchone()[0]
    db.execute("UPDATE units SET status = 'needs_review' WHERE id = ?", [following])
    assert run("checkout", "--units", str(following), "--lang", "en", user="tom").exit_code == 0
    with pytest.raises(ConflictError, match=f"unit {following} is checked out by tom"):
        realign(db, head["id"], "merge-next", "ana")


def test_finished_article_keeps_the_credit_line_a_paragraph_of_its_own(db, corpus, tmp_path):
    from tool.core.article import parse_article
    from tool.services.exports import export_article

    imported(db, corpus, "buget-bucuresti-2026")
    statuses = ["translated", "needs_review", "new"]  # as --include-unapproved
    text = export_article(db, "buget-bucuresti-2026", "en", "article", statuses=statuses)
    article = parse_article(text.decode("utf-8") if isinstance(text, bytes) else text)
    assert article.blocks[-1].text == "Translated by the English desk."
    assert article.blocks[-2].text.startswith("Councillor M. Ionescu (USR) criticised")
    assert article.blocks[-2].text.endswith("challenge the decision in court.")


def test_show_and_qa_in_the_original_language_are_refused(run, corpus):
    run("import", corpus / "originals" / "ro" / "tiff-cluj-2025.md")
    for command in (["show"], ["qa", "run"]):
        result = run(*command, "tiff-cluj-2025", "--lang", "ro")
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: article 'tiff-cluj-2025' is written in ro; choose a target language\n"
        )


def test_the_lexicon_learned_from_approvals_is_kept_for_the_next_import(db, corpus):
    from tool.services.lexicon_store import count_approved, load_lexicon

    imported(db, corpus, "tiff-cluj-2025")
    db.execute("UPDATE units SET status = 'approved' WHERE lang = 'en'")
    assert not list(db.query("SELECT * FROM lexicon"))
    imported(db, corpus, "canicula-cod-rosu")  # aligned with the lexicon of TIFF's pairs
    [row] = db.query("SELECT * FROM lexicon")
    assert (row["source_lang"], row["target_lang"]) == ("ro", "en")
    assert row["pairs"] == count_approved(db, "ro", "en") > 0
    assert load_lexicon(db, "ro", "en").to_json() == row["data"]  # reused, not relearned
