"""A translator takes work out as PO or XLIFF and brings it back with import-work."""

from __future__ import annotations

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
