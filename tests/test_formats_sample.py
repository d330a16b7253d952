"""The sample article every format test exports, and checks of the sample itself."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from tests.conftest import seed_event

DATA = Path(__file__).parent / "data"
NOW = "2026-01-02T03:04:05.000000Z"
LANG = "en"

# seq -> (text, status, translator, reviewer, comment, joined to seq)
UNITS = {
    0: (
        'Budget for 2025 "approved" <b>&</b>',
        "approved",
        "ana",
        "ion",
        'ok <i>"da"</i> & ș',
        None,
    ),
    1: (
        "The General Council approved the capital's budget on Thursday; Mr Ionescu voted against.",
        "approved",
        "ana",
        "ion",
        "",
        None,
    ),
    2: ("", "approved", "ana", "ion", "", 1),
    3: ("The figures", "needs_review", "ana", "", "check „cifrele” & <term>", None),
    4: (
        "The budget grows by 5.5% to 1,250,000 lei.",
        "rejected",
        "ana",
        "ion",
        "wrong number",
        None,
    ),
    5: ("", "new", "", "", "", None),
    6: ("hospitals ăâîșț", "translated", "bob", "", "", None),
}
CREDIT = "Translated by Ana & <Co> — „ăâîșț”"


def populate(db: sqlite_utils.Database, article_id: str = "budget", lang: str = LANG) -> dict:
    """Give the imported article units of every status, a bead and a target-only line.

    Returns {seq: unit id}.
    """
    segments = {
        r["seq"]: r["id"]
        for r in db.query("SELECT id, seq FROM segments WHERE article_id = ?", [article_id])
    }
    ids: dict[int, int] = {}
    for seq, (text, status, translator, reviewer, comment, joined) in UNITS.items():
        ids[seq] = (
            db["units"]
            .insert(
                {
                    "segment_id": segments[seq],
                    "lang": lang,
                    "text": text,
                    "status": status,
                    "translator": translator,
                    "reviewer": reviewer,
                    "origin": "human",
                    "confidence": None,
                    "joined_to": ids[joined] if joined is not None else None,
                    "comment": comment,
                    "updated_at": NOW,
                }
            )
            .last_pk
        )
        seed_event(db, ids[seq], user=translator or "x", action="test", old_status="new",
                   new_status=status, new_text=text)  # fmt: skip
    db["target_only"].insert(
        {
            "article_id": article_id,
            "lang": lang,
            "after_seq": 6,
            "position": 0,
            "text": CREDIT,
            "created_at": NOW,
        }  # fmt: skip
    )
    db["translations"].insert(
        {
            "article_id": article_id,
            "lang": lang,
            "translator": "Ana Pop",
            "meta": json.dumps({"translator": "Ana Pop"}),
            "path": "",
            "content_hash": "",
            "imported_at": NOW,
        }  # fmt: skip
    )
    return ids


def test_sample_has_every_status(db, run):
    assert run("import", DATA / "articles" / "budget.md").exit_code == 0
    populate(db)
    statuses = {r[0] for r in db.execute("SELECT status FROM units")}
    assert statuses == {"new", "translated", "approved", "rejected", "needs_review"}
