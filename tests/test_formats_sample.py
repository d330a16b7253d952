"""The sample article every format test exports (defined in conftest), and its own check."""

from __future__ import annotations

from tests.conftest import CREDIT, DATA, SAMPLE_LANG, SAMPLE_NOW, UNITS, populate

NOW = SAMPLE_NOW  # for modules that import the sample from here
LANG = SAMPLE_LANG
__all__ = ["CREDIT", "DATA", "LANG", "NOW", "UNITS", "populate"]


def test_sample_has_every_status(db, run):
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    populate(db)
    statuses = {r[0] for r in db.execute("SELECT status FROM units")}
    assert statuses == {"new", "translated", "approved", "rejected", "needs_review"}
