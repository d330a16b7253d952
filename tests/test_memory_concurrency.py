"""A large memory import never keeps a colleague waiting: real processes on one database."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tool.db.connection import open_database, transaction
from tool.services.leases import checkout
from tool.services.users import add_user

pytestmark = pytest.mark.slow

UNITS = 40_000  # a large TMX: several seconds of importing on any machine
MAX_WAIT = 2.0  # seconds a colleague's checkout may wait for the write lock


def big_tmx(path: Path, count: int) -> None:
    """A TMX of ``count`` distinct ro -> en units, written as a CAT tool would."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="ro" '
            'segtype="sentence" adminlang="en" datatype="plaintext" creationtool="cat" '
            'creationtoolversion="1" o-tmf="cat"/>\n<body>\n'
        )
        for i in range(count):
            out.write(
                f'<tu tuid="{i}"><tuv xml:lang="ro"><seg>Consiliul a votat punctul {i} '
                f"al ordinii de zi, după o dezbatere lungă.</seg></tuv><tuv xml:lang="
                f'"en"><seg>The council voted on item {i} of the agenda after a long '
                "debate.</seg></tuv></tu>\n"
            )
        out.write("</body></tmx>\n")


def test_checkout_waits_under_two_seconds_while_a_large_import_runs(tmp_path):
    db_path = tmp_path / "desk.db"
    db = open_database(db_path)
    with transaction(db):
        db.table("articles").insert({"id": "long", "lang": "ro", "title": "Articol"})
        db.table("segments").insert_all(
            {"article_id": "long", "seq": j, "paragraph": 1, "position": j, "kind": "text",
             "text": f"Propoziția {j}.", "words": 2}
            for j in range(500)
        )  # fmt: skip
    add_user(db, "ana", "admin", [], by="ana")
    add_user(db, "tom", "translator", ["en"], by="ana")
    big = tmp_path / "big.tmx"
    big_tmx(big, UNITS)
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "--db", str(db_path), "--user", "ana", "memory", "import",
         str(big)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def imported() -> int:
        return db.execute("SELECT COUNT(*) FROM memory").fetchone()[0]

    waits: list[float] = []  # every checkout while the importer runs (reading, then writing)
    halfway = 0  # checkouts made while some entries were in and some not yet
    while importer.poll() is None:
        before = imported()
        started = time.perf_counter()
        assert len(checkout(db, "tom", "en", "long", count=1).units) == 1
        waits.append(time.perf_counter() - started)
        halfway += 0 < before and imported() < UNITS
        time.sleep(0.1)  # a translator reads before asking again
    out, err = importer.communicate(timeout=60)
    assert importer.returncode == 0, err
    assert out == f"{big}: {UNITS} added, 0 already in memory, 0 skipped\n"
    print(f"{len(waits)} checkouts ({halfway} half-way), longest wait {max(waits):.3f} s")
    assert halfway >= 5, f"only {halfway} checkouts while the entries went in"
    assert max(waits) < MAX_WAIT, f"checkout waits: {sorted(waits)[-5:]}"
