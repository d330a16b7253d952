"""Files are written whole, exclusively, and never replace an existing file silently."""

import os

import pytest

from tool.errors import ConflictError, InputError, ToolError
from tool.fileio import open_for_writing, write_file


def test_writes_whole_file(tmp_path):
    target = tmp_path / "a.txt"
    write_file(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_refuses_existing_file_without_force(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"keep")
    with pytest.raises(ConflictError, match=r"a\.txt already exists: use --force to replace it"):
        write_file(target, b"new")
    assert target.read_bytes() == b"keep"
    write_file(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="folder .*nope does not exist"):
        write_file(tmp_path / "nope" / "a.txt", b"x")


def test_failure_midway_leaves_target_untouched(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with open_for_writing(target, force=True) as out:
            out.write(b"half")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_planted_part_symlink_does_not_redirect_the_write(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    (tmp_path / "x.html.part").symlink_to(victim)
    write_file(tmp_path / "x.html", b"page")
    assert victim.read_bytes() == b"precious"
    assert (tmp_path / "x.html").read_bytes() == b"page"


def test_disk_full_is_one_tool_error(tmp_path, monkeypatch):
    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ToolError, match=r"cannot write .*a\.txt: No space left on device"):
        write_file(tmp_path / "a.txt", b"x")
    assert list(tmp_path.iterdir()) == []
