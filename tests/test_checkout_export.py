"""A translator takes work out as PO or XLIFF and brings it back with import-work."""

from __future__ import annotations

import json

import polib
import pytest

from tests.conftest import DATA


@pytest.fixture
def desk(run):
    assert run("user", "add", "ana", "--role", "admin", user="ana").exit_code == 0
    assert (
        run("user", "add", "tom", "--role", "translator", "--lang", "en", user="ana").exit_code == 0
    )
    assert run("import", DATA / "articles" / "budget.md", user="ana").exit_code == 0
    return run


@pytest.mark.parametrize("fmt", ["po", "xliff"])
def test_checkout_export_then_import_work(desk, db, tmp_path, fmt):
    out = tmp_path / f"work.{fmt}"
    result = desk("checkout", "budget", "--lang", "en", "--count", "2", "--export", fmt,
                  "-o", out, user="tom")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    text = out.read_text(encoding="utf-8")
    assert "Bugetul pe 2025, aprobat" in text
    if fmt == "po":
        po = polib.pofile(str(out))
        assert len(po) == 2
        po[0].msgstr = "The 2025 budget, approved"
        po.save(str(out))
    else:
        first_source = text.index("</source>") + len("</source>")
        target = '<target xml:lang="en">The 2025 budget, approved</target>'
        text = text[:first_source] + target + text[first_source:]
        out.write_text(text, encoding="utf-8")
    result = desk("import-work", out, user="tom")
    assert result.exit_code == 0, result.output
    unit = db.execute(
        "SELECT u.text, u.status, u.translator FROM units u JOIN segments s ON s.id = u.segment_id "
        "WHERE s.seq = 0 AND u.lang = 'en'"
    ).fetchone()
    assert unit == ("The 2025 budget, approved", "translated", "tom")


def test_checkout_export_with_nothing_to_check_out_writes_nothing(desk, tmp_path):
    out = tmp_path / "work.po"
    desk("checkout", "budget", "--lang", "en", user="tom")
    result = desk("checkout", "budget", "--lang", "en", "--export", "po", "-o", out, user="tom")
    assert result.exit_code == 0
    assert not out.exists()


TMX = (
    '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
    'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="ro" '
    'datatype="plaintext"/><body><tu><tuv xml:lang="ro"><seg>Bugetul pe 2025, aprobat</seg>'
    '</tuv><tuv xml:lang="en"><seg>The 2025 budget, approved</seg></tuv></tu></body></tmx>'
)


@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_work_files_offer_memory_matches(desk, tmp_path, fmt):
    memory = tmp_path / "memory.tmx"
    memory.write_text(TMX, encoding="utf-8")
    assert desk("memory", "import", memory, user="ana").exit_code == 0
    out = tmp_path / f"work.{fmt}"
    desk("checkout", "budget", "--lang", "en", "--count", "1", "--export", fmt, "-o", out,
         user="tom")  # fmt: skip
    text = out.read_text(encoding="utf-8")
    if fmt == "po":
        assert "#. memory 100%: The 2025 budget, approved" in text  # for the translator
        assert polib.pofile(str(out))[0].msgstr == ""  # offered, not filled in
    elif fmt == "xliff":
        assert '<alt-trans match-quality="100%" origin="translation-memory">' in text
    else:
        assert (
            '<mtc:match ref="#s1" matchQuality="100.0" origin="translation-memory" type="tm">'
            in text
        )
        assert "<target>The 2025 budget, approved</target>" in text
    result = desk("import-work", out, user="tom")  # the offers do not count as translations
    assert result.exit_code == 0, result.output


@pytest.mark.interop
@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_work_xliff_with_matches_passes_the_schema(desk, tmp_path, fmt):
    from tests.conftest import run_checker

    memory = tmp_path / "memory.tmx"
    memory.write_text(TMX, encoding="utf-8")
    desk("memory", "import", memory, user="ana")
    out = tmp_path / "work.xlf"
    desk("checkout", "budget", "--lang", "en", "--export", fmt, "-o", out, user="tom")
    assert ("mtc:match" in out.read_text(encoding="utf-8")) == (fmt == "xliff2")
    assert "RESULT: OK" in run_checker(out)


