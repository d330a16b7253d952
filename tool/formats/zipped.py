"""Reading parts of office files (DOCX, XLSX) safely: a bounded zip, no DTDs or entities."""

from __future__ import annotations

import io
import zipfile

from tool.errors import InputError

MAX_UNPACKED = 200 * 2**20  # bytes: more than any review file, less than a zip bomb
MAX_PARTS = 2_000


def check_package(data: bytes, name: str) -> zipfile.ZipFile:
    """The file as an open zip, refused if it is not one, too big unpacked, or holds a DTD."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not an office file (not a zip package)") from None
    infos = package.infolist()
    if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise InputError(f"{name}: the package unpacks to too much data; nothing read")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                part = package.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise InputError(f"{name}: {info.filename}: damaged ({error})") from None
            if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                raise InputError(
                    f"{name}: {info.filename}: DTDs and entity declarations are not allowed"
                )
    return package


def read_parts(data: bytes, name: str, wanted: list[str]) -> dict[str, bytes]:
    """The named parts of a checked package (the first one must exist)."""
    package = check_package(data, name)
    found = {}
    for part in wanted:
        try:
            found[part] = package.read(part)
        except KeyError:
            if part == wanted[0]:
                raise InputError(f"{name}: no {part} in the package") from None
    return found
