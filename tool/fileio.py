"""Writing files whole and safely: never a partial file, never a silent overwrite.

Every file the desk writes goes through :func:`open_for_writing` (or :func:`write_file`):
the bytes go to a temporary file created exclusively (``mkstemp``) in the target's folder,
which is renamed over the target only once everything is written. A planted symlink or a
left-over ``.part`` file cannot redirect the write, a crash leaves the old file as it was,
and an existing file is replaced only with ``force``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from tool.errors import ConflictError, InputError, ToolError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_target(path: str | Path, *, force: bool = False) -> Path:
    """The path to write, refused if its folder is missing or it exists (without ``force``)."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a folder")
    if not force and (target.exists() or target.is_symlink()):
        raise ConflictError(f"{target} already exists: use --force to replace it")
    return target


@contextmanager
def open_for_writing(
    path: str | Path, *, force: bool = False, mode: int | None = None
) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through; it appears whole when the block ends.

    If the block raises, the target is left untouched and the temporary file removed.
    A disk-full or permission error becomes one :class:`ToolError` naming the file.
    ``mode`` gives the file's permissions (default: 0666 less the umask), set before
    anything is written, so a private file is never readable by others even briefly.
    """
    target = check_target(path, force=force)
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as error:
        raise ToolError(f"cannot write {target}: {error.strerror or error}") from None
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o666 & ~_umask() if mode is None else mode)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if not force and (target.exists() or target.is_symlink()):
            raise ConflictError(f"{target} already exists: use --force to replace it")
        os.replace(tmp, target)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise ToolError(f"cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_file(
    path: str | Path, data: bytes, *, force: bool = False, mode: int | None = None
) -> Path:
    """Write ``data`` to ``path`` whole (see :func:`open_for_writing`); returns the path."""
    with open_for_writing(path, force=force, mode=mode) as out:
        out.write(data)
    return Path(path)
