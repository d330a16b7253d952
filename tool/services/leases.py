"""Check-outs: leasing units to a translator for a while, renewing and releasing them.

A check-out is one ``BEGIN IMMEDIATE`` transaction: two translators racing for the same
units are served one after the other, so no unit is ever handed out twice. A lease ends
when it expires, when it is released, or when its unit is submitted.

Units for a language are created on demand: checking out an article creates ``new``
units (each with a ``create`` event) for its live segments that have none. A rejected
unit goes back to its translator: for ``REJECTED_RESERVE_HOURS`` after the rejection
only they may check it out (when they are a registered user); afterwards anyone may.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import validate_lang
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from tool.services.units import (
    OPEN_STATUSES,
    create_missing_units,
    get_unit,
    moment,
    release_leases,
    require_head,
    when,
)
from tool.services.users import TRANSLATING_ROLES, User, require_user

LEASE_ENV_VAR = "DESK_LEASE_HOURS"
DEFAULT_LEASE_HOURS = 4.0
DEFAULT_COUNT = 20  # units per check-out when no article is given
REJECTED_RESERVE_HOURS = 24

_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)

# A unit row can be handed to :me when it is open, a bead head, not leased by anyone
# (or the lease expired), and not a rejected unit reserved for its own translator.
_AVAILABLE = f"""
    u.status IN ({_OPEN}) AND u.joined_to IS NULL
    AND (l.unit_id IS NULL OR l.expires_at <= :now)
    AND NOT (u.status = 'rejected' AND COALESCE(u.translator, '') NOT IN ('', :me)
             AND u.updated_at > :reserve
             AND u.translator IN (SELECT name FROM users))
"""

_LISTING = """
    SELECT u.id, s.article_id AS article, s.seq, u.lang, u.status, s.text AS source,
           u.text, u.comment, u.reviewer, l.user AS holder, l.expires_at
    FROM units u JOIN segments s ON s.id = u.segment_id
    LEFT JOIN leases l ON l.unit_id = u.id
"""


@dataclass
class CheckoutResult:
    user: str
    lang: str
    expires_at: str
    units: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0  # units created on demand


def lease_hours(hours: float | None = None) -> float:
    """The lease length: ``hours``, else $DESK_LEASE_HOURS, else 4."""
    if hours is None:
        raw = os.environ.get(LEASE_ENV_VAR)
        if not raw:
            return DEFAULT_LEASE_HOURS
        try:
            hours = float(raw)
        except ValueError:
            raise InputError(f"${LEASE_ENV_VAR} must be a number of hours, not {raw!r}") from None
    if not 0 < hours <= 24 * 30:
        raise InputError(f"a lease lasts more than 0 and at most 720 hours, not {hours:g}")
    return hours


def ensure_units(
    db: sqlite_utils.Database, article_id: str, lang: str, user: str, at: str
) -> list[int]:
    """Create ``new`` units (with ``create`` events) for the article's live segments lacking one."""
    return create_missing_units(db, article_id, lang, at=at, user=user)


def checkout(
    db: sqlite_utils.Database,
    user: str,
    lang: str | None = None,
    article: str | None = None,
    *,
    count: int | None = None,
    unit_ids: Iterable[int] | None = None,
    hours: float | None = None,
    now: datetime | None = None,
) -> CheckoutResult:
    """Lease units to ``user`` atomically and return them, in article and segment order.

    ``unit_ids``: exactly those units (all or nothing; ``lang`` may be omitted).
    ``article``: its open units (the first ``count``, or all of them).
    Neither: the next ``count`` (default 20) open units of any article.
    Units the user already holds are not handed out again (see :func:`mine`).
    """
    if count is not None and count < 1:
        raise InputError("--count must be at least 1")
    hours = lease_hours(hours)
    lang = validate_lang(lang) if lang else None
    ids = list(dict.fromkeys(unit_ids or ()))
    if not ids and not lang:
        raise InputError("say which language to check out (--lang)")
    if ids and (article or count):
        raise InputError("give unit ids, or an article and/or --count, not both")
    with transaction(db):
        current = moment(now)  # the time we got the write lock
        expires = stamp(current + timedelta(hours=hours))
        params = {
            "me": user,
            "now": stamp(current),
            "reserve": stamp(current - timedelta(hours=REJECTED_RESERVE_HOURS)),
        }
        if ids:
            who = require_user(db, user, roles=TRANSLATING_ROLES)
            rows = _pick_units(db, who, ids, lang, params)
            created: list[int] = []
        else:
            assert lang is not None
            require_user(db, user, roles=TRANSLATING_ROLES, lang=lang)
            rows, created = _pick_next(db, user, lang, article, count, params)
        # Leases that expired in someone else's hands end here, with a release event.
        lapsed = [row for row in rows if row.get("holder") and row["holder"] != user]
        if lapsed:
            release_leases(
                db,
                [get_unit(db, row["id"]) for row in lapsed],
                at=params["now"],
                user=user,
                reason="expired",
            )
        db.conn.executemany(
            "INSERT OR REPLACE INTO leases (unit_id, user, expires_at, created_at) "
            "VALUES (?, ?, ?, ?)",
            [(row["id"], user, expires, params["now"]) for row in rows],
        )
    for row in rows:
        row.update(holder=user, expires_at=expires)
    return CheckoutResult(
        user, lang or (rows[0]["lang"] if rows else ""), expires, rows, len(created)
    )


