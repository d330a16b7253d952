"""The export command: paths, --all, options and errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, populate
from tool.core.article import parse_article
from tool.formats.tmx import read_tmx


@pytest.fixture
def sample(db, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the project root for default paths
    (tmp_path / "originals").mkdir()
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    assert run("import", DATA / "articles" / "storm.md").exit_code == 0
    populate(db)
    return db


def test_default_path_is_exports_lang_id(run, sample, tmp_path):
    result = run("export", "budget", "--lang", "en", "--format", "po")
    assert result.exit_code == 0, result.output
    path = tmp_path / "exports" / "en" / "budget.po"
    assert result.output == f"wrote {path}\n"
    assert 'msgctxt "budget:1"' in path.read_text()


def test_default_format_is_html_and_output_can_be_a_file(run, sample, tmp_path):
    out = tmp_path / "page.html"
    assert run("export", "budget", "--lang", "en", "-o", out).exit_code == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_article_format_goes_to_exports_never_translations(run, sample, tmp_path):
    result = run("export", "budget", "--lang", "en", "--format", "article")
    assert result.exit_code == 0, result.output
    path = tmp_path / "exports" / "en" / "budget.md"
    assert result.output == (
        f"wrote {path}\n"
        "partial budget: 1 of 5 paragraphs approved (--require-complete refuses this)\n"
    )
    assert not (tmp_path / "translations").exists()  # sync would read it back as a translation
    article = parse_article(path.read_text())
    assert len(article.blocks) == 2  # approved bead + target-only credit
    again = run("export", "budget", "--lang", "en", "--format", "article", "--include-unapproved")
    assert again.exit_code == 0  # exports/ is the desk's own folder: rewritten
    assert len(parse_article(path.read_text()).blocks) == 5


def test_require_complete_refuses_a_partial_article(run, sample, tmp_path):
    result = run("export", "budget", "--lang", "en", "--format", "article", "--require-complete")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: budget is not complete in en: 1 of 5 paragraphs approved; nothing written\n"
    )
    assert not (tmp_path / "exports").exists()
    every = run("export", "--all", "--lang", "en", "--format", "article", "--require-complete")
    assert every.exit_code == 1
    assert every.stderr.startswith("Error: budget is not complete in en: 1 of 5 paragraphs")
    assert not any((tmp_path / "exports" / "en").glob("*.md"))
    wrong = run("export", "budget", "--lang", "en", "--format", "po", "--require-complete")
    assert wrong.stderr == "Error: --require-complete applies to --format article\n"


def test_output_never_replaces_a_file_without_force(run, sample, tmp_path):
    out = tmp_path / "budget.po"
    out.write_text("a translator's own file", encoding="utf-8")
    refused = run("export", "budget", "--lang", "en", "--format", "po", "-o", out)
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {out} already exists: use --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "a translator's own file"
    forced = run("export", "budget", "--lang", "en", "--format", "po", "-o", out, "--force")
    assert forced.exit_code == 0 and 'msgctxt "budget:1"' in out.read_text()


def test_all_into_a_folder_refuses_existing_files_before_writing(run, sample, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "storm.html").write_text("keep me", encoding="utf-8")
    refused = run("export", "--all", "--lang", "en", "-o", folder)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {folder / 'storm.html'} already exists: use --force to replace it\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["storm.html"]  # nothing written
    assert run("export", "--all", "--lang", "en", "-o", folder, "--force").exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["budget.html", "index.html", "storm.html"]


def test_output_into_a_missing_folder_is_one_error_line(run, sample, tmp_path):
    out = tmp_path / "missing" / "budget.po"
    result = run("export", "budget", "--lang", "en", "--format", "po", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {out}: folder {out.parent} does not exist\n"
    many = run("export", "--all", "--lang", "en", "--format", "csv", "-o", out.with_suffix(".csv"))
    assert many.stderr == (
        f"Error: cannot write {out.with_suffix('.csv')}: folder {out.parent} does not exist\n"
    )


def test_all_writes_one_file_per_article_and_an_index(run, sample, tmp_path):
    result = run("export", "--all", "--lang", "en", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    folder = tmp_path / "exports" / "en"
    assert report["files"] == [str(folder / n) for n in ("budget.html", "storm.html", "index.html")]
    index = (folder / "index.html").read_text()
    assert 'href="budget.html"' in index and "2 of 6 approved" in index


def test_all_tmx_also_streams_a_combined_memory(run, sample, tmp_path):
    result = run("export", "--all", "--lang", "en", "--format", "tmx", "-o", tmp_path / "tm")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "tm").iterdir()) == ["all.tmx", "budget.tmx"]
    assert "skipped storm: nothing approved to publish" in result.output  # no empty memory
    assert len(list(read_tmx(tmp_path / "tm" / "all.tmx"))) == 2


def test_all_into_one_file(run, sample, tmp_path):
    out = tmp_path / "everything.xlf"
    result = run("export", "--all", "--lang", "en", "--format", "xliff", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().count("<file ") == 2


def test_status_option_widens_tmx(run, sample, tmp_path):
    out = tmp_path / "x.tmx"
    args = ["export", "budget", "--lang", "en", "--format", "tmx", "-o", out]
    assert run(*args, "--status", "approved", "--status", "translated").exit_code == 0
    assert len(list(read_tmx(out))) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--lang", "en"], "Error: no article 'nope'\n"),
        (["budget", "--lang", "ro"],
         "Error: article 'budget' is written in ro; choose a target language\n"),
        (["--lang", "en"], "Error: give an article id or --all (not both)\n"),
        (["budget", "--all", "--lang", "en"], "Error: give an article id or --all (not both)\n"),
        (["budget", "--lang", "xx-nope"], "Error: unknown language: 'xx-nope'\n"),
        (["--all", "--lang", "en", "--format", "docx", "-o", "out.docx"],
         "Error: docx writes one file per article; give -o a folder\n"),
    ],
)  # fmt: skip
def test_errors(run, sample, args, message):
    result = run("export", *args)
    assert result.exit_code == 1
    assert result.output == message


def test_wrong_status_is_a_usage_error(run, sample):
    result = run("export", "budget", "--lang", "en", "--status", "done")
    assert result.exit_code == 2


def test_write_exports_for_sync(sample, tmp_path):
    """The library call `sync` makes: one file per article, chosen articles only."""
    from tool.services.exports import write_exports

    result = write_exports(sample, "en", "tmx", tmp_path / "out", articles=["budget"])
    assert [p.rsplit("/", 1)[1] for p in result.files] == ["budget.tmx", "all.tmx"]
    assert result.articles == 1
    empty = write_exports(sample, "en", "html", tmp_path / "none", articles=[])
    assert [p.rsplit("/", 1)[1] for p in empty.files] == ["index.html"]


def test_all_articles_skips_those_with_nothing_approved(run, sample, tmp_path):
    result = run("export", "--all", "--lang", "en", "--format", "article")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "exports" / "en"
    assert result.output == (
        f"wrote {folder / 'budget.md'}\nskipped storm: nothing approved to publish\n"
        "partial budget: 1 of 5 paragraphs approved (--require-complete refuses this)\n"
        "partial storm: no approved title, 0 of 1 paragraphs approved (--require-complete "
        "refuses this)\n"
    )


def test_tmx_export_takes_locales_for_tools_tied_to_them(run, sample, tmp_path):
    out = tmp_path / "budget.tmx"
    result = run("export", "budget", "--lang", "en", "--format", "tmx", "-o", out,
                 "--locale", "ro=ro-RO,en=en-GB")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = out.read_text(encoding="utf-8")
    assert 'srclang="ro-RO"' in data and 'xml:lang="en-GB"' in data
    assert 'xml:lang="en"' not in data
    refused = run("export", "budget", "--lang", "en", "--format", "po", "--locale", "en=en-GB")
    assert refused.stderr == "Error: --locale applies to tmx, not po\n"
