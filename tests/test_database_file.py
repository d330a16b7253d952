"""The database file: created only on purpose, never someone else's, readable when read-only."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner

from tests.conftest import DATA
from tool.cli import cli


def desk(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def tables(path) -> list[str]:
    return sorted(r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master"))


def test_only_init_import_sync_and_the_first_user_create_a_database(tmp_path):
    path = tmp_path / "new.db"
    result = desk("--db", str(path), "articles")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no desk database at {path}: create one with `init` (or `import`, `sync`), "
        "or name another with --db\n"
    )
    assert not path.exists()
    assert desk("--db", str(path), "--user", "ana", "user", "add", "ana", "--role", "admin")
    assert path.exists()
    other = tmp_path / "other.db"
    assert desk("--db", str(other), "import", str(DATA / "articles" / "storm.md")).exit_code == 0
    assert desk("--db", str(tmp_path / "third.db"), "init").exit_code == 0


def test_a_database_that_is_not_a_desk_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = (tables(path), path.read_bytes())
    for args in (("articles",), ("init",), ("import", str(DATA / "articles" / "storm.md"))):
        result = desk("--db", str(path), *args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {path} is not a desk database: it holds other tables; name a desk's file "
            "with --db, or a new file to start one\n"
        )
    assert (tables(path), path.read_bytes()) == before
    text = tmp_path / "text.db"
    text.write_text("hello, not a database", encoding="utf-8")
    assert desk("--db", str(text), "articles").stderr == (
        f"Error: {text} is not a desk database (not an SQLite file)\n"
    )


def test_a_database_on_a_read_only_filesystem_can_still_be_read(tmp_path, monkeypatch):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "desk.db"
    assert desk("--db", str(path), "import", str(DATA / "articles" / "storm.md")).exit_code == 0
    # What a read-only mount looks like to the desk (root ignores permission bits).
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real_access(p, mode)
    )
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as a desk copied to read-only media
    raw.close()
    for f in folder.iterdir():
        if f.name != "desk.db":
            f.unlink()
    listing = desk("--db", str(path), "articles")
    assert listing.exit_code == 0, listing.output
    assert "storm" in listing.output
    assert desk("--db", str(path), "show", "storm").exit_code == 0
    assert desk("--db", str(path), "check").exit_code == 0
    written = desk("--db", str(path), "--user", "ana", "user", "add", "ana", "--role", "admin")
    assert written.exit_code == 1
    assert written.stderr.startswith("Error: the database is read-only here")


def test_version_names_the_program():
    assert desk("--version").output.startswith("translation desk ")


def test_no_color_is_honoured(db_path, run):
    run("import", DATA / "articles" / "storm.md")
    args = ["--db", str(db_path), "show", "storm", "--lang", "en"]
    coloured = CliRunner().invoke(cli, args, color=True)
    assert "\x1b[" in coloured.output
    plain = CliRunner().invoke(cli, args, color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b[" not in plain.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("history", "99999999999999999999999"), "a number given is too large"),
        (("approve", "99999999999999999999999"), "no unit 99999999999999999999999"),
        (("restore-segment", "99999999999999999999999"), "a number given is too large"),
    ],
)
def test_huge_numbers_are_one_line(run, args, message):
    run("user", "add", "ana", "--role", "admin", user="ana")
    result = run(*args, user="ana")
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
