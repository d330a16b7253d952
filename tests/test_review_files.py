"""Offline review that comes back: XLSX and DOCX review files, edited with openpyxl,
python-docx or LibreOffice, applied with import-review."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from tests.conftest import DATA, populate, snapshot
from tool.formats.docx import A4_LANDSCAPE, A4_PORTRAIT, choose_page
from tool.formats.model import Document, Entry
from tool.services.qa import qa_article

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FIX = "Use “The figures”, as in the headline."


@pytest.fixture
def desk(db, run):
    """budget with units of every status; bob translated units 5 and 6; ed and eve edit."""
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    units = populate(db)
    db.execute("UPDATE units SET text = 'schools', status = 'translated', translator = 'bob' "
               "WHERE id = ?", [units[5]])  # fmt: skip
    for name, role in (("root", "admin"), ("ed", "editor"), ("eve", "editor"),
                       ("bob", "translator")):  # fmt: skip
        args = ["user", "add", name, "--role", role] + ([] if role == "admin" else ["--lang", "en"])
        assert run(*args, user="root").exit_code == 0
    return units


def unit(db, unit_id: int) -> tuple:
    row = db["units"].get(unit_id)
    return (row["status"], row["text"], row["reviewer"], row["comment"])


def changes(before: dict, after: dict) -> dict[str, int]:
    """Rows added or changed per table."""
    return {t: len(set(after[t]) - set(before[t])) for t in after if after[t] != before.get(t)}


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice is needed under CI (apt-get install libreoffice-writer-nogui)")
    pytest.skip("LibreOffice not installed")


def through_libreoffice(path: Path, tmp_path: Path) -> Path:
    """The file opened and saved again by LibreOffice, in the same format."""
    program = Path(soffice()).resolve().parent
    if path.suffix == ".xlsx" and not (program / "libsclo.so").exists():
        pytest.skip("LibreOffice Calc not installed (apt-get install libreoffice-calc-nogui)")
    out = tmp_path / "libreoffice"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", path.suffix[1:], "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    converted = out / path.name
    assert result.returncode == 0 and converted.exists(), result.stderr
    return converted


# --- XLSX ------------------------------------------------------------------------------


def export(run, tmp_path, fmt: str, user: str = "ed") -> Path:
    path = tmp_path / f"review.{fmt}"
    result = run("export", "budget", "--lang", "en", "--format", fmt, "-o", path, user=user)
    assert result.exit_code == 0, result.output
    return path


def edit_xlsx(path: Path, edits: dict[int, dict[str, str]]) -> None:
    """Change cells as an editor would in a spreadsheet: {unit id: {column: value}}."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [str(c.value).split(" (")[0] for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        changes_for = edits.get(row[header.index("unit")].value, {})
        for column, value in changes_for.items():
            row[header.index(column)].value = value
    book.save(path)


def test_xlsx_sheet_is_ready_for_an_editor(db, desk, run, tmp_path):
    db.execute("UPDATE units SET text = 'schools in 2025' WHERE id = ?", [desk[5]])
    path = export(run, tmp_path, "xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == ["segment", "unit", "source (ro)", "target (en)", "status", "translator",
                      "comment", "QA", "version"]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + 6  # one row per pair (the bead is one)
    assert all(c.alignment.wrap_text for c in sheet[2])
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGH"}
    assert 24 <= widths["C"] <= 60 and 6 <= widths["B"] <= 10
    assert sheet.column_dimensions["I"].hidden
    assert sheet.protection.sheet
    locked = {c.column_letter: c.protection.locked for c in sheet[2]}
    assert locked == {"A": True, "B": True, "C": True, "D": False, "E": False, "F": True,
                      "G": False, "H": True, "I": True}  # fmt: skip
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"approved,rejected,leave"'
    assert str(validation.sqref) == "E2:E7"
    assert book.properties.language == "en-US"
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[desk[6]][4] == "translated" and rows[desk[3]][4] == "needs review"
    findings: dict[int, list[str]] = {}
    for f in qa_article(db, "budget", "en"):
        findings.setdefault(f.unit_id, []).append(f"{f.severity}: {f.message}")
    assert findings  # the sample has some
    assert {u: (r[7] or "") for u, r in rows.items()} == {
        u: "\n".join(findings.get(u, [])) for u in rows
    }


def test_xlsx_review_comes_back(db, db_path, desk, run, tmp_path):
    path = export(run, tmp_path, "xlsx")
    edit_xlsx(path, {
        desk[6]: {"status": "approved"},
        desk[5]: {"status": "approved", "target": "the schools"},
        desk[3]: {"status": "rejected", "comment": FIX},
    })  # fmt: skip
    before = snapshot(db_path)
    result = run("import-review", path, user="ed")
    assert result.exit_code == 0, result.output
    assert result.output == "approved 2 units (1 with your edit), rejected 1, 3 left as they were\n"
    assert unit(db, desk[6]) == ("approved", "hospitals ăâîșț", "ed", "")
    assert unit(db, desk[5]) == ("approved", "the schools", "ed", "")
    assert unit(db, desk[3]) == ("rejected", "The figures", "ed", FIX)
    after = snapshot(db_path)
    assert changes(before, after)["units"] == 3
    events = list(db.query("SELECT unit_id, user, action, new_status, new_text, comment "
                           "FROM events WHERE user = 'ed' ORDER BY id"))  # fmt: skip
    assert [(e["unit_id"], e["action"], e["new_status"]) for e in events] == [
        (desk[3], "reject", "rejected"), (desk[5], "approve", "approved"),
        (desk[6], "approve", "approved"),
    ]  # fmt: skip
    assert events[1]["new_text"] == "the schools" and events[0]["comment"] == FIX
    again = run("import-review", path, user="ed")  # the same file again: rows now stale
    assert again.exit_code == 1
    assert "refused row 2" not in again.output  # the untouched approved title
    assert again.stderr == "Error: 3 rows not applied: their units changed since the export\n"


def test_rows_for_units_changed_since_the_export_are_refused(db, desk, run, tmp_path):
    path = export(run, tmp_path, "xlsx")
    assert run("approve", desk[6], user="eve").exit_code == 0  # another editor, meanwhile
    edit_xlsx(path, {desk[6]: {"status": "rejected", "comment": "no"},
                     desk[5]: {"status": "approved"}})  # fmt: skip
    result = run("import-review", path, user="ed")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "approved 1 unit, rejected 0, 4 left as they were"
    assert lines[1].startswith(
        f"refused row 7: unit {desk[6]} changed since the file was exported (it is now "
        "approved by bob, "
    )
    assert lines[1].endswith("UTC): export it again to review it")
    assert result.stderr == "Error: 1 row not applied: their units changed since the export\n"
    assert unit(db, desk[6])[:3] == ("approved", "hospitals ăâîșț", "eve")
    assert unit(db, desk[5])[0] == "approved"


@pytest.mark.parametrize(
    ("seq", "edits", "message"),
    [
        (6, {"status": "done"}, "row 7: status 'done' is not one of approved, rejected, leave"),
        (6, {"status": "rejected"}, "row 7: unit 7: a rejection needs a comment saying what"),
        (6, {"target": "hospitals!"}, "row 7: unit 7: the target was edited but its status"),
        (6, {"version": ""}, "row 7: the unit's version is missing (was it removed?)"),
        (6, {"unit": 3}, "row 7: unit 3 is not segment budget:"),
        (4, {"status": "approved"}, "row 5: unit 5 is rejected: it cannot be approved"),
    ],
)
def test_any_problem_refuses_the_whole_file(db, db_path, desk, run, tmp_path, seq, edits, message):
    path = export(run, tmp_path, "xlsx")
    edit_xlsx(path, {desk[5]: {"status": "approved"}, desk[seq]: edits})
    before = snapshot(db_path)
    result = run("import-review", path, user="ed")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: nothing applied, 1 problem: ")
    assert message in result.stderr
    assert snapshot(db_path) == before


def test_the_editors_identity_and_permissions_apply(db, db_path, desk, run, tmp_path):
    path = export(run, tmp_path, "xlsx")
    edit_xlsx(path, {desk[6]: {"status": "approved"}})
    before = snapshot(db_path)
    translator = run("import-review", path, user="bob")
    assert translator.stderr == ("Error: bob is a translator: only editors or admins may do this\n")
    db.execute("UPDATE users SET role = 'editor' WHERE name = 'bob'")
    own = run("import-review", path, user="bob")
    assert own.exit_code == 1
    assert (f"row 7: unit {desk[6]} is your own translation: another editor must approve it"
            in own.stderr)  # fmt: skip
    db.execute("UPDATE users SET role = 'translator' WHERE name = 'bob'")
    assert snapshot(db_path) == before


@pytest.mark.slow
def test_xlsx_saved_by_libreoffice_comes_back(db, desk, run, tmp_path):
    path = export(run, tmp_path, "xlsx")
    edit_xlsx(path, {desk[6]: {"status": "approved"}, desk[3]: {"status": "rejected",
                                                                "comment": FIX}})  # fmt: skip
    saved = through_libreoffice(path, tmp_path)
    result = run("import-review", saved, user="ed")
    assert result.exit_code == 0, result.output
    assert unit(db, desk[6])[0] == "approved"
    assert unit(db, desk[3]) == ("rejected", "The figures", "ed", FIX)
    assert unit(db, desk[5])[0] == "translated"


def test_not_a_review_file(db, desk, run, tmp_path):
    other = tmp_path / "x.xlsx"
    other.write_bytes(b"not a zip")
    assert run("import-review", other, user="ed").stderr == (
        f"Error: {other}: not an XLSX or DOCX review file\n"
    )


# --- DOCX ------------------------------------------------------------------------------


def docx_rows(path: Path) -> dict[int, list]:
    """{unit id: the row's cells} of the review table, through python-docx."""
    word = WordDocument(str(path))
    [table] = word.tables
    found = {}
    for row in table.rows[1:]:
        ident = row.cells[0].paragraphs[0].text.strip()
        if ident.isdigit():
            found[int(ident)] = row.cells
    return found


def test_docx_table_fits_an_a4_page_with_languages_and_ids(db, desk, run, tmp_path):
    path = export(run, tmp_path, "docx")
    word = WordDocument(str(path))
    section = word.sections[0]
    assert {section.page_width.twips, section.page_height.twips} == {11906, 16838}  # A4
    text_width = section.page_width - section.left_margin - section.right_margin
    [table] = word.tables
    grid = [int(c.get(f"{W}w")) for c in table._tbl.find(f"{W}tblGrid")]
    assert sum(grid) * 635 == text_width
    header = table.rows[0]
    assert header._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on each page
    assert [c.text for c in header.cells] == ["ID", "Source (Romanian)", "Target (English)",
                                              "Status", "Comment"]  # fmt: skip
    cells = docx_rows(path)[desk[6]]
    assert cells[0].paragraphs[1].text.startswith("budget:")
    langs = {r._r.find(f"{W}rPr/{W}lang").get(f"{W}val")
             for c in cells[1:3] for p in c.paragraphs for r in p.runs}  # fmt: skip
    assert langs == {"ro-RO", "en-US"}


def test_long_sentences_turn_the_page(db):
    def doc(length: int) -> Document:
        entry = Entry(key="a:1", article_id="a", unit_id=1, source="x" * length, target="y")
        return Document(article_id="a", source_lang="ro", target_lang="en", entries=[entry])

    assert choose_page(doc(20)) == A4_PORTRAIT
    assert choose_page(doc(140)) == A4_LANDSCAPE
    for page in (A4_PORTRAIT, A4_LANDSCAPE):
        assert sum(page.columns) == page.text_width


def edit_docx(path: Path, edits: dict[int, dict[str, str]]) -> None:
    """Change cells as an editor would in Word (python-docx): {unit id: {column: text}}."""
    word = WordDocument(str(path))
    [table] = word.tables
    column = {"target": 2, "status": 3, "comment": 4}
    for row in table.rows[1:]:
        ident = row.cells[0].paragraphs[0].text.strip()
        for name, text in edits.get(int(ident) if ident.isdigit() else 0, {}).items():
            row.cells[column[name]].text = text
    word.save(str(path))


DOCX_EDITS = {"status": "approved"}, {"status": "Approved", "target": "the schools"}


def test_docx_review_comes_back(db, db_path, desk, run, tmp_path):
    path = export(run, tmp_path, "docx")
    edit_docx(path, {desk[6]: DOCX_EDITS[0], desk[5]: DOCX_EDITS[1],
                     desk[3]: {"status": "rejected", "comment": FIX}})  # fmt: skip
    before = snapshot(db_path)
    result = run("import-review", path, user="ed")
    assert result.exit_code == 0, result.output
    assert result.output == "approved 2 units (1 with your edit), rejected 1, 3 left as they were\n"
    assert unit(db, desk[6]) == ("approved", "hospitals ăâîșț", "ed", "")
    assert unit(db, desk[5]) == ("approved", "the schools", "ed", "")
    assert unit(db, desk[3]) == ("rejected", "The figures", "ed", FIX)
    assert changes(before, snapshot(db_path))["units"] == 3


@pytest.mark.slow
def test_docx_saved_by_libreoffice_comes_back(db, desk, run, tmp_path):
    path = export(run, tmp_path, "docx")
    edit_docx(path, {desk[5]: DOCX_EDITS[1], desk[3]: {"status": "rejected", "comment": FIX}})
    saved = through_libreoffice(path, tmp_path)
    result = run("import-review", saved, user="ed")
    assert result.exit_code == 0, result.output
    assert unit(db, desk[5]) == ("approved", "the schools", "ed", "")
    assert unit(db, desk[3]) == ("rejected", "The figures", "ed", FIX)
    assert unit(db, desk[6])[0] == "translated"


@pytest.mark.interop
def test_review_files_pass_the_checkers(db, desk, run, tmp_path):
    from tests.conftest import run_checker

    path = export(run, tmp_path, "docx")
    assert "RESULT: OK" in run_checker(path)
    book = load_workbook(io.BytesIO(export(run, tmp_path, "xlsx").read_bytes()))
    assert book.worksheets[0].title == "Review"  # the kit has no XLSX validator: openpyxl


def test_tracked_changes_in_word_count_as_the_editors_text(db, desk, run, tmp_path):
    """Word's Track Changes: deleted text (w:del) is gone, inserted text (w:ins) is kept."""
    import zipfile

    path = export(run, tmp_path, "docx")
    edit_docx(path, {desk[6]: {"status": "approved"}})
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    old = '<w:t xml:space="preserve">hospitals ăâîșț</w:t></w:r>'
    assert xml.count(old) == 1
    tracked = (
        '<w:t xml:space="preserve">hospitals</w:t></w:r>'
        '<w:del w:id="1" w:author="ed"><w:r><w:delText> ăâîșț</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="ed"><w:r><w:t xml:space="preserve"> and clinics</w:t></w:r>'
        "</w:ins>"
    )
    parts["word/document.xml"] = xml.replace(old, tracked).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    result = run("import-review", path, user="ed")
    assert result.exit_code == 0, result.output
    assert unit(db, desk[6]) == ("approved", "hospitals and clinics", "ed", "")
