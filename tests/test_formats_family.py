"""Formats as a family: one interface, declared capabilities, a registry that loads lazily."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import PROJECT
from tool.formats import FORMAT_NAMES, FORMATS, REVIEW_FORMATS, WORK_FORMATS, get_format
from tool.formats.base import Capabilities, Format
from tool.formats.model import Document, Entry
from tool.services import exports

METHODS = {  # capability -> the method it promises
    "many_articles": "export_many",
    "streams": "write_many",
    "index_page": "export_index",
    "reads_work": "read",
    "reads_review": "read_review",
}


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_follows_the_interface(name):
    fmt = FORMATS[name]
    assert isinstance(fmt, Format)
    assert fmt.name == name and fmt.extension and fmt.description
    assert isinstance(fmt.capabilities, Capabilities)
    for capability, method in METHODS.items():
        has = callable(getattr(fmt, method, None))
        assert has == getattr(fmt.capabilities, capability), (name, capability)
    takes_options = fmt.capabilities.delimited or fmt.capabilities.locale_tags
    assert callable(getattr(fmt, "configured", None)) == takes_options, name


def test_work_and_review_formats_are_what_their_capabilities_say():
    assert set(WORK_FORMATS) == {n for n in FORMAT_NAMES if FORMATS[n].capabilities.reads_work}
    assert set(REVIEW_FORMATS) == {n for n in FORMAT_NAMES if FORMATS[n].capabilities.reads_review}


def test_the_export_service_does_not_switch_on_format_names():
    source = (PROJECT / "tool" / "services" / "exports.py").read_text(encoding="utf-8")
    named = [n for n in FORMAT_NAMES if re.search(rf"""["']{n}["']""", source)]
    assert named == []
    assert "getattr(" not in source


def test_listing_formats_imports_no_format_module():
    probe = (
        "import sys, tool.formats as f; f.FORMAT_NAMES; "
        "print(sorted(m for m in sys.modules if m.startswith(('tool.formats.', 'docx', "
        "'openpyxl', 'polib'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=PROJECT, check=True).stdout  # fmt: skip
    assert eval(out) == ["tool.formats.base", "tool.formats.model"]


def test_python_docx_is_not_imported_to_write_a_review_table(db, run):
    probe = (
        "import sys; from tool.formats import get_format; from tool.formats.model import *; "
        "d = Document(article_id='a', source_lang='ro', target_lang='en', entries=[Entry("
        "key='a:1', article_id='a', unit_id=1, source='x', target='y', version='0')]); "
        "get_format('docx').export(d); print('docx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=PROJECT, check=True).stdout  # fmt: skip
    assert out.strip() == "False"


def test_records_are_built_with_keywords():
    with pytest.raises(TypeError):
        Entry("a:1", "a")  # type: ignore[misc]
    with pytest.raises(TypeError):
        Document("a", "t", "ro", "en")  # type: ignore[misc]
    entry = Entry(key="a:1", article_id="a")
    assert (entry.status, entry.target_only, entry.joined) == ("new", False, [])


def test_unknown_format_and_options_for_another_format():
    from tool.errors import InputError, ToolError
    from tool.formats.base import ExportOptions

    with pytest.raises(ToolError, match=r"^unknown format 'pdf' \(known: html, tmx, "):
        get_format("pdf")
    with pytest.raises(InputError, match="^--delimiter and --excel apply to csv and tsv, not po$"):
        exports.configured_format("po", ExportOptions(excel=True))
