"""The main job, `sync`: incremental imports and exports, one bad file at a time, limits."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, PROJECT, snapshot
from tool.db.connection import open_database
from tool.services import sync_import, translations
from tool.services.exports import write_combined, write_exports
from tool.services.importer import ImportLimits
from tool.services.realign import realign
from tool.services.review import approve, reject
from tool.services.sync import plan_sync, sync

TIFF = "tiff-cluj-2025"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample corpus (originals and translations), safe to edit."""
    root = tmp_path / "project"
    for folder in ("originals", "translations"):
        shutil.copytree(PROJECT / folder, root / folder)
    return root


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.iterdir())}


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any import of a file fail the test."""

    def refuse(self, item, **kwargs):
        raise AssertionError(f"{item.path} was read again")

    monkeypatch.setattr(sync_import.FileImporter, "import_file", refuse)


def test_first_sync_imports_aligns_and_exports(db, project):
    report = sync(db, project)
    assert report.originals == {"imported": 4}
    assert report.translations == {"aligned": 4}
    assert report.errors == [] and report.articles == 4
    html = sorted(p.name for p in (project / "exports/en").iterdir() if p.name[0] != ".")
    assert html == sorted([*(f"{p.stem}.html" for p in (project / "originals/ro").iterdir()),
                           "index.html"])  # fmt: skip


def test_unchanged_files_are_not_read_again(db, project, monkeypatch):
    sync(db, project)
    exports = _mtimes(project / "exports/en")
    _no_reading(monkeypatch)
    report = sync(db, project)
    assert report.originals == {"unchanged": 4}
    assert report.translations == {"unchanged": 4}
    assert [r.files for r in report.exports] == [[], []]
    assert _mtimes(project / "exports/en") == exports


def test_a_touched_file_is_read_again_and_found_unchanged(db, db_path, project):
    sync(db, project)
    before = snapshot(db_path)
    original = project / "originals/ro" / f"{TIFF}.md"
    os.utime(original, ns=(1, 1))
    assert [f.path.name for f in plan_sync(db, project).originals] == [original.name]
    report = sync(db, project)
    assert report.originals == {"unchanged": 4}
    after = snapshot(db_path)
    assert {t for t in after if after[t] != before[t]} == {"sync_files"}
    assert plan_sync(db, project).files == 0  # its new mtime is recorded


def test_an_edit_that_keeps_size_and_mtime_is_seen_by_its_hash(db, project):
    sync(db, project)
    original = project / "originals/ro" / f"{TIFF}.md"
    status = original.stat()
    text = original.read_text(encoding="utf-8")
    assert "Cluj" in text
    original.write_text(text.replace("Cluj", "Cloj", 1), encoding="utf-8")
    os.utime(original, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert original.stat().st_size == status.st_size
    report = sync(db, project)
    assert report.originals == {"updated": 1, "unchanged": 3}


def test_an_article_changed_elsewhere_is_brought_back_to_its_file(db, project):
    sync(db, project)
    db.execute("UPDATE articles SET content_hash = 'changed by import' WHERE id = ?", [TIFF])
    assert [f.path.stem for f in plan_sync(db, project).originals] == [TIFF]


def test_one_changed_article_rewrites_only_its_page_and_the_index(db, project):
    sync(db, project)
    before = _mtimes(project / "exports/en")
    _append(project / "originals/ro" / f"{TIFF}.md", "\nO propoziție nouă la sfârșit.\n")
    report = sync(db, project)
    assert report.originals == {"updated": 1, "unchanged": 3}
    after = _mtimes(project / "exports/en")
    assert {name for name in after if after[name] != before[name]} == {
        f"{TIFF}.html",
        "index.html",
        ".desk-exports.json",  # which export wrote the folder (see sync_exports)
    }
    page = (project / "exports/en" / f"{TIFF}.html").read_text(encoding="utf-8")
    assert "O propoziție nouă la sfârșit." in page


def test_tmx_is_written_only_when_approvals_change(db, project):
    sync(db, project)
    folder = project / "exports/en"
    assert not list(folder.glob("*.tmx"))  # nothing approved yet
    unit = db.execute(
        "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = ? AND u.status = 'translated' ORDER BY s.seq LIMIT 1",
        [TIFF],
    ).fetchone()[0]
    approve(db, [unit], "elena")
    sync(db, project)
    assert sorted(p.name for p in folder.glob("*.tmx")) == ["all.tmx", f"{TIFF}.tmx"]
    tmx = _mtimes(folder)
    # Rejecting a unit of another article changes its page, not the approved pairs.
    other = db.execute(
        "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.article_id = 'canicula-cod-rosu' ORDER BY s.seq LIMIT 1"
    ).fetchone()[0]
    reject(db, other, "elena", "Too literal.")
    report = sync(db, project)
    html, written_tmx = report.exports
    assert [Path(f).name for f in html.files] == ["canicula-cod-rosu.html", "index.html"]
    assert written_tmx.files == []
    assert {n: m for n, m in _mtimes(folder).items() if n.endswith(".tmx")} == {
        n: m for n, m in tmx.items() if n.endswith(".tmx")
    }


def test_incremental_aggregates_equal_a_full_export(db, project, tmp_path):
    sync(db, project)
    units = [
        r[0]
        for r in db.execute(
            "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE u.status = 'translated' AND u.joined_to IS NULL ORDER BY s.article_id, s.seq"
        )
    ]
    approve(db, units[:3] + units[-2:], "elena")
    realign(db, units[5], "merge-next", "elena")  # a bead of two segments: one pair
    sync(db, project)
    full = tmp_path / "full"
    write_exports(db, "en", "html", full)
    write_combined(db, "en", "tmx", full / "all.tmx")
    for name in ("index.html", "all.tmx"):
        assert (project / "exports/en" / name).read_bytes() == (full / name).read_bytes(), name


def test_a_deleted_export_is_written_again(db, project):
    sync(db, project)
    (project / "exports/en" / f"{TIFF}.html").unlink()
    (project / "exports/en/index.html").unlink()
    report = sync(db, project)
    assert sorted(Path(f).name for f in report.exports[0].files) == ["index.html", f"{TIFF}.html"]


def test_added_target_only_text_is_a_change(db, project, monkeypatch):
    sync(db, project)
    translation = project / "translations/en" / f"{TIFF}.md"
    _append(translation, "\nPhoto: Festival press office.\n")
    report = sync(db, project)
    # New target-only text beside a unit may belong to its translation: it is a difference
    # for an editor to apply (import-translation --apply), reported once, never re-aligned.
    assert report.translations == {"differs": 1, "unchanged": 3}
    assert report.differs == [f"{TIFF} [en]"]
    _no_reading(monkeypatch)
    assert sync(db, project).translations == {"unchanged": 4}


def test_a_changed_translation_of_an_article_with_work_is_reported_not_applied(db, project):
    sync(db, project)
    translation = project / "translations/en" / f"{TIFF}.md"
    translation.write_text(
        translation.read_text(encoding="utf-8").replace("Cluj", "Cluj-Napoca"), encoding="utf-8"
    )
    report = sync(db, project)
    assert report.translations == {"differs": 1, "unchanged": 3}
    assert report.differs == [f"{TIFF} [en]"]
    again = sync(db, project)  # not aligned again, still reported
    assert again.translations == {"unchanged": 4}
    assert again.differs == [f"{TIFF} [en]"]


BAD_FILES = {
    "control character": (
        "originals/ro/bad.md",
        "---\nid: bad\nlang: ro\n---\n\nPrima.\n\nA doua \x1b[31mroșie.\n",
        "{path}: control character U+001B at line 8: remove it",
    ),
    "reserved id": (
        "originals/ro/index.md",
        "---\nid: index\nlang: ro\n---\n\nText.\n",
        "{path}: article id 'index' is reserved (exports name their lists of every article "
        "index.html and all.tmx); choose another id",
    ),
    "no original": (
        "translations/en/nope.md",
        "---\nid: nope\nlang: en\noriginal: nope\n---\n\nNothing.\n",
        "{path}: no article 'nope'; import the original first",
    ),
    "duplicate id": (
        "originals/ro/zz-copy.md",
        (PROJECT / "originals/ro" / f"{TIFF}.md").read_text(encoding="utf-8"),
        "{path}: article id 'tiff-cluj-2025' is also used by {project}/originals/ro/"
        "tiff-cluj-2025.md",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_reported_and_the_rest_imported(case, run, project, db_path):
    name, content, message = BAD_FILES[case]
    bad = project / name
    bad.write_text(content, encoding="utf-8")
    result = run("sync", "--root", project)
    assert result.exit_code == 1
    expected = message.format(path=bad.resolve(), project=project.resolve())
    assert result.stderr == f"Error: {expected}\n"
    assert "originals: 4 imported" in result.output
    assert "translations: 4 aligned" in result.output
    db = open_database(db_path)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 4
    again = run("sync", "--root", project)  # still reported, nothing else read
    assert again.exit_code == 1 and again.stderr == f"Error: {expected}\n"
    assert "originals: 0 imported, 0 updated, 4 unchanged" in again.output


def test_two_bad_files_are_two_lines(run, project):
    for name in ("a", "b"):
        (project / "originals/ro" / f"{name}.md").write_text(
            f"---\nid: {name}\nlang: xx\n---\n\nText.\n", encoding="utf-8"
        )
    result = run("sync", "--root", project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {(project / 'originals/ro' / n).resolve()}.md: unknown language: 'xx'"
        for n in ("a", "b")
    ]


def test_strict_changes_nothing_when_a_file_is_bad(tmp_path, run, db_path):
    root = tmp_path / "project"
    for folder in ("originals/ro", "translations/en"):
        (root / folder).mkdir(parents=True)
    shutil.copy(DATA / "articles" / "budget.md", root / "originals/ro")
    assert run("sync", "--root", root).exit_code == 0
    before = snapshot(db_path)
    edited = root / "originals/ro/budget.md"
    edited.write_text(edited.read_text().replace("joi", "vineri"), encoding="utf-8")
    bad = root / "translations/en/nope.md"
    bad.write_text("---\nid: nope\nlang: en\noriginal: nope\n---\n\nNothing.\n", encoding="utf-8")
    result = run("sync", "--root", root, "--strict")
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: {bad.resolve()}: no article 'nope'; import the original first\n"
    )
    assert snapshot(db_path) == before
    result = run("sync", "--root", root)  # without --strict the good file goes in
    assert result.exit_code == 1
    assert "originals: 0 imported, 1 updated, 0 unchanged" in result.output


def test_limits_on_file_size_and_segments(run, project, monkeypatch):
    result = run("sync", "--root", project, "--max-segments", "20")
    assert result.exit_code == 1
    putin = (project / "originals/ro/putin-nato-threat.md").resolve()
    assert result.stderr.splitlines()[0] == (
        f"Error: {putin}: the article has 29 segments, over the limit of 20 "
        "(raise it with $DESK_MAX_SEGMENTS)"
    )
    monkeypatch.setenv("DESK_MAX_FILE_MB", "0.001")
    result = run("sync", "--root", project)
    assert result.exit_code == 1
    size = putin.stat().st_size
    assert (
        f"Error: {putin}: the file is {size / 1e6:.1f} MB, over the limit of 0.001 MB "
        "(raise it with $DESK_MAX_FILE_MB)"
    ) in result.stderr.splitlines()


def test_limits_apply_to_import_too(run, articles_dir, monkeypatch):
    monkeypatch.setenv("DESK_MAX_SEGMENTS", "5")
    result = run("import", articles_dir / "budget.md")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {articles_dir / 'budget.md'}: the article has 7 segments, over the limit of 5 "
        "(raise it with $DESK_MAX_SEGMENTS)\n"
    )
    monkeypatch.setenv("DESK_MAX_SEGMENTS", "many")
    result = run("import", articles_dir / "budget.md")
    assert result.stderr == "Error: $DESK_MAX_FILE_MB and $DESK_MAX_SEGMENTS must be numbers\n"


def test_import_refuses_control_characters_and_reserved_ids(run, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("---\nid: s\nlang: ro\n---\n\nUna.\x00 Doua.\n", encoding="utf-8")
    result = run("import", story)
    assert result.stderr == f"Error: {story}: control character U+0000 at line 6: remove it\n"
    for reserved in ("all", "Index"):
        story.write_text(f"---\nid: {reserved}\nlang: ro\n---\n\nUna.\n", encoding="utf-8")
        result = run("import", story)
        assert result.exit_code == 1
        assert f"article id {reserved!r} is reserved" in result.stderr


def test_files_gone_from_the_project_are_forgotten(db, project):
    sync(db, project)
    (project / "translations/en" / f"{TIFF}.md").unlink()
    sync(db, project)
    paths = [r[0] for r in db.execute("SELECT path FROM sync_files")]
    assert len(paths) == 7 and not any(p.endswith(f"en/{TIFF}.md") for p in paths)


def test_worker_processes_import_the_same(tmp_path, project):
    one = open_database(tmp_path / "one.db")
    two = open_database(tmp_path / "two.db")
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    sync(one, project, jobs=1, exports=())
    sync(two, copy, jobs=2, exports=())
    query = (
        "SELECT s.article_id, s.seq, s.text, u.text, u.status, u.joined_to IS NULL "
        "FROM segments s LEFT JOIN units u ON u.segment_id = s.id ORDER BY 1, 2"
    )
    assert one.execute(query).fetchall() == two.execute(query).fetchall()
    assert two.execute("SELECT COUNT(*) FROM sync_files").fetchone()[0] == 8


def test_sync_passes_its_limits_to_the_translation_import(db, project, monkeypatch):
    seen = []
    original = translations.prepare_article

    def spy(path, **kwargs):
        seen.append(kwargs.get("limits"))
        return original(path, **kwargs)

    monkeypatch.setattr(translations, "prepare_article", spy)
    limits = ImportLimits(max_file_mb=5, max_segments=500)
    sync(db, project, limits=limits, exports=())
    assert seen and set(seen) == {limits}


def test_a_folder_written_since_by_another_database_is_written_whole(tmp_path, project):
    """As after `restore`: the database's exports are older than the folder's."""
    first = open_database(tmp_path / "first.db")
    sync(first, project)
    first.close()
    shutil.copyfile(tmp_path / "first.db", tmp_path / "restored.db")
    current = open_database(tmp_path / "first.db")
    approve(current, _translated(current, TIFF)[:1], "elena")
    assert [Path(f).name for f in sync(current, project).exports[0].files] == [
        f"{TIFF}.html",
        "index.html",
    ]
    restored = open_database(tmp_path / "restored.db")
    html = sync(restored, project).exports[0]
    assert html.articles == 4 and len(html.files) == 5
    tokens = json.loads((project / "exports/en/.desk-exports.json").read_text(encoding="utf-8"))
    assert set(tokens) == {"html", "tmx"}
    assert sync(restored, project).exports[0].files == []


def _translated(db, article):
    return [
        r[0]
        for r in db.execute(
            "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = ? AND u.status = 'translated' ORDER BY s.seq",
            [article],
        )
    ]


def test_workers_use_the_idle_cores_only(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(sync_import, "idle_cores", lambda cores: 3.8)
    assert sync_import.default_jobs(5000) == 4
    assert sync_import.default_jobs(10) == 1  # few files: not worth starting processes
    monkeypatch.setattr(sync_import, "idle_cores", lambda cores: 1.4)
    assert sync_import.default_jobs(5000) == 1
    monkeypatch.setattr(sync_import, "idle_cores", lambda cores: -3.0)
    assert sync_import.default_jobs(5000) == 1


def test_idle_cores_are_measured():
    idle = sync_import.idle_cores(2, window=0.05)
    assert -0.01 <= idle <= 2.01
