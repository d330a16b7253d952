"""import-work: translators' PO/XLIFF files land on held units, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from lxml import etree

from tests.conftest import DATA, INTEROP_KIT, populate, snapshot, unavailable
from tool import clock
from tool.core.normalize import normalise_text
from tool.errors import InputError
from tool.services.exports import export_article
from tool.services.work_files import export_work, import_work, read_work_file

INTEROP = INTEROP_KIT / "inputs"
NOW = "2026-01-02T03:04:05+00:00"


@pytest.fixture
def sample(db, run, monkeypatch):
    monkeypatch.setattr(clock, "_fixed", clock.parse(NOW))
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    return populate(db)


def lease(db, unit_id: int, user: str = "ana", expires: str = "2026-01-03T00:00:00.000000Z"):
    db["leases"].insert(
        {"unit_id": unit_id, "user": user, "expires_at": expires, "created_at": NOW},
        replace=True,
    )


def key_of(db, unit_id: int) -> str:
    segment = db.execute("SELECT segment_id FROM units WHERE id = ?", [unit_id]).fetchone()[0]
    return f"budget:{segment}"


def edit_po(data: bytes, key: str, text: str) -> bytes:
    po = polib.pofile(data.decode())
    for entry in po:
        if entry.msgctxt == key:
            entry.msgstr = text
    return str(po).encode()


def test_held_unit_is_submitted_with_an_event(db, run, sample, tmp_path):
    unit = sample[5]  # new, untranslated
    lease(db, unit)
    path = tmp_path / "work.po"
    path.write_bytes(edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "schools"))
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert result.output == "1 translation submitted (en), 0 unchanged, 0 untranslated\n"
    row = db["units"].get(unit)
    assert (row["text"], row["status"], row["translator"]) == ("schools", "translated", "ana")
    events = list(
        db.query("SELECT * FROM events WHERE unit_id = ? AND action = 'import-work'", [unit])
    )
    assert [(e["old_status"], e["new_status"], e["new_text"]) for e in events] == [
        ("new", "translated", "schools")
    ]


DONE = {  # what a CAT tool writes when the translator confirms a segment
    "po": (b"#, fuzzy\n", b""),
    "xliff": (b'state="needs-translation"', b'state="translated"'),
    "xliff2": (b'state="initial" subState="desk:rejected"', b'state="translated"'),
}


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_xliff_files_are_imported_too(db, run, sample, tmp_path, fmt):
    unit = sample[4]  # rejected
    lease(db, unit)
    data = export_work(db, [unit], "en", fmt).decode()
    data = data.replace(
        "The budget grows by 5.5% to 1,250,000 lei.", "The budget: +5.5% &amp; 1,250,000 lei."
    )
    path = tmp_path / "work.xlf"
    path.write_bytes(data.encode().replace(*DONE[fmt]))
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert db["units"].get(unit)["text"] == "The budget: +5.5% & 1,250,000 lei."
    assert db["units"].get(unit)["status"] == "translated"


@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_export_import_export_round_trip(db, db_path, run, sample, tmp_path, fmt):
    first = export_article(db, "budget", "en", fmt)
    path = tmp_path / f"budget.{fmt}"
    path.write_bytes(first)
    before = snapshot(db_path)
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert "0 translations submitted (en), 5 unchanged, 1 untranslated" in result.output
    assert snapshot(db_path) == before
    assert export_article(db, "budget", "en", fmt) == first


@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_round_trip_after_a_change(db, run, sample, tmp_path, fmt):
    unit = sample[4]  # rejected, with the editor's comment
    lease(db, unit)
    old = "The budget grows by 5.5% to 1,250,000 lei."
    new = "The budget grows by 5.5 percent, to 1,250,000 lei."
    data = export_article(db, "budget", "en", fmt).replace(old.encode(), new.encode())
    if fmt == "po":  # the translator confirms the rejected entry (Poedit clears fuzzy)
        po = polib.pofile(data.decode())
        po.find(new, by="msgstr").flags.remove("fuzzy")
        data = str(po).encode()
    else:
        data = data.replace(*DONE[fmt])
    path = tmp_path / "budget.file"
    path.write_bytes(data)
    assert run("import-work", path, user="ana").exit_code == 0
    row = db["units"].get(unit)
    assert (row["text"], row["status"], row["comment"]) == (new, "translated", "")
    assert db["leases"].count == 0  # submitted: the lease is released
    again = read_work_file(export_article(db, "budget", "en", fmt)).items
    expected = read_work_file(data).items
    assert [(i.key, i.source, i.target) for i in again] == [
        (i.key, i.source, i.target) for i in expected
    ]


def test_submitted_unit_cannot_be_submitted_again(db, db_path, run, sample, tmp_path):
    unit = sample[6]  # translated, waiting for review
    lease(db, unit)
    path = tmp_path / "w.po"
    path.write_bytes(edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "clinics"))
    assert refused(run, db_path, path).endswith(
        f"{key_of(db, unit)}: a translated unit cannot be submitted"
    )


def test_registered_user_must_work_in_the_language(db, db_path, run, sample, tmp_path):
    db["users"].insert_all(
        [
            {"name": "boss", "role": "admin", "languages": "[]", "created_at": NOW},
            {"name": "ana", "role": "translator", "languages": '["fr"]', "created_at": NOW},
        ]
    )
    unit = sample[5]
    lease(db, unit)
    path = tmp_path / "w.po"
    path.write_bytes(edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "schools"))
    assert refused(run, db_path, path) == (
        "Error: ana does not work in en (their languages: fr); ask an admin to add it"
    )
    assert refused(run, db_path, path, "nobody").startswith("Error: unknown user 'nobody'")


def refused(run, db_path, path, user="ana", *args):
    before = snapshot(db_path)
    result = run("import-work", path, *args, user=user)
    assert result.exit_code == 1
    assert snapshot(db_path) == before
    return result.output.strip()


def test_unit_not_held_refuses_the_whole_file(db, db_path, run, sample, tmp_path):
    held, other = sample[5], sample[6]
    lease(db, held)
    lease(db, other, "bob")
    data = export_work(db, [held, other], "en", "po")
    data = edit_po(edit_po(data, key_of(db, held), "schools"), key_of(db, other), "clinics")
    path = tmp_path / "w.po"
    path.write_bytes(data)
    assert refused(run, db_path, path) == (
        f"Error: {path}: nothing imported, 1 problem: line 24: {key_of(db, other)}: "
        "ana holds no lease on it"
    )


def test_expired_lease_is_not_held(db, db_path, run, sample, tmp_path):
    unit = sample[5]
    lease(db, unit, expires="2026-01-01T00:00:00.000000Z")
    path = tmp_path / "w.po"
    path.write_bytes(edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "schools"))
    assert refused(run, db_path, path).endswith(f"{key_of(db, unit)}: ana holds no lease on it")


def test_unknown_id_refuses_the_whole_file(db, db_path, run, sample, tmp_path):
    unit = sample[5]
    lease(db, unit)
    data = edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "schools")
    data += b'\nmsgctxt "budget:999"\nmsgid "x"\nmsgstr "y"\n'
    path = tmp_path / "w.po"
    path.write_bytes(data)
    assert refused(run, db_path, path).endswith("1 problem: line 24: unknown id 'budget:999'")


def test_file_for_another_language_is_refused(db, db_path, run, sample, tmp_path):
    unit = sample[5]
    lease(db, unit)
    data = edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "écoles")
    path = tmp_path / "w.po"
    path.write_bytes(data.replace(b"Language: en", b"Language: fr"))
    assert refused(run, db_path, path).startswith(
        f"Error: {path}: nothing imported, 1 problem: line 18: {key_of(db, unit)}: "
        "no fr unit to translate (not checked out)"
    )
    path.write_bytes(data)
    assert refused(run, db_path, path, "ana", "--lang", "fr") == (
        f"Error: {path}: the file is for en, not fr"
    )


def test_changed_source_is_refused(db, db_path, run, sample, tmp_path):
    unit = sample[5]
    lease(db, unit)
    data = edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "schools")
    path = tmp_path / "w.po"
    path.write_bytes(data.replace('msgid "școli"'.encode(), b'msgid "licee"'))
    assert refused(run, db_path, path).endswith("the source text has changed since the export")


def test_export_work_writes_empty_msgstr_for_untranslated(db, sample):
    po = polib.pofile(export_work(db, [sample[5], sample[6]], "en", "po").decode())
    assert [e.msgstr for e in po] == ["", "hospitals ăâîșț"]


XXE = "line 2: entity declarations are not allowed (XXE/DTD)"
BAD_MESSAGES = {  # file -> the error after "Error: <path>: "
    "billion-laughs.xliff12.xlf": "line 3: entity declarations are not allowed (XXE/DTD)",
    "xxe-etc-passwd.xliff12.xlf": XXE,
    "xxe-etc-passwd.tmx": XXE,
    "xxe-parameter-entity-oob.xliff12.xlf": XXE,
    "truncated.xliff12.xlf": "line 25: malformed XML: Premature end of data in tag source",
    "truncated.tmx": "line 28: malformed XML: Premature end of data in tag seg",
    "wrong-encoding-declared-utf8-bytes-latin10.xliff12.xlf": "line 5: bytes that are not "
    "valid UTF-8 (is the file in another encoding than it declares?)",
    "wrong-encoding-declared-utf8-bytes-latin10.po": "line 8: bytes that are not valid UTF-8 "
    "(is the file in another encoding than its header says?)",
    "wrong-encoding-declared-latin1-bytes-utf8.xliff12.xlf": "declared ISO-8859-1 but the "
    "bytes are UTF-8 (fix the XML declaration); nothing read",
    "unterminated-string.po": "line 11: malformed PO line (unterminated string?)",
    "plural-index-mismatch.po": "line 10: 2 plural forms, the header says nplurals=3",
    "xliff20.oasis-tc.bad_InvalidStateValue.xlf": "line 5: unknown state 'badState'",
    "xliff20.oasis-tc.bad_EcBeforeSc.xlf": "line 6: <ec startRef='1'> comes before its <sc>",
    # legal files, refused because their ids are not ours
    "edge-bom-crlf.po": "nothing imported, 1 problem: line 7: an entry without an id "
    "(msgctxt or unit id)",
    "edge-bom-crlf.xliff12.xlf": "nothing imported, 1 problem: line 5: unknown id '1'",
    "edge-utf16le-bom.xliff12.xlf": "nothing imported, 1 problem: line 5: unknown id '1'",
}


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_inputs_are_refused_cleanly(db, db_path, run, sample, name):
    path = INTEROP / "bad" / name
    if not path.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    output = refused(run, db_path, path)
    assert output == f"Error: {path}: {BAD_MESSAGES[name]}"
    assert "root:" not in output  # /etc/passwd never shows up


def test_every_bad_input_is_covered():
    folder = INTEROP / "bad"
    if not folder.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    assert sorted(p.name for p in folder.iterdir()) == sorted(BAD_MESSAGES)


@pytest.mark.parametrize(
    "name",
    ["edge-bom-crlf.xliff12.xlf", "edge-utf16le-bom.xliff12.xlf", "edge-bom-crlf.po"],
)
def test_legal_edge_files_read_correctly(name):
    path = INTEROP / "bad" / name
    if not path.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    work = read_work_file(path)
    assert work.target_lang == "ro"
    assert work.items[0].source == "Save the file"
    assert work.items[0].target.startswith("Salvează fișierul")


GOOD = INTEROP / "good"


@pytest.mark.parametrize(
    ("name", "fmt", "langs", "count"),
    [
        ("ro.gnome-clocks.po", "po", ("", "ro"), 77),
        ("ro.gnome-calculator.po", "po", ("", "ro"), 428),
        ("ro.virt-viewer.po", "po", ("", "ro"), 182),
        ("xliff11.okapi-rainbow.RB-11-Test01.xlf", "xliff", ("en", "fr"), 13),
        ("xliff12.okapi-rainbow.RB-12-Test02.xlf", "xliff", ("en", "fr"), 9),
        ("xliff12.okapi-testdata.MQ-12-Test01.xlf", "xliff", ("en", "fr"), 119),
        ("xliff20.oasis-tc.withGlossary.xlf", "xliff2", ("en", "fr"), 1),
        ("xliff20.oasis-tc.everything-core.xlf", "xliff2", ("en", "fr"), 4),
    ],
)
def test_real_files_are_read(name, fmt, langs, count):
    path = GOOD / name
    if not path.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    work = read_work_file(path)
    assert (work.format, (work.source_lang, work.target_lang)) == (fmt, langs)
    assert len(work.items) == count


def real_article(db, article_id: str, source_lang: str, lang: str, sources: list[str], user: str):
    """An article whose segments are ``sources``, with leased ``lang`` units: their keys."""
    db["articles"].insert(
        {"id": article_id, "lang": source_lang, "title": sources[0], "meta": "{}"}
    )
    keys = []
    for seq, text in enumerate(sources):
        segment = (
            db["segments"]
            .insert(
                {
                    "article_id": article_id,
                    "seq": seq,
                    "paragraph": seq,
                    "position": 0,
                    "kind": "text",
                    "text": text,
                }  # fmt: skip
            )
            .last_pk
        )
        unit = db["units"].insert({"segment_id": segment, "lang": lang, "status": "new"}).last_pk
        lease(db, unit, user)
        keys.append(f"{article_id}:{segment}")
    return keys


def test_real_xliff12_file_imports_once_its_ids_are_ours(db, run, sample, tmp_path):
    """Okapi Rainbow output (<g>, <x/>, <mrk>) lands on matching units, codes stripped."""
    path = GOOD / "xliff12.okapi-rainbow.RB-12-Test02.xlf"
    if not path.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    work = read_work_file(path)
    keys = real_article(db, "rb12", "en", "fr", [i.source for i in work.items], "ana")
    tree = etree.parse(str(path))
    units = tree.getroot().iter("{urn:oasis:names:tc:xliff:document:1.2}trans-unit")
    for unit, key in zip(units, keys):
        unit.set("id", key)
    copy = tmp_path / "rb12.xlf"
    tree.write(str(copy), xml_declaration=True, encoding="UTF-8")
    result = run("import-work", copy, user="ana")
    assert result.exit_code == 0, result.output
    stored = dict(
        db.execute(
            "SELECT s.text, u.text FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = 'rb12' AND u.status = 'translated'"
        ).fetchall()
    )
    expected = {i.source: normalise_text(i.target) for i in work.items if i.target.strip()}
    assert stored == expected and len(stored) >= 5


def test_real_po_file_imports_once_it_has_our_ids(db, run, sample, tmp_path):
    """A GNOME ro.po with msgctxt ids added lands on matching units (diacritics intact)."""
    path = GOOD / "ro.gnome-clocks.po"
    if not path.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    po = polib.pofile(str(path))
    entries = [e for e in po if not e.obsolete and not e.msgid_plural and not e.msgctxt]
    keys = real_article(db, "clocks", "en", "ro", [e.msgid for e in entries], "ana")
    for entry, key in zip(entries, keys):
        entry.msgctxt = key
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": "ro", "Content-Type": "text/plain; charset=UTF-8"}
    po.extend(entries)
    copy = tmp_path / "clocks.po"
    copy.write_text(str(po), encoding="utf-8")
    result = run("import-work", copy, user="ana")
    assert result.exit_code == 0, result.output
    translated = {e.msgid: e.msgstr for e in entries if e.msgstr and "fuzzy" not in e.flags}
    drafts = {e.msgid: e.msgstr for e in entries if e.msgstr and "fuzzy" in e.flags}
    stored = dict(
        db.execute(
            "SELECT s.text, u.text FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = 'clocks' AND u.status = 'translated'"
        ).fetchall()
    )
    assert stored == translated
    assert any("ș" in text or "ț" in text for text in stored.values())
    kept = dict(
        db.execute(
            "SELECT s.text, u.text FROM units u JOIN segments s ON s.id = u.segment_id "
            "WHERE s.article_id = 'clocks' AND u.status = 'new' AND u.text != ''"
        ).fetchall()
    )
    assert kept == drafts and drafts  # fuzzy entries are kept as drafts, not submitted


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_inputs_raise_input_error_in_the_library(db, db_path, sample, name):
    path = INTEROP / "bad" / name
    if not path.exists():
        unavailable(f"interop kit not found at {INTEROP}")
    before = snapshot(db_path)
    with pytest.raises(InputError):
        import_work(db, path, "ana")
    assert snapshot(db_path) == before


# --- "not finished", notes, re-segmented units ------------------------------------------


def submitted_file(db, tmp_path, unit: int, fmt: str, text: str, *, done: bool) -> Path:
    """A work file for ``unit`` with ``text`` in it, marked finished or not as a tool would."""
    data = export_work(db, [unit], "en", fmt)
    key = key_of(db, unit)
    if fmt == "po":
        po = polib.pofile(data.decode())
        entry = next(e for e in po if e.msgctxt == key)
        entry.msgstr = text
        if not done and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        if done and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        data = str(po).encode()
    else:
        root = etree.fromstring(data)
        ns = {"x": root.nsmap[None]}
        if fmt == "xliff":
            unit_node = root.find(".//x:trans-unit", ns)
            target = unit_node.find("x:target", ns)
            if target is None:
                target = etree.SubElement(unit_node, f"{{{ns['x']}}}target")
                unit_node.insert(1, target)
            target.text = text
            target.set("state", "translated" if done else "needs-review-translation")
        else:
            segment = root.find(".//x:segment", ns)
            segment.attrib.pop("subState", None)
            segment.set("state", "translated" if done else "initial")
            target = segment.find("x:target", ns)
            if target is None:
                target = etree.SubElement(segment, f"{{{ns['x']}}}target")
            target.text = text
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    path = tmp_path / f"work-{fmt}.{'po' if fmt == 'po' else 'xlf'}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_unfinished_entries_are_kept_as_drafts_by_default(db, run, sample, tmp_path, fmt):
    unit = sample[5]  # new
    lease(db, unit)
    path = submitted_file(db, tmp_path, unit, fmt, "schools", done=False)
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "0 translations submitted (en), 0 unchanged, 0 untranslated, "
        "1 draft kept (marked not finished)\n"
    )
    row = db["units"].get(unit)
    assert (row["text"], row["status"]) == ("schools", "new")
    assert db["leases"].count == 1  # still the translator's to finish
    event = db.execute("SELECT action, old_status, new_status, new_text FROM events "
                       "WHERE unit_id = ? ORDER BY id DESC", [unit]).fetchone()  # fmt: skip
    assert event == ("draft", "new", "new", "schools")


@pytest.mark.parametrize(("choice", "status", "text"), [("submit", "translated", "schools"),
                                                        ("skip", "new", "")])  # fmt: skip
def test_fuzzy_option_submits_or_skips(db, run, sample, tmp_path, choice, status, text):
    unit = sample[5]
    lease(db, unit)
    path = submitted_file(db, tmp_path, unit, "po", "schools", done=False)
    result = run("import-work", path, "--fuzzy", choice, user="ana")
    assert result.exit_code == 0, result.output
    row = db["units"].get(unit)
    assert (row["status"], row["text"]) == (status, text)
    if choice == "skip":
        assert result.output.endswith(", 1 not finished skipped\n")


def test_xliff12_approved_no_means_not_finished(db, run, sample, tmp_path):
    """translate-toolkit, Virtaal and Weblate mark a fuzzy unit approved="no"."""
    unit = sample[5]
    lease(db, unit)
    path = submitted_file(db, tmp_path, unit, "xliff", "schools", done=True)
    text = path.read_text(encoding="utf-8").replace("<trans-unit ", '<trans-unit approved="no" ')
    path.write_text(text, encoding="utf-8")
    assert run("import-work", path, user="ana").exit_code == 0
    assert db["units"].get(unit)["status"] == "new"  # a draft
    path.write_text(text.replace('approved="no"', 'approved="yes"'), encoding="utf-8")
    assert run("import-work", path, user="ana").exit_code == 0
    assert db["units"].get(unit)["status"] == "translated"


NOTE = "Is 'capital' Bucharest here? I wrote it out."


@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_translators_notes_become_comments_once(db, db_path, run, sample, tmp_path, fmt):
    unit = sample[5]
    lease(db, unit)
    path = submitted_file(db, tmp_path, unit, fmt, "schools", done=True)
    data = path.read_text(encoding="utf-8")
    if fmt == "po":
        po = polib.pofile(data)
        po[0].tcomment = NOTE
        data = str(po)
    elif fmt == "xliff":
        data = data.replace("</trans-unit>", f'<note from="ana">{NOTE}</note></trans-unit>')
    else:
        data = data.replace("<segment ", f"<notes><note>{NOTE}</note></notes><segment ", 1)
    path.write_text(data, encoding="utf-8")
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(", 1 note added as comments\n")
    events = db.execute(
        "SELECT action, user, comment FROM events WHERE unit_id = ? AND "
        "action IN ('import-work', 'comment') ORDER BY id",
        [unit],
    ).fetchall()
    assert events == [("import-work", "ana", ""), ("comment", "ana", NOTE)]
    before = snapshot(db_path)
    again = run("import-work", path, user="ana")  # the same file again writes nothing
    assert again.output == "0 translations submitted (en), 1 unchanged, 0 untranslated\n"
    assert snapshot(db_path) == before


def test_the_desks_own_comments_are_not_taken_for_notes(db, db_path, run, sample, tmp_path):
    unit = sample[4]  # rejected, with the reviewer's comment "wrong number"
    lease(db, unit)
    for fmt in ("po", "xliff", "xliff2"):
        path = tmp_path / f"same.{fmt}"
        path.write_bytes(export_work(db, [unit], "en", fmt))
        before = snapshot(db_path)
        result = run("import-work", path, user="ana")
        assert result.output == "0 translations submitted (en), 1 unchanged, 0 untranslated\n"
        assert snapshot(db_path) == before


def test_a_resegmented_xliff2_unit_is_joined_with_its_whitespace(db, run, sample, tmp_path):
    unit = sample[4]  # "Bugetul crește cu 5,5% față de anul trecut, la 1.250.000 lei."
    lease(db, unit)
    data = export_work(db, [unit], "en", "xliff2").decode()
    start, end = data.index("<segment "), data.index("</segment>") + len("</segment>")
    resegmented = (
        '<segment id="a" state="translated"><source>Bugetul crește cu 5,5% față de anul '
        "trecut,</source><target>The budget grows by 5.5% on last year,</target></segment>"
        "<ignorable><source> </source></ignorable>"
        '<segment id="b" state="translated"><source>la 1.250.000 lei.</source>'
        "<target>to 1,250,000 lei.</target></segment>"
    )
    path = tmp_path / "reseg.xlf"
    path.write_text(data[:start] + resegmented + data[end:], encoding="utf-8")
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert (
        db["units"].get(unit)["text"] == "The budget grows by 5.5% on last year, to 1,250,000 lei."
    )


def test_rejected_units_are_fuzzy_for_msgfmt(db, sample, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("msgfmt"):
        unavailable("msgfmt not installed")
    path = tmp_path / "budget.po"
    path.write_bytes(export_article(db, "budget", "en", "po"))
    stats = subprocess.run(["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(path)],
                           capture_output=True, text=True, check=True).stderr  # fmt: skip
    assert stats.strip() == "3 translated messages, 2 fuzzy translations, 1 untranslated message."


def test_language_given_when_the_file_has_none(db, db_path, run, sample, tmp_path):
    unit = sample[5]
    lease(db, unit)
    data = edit_po(export_work(db, [unit], "en", "po"), key_of(db, unit), "schools")
    path = tmp_path / "w.po"
    path.write_bytes(data.replace(b'"Language: en\\n"\n', b""))
    assert refused(run, db_path, path) == (
        f"Error: {path}: the file does not say its target language (give it with --lang)"
    )
    assert run("import-work", path, "--lang", "en", user="ana").exit_code == 0
    assert db["units"].get(unit)["status"] == "translated"


@pytest.mark.parametrize("encoding", ["x-bogus", "rot13", "mac-roman", "punycode"])
def test_xml_in_an_unknown_encoding_is_one_error_line(db, db_path, run, sample, tmp_path, encoding):
    path = tmp_path / "odd.xlf"
    path.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?><xliff/>'.encode())
    assert refused(run, db_path, path) == (
        f"Error: {path}: unknown encoding {encoding!r} in the XML declaration"
    )


def test_an_entry_with_qa_errors_is_kept_as_a_draft_unless_overridden(db, run, sample, tmp_path):
    unit = sample[4]  # rejected: "Bugetul crește cu 5,5% ... la 1.250.000 lei."
    lease(db, unit)
    data = export_work(db, [unit], "en", "po")
    po = polib.pofile(data.decode())
    entry = po[0]
    entry.msgstr = "The budget grows by 6.5% to 1,250,000 lei."  # a changed number
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    path = tmp_path / "w.po"
    path.write_text(str(po), encoding="utf-8")
    result = run("import-work", path, user="ana")
    assert result.exit_code == 0, result.output
    assert (
        "unit 5 kept as a draft, QA errors: numbers: numbers changed: 5,5 -> 6.5" in (result.output)
        or f"unit {unit} kept as a draft, QA errors: numbers" in result.output
    )
    row = db["units"].get(unit)
    assert (row["status"], row["text"]) == (
        "rejected",
        "The budget grows by 6.5% to 1,250,000 lei.",
    )
    forced = run("import-work", path, "--override", "the council's own figure", user="ana")
    assert forced.exit_code == 0, forced.output
    assert db["units"].get(unit)["status"] == "translated"
    detail = db.execute(
        "SELECT detail FROM events WHERE unit_id = ? AND action = 'import-work'", [unit]
    ).fetchone()[0]
    assert json.loads(detail)["override"] == "the council's own figure"
