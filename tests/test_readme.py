"""The docs stay true: the CLI reference, the README's two set-up commands and walk-through."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cogapp import Cog

from tests.conftest import PROJECT

README = PROJECT / "README.md"
CLI_REFERENCE = PROJECT / "docs" / "cli.md"


def test_cli_reference_is_up_to_date():
    status = Cog().main(["cog", "--check", str(CLI_REFERENCE)])
    assert status == 0, "docs/cli.md is stale: run `cog -r docs/cli.md`"


def test_the_readme_is_for_newcomers():
    """Short enough to read: the reference and the measurements live under docs/."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    for doc in ("docs/cli.md", "docs/architecture.md", "docs/benchmarks.md"):
        assert (PROJECT / doc).is_file() and doc in README.read_text(encoding="utf-8")


def test_two_set_up_commands():
    set_up, fenced = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced and "pip install" in line:
            set_up.append(line)
    assert set_up == [
        "pip install -e . && python manage.py sync",
        "pip install -e '.[test]' && python -m pytest",
    ]
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert set_up[1] in ci


def _project_copy(target: Path) -> Path:
    """The files the tour uses, copied: its `sync` writes exports/ into the project."""
    for name in ("tool", "originals", "translations", "tests/data"):
        shutil.copytree(PROJECT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "manage.py", target)
    return target


@pytest.mark.slow
def test_the_walk_through_runs(tmp_path):
    project = _project_copy(tmp_path / "project")
    text = README.read_text(encoding="utf-8")
    tour = re.search(r"## A day at the desk.*?```bash\n(.*?)```", text, re.S).group(1)
    tour = tour.replace("/tmp/", f"{tmp_path}/")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"  # `python` in the tour is the interpreter running the tests
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("DESK_DB", None)
    env.pop("DESK_USER", None)
    result = subprocess.run(
        ["bash", "-e", "-c", tour], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "approved 1 unit" in result.stdout
    assert "The head of the emergency inspectorate (ISU) urged caution." in result.stdout
    assert "reopened 1 unit: needs review" in result.stdout
    assert "joined segment 3 into 2: Vântul a atins 90 km/h. Șeful ISU a cerut prudență." in (
        result.stdout
    )
    page = (tmp_path / "storm.html").read_text(encoding="utf-8")
    assert "Furtună la Constanța" in page and "Storm in Constanța" in page
    assert (project / "exports/en/storm.html").is_file()  # sync's exports, in the copy


@pytest.mark.slow
def test_the_library_type_checks(tmp_path):
    """mypy on tool/ (settings in pyproject.toml) finds nothing: types are kept, not hoped."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
