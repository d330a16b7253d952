"""The TMX reader (lenient, safe) and the safe XML helper."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_formats_sample import DATA, populate

from tests.conftest import INTEROP_KIT, unavailable
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
        unavailable(f"interop kit not found at {folder}")
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


# --- The one writer ----------------------------------------------------------------------


def write_units(*units, locales=None) -> tuple[bytes, list]:
    import io

    from tool.formats.tmx import TmxWriter

    out = io.BytesIO()
    with TmxWriter(out, "ro", locales=locales) as writer:
        for unit in units:
            writer.write_unit(unit)
    return out.getvalue(), writer.skipped


def test_writer_maps_languages_to_locales_and_marks_blocks():
    from tool.formats.tmx import TmxUnit

    data, skipped = write_units(
        TmxUnit(
            tuid="m-1",
            srclang="ro",
            segtype="block",
            variants=[("ro", "Unu. Doi."), ("en", "One and two.")],
            creationdate="2025-06-19T10:11:12.123456Z",
            creationid="ana",
            props=[("x-context", "")],
        ),
        locales={"ro": "ro-RO", "en": "en-GB"},
    )
    assert skipped == []
    text = data.decode()
    assert '<header creationtool="translation-desk"' in text and 'srclang="ro-RO"' in text
    assert (
        '<tu tuid="m-1" srclang="ro-RO" segtype="block" creationdate="20250619T101112Z" '
        'creationid="ana"><prop type="x-context"></prop><tuv xml:lang="ro-RO"><seg>Unu. Doi.</seg>'
        '</tuv><tuv xml:lang="en-GB"><seg>One and two.</seg></tuv></tu>'
    ) in text
    [entry] = read_tmx(data)
    assert (entry.segtype, entry.context, entry.variants["en-GB"]) == ("block", "", "One and two.")


def test_writer_skips_a_unit_xml_cannot_hold_and_writes_the_rest():
    from tool.formats.tmx import TmxUnit

    good = TmxUnit(tuid="1", variants=[("ro", "Bun."), ("en", "Good.")])
    bad = TmxUnit(tuid="2", variants=[("ro", "Rău\x1b[31m."), ("en", "Bad.")])
    data, skipped = write_units(good, bad, good)
    assert skipped == [("2", "\x1b")]
    assert [e.variants["en"] for e in read_tmx(data)] == ["Good.", "Good."]


def test_article_beads_that_merge_sentences_are_blocks(db, run):
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    populate(db)
    entries = {e.props["x-paragraph"] + e.variants["en"][:12]: e.segtype
               for e in read_tmx(export_article(db, "budget", "en", "tmx"))}  # fmt: skip
    assert entries == {"0Budget for 2": "sentence", "1The General ": "block"}


def test_segment_type():
    from tool.formats.tmx import segment_type

    assert segment_type(2, "One sentence.", "en") == "block"
    assert segment_type(1, "He said so. Then he left.", "en") == "block"
    assert segment_type(1, "Dl. Ionescu a plecat.", "ro") is None
    assert segment_type(1, "Anything. At all.", "not-a-language") is None


def test_parse_locales():
    from tool.formats.tmx import parse_locales

    assert parse_locales("ro=ro-RO, en=en-GB") == {"ro": "ro-RO", "en": "en-GB"}
    assert parse_locales("pt_BR=pt-BR") == {"pt": "pt-BR"}
    assert parse_locales(None) == parse_locales("") == {}
    with pytest.raises(InputError, match=r"^--locale: 'ro' is not LANG=LOCALE \(e.g."):
        parse_locales("ro")
    with pytest.raises(InputError, match="^--locale: fr-FR is not a locale of ro$"):
        parse_locales("ro=fr-FR")


def test_context_props_of_other_tools():
    data = (
        b'<tmx version="1.4"><header srclang="en"/><body>'
        b'<tu><prop type="x-Context">-123, 456</prop><tuv xml:lang="en"><seg>a</seg></tuv></tu>'
        b'<tu><tuv xml:lang="en"><prop type="x-context-pre"><seg>Before</seg></prop>'
        b"<seg>b</seg></tuv></tu>"
        b'<tu><prop type="x-previous-source-text">Earlier</prop><tuv xml:lang="en"><seg>c</seg>'
        b"</tuv></tu></body></tmx>"
    )
    assert [e.context for e in read_tmx(data)] == [None, "Before", "Earlier"]
    assert [(e.number, e.line) for e in read_tmx(data)] == [(1, 1), (2, 1), (3, 1)]


@pytest.mark.parametrize("encoding", ["klingon", "rot13", "hex"])
def test_unknown_encoding_is_an_input_error(encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?><tmx version="1.4"/>'.encode()
    with pytest.raises(InputError) as error:
        list(read_tmx(data, "f.tmx"))
    assert str(error.value) == f"f.tmx: unknown encoding {encoding!r} in the XML declaration"


def test_iso_date():
    from tool.formats.tmx import iso_date

    assert iso_date("20020523T091200Z") == "2002-05-23T09:12:00.000000Z"
    assert iso_date(" 2002-05-23 ") == "2002-05-23"
    assert iso_date(None) == iso_date("") == ""


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2999, 12, 31)))
def test_tmx_and_iso_dates_round_trip(moment):
    from tool.clock import stamp
    from tool.formats.tmx import iso_date

    iso = stamp(moment.replace(tzinfo=timezone.utc))
    assert iso_date(tmx_date(iso)) == iso[:19] + ".000000Z"