def _pick_units(
    db: sqlite_utils.Database, who: User, ids: list[int], lang: str | None, params: dict
) -> list[dict[str, Any]]:
    """The given units, each checked: open, a bead head, free, in the user's languages."""
    for unit_id in ids:
        unit = get_unit(db, unit_id)
        if lang and unit["lang"] != lang:
            raise InputError(f"unit {unit_id} is in {unit['lang']}, not {lang}")
        if not who.works_in(unit["lang"]):
            require_user(db, who.name, lang=unit["lang"])  # raises with the usual message
        require_head(unit, "check out")
        if unit["status"] not in OPEN_STATUSES:
            raise ConflictError(
                f"unit {unit_id} is {unit['status']}: only new, rejected and needs_review "
                "units can be checked out"
            )
        if unit["lease_user"] and unit["lease_expires"] > params["now"]:
            if unit["lease_user"] == who.name:
                raise ConflictError(f"you already hold unit {unit_id} (see `renew`)")
            raise ConflictError(
                f"unit {unit_id} is checked out by {unit['lease_user']} "
                f"until {when(unit['lease_expires'])}"
            )
        if (
            unit["status"] == "rejected"
            and unit["translator"]
            and unit["translator"] != who.name
            and unit["updated_at"] > params["reserve"]
            and db.execute("SELECT 1 FROM users WHERE name = ?", [unit["translator"]]).fetchone()
        ):
            raise ConflictError(
                f"unit {unit_id} was rejected and goes back to {unit['translator']} first; "
                f"others may take it {REJECTED_RESERVE_HOURS} hours after the rejection"
            )
    marks = ", ".join("?" * len(ids))
    return _listing(db, f"u.id IN ({marks})", ids)


def _pick_next(
    db: sqlite_utils.Database,
    user: str,
    lang: str,
    article: str | None,
    count: int | None,
    params: dict,
) -> tuple[list[dict[str, Any]], list[int]]:
    created: list[int] = []
    if article:
        row = db.execute("SELECT lang FROM articles WHERE id = ?", [article]).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article!r}")
        if row[0] == lang:
            raise InputError(f"article {article!r} is written in {lang}; pick another language")
        created = ensure_units(db, article, lang, user, params["now"])
        limit = f"LIMIT {int(count)}" if count else ""
        ids = [
            r[0]
            for r in db.execute(
                "SELECT u.id FROM segments s "
                "JOIN units u ON u.segment_id = s.id AND u.lang = :lang "
                "LEFT JOIN leases l ON l.unit_id = u.id "
                f"WHERE s.article_id = :article AND s.obsolete = 0 AND {_AVAILABLE} "
                f"ORDER BY s.seq {limit}",
                {**params, "lang": lang, "article": article},
            )
        ]
    else:
        count = count or DEFAULT_COUNT
        while True:
            # Walk segments in article order; a segment without a unit is open work too.
            found = db.execute(
                "SELECT u.id, s.article_id FROM segments s "
                "JOIN articles a ON a.id = s.article_id "
                "LEFT JOIN units u ON u.segment_id = s.id AND u.lang = :lang "
                "LEFT JOIN leases l ON l.unit_id = u.id "
                f"WHERE s.obsolete = 0 AND a.lang != :lang AND (u.id IS NULL OR ({_AVAILABLE})) "
                f"ORDER BY s.article_id, s.seq LIMIT {int(count)}",
                {**params, "lang": lang},
            ).fetchall()
            missing = dict.fromkeys(a for unit_id, a in found if unit_id is None)
            if not missing:
                break
            for article_id in missing:
                created += ensure_units(db, article_id, lang, user, params["now"])
        ids = [r[0] for r in found]
    if not ids:
        return [], created
    marks = ", ".join("?" * len(ids))
    return _listing(db, f"u.id IN ({marks})", ids), created


