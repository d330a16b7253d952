"""The CLI contract of init, import, articles, show, segment and sync."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from tests.conftest import DATA, PROJECT
from tool.cli import cli


def test_init_creates_the_database(run, db_path):
    result = run("init")
    assert result.exit_code == 0
    assert result.output.startswith(f"database {db_path} ready (schema version ")
    assert db_path.exists()


def test_db_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DESK_DB", str(tmp_path / "env.db"))
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_import_then_articles_and_show(run, articles_dir):
    result = run("import", articles_dir)
    assert result.exit_code == 0, result.output
    assert "imported   budget: 7 segments" in result.output
    assert result.output.endswith("2 imported, 0 updated, 0 unchanged\n")
    again = run("import", articles_dir)
    assert "already imported, unchanged" in again.output
    assert again.output.endswith("0 imported, 0 updated, 2 unchanged\n")

    listing = run("articles")
    lines = listing.output.splitlines()
    assert lines[0].split() == ["id", "lang", "segments", "words", "title"]
    assert lines[2].startswith("budget  ro")

    rows = json.loads(run("articles", "--json").output)
    assert [r["id"] for r in rows] == ["budget", "storm"]
    assert rows[1]["segments"] == 3

    shown = run("show", "storm")
    assert shown.output.splitlines()[0] == "storm [ro] Furtună la Constanța"
    assert "Șeful ISU a cerut prudență." in shown.output
    data = json.loads(run("show", "storm", "--json").output)
    assert [s["paragraph"] for s in data["segments"]] == [0, 1, 1]


def test_show_unknown_article(run):
    result = run("show", "nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: no article 'nope'\n"


def test_segment_prints_sentences_and_paragraph_breaks(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("Dl. Popescu a venit. A plecat repede.\n\nAl doilea.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["segment", str(path), "--lang", "ro"])
    assert result.exit_code == 0
    assert result.output == "Dl. Popescu a venit.\nA plecat repede.\n\nAl doilea.\n"


def test_segment_reads_stdin():
    result = CliRunner().invoke(
        cli, ["segment", "-", "--lang", "en"], input="Mr. Smith left. He ran!\n"
    )
    assert result.output == "Mr. Smith left.\nHe ran!\n"


def test_segment_unknown_language():
    result = CliRunner().invoke(cli, ["segment", "-", "--lang", "xx"], input="Text.\n")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown language: 'xx'\n"


def test_segment_missing_lang_is_usage_error():
    result = CliRunner().invoke(cli, ["segment", "-"], input="Text.\n")
    assert result.exit_code == 2


def test_sync_imports_the_project(tmp_path, run):
    root = tmp_path / "project"
    (root / "originals" / "ro").mkdir(parents=True)
    shutil.copy(DATA / "articles" / "budget.md", root / "originals" / "ro")
    result = run("sync", "--root", root)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "originals: 1 imported, 0 updated, 0 unchanged"
    assert result.output.endswith("1 article in the desk\n")
    again = run("sync", "--root", root, "-v")
    assert again.output.splitlines()[0] == "originals: 0 imported, 0 updated, 1 unchanged"
    (root / "originals/ro/budget.md").touch()
    verbose = run("sync", "--root", root, "-v").output.splitlines()
    assert verbose[0] == "unchanged  budget: 7 segments, 30 words"


def test_manage_py_runs_as_a_script(tmp_path):
    def manage(*args):
        return subprocess.run(
            [sys.executable, str(PROJECT / "manage.py"), "--db", str(tmp_path / "x.db"), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    assert manage("init").returncode == 0
    result = manage("articles")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no articles yet\n"


def test_sync_aligns_translations_and_writes_the_exports(tmp_path, run, monkeypatch):
    root = tmp_path / "project"
    for folder in ("originals/ro", "translations/en"):
        (root / folder).mkdir(parents=True)
    shutil.copy(PROJECT / "originals/ro/tiff-cluj-2025.md", root / "originals/ro")
    shutil.copy(PROJECT / "translations/en/tiff-cluj-2025.md", root / "translations/en")
    result = run("sync", "--root", root, "-v")
    assert result.exit_code == 0, result.output
    assert "aligned    tiff-cluj-2025 [en]: 10 beads, 10 translated" in result.output
    assert "translations: 1 aligned, 0 updated, 0 unchanged" in result.output
    assert "exported html [en]: 1 article written in " in result.output
    assert "exported tmx [en]: up to date" in result.output  # nothing approved to write
    page = (root / "exports/en/tiff-cluj-2025.html").read_text(encoding="utf-8")
    assert "Sălile au fost pline aproape în fiecare seară!" in page
    assert not (root / "exports/en/tiff-cluj-2025.tmx").exists()  # nothing approved yet

    monkeypatch.setenv("DESK_EXPORTS", "po,csv")
    assert run("sync", "--root", root).exit_code == 0
    assert (root / "exports/en/tiff-cluj-2025.po").exists()
    assert (root / "exports/en/tiff-cluj-2025.csv").exists()

    monkeypatch.setenv("DESK_EXPORTS", "pdf")
    result = run("sync", "--root", root)
    assert result.exit_code == 1
    assert result.stderr == "Error: $DESK_EXPORTS: unknown export format 'pdf'\n"


def test_text_that_is_not_utf8_is_one_clear_error(tmp_path, run):
    """Bytes that are not UTF-8 (a misconfigured terminal or editor) never show a traceback."""
    db = str(tmp_path / "x.db")
    manage = [sys.executable, str(PROJECT / "manage.py"), "--db", db]
    story = tmp_path / "story.md"
    story.write_text("---\nid: s\nlang: ro\n---\n\nO propoziție.\n", encoding="utf-8")
    subprocess.run([*manage, "import", str(story)], check=True, capture_output=True)
    subprocess.run([*manage, "checkout", "s", "--lang", "en"], check=True, capture_output=True)
    result = subprocess.run(
        [*manage, "translate", "1", "-"], input=b"ab\xffcd", capture_output=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "Error: the text given is not valid UTF-8 (check the terminal's or editor's encoding)\n"
    )
