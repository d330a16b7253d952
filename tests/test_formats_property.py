"""Property tests: any text survives export and read-back in every exchange format."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tool.formats import get_format
from tool.formats.model import Document, Entry
from tool.formats.tmx import read_tmx

# Text a segment can hold: any printable characters, spaces, tabs and newlines.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\ufffe\uffff")
    | st.sampled_from(["\t", "\n", "\r", " ", "ă", "ș", "ț", "„", "”", "<", "&", '"', "\\"]),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


def document(source: str, target: str, comment: str) -> Document:
    entry = Entry(
        key="art:1",
        article_id="art",
        segment_id=1,
        unit_id=1,
        seq=0,
        paragraph=1,
        source=source,
        target=target,
        status="translated",
        translator="ana",
        comment=comment,
    )
    return Document(
        article_id="art", title="Titlu", source_lang="ro", target_lang="en", entries=[entry]
    )


@settings(max_examples=150, deadline=None)
@given(source=TEXT, target=TEXT, comment=TEXT)
def test_work_formats_round_trip_any_text(source, target, comment):
    doc = document(source, target, comment)
    for fmt in ("po", "xliff", "xliff2"):
        [item] = get_format(fmt).read(get_format(fmt).export(doc)).items
        assert (item.key, item.source, item.target) == ("art:1", source, target), fmt


@settings(max_examples=150, deadline=None)
@given(source=TEXT, target=TEXT)
def test_tmx_round_trips_any_text(source, target):
    [entry] = read_tmx(get_format("tmx").export(document(source, target, "")))
    assert entry.variants == {"ro": source, "en": target}


def test_control_characters_are_dropped_not_fatal():
    doc = document("a\x0bb", "c\x00d\x1fe", "f\x07")
    for fmt in ("tmx", "xliff", "xliff2", "html", "docx"):
        assert get_format(fmt).export(doc)
    [entry] = read_tmx(get_format("tmx").export(doc))
    assert entry.variants == {"ro": "ab", "en": "cde"}
