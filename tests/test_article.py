"""Article files: parse, write, round trip, plain text, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tool.core.article import (
    Article,
    Block,
    parse_article,
    parse_plain_text,
    write_article,
)
from tool.errors import InputError
from tool.services.importer import read_article

DATA = Path(__file__).parent / "data"


def test_parse_front_matter_and_blocks():
    article = parse_article((DATA / "articles" / "budget.md").read_text(encoding="utf-8"))
    assert article.id == "budget"
    assert article.meta["published"] == "2025-06-19"
    assert list(article.meta) == ["id", "lang", "title", "section", "author", "source", "published"]
    assert [b.kind for b in article.blocks] == ["text", "heading", "text", "item", "item"]
    assert article.blocks[1] == Block("heading", "Cifrele", 2)


@pytest.mark.parametrize("name", ["budget.md", "storm.md"])
def test_round_trip_is_unchanged(name):
    text = (DATA / "articles" / name).read_text(encoding="utf-8")
    assert write_article(parse_article(text)) == text


def test_round_trip_of_the_sample_corpus():
    root = Path(__file__).parent.parent
    files = sorted((root / "originals").rglob("*.md")) + sorted(
        (root / "translations").rglob("*.md")
    )
    assert files, "the sample corpus is missing"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert write_article(parse_article(text)) == text, path


def test_soft_wrapped_paragraph_is_joined():
    article = parse_article("---\nid: a\n---\n\nOne line\nwrapped here.\n\nNext.\n")
    assert article.blocks == [Block("text", "One line wrapped here."), Block("text", "Next.")]


def test_crlf_and_bom_are_accepted():
    article = parse_article("\ufeff---\r\nid: a\r\nlang: ro\r\n---\r\n\r\nText.\r\n")
    assert article.meta == {"id": "a", "lang": "ro"}
    assert article.blocks == [Block("text", "Text.")]


def test_unclosed_front_matter():
    with pytest.raises(InputError, match="front matter is not closed"):
        parse_article("---\nid: a\n\nText.\n", "a.md")


def test_bad_front_matter_line_names_the_line():
    with pytest.raises(InputError, match=r"^a.md: line 3: expected 'key: value' in front matter$"):
        parse_article("---\nid: a\nnot a pair\n---\n\nText.\n", "a.md")


def test_duplicate_key():
    with pytest.raises(InputError, match="duplicate front matter key 'id'"):
        parse_article("---\nid: a\nid: b\n---\n\nText.\n", "a.md")


def test_plain_text_blocks_and_meta():
    article = parse_plain_text(
        "International\n\nTitle line\n\nBBC\nSursa: BBC\n\n\nBody.", lang="en"
    )
    assert [b.text for b in article.blocks] == [
        "International",
        "Title line",
        "BBC Sursa: BBC",
        "Body.",
    ]
    assert article.meta == {"lang": "en"}


def test_read_plain_text_file_takes_meta_from_options():
    article = read_article(DATA / "plain-article.txt", id="pasted", lang="ro")
    assert article.meta == {"id": "pasted", "lang": "ro"}
    assert len(article.blocks) == 2


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes("---\nid: a\nlang: ro\n---\n\nBun.\n\nȘi".encode() + b"\xe3\xee\n")
    with pytest.raises(InputError, match=r"bad.md: not valid UTF-8 \(line 8\)$"):
        read_article(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.md")


_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="#-*+"
        ),
        min_size=1,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
_blocks = st.lists(
    st.one_of(
        st.builds(Block, st.just("text"), _text),
        st.builds(Block, st.just("heading"), _text, st.integers(1, 6)),
        st.builds(Block, st.just("item"), _text),
    ),
    max_size=8,
)
_meta = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
    st.text(alphabet="abcdefghij ăîșț0123456789-:", max_size=20).map(str.strip),
    max_size=5,
)


@given(meta=_meta, blocks=_blocks)
def test_write_then_parse_gives_the_same_article(meta, blocks):
    article = Article(meta=meta, blocks=blocks)
    text = write_article(article)
    assert parse_article(text) == article
    assert write_article(parse_article(text)) == text
