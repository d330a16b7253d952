"""Importing originals: what is stored, re-imports, and bad input that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, snapshot
from tool.services.articles import article_segments, list_articles
from tool.services.importer import import_originals


def test_import_stores_article_and_segments(db, articles_dir):
    results = import_originals(db, [articles_dir / "budget.md"])
    assert [(r.article_id, r.action) for r in results] == [("budget", "imported")]
    segments = article_segments(db, "budget")
    assert [(s["paragraph"], s["kind"], s["text"]) for s in segments] == [
        (0, "title", "Bugetul pe 2025, aprobat"),
        (1, "text", "Consiliul General a aprobat joi bugetul Capitalei."),
        (1, "text", "Dl. Ionescu a votat împotrivă."),
        (2, "heading", "Cifrele"),
        (3, "text", "Bugetul crește cu 5,5% față de anul trecut, la 1.250.000 lei."),
        (4, "item", "școli"),
        (5, "item", "spitale"),
    ]
    assert [s["seq"] for s in segments] == list(range(7))
    article = db["articles"].get("budget")
    assert json.loads(article["meta"])["author"] == "Ana Pop"
    assert results[0].segments == 7


def test_cedillas_are_normalised_on_import(db, articles_dir):
    import_originals(db, [articles_dir / "storm.md"])
    texts = [s["text"] for s in article_segments(db, "storm")]
    assert texts == [
        "Furtună la Constanța",
        "Vântul a atins 90 km/h.",
        "Șeful ISU a cerut prudență.",
    ]
    assert db["articles"].get("storm")["title"] == "Furtună la Constanța"


def test_import_folder_and_list(db, articles_dir):
    import_originals(db, [articles_dir])
    rows = list_articles(db)
    assert [(r["id"], r["segments"]) for r in rows] == [("budget", 7), ("storm", 3)]
    assert rows[0]["words"] > 10


def test_reimport_unchanged_changes_nothing(db, db_path, articles_dir):
    import_originals(db, [articles_dir])
    before = snapshot(db_path)
    results = import_originals(db, [articles_dir])
    assert {r.action for r in results} == {"unchanged"}
    assert snapshot(db_path) == before


def test_plain_text_import_with_options(db):
    results = import_originals(db, [DATA / "plain-article.txt"], lang="ro", title="Lipit")
    assert results[0].article_id == "plain-article"
    texts = [s["text"] for s in article_segments(db, "plain-article")]
    assert texts == [
        "Lipit",
        "Primul paragraf al unui text lipit.",
        "Are două propoziții.",
        "Al doilea paragraf.",
    ]


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


BAD_INPUTS = {
    "no id": ("---\nlang: ro\n---\n\nText.\n", "front matter has no id"),
    "no lang": ("---\nid: x\n---\n\nText.\n", "front matter has no lang"),
    "unknown language": ("---\nid: x\nlang: xx\n---\n\nText.\n", "unknown language: 'xx'"),
    "empty": ("---\nid: x\nlang: ro\ntitle: Doar titlu\n---\n\n", "the article has no text"),
    "bad id": (
        "---\nid: [a\nlang: ro\n---\n\nText.\n",
        "id '[a' is not an article id (letters, digits, '-', '_' and '.')",
    ),
    "bad date": (
        "---\nid: x\nlang: ro\npublished: 2025-13-45\n---\n\nText.\n",
        "published '2025-13-45' is not a date (YYYY-MM-DD)",
    ),
    "not utf-8": (
        b"---\nid: x\nlang: ro\n---\n\nA\n" + b"\xff\n",
        "not valid UTF-8 (line 7)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_file_fails_cleanly_and_changes_nothing(case, run, db_path, articles_dir):
    content, message = BAD_INPUTS[case]
    run("import", articles_dir / "storm.md")
    bad = _write(articles_dir, "zz-bad.md", content)
    before = snapshot(db_path)
    result = run("import", articles_dir)  # the good budget.md must not be imported either
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}: {message}\n"
    assert snapshot(db_path) == before


def test_missing_file(run, db_path, tmp_path):
    result = run("import", tmp_path / "nope.md")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.md'}: no such file or folder\n"


def test_duplicate_ids_in_one_import(run, articles_dir):
    _write(articles_dir, "copy.md", (articles_dir / "storm.md").read_text(encoding="utf-8"))
    result = run("import", articles_dir)
    assert result.exit_code == 1
    assert "article id 'storm' is also used by" in result.stderr


def test_edited_original_is_updated(run, db_path, articles_dir):
    run("import", articles_dir)
    path = articles_dir / "storm.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("90 km/h", "95 km/h"), encoding="utf-8"
    )
    result = run("import", path)
    assert result.exit_code == 0
    assert "updated    storm" in result.output
    assert "~ Vântul a atins 90 km/h.\n    → Vântul a atins 95 km/h." in result.output


def test_a_translation_given_to_import_is_refused(run, db_path, articles_dir):
    run("import", articles_dir / "storm.md")
    before = snapshot(db_path)
    translation = articles_dir / "storm.en.md"
    translation.write_text(
        "---\nid: storm\nlang: en\noriginal: storm\n---\n\nStorm in Constanța.\n", encoding="utf-8"
    )
    result = run("import", translation)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {translation}: this is a translation of 'storm'; "
        "import it with import-translation\n"
    )
    translation.write_text(
        "---\nid: storm\nlang: en\n---\n\nStorm in Constanța.\n", encoding="utf-8"
    )
    result = run("import", translation)
    assert result.stderr == (
        f"Error: {translation}: article 'storm' is written in ro, this file is in en "
        "(a translation? use import-translation)\n"
    )
    assert snapshot(db_path) == before
