"""Running the quality checks on stored units, and remembering dismissed false alarms.

A dismissal is tied to the unit, the check and a hash of the source and target texts:
the finding stays hidden while both are unchanged and comes back when either changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang
from tool.core.normalize import normalise_text
from tool.core.qa import CHECKS, Finding, QAContext, run_checks
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError, QAError
from tool.services.glossary import Glossary
from tool.services.users import REVIEWING_ROLES, require_user

CHECKED_STATUSES = ("translated", "approved", "rejected", "needs_review")


@dataclass
class UnitFinding:
    """A finding on one stored unit."""

    unit_id: int
    article_id: str
    seq: int
    lang: str
    check: str
    severity: str
    message: str
    source: str
    target: str
    dismissed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def text_hash(source: str, target: str) -> str:
    """The hash a dismissal is tied to."""
    return hashlib.sha1(f"{source}\x00{target}".encode()).hexdigest()[:16]


_UNIT_SQL = (
    "SELECT u.id, u.lang, u.text, u.status, s.article_id, s.seq, s.text AS source, "
    "a.lang AS source_lang, (SELECT group_concat(t, ' ') FROM (SELECT s2.text AS t FROM units "
    "u2 JOIN segments s2 ON s2.id = u2.segment_id WHERE u2.joined_to = u.id ORDER BY s2.seq)) "
    "AS joined FROM units u JOIN segments s ON s.id = u.segment_id "
    "JOIN articles a ON a.id = s.article_id "
)


def _source(row: dict[str, Any]) -> str:
    return f"{row['source']} {row['joined']}" if row["joined"] else row["source"]


def _dismissed(db: sqlite_utils.Database, unit_ids: list[int]) -> set[tuple[int, str, str]]:
    if not unit_ids:
        return set()
    marks = ",".join("?" * len(unit_ids))
    return {
        (r[0], r[1], r[2])
        for r in db.execute(
            f"SELECT unit_id, check_id, text_hash FROM qa_dismissed WHERE unit_id IN ({marks})",
            unit_ids,
        )
    }


def _findings(
    db: sqlite_utils.Database, rows: list[dict[str, Any]], include_dismissed: bool
) -> list[UnitFinding]:
    glossaries: dict[tuple[str, str], Glossary] = {}
    dismissed = _dismissed(db, [r["id"] for r in rows])
    found = []
    for row in rows:
        pair = (base_lang(row["source_lang"]), base_lang(row["lang"]))
        if pair not in glossaries:
            glossaries[pair] = Glossary(db, *pair)
        source, target = _source(row), row["text"] or ""
        ctx = QAContext(pair[0], pair[1], tuple(glossaries[pair].hits(source)))
        digest = text_hash(source, target)
        for finding in run_checks(source, target, ctx):
            hidden = (row["id"], finding.check, digest) in dismissed
            if hidden and not include_dismissed:
                continue
            found.append(
                UnitFinding(
                    row["id"],
                    row["article_id"],
                    row["seq"],
                    row["lang"],
                    finding.check,
                    finding.severity,
                    finding.message,
                    source,
                    target,
                    hidden,
                )  # fmt: skip
            )
    return found


def qa_article(
    db: sqlite_utils.Database,
    article_id: str | None,
    lang: str,
    *,
    include_dismissed: bool = False,
    minimum_severity: str = "info",
) -> list[UnitFinding]:
    """Findings on an article's (or, with no article, every article's) units in ``lang``.

    Units still ``new`` and units joined into another unit's bead are not checked.
    """
    params: list[Any] = [lang]
    where = "WHERE u.lang = ? AND s.obsolete = 0 AND u.joined_to IS NULL "
    if article_id is not None:
        row = db.execute("SELECT lang FROM articles WHERE id = ?", [article_id]).fetchone()
        if not row:
            raise NotFoundError(f"no article {article_id!r}")
        if row[0] == lang:
            raise InputError(
                f"article {article_id!r} is written in {lang}; choose a target language"
            )
        where += "AND s.article_id = ? "
        params.append(article_id)
    marks = ",".join("?" * len(CHECKED_STATUSES))
    where += f"AND (u.status IN ({marks}) OR u.text != '') "
    rows = list(
        db.query(_UNIT_SQL + where + "ORDER BY s.article_id, s.seq", [*params, *CHECKED_STATUSES])
    )
    rank = {"error": 0, "warning": 1, "info": 2}
    return [
        f
        for f in _findings(db, rows, include_dismissed)
        if rank[f.severity] <= rank[minimum_severity]
    ]


def _unit_row(db: sqlite_utils.Database, unit_id: int) -> dict[str, Any]:
    rows = list(db.query(_UNIT_SQL + "WHERE u.id = ?", [unit_id]))
    if not rows:
        raise NotFoundError(f"no unit {unit_id}")
    return rows[0]


def check_unit(db: sqlite_utils.Database, unit_id: int, text: str | None = None) -> list[Finding]:
    """The visible findings on one unit as stored now, or with ``text`` as its translation."""
    row = _unit_row(db, unit_id)
    if text is not None:
        row = {**row, "text": text}
    elif row["status"] == "new" and not row["text"]:
        return []
    return [Finding(f.check, f.severity, f.message) for f in _findings(db, [row], False)]


def errors_of(findings: list[Finding]) -> list[Finding]:
    """The findings that stop a submission or an approval (severity ``error``)."""
    return [f for f in findings if f.severity == "error"]


def gate(
    db: sqlite_utils.Database,
    unit_id: int,
    text: str,
    override: str | None,
    verb: str,
) -> tuple[list[Finding], dict[str, Any] | None]:
    """QA before a unit is submitted or approved with ``text``: its findings, and the detail
    to record when errors were overridden. Errors without an ``override`` reason raise
    :class:`QAError`; the reason goes into the history."""
    findings = check_unit(db, unit_id, text)
    errors = errors_of(findings)
    reason = normalise_text(override or "")
    if errors and not reason:
        shown = "; ".join(f"{f.check}: {f.message}" for f in errors[:3])
        count = f"{len(errors)} QA error{'s' if len(errors) != 1 else ''}"
        raise QAError(
            f"unit {unit_id} has {count} ({shown}): fix the translation, or {verb} with "
            '--override "reason"'
        )
    if errors:
        return findings, {"override": reason, "qa": [f"{f.check}: {f.message}" for f in errors]}
    return findings, None


def check_text(
    db: sqlite_utils.Database, source: str, target: str, source_lang: str, target_lang: str
) -> list[Finding]:
    """The findings for a proposed translation that is not stored yet."""
    pair = (base_lang(source_lang), base_lang(target_lang))
    ctx = QAContext(pair[0], pair[1], tuple(Glossary(db, *pair).hits(source)))
    return run_checks(source, target, ctx)


def dismiss(db: sqlite_utils.Database, unit_id: int, check_id: str, *, user: str) -> int:
    """Mark a unit's findings of one check as false alarms; how many were hidden.

    Only editors (and admins) may; the dismissal holds while the texts are unchanged.
    """
    if check_id not in CHECKS:
        raise InputError(f"unknown check {check_id!r}: choose one of {', '.join(CHECKS)}")
    with transaction(db):
        require_user(db, user, roles=REVIEWING_ROLES)
        row = _unit_row(db, unit_id)
        findings = [f for f in _findings(db, [row], True) if f.check == check_id]
        if not findings:
            raise NotFoundError(f"unit {unit_id} has no {check_id!r} finding")
        db.table("qa_dismissed").insert(
            {
                "unit_id": unit_id,
                "check_id": check_id,
                "text_hash": text_hash(findings[0].source, findings[0].target),
                "by": user,
                "at": stamp(),
            },
            replace=True,
        )
    return len(findings)


def list_checks() -> list[dict[str, str]]:
    """The registered checks: id, severity, description."""
    return [
        {"id": c.id, "severity": c.severity, "description": c.description} for c in CHECKS.values()
    ]
