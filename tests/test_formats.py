"""One suite every export format passes: content, escaping, determinism, round trips."""

from __future__ import annotations

import csv
import io

import lxml.html
import pytest
from docx import Document as WordDocument

from tests.conftest import CREDIT, DATA, UNITS, populate
from tool.core.article import parse_article
from tool.errors import ToolError
from tool.formats import FORMATS, WORK_FORMATS, get_format
from tool.formats.tmx import read_tmx
from tool.services.exports import export_article, load_document

TITLE = UNITS[0][0]  # 'Budget for 2025 "approved" <b>&</b>'
SOURCE = "Dl. Ionescu a votat împotrivă."
TRANSLATED = UNITS[6][0]  # status translated, not approved
TEXT_FORMATS = [name for name in FORMATS if not get_format(name).capabilities.binary]


@pytest.fixture
def sample(db, run):
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    populate(db)
    return db


def texts_of(fmt: str, data: bytes) -> list[str]:
    """Every text a reader of the format would see, decoded by an independent reader."""
    if fmt == "html":
        return [t for t in lxml.html.fromstring(data).itertext()]
    if fmt == "tmx":
        return [text for entry in read_tmx(data) for text in entry.variants.values()]
    if fmt in WORK_FORMATS:
        work = get_format(fmt).read(data)
        return [text for item in work.items for text in (item.source, item.target)]
    if fmt in ("csv", "tsv"):
        reader = csv.reader(
            io.StringIO(data.decode("utf-8")), delimiter="," if fmt == "csv" else "\t"
        )
        return [cell for row in reader for cell in row]
    if fmt == "docx":
        word = WordDocument(io.BytesIO(data))
        return [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        return [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    if fmt == "article":
        article = parse_article(data.decode("utf-8"))
        return [article.title] + [block.text for block in article.blocks]
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_is_non_empty_and_deterministic(sample, fmt):
    first = export_article(sample, "budget", "en", fmt)
    assert isinstance(first, bytes) and len(first) > 100
    assert export_article(sample, "budget", "en", fmt) == first


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_special_characters_come_back_intact(sample, fmt):
    texts = texts_of(fmt, export_article(sample, "budget", "en", fmt))
    assert TITLE in [t.strip() for t in texts]
    if fmt != "article":
        assert any(SOURCE in t for t in texts)
    if get_format(fmt).default_statuses is None:  # every status exported
        assert TRANSLATED in texts
    else:
        assert TRANSLATED not in texts


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_text_is_utf8_without_bom(sample, fmt):
    data = export_article(sample, "budget", "en", fmt)
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "ș" in text and "ş" not in text


@pytest.mark.parametrize("fmt", ["html", "tmx", "xliff", "xliff2"])
def test_markup_in_text_is_escaped(sample, fmt):
    data = export_article(sample, "budget", "en", fmt).decode("utf-8")
    assert "<b>&</b>" not in data
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in data


@pytest.mark.parametrize("fmt", ["html", "csv", "tsv", "docx", "article"])
def test_target_only_lines_are_kept(sample, fmt):
    assert CREDIT in texts_of(fmt, export_article(sample, "budget", "en", fmt))


@pytest.mark.parametrize("fmt", ["tmx", "po", "xliff", "xliff2"])
def test_target_only_lines_are_left_out_of_pair_formats(sample, fmt):
    assert CREDIT not in texts_of(fmt, export_article(sample, "budget", "en", fmt))


@pytest.mark.parametrize("fmt", WORK_FORMATS)
def test_work_formats_read_back_what_they_wrote(sample, fmt):
    doc = load_document(sample, "budget", "en")
    work = get_format(fmt).read(export_article(sample, "budget", "en", fmt))
    assert (work.source_lang, work.target_lang) == ("ro", "en")
    expected = [(e.key, e.source, e.target, e.status) for e in doc.pairs]
    assert [(i.key, i.source, i.target, i.status) for i in work.items] == expected


def test_bead_is_one_entry_with_both_sources(sample):
    doc = load_document(sample, "budget", "en")
    bead = next(e for e in doc.entries if e.joined)
    assert bead.source == "Consiliul General a aprobat joi bugetul Capitalei. " + SOURCE
    assert len(doc.pairs) == 6  # 7 segments, two in one bead


def test_status_filter_and_defaults(sample):
    tmx = list(read_tmx(export_article(sample, "budget", "en", "tmx")))
    assert len(tmx) == 2  # approved only
    wider = export_article(sample, "budget", "en", "tmx", statuses=["approved", "translated"])
    assert len(list(read_tmx(wider))) == 3


def test_article_export_rebuilds_paragraphs(sample):
    text = export_article(sample, "budget", "en", "article").decode("utf-8")
    article = parse_article(text)
    assert article.meta == {
        "id": "budget",
        "lang": "en",
        "original": "budget",
        "title": TITLE,
        "translator": "Ana Pop",
        "published": "2025-06-19",
    }
    assert [b.text for b in article.blocks] == [UNITS[1][0], CREDIT]
    everything = export_article(
        sample, "budget", "en", "article", statuses=["approved", "translated", "needs_review"]
    )
    kinds = [(b.kind, b.text) for b in parse_article(everything.decode()).blocks]
    assert ("heading", "The figures") in kinds and ("item", TRANSLATED) in kinds


def test_xliff_states_follow_statuses(sample):
    data = export_article(sample, "budget", "en", "xliff").decode()
    assert 'approved="yes"' in data and 'state="final"' in data
    assert 'state="needs-review-translation"' in data and 'state="needs-translation"' in data
    data2 = export_article(sample, "budget", "en", "xliff2").decode()
    assert 'state="final"' in data2 and 'subState="desk:rejected"' in data2


def test_po_header_and_flags(sample):
    import polib

    po = polib.pofile(export_article(sample, "budget", "en", "po").decode())
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    fuzzy = sample.execute(  # needs_review and rejected: not finished
        "SELECT s.id FROM segments s JOIN units u ON u.segment_id = s.id "
        "WHERE u.status IN ('needs_review', 'rejected') ORDER BY s.seq"
    ).fetchall()
    assert [e.msgctxt for e in po if "fuzzy" in e.flags] == [f"budget:{r[0]}" for r in fuzzy]
    assert len(fuzzy) == 2
    assert po[0].occurrences == [("budget", "0")]
    assert po[0].comment.startswith("status: approved; translator: ana; reviewer: ion")


def test_unknown_format_is_refused(sample, run):
    result = run("export", "budget", "--lang", "en", "--format", "pdf")
    assert result.exit_code == 2
    with pytest.raises(ToolError, match="unknown format 'pdf'"):
        get_format("pdf")


def test_target_only_line_before_the_body_stays_first(sample):
    sample["target_only"].insert(
        {"article_id": "budget", "lang": "en", "after_seq": -1, "position": 0, "text": "Local"}
    )
    sample["target_only"].insert(
        {"article_id": "budget", "lang": "en", "after_seq": 0, "position": 0, "text": "AFP"}
    )
    blocks = parse_article(export_article(sample, "budget", "en", "article").decode()).blocks
    assert [b.text for b in blocks] == ["Local", "AFP", UNITS[1][0], CREDIT]
    page = texts_of("html", export_article(sample, "budget", "en", "html"))
    table = page[page.index("Status") :]  # the rows, after the header's metadata
    assert table.index("Local") < table.index(TITLE) < table.index("AFP") < table.index(UNITS[1][0])


def test_completeness_counts_the_title_and_whole_paragraphs(sample):
    from tool.formats.article import completeness

    doc = load_document(sample, "budget", "en")
    approved = completeness(doc, {"approved"})
    assert (approved.title, approved.paragraphs, approved.total) == (True, 1, 5)
    assert approved.describe("approved") == "1 of 5 paragraphs approved"
    every = completeness(doc, None)
    assert (every.paragraphs, every.complete) == (4, False)  # the new unit has no text
    sample.execute("UPDATE units SET text = 'schools' WHERE text = ''")
    assert completeness(load_document(sample, "budget", "en"), None).complete
    sample.execute("UPDATE units SET text = '' WHERE id = 1")
    untitled = completeness(load_document(sample, "budget", "en"), None)
    assert untitled.describe() == "no translated title, 5 of 5 paragraphs translated"
