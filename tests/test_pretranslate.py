"""Pretranslation from the memory: statuses, origins, events, one transaction."""

from __future__ import annotations

import json

import pytest

from tests.conftest import seed_event, store_article
from tool.errors import InputError, NotFoundError, PermissionDenied
from tool.services.maintenance import check
from tool.services.memory import sync_memory
from tool.services.pretranslate import pretranslate
from tool.services.users import add_user

MEMORY = [
    ("Bugetul pe 2025, aprobat", "2025 budget approved"),
    ("Consiliul General a aprobat joi bugetul Capitalei.",
     "The General Council approved the capital's budget on Thursday."),
    ("Dl. Ionescu a votat împotrivă.", "Mr Ionescu voted against."),
]  # fmt: skip


@pytest.fixture
def job(db):
    store_article(db, "old", MEMORY)
    sync_memory(db)
    # A new article: the title has no unit yet, the rest are open, the last is done.
    db["articles"].insert({"id": "new", "lang": "ro", "title": "Bugetul pe 2025, aprobat"})
    texts = [
        MEMORY[0][0],  # exact (and context: both are first)
        MEMORY[1][0],  # context match
        "Dl. Ionescu a votat pentru.",  # fuzzy
        "Vremea se răcește.",  # nothing
        MEMORY[2][0],  # already translated: left alone
    ]
    for seq, text in enumerate(texts):
        segment = (
            db["segments"]
            .insert(
                {
                    "article_id": "new",
                    "seq": seq,
                    "paragraph": seq,
                    "position": 0,
                    "kind": "text",
                    "text": text,
                    "words": len(text.split()),
                }  # fmt: skip
            )
            .last_pk
        )
        if seq in (1, 2, 3):
            db["units"].insert({"segment_id": segment, "lang": "en", "text": "", "status": "new"})
        if seq == 4:
            unit = (
                db["units"]
                .insert(
                    {"segment_id": segment, "lang": "en", "text": "Mine.", "status": "translated"}
                )
                .last_pk
            )
            seed_event(db, unit, user="ana", action="submit", old_status="new",
                       new_status="translated", new_text="Mine.")  # fmt: skip
    return db


def units(db):
    return list(
        db.query(
            "SELECT u.id, s.seq, u.text, u.status, u.origin, u.confidence FROM units u "
            "JOIN segments s ON s.id = u.segment_id WHERE s.article_id = 'new' ORDER BY s.seq"
        )
    )


def test_exact_matches_are_translated_by_default(job):
    result = pretranslate(job, "new", "en", user="desk")
    assert (result.exact, result.fuzzy, result.unmatched, result.created) == (2, 0, 2, 1)
    rows = units(job)
    assert [(r["seq"], r["status"], r["origin"]) for r in rows] == [
        (0, "translated", "memory"),
        (1, "translated", "memory"),
        (2, "new", None),
        (3, "new", None),
        (4, "translated", None),
    ]
    assert rows[0]["text"] == "2025 budget approved" and rows[0]["confidence"] == 1.0
    assert rows[4]["text"] == "Mine."
    assert [f["score"] for f in result.filled] == [101, 101]
    events = list(job.query("SELECT * FROM events WHERE action = 'pretranslate' ORDER BY id"))
    assert len(events) == 2
    assert events[0]["user"] == "desk" and events[0]["new_status"] == "translated"
    assert json.loads(events[0]["detail"])["score"] == 101
    assert check(job).ok, check(job).problems


def test_fuzzy_matches_need_review(job):
    result = pretranslate(job, "new", "en", user="desk", minimum=70)
    assert (result.exact, result.fuzzy, result.unmatched) == (2, 1, 1)
    fuzzy = units(job)[2]
    assert (fuzzy["status"], fuzzy["text"]) == ("needs_review", "Mr Ionescu voted against.")
    assert 0.7 <= fuzzy["confidence"] < 1
    # Running again fills nothing new.
    again = pretranslate(job, "new", "en", user="desk", minimum=70)
    assert (again.exact, again.fuzzy, again.unmatched) == (0, 0, 1)


def test_leased_units_are_skipped(job):
    unit = units(job)[0]["id"]  # seq 1: the title has no unit yet
    job["leases"].insert({"unit_id": unit, "user": "ana", "expires_at": "2999-01-01T00:00:00Z"})
    result = pretranslate(job, "new", "en", user="desk")
    assert result.leased == 1 and result.exact == 1


def test_errors(job):
    with pytest.raises(NotFoundError, match="^no article 'nope'$"):
        pretranslate(job, "nope", "en", user="desk")
    with pytest.raises(InputError, match="^article 'new' is written in ro: choose another"):
        pretranslate(job, "new", "ro", user="desk")
    add_user(job, "root", "admin", by="root")
    add_user(job, "tina", "translator", ["en"], by="root")
    with pytest.raises(PermissionDenied, match="^tina is a translator"):
        pretranslate(job, "new", "en", user="tina")
    assert units(job)[1]["status"] == "new"


def test_cli_pretranslate(run, job):
    result = run("pretranslate", "new", "--lang", "en")
    assert result.exit_code == 0
    assert result.output == (
        "new (en): 2 translated from exact matches, 0 from fuzzy matches (needs review), "
        "2 without a match.\n"
    )
    data = json.loads(run("pretranslate", "new", "--lang", "en", "--min", "70", "--json").output)
    assert (data["fuzzy"], data["filled"][0]["status"]) == (1, "needs_review")


def test_no_units_are_created_without_a_match(job):
    result = pretranslate(job, "new", "fr", user="desk")
    assert (result.created, result.unmatched, result.exact) == (0, 5, 0)
    assert job.execute("SELECT COUNT(*) FROM units WHERE lang = 'fr'").fetchone()[0] == 0


def test_a_memory_entry_with_qa_errors_is_not_copied_as_finished_work(db):
    """An approval made over a QA error (here a changed number) fed the memory; the next
    article gets the text for review, with the finding in its history, not as translated."""
    store_article(db, "old", [("Titlu", "Title"), ("Au venit 140 de oameni.", "140 came.")])
    store_article(db, "bad", [("Alt titlu", "Other title"), ("Sunt 25 de puncte.", "35 points.")])
    sync_memory(db)
    store_article(db, "next", [("Titlul nou", None), ("Sunt 25 de puncte.", "")], status="new")
    result = pretranslate(db, "next", "en", user="desk")
    filled = {f["text"]: f["status"] for f in result.filled}
    assert filled == {"35 points.": "needs_review"}
    detail = json.loads(
        db.execute("SELECT detail FROM events WHERE action = 'pretranslate'").fetchone()[0]
    )
    assert detail["qa"] == ["numbers: numbers changed: 25 -> 35"]