def _listing(db: sqlite_utils.Database, where: str, params: Any) -> list[dict[str, Any]]:
    return list(db.query(f"{_LISTING} WHERE {where} ORDER BY s.article_id, s.seq", params))


def renew(
    db: sqlite_utils.Database,
    user: str,
    unit_ids: Iterable[int] | None = None,
    *,
    hours: float | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Extend the user's leases (the given units, or all when None) from now.

    A lease that expired can be renewed as long as nobody else took the unit meanwhile
    and it is still open.
    """
    hours = lease_hours(hours)
    with transaction(db):
        expires = stamp(moment(now) + timedelta(hours=hours))
        require_user(db, user)
        if unit_ids is None:
            ids = [
                r[0]
                for r in db.execute(
                    f"SELECT l.unit_id FROM leases l JOIN units u ON u.id = l.unit_id "
                    f"WHERE l.user = ? AND u.status IN ({_OPEN})",
                    [user],
                )
            ]
        else:
            ids = list(dict.fromkeys(unit_ids))
            for unit_id in ids:
                unit = get_unit(db, unit_id)
                if unit["lease_user"] != user:
                    raise ConflictError(f"unit {unit_id} is not checked out by you")
                if unit["status"] not in OPEN_STATUSES:
                    raise ConflictError(f"unit {unit_id} is {unit['status']}: nothing to renew")
        db.conn.executemany(
            "UPDATE leases SET expires_at = ? WHERE unit_id = ?", [(expires, i) for i in ids]
        )
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return _listing(db, f"u.id IN ({marks})", ids)


def release(
    db: sqlite_utils.Database,
    user: str,
    unit_ids: Iterable[int] | None = None,
) -> list[int]:
    """End the user's leases (the given units, or all when None); returns the unit ids.

    Admins may release anyone's lease by unit id. Each release is in the unit's history.
    """
    with transaction(db):
        at = stamp(moment())
        who = require_user(db, user)
        if unit_ids is None:
            ids = [r[0] for r in db.execute("SELECT unit_id FROM leases WHERE user = ?", [user])]
        else:
            ids = list(dict.fromkeys(unit_ids))
            for unit_id in ids:
                unit = get_unit(db, unit_id)
                if unit["lease_user"] is None:
                    raise ConflictError(f"unit {unit_id} is not checked out")
                if unit["lease_user"] != user and not who.is_admin:
                    raise PermissionDenied(
                        f"unit {unit_id} is checked out by {unit['lease_user']}, not you"
                    )
        release_leases(db, [get_unit(db, i) for i in ids], at=at, user=user, reason="released")
    return sorted(ids)


def mine(
    db: sqlite_utils.Database,
    user: str,
    lang: str | None = None,
    article: str | None = None,
    *,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The units the user holds on a live lease, in article and segment order."""
    require_user(db, user)
    where = "l.user = :me AND l.expires_at > :now"
    params: dict[str, Any] = {"me": user, "now": stamp(moment(now))}
    if lang:
        where += " AND u.lang = :lang"
        params["lang"] = validate_lang(lang)
    if article:
        where += " AND s.article_id = :article"
        params["article"] = article
    return _listing(db, where, params)


def returned_units(
    db: sqlite_utils.Database, user: str, lang: str | None = None
) -> list[dict[str, Any]]:
    """Rejected units the user translated and does not hold: work waiting for them."""
    who = require_user(db, user)
    langs = [validate_lang(lang)] if lang else list(who.languages)
    where = "u.status = 'rejected' AND u.translator = ? AND u.joined_to IS NULL "
    where += "AND s.obsolete = 0 AND (l.user IS NULL OR l.user != ?)"
    params: list[Any] = [user, user]
    if langs:  # lets the (lang, status) index find them
        where += f" AND u.lang IN ({', '.join('?' * len(langs))})"
        params += langs
    return _listing(db, where, params)


def my_work(
    db: sqlite_utils.Database, user: str, lang: str | None = None, article: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """What waits for a translator: the units they hold (``checked_out``, see :func:`mine`)
    and their rejected units back for them (``returned``, see :func:`returned_units`)."""
    return {
        "checked_out": mine(db, user, lang, article),
        "returned": returned_units(db, user, lang),
    }
