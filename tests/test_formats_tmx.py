"""The TMX reader (lenient, safe) and the safe XML helper."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_formats_sample import DATA, populate

from tests.conftest import INTEROP_KIT
from tool.errors import InputError
from tool.formats.tmx import TmxEntry, read_tmx, tmx_date
from tool.formats.xml import parse_xml
from tool.services.exports import export_article

KIT = INTEROP_KIT
GOOD = KIT / "inputs" / "good"
BAD = KIT / "inputs" / "bad"


def kit(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.exists():
        pytest.skip(f"interop kit not found at {folder}")
    return path


def test_reads_what_the_exporter_writes(db, run):
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    populate(db)
    entries = list(read_tmx(export_article(db, "budget", "en", "tmx")))
    title = entries[0]
    assert title.variants == {
        "ro": "Bugetul pe 2025, aprobat",
        "en": 'Budget for 2025 "approved" <b>&</b>',
    }
    assert title.srclang == "ro"
    assert (title.creationid, title.changeid) == ("ana", "ion")
    assert (title.creationdate, title.changedate) == ("20260101T000000Z", "20260102T030405Z")
    assert title.props == {"x-article": "budget", "x-paragraph": "0", "x-status": "approved"}


@pytest.mark.parametrize(
    ("name", "count", "first"),
    [
        (
            "tmx.okapi-website.sample14b.tmx",
            25,
            "Confirm that the AC line is in the AC fluid detector.",
        ),
        ("tmx.okapi.mytm.tmx", 25, "Elephants cannot fly."),
        ("tmx.okapi.html_test.tmx", 11, "start &lt; of &lt; body text"),  # UTF-16LE
        ("tmx.okapi.potest.po.normal.tmx", 12, "Text with an approved translation "),
        ("tmx.okapi.ImportTest2C.tmx", 1, "Click  to start."),  # <ph> dropped
    ],
)
def test_reads_real_tmx_files(name, count, first):
    entries = list(read_tmx(kit(GOOD, name)))
    assert len(entries) == count
    assert entries[0].variants[entries[0].srclang] == first
    assert all(isinstance(e, TmxEntry) for e in entries)


def test_real_tmx_keeps_languages_dates_and_props():
    entry = next(read_tmx(kit(GOOD, "tmx.okapi.ImportTest2C.tmx")))
    assert entry.variants["fr"] == "Cliquez  pour commencer."
    assert (entry.creationid, entry.creationdate) == ("ys", "20020523T091200Z")
    assert entry.props == {"myPropeType": "Data"}


def test_mytm_diacritics_and_inline_codes():
    entries = list(read_tmx(kit(GOOD, "tmx.okapi.mytm.tmx")))
    assert entries[0].variants["FR-FR"] == "Les éléphants ne peuvent pas voler."
    assert not any("<" in text for e in entries for text in e.variants.values())


def test_tmx_11_lang_attribute_and_hi_text():
    data = (
        b'<?xml version="1.0"?><tmx version="1.1"><header srclang="en"/><body>'
        b'<tu><tuv lang="EN"><seg>Press <bpt i="1">&lt;b&gt;</bpt><hi>Save</hi>'
        b'<ept i="1">&lt;/b&gt;</ept> now</seg></tuv>'
        b'<tuv lang="RO"><seg>Ap\xc4\x83sa\xc8\x9bi</seg></tuv></tu></body></tmx>'
    )
    [entry] = read_tmx(data)
    assert entry.variants == {"EN": "Press Save now", "RO": "Apăsați"}
    assert entry.srclang == "en"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.tmx", "line 28: malformed XML: Premature end of data in tag seg"),
        ("xxe-etc-passwd.tmx", "line 2: entity declarations are not allowed (XXE/DTD)"),
    ],
)
def test_bad_tmx_is_refused(name, message):
    path = kit(BAD, name)
    with pytest.raises(InputError) as error:
        list(read_tmx(path))
    assert str(error.value) == f"{path}: {message}"


def test_billion_laughs_is_refused_without_expanding():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = (
        f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY l0 "lol">{lol}]>'
        '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&l9;</seg>'
        "</tuv></tu></body></tmx>"
    ).encode()
    with pytest.raises(InputError, match="entity declarations are not allowed"):
        list(read_tmx(data, "bomb.tmx"))


def test_external_dtd_is_not_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "{secret.as_uri()}">'
        '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>ok</seg>'
        "</tuv></tu></body></tmx>"
    ).encode()
    [entry] = read_tmx(data)
    assert entry.variants == {"en": "ok"}


def test_not_tmx_and_not_xml():
    with pytest.raises(InputError, match=r"^x.tmx: not a TMX file \(root element <xliff>\)$"):
        list(read_tmx(b"<xliff/>", "x.tmx"))
    with pytest.raises(InputError, match=r"^x.tmx: line 1: malformed XML"):
        list(read_tmx(b"hello", "x.tmx"))


def test_wrong_encoding_names_the_line():
    data = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx>\n<seg>ă</seg></tmx>'.encode("iso-8859-16")
    with pytest.raises(InputError, match=r"^f: line 3: bytes that are not valid UTF-8"):
        parse_xml(data, "f")


def test_tmx_date():
    assert tmx_date("2025-06-19T10:11:12.123456Z") == "20250619T101112Z"
    assert tmx_date("") == ""