def test_checkout_lists_the_best_memory_match(desk, tmp_path):
    memory = tmp_path / "memory.tmx"
    memory.write_text(TMX, encoding="utf-8")
    desk("memory", "import", memory, user="ana")
    result = desk("checkout", "budget", "--lang", "en", "--count", "2", user="tom")
    header, _, first, second = result.output.splitlines()[1:5]
    assert header.split()[-1] == "memory"
    assert first.endswith("100% The 2025 budget, approved")
    assert "%" not in second
    data = json.loads(desk("mine", "--json", user="tom").output)
    assert data["checked_out"][0]["id"] == 1


def test_an_untouched_fuzzy_entry_is_neither_submitted_nor_recredited(desk, db, tmp_path):
    desk("checkout", "budget", "--lang", "en", "--count", "2", user="tom")
    db.execute("UPDATE units SET text = 'Budget', translator = 'Ana', status = 'needs_review' "
               "WHERE id = 1")  # fmt: skip
    out = tmp_path / "work.po"
    desk("release", "--all", user="tom")
    desk("checkout", "--units", "1,2", "--lang", "en", "--export", "po", "-o", out, user="tom")
    po = polib.pofile(str(out))
    assert "fuzzy" in po[0].flags  # needs_review goes out as fuzzy, and stays so
    po[1].msgstr = "The General Council approved the capital's budget on Thursday."
    po.save(str(out))
    result = desk("import-work", out, user="tom")
    assert result.exit_code == 0, result.output
    unit = db.execute("SELECT status, translator FROM units WHERE id = 1").fetchone()
    assert unit == ("needs_review", "Ana")
    assert db.execute("SELECT status FROM units WHERE id = 2").fetchone()[0] == "translated"


def test_checkout_export_never_replaces_a_file_without_force(desk, db, tmp_path):
    out = tmp_path / "work.po"
    out.write_text("offline work", encoding="utf-8")
    result = desk("checkout", "budget", "--lang", "en", "--export", "po", "-o", out, user="tom")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out} already exists: use --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "offline work"
    assert db["leases"].count == 0 and db["units"].count == 0  # nothing checked out
    forced = desk("checkout", "budget", "--lang", "en", "--export", "po", "-o", out, "--force",
                  user="tom")  # fmt: skip
    assert forced.exit_code == 0, forced.output
    assert len(polib.pofile(str(out))) == db["leases"].count > 0


def test_no_lease_is_taken_when_the_file_cannot_be_written(desk, db, tmp_path, monkeypatch):
    from tool.errors import ToolError
    from tool.services import work_files

    def disk_full(path, data, *, force=False):
        raise ToolError(f"cannot write {path}: No space left on device")

    monkeypatch.setattr(work_files, "write_file", disk_full)
    out = tmp_path / "work.po"
    result = desk("checkout", "budget", "--lang", "en", "--export", "po", "-o", out, user="tom")
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {out}: No space left on device\n"
    unit_events = db.execute("SELECT COUNT(*) FROM events WHERE unit_id IS NOT NULL").fetchone()[0]
    assert db["leases"].count == 0 and db["units"].count == 0 and unit_events == 0
    missing = tmp_path / "nowhere" / "work.po"
    monkeypatch.undo()
    result = desk("checkout", "budget", "--lang", "en", "--export", "po", "-o", missing,
                  user="tom")  # fmt: skip
    assert result.stderr == (
        f"Error: cannot write {missing}: folder {missing.parent} does not exist\n"
    )
    assert db["leases"].count == 0


def test_the_user_name_never_becomes_a_path(run, db, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0  # an open desk
    result = run("checkout", "budget", "--lang", "en", "--count", "1", "--export", "po",
                 user="x/../../escaped")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in work.iterdir()) == ["work-en-x-escaped.po"]
    assert not (tmp_path / "escaped.po").exists()
    assert "wrote work-en-x-escaped.po" in result.output
