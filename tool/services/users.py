"""Users, their roles and languages, and the permission check every command goes through.

Roles: ``translator`` (check out, translate, submit), ``editor`` (also review, approve,
reject, realign, import), ``admin`` (everything, every language, and adding users).

Bootstrap rule: while the users table is empty the desk is open, so a fresh install can
import and sync: anyone acts as an admin and anyone may add the first user, who must be an
admin. From then on only admins add, change and disable users, an unknown or disabled
name is refused, and the last active admin cannot be demoted or disabled.

Every change to a user is in the chained history (events with no unit, actions
``user-add``, ``user-set``, ``user-disable``, ``user-enable``); ``check`` verifies that the
users table says what its history says, so a role edited into the file is found.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang, validate_lang
from tool.core.text import with_article
from tool.db import history
from tool.db.connection import transaction
from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied

ROLES = ("translator", "editor", "admin")
TRANSLATING_ROLES = ("translator", "editor", "admin")
REVIEWING_ROLES = ("editor", "admin")
_NAME = re.compile(r"^[\w.@+-]+$")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    languages: tuple[str, ...] = field(default_factory=tuple)
    created_at: str = ""
    bootstrap: bool = False  # True while the desk has no users: an implicit admin
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def works_in(self, lang: str) -> bool:
        """True if the user may work in ``lang`` (admins work in every language)."""
        if self.is_admin:
            return True
        return lang in self.languages or base_lang(lang) in self.languages


def _user(row: dict) -> User:
    return User(
        name=row["name"],
        role=row["role"],
        languages=tuple(json.loads(row["languages"] or "[]")),
        created_at=row["created_at"] or "",
        disabled=bool(row.get("disabled")),
    )


def user_record(user: User) -> str:
    """What the history keeps of a user: role, languages, disabled (as JSON)."""
    return json.dumps(
        {"role": user.role, "languages": list(user.languages), "disabled": user.disabled},
        ensure_ascii=False,
        sort_keys=True,
    )


def _record_change(
    db: sqlite_utils.Database, by: str, action: str, before: User | None, after: User
) -> None:
    event = history.NewEvent(
        unit_id=None,
        user=by,
        action=action,
        old_status=None,
        new_status=None,
        old_text=user_record(before) if before else None,
        new_text=user_record(after),
        detail={"name": after.name},
    )
    history.append(db, stamp(), [event])


def _languages(codes: list[str] | tuple[str, ...]) -> list[str]:
    langs: list[str] = []
    for code in codes:
        lang = validate_lang(code)
        if lang not in langs:
            langs.append(lang)
    return langs


def list_users(db: sqlite_utils.Database) -> list[User]:
    """Every registered user, by name."""
    return [_user(row) for row in db.query("SELECT * FROM users ORDER BY name")]


def get_user(db: sqlite_utils.Database, name: str) -> User:
    """One user, or NotFoundError."""
    rows = list(db.query("SELECT * FROM users WHERE name = ?", [name]))
    if not rows:
        raise NotFoundError(f"no user {name!r}")
    return _user(rows[0])


def desk_is_open(db: sqlite_utils.Database) -> bool:
    """True while no user is registered (the bootstrap rule)."""
    return db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is None


def add_user(
    db: sqlite_utils.Database,
    name: str,
    role: str,
    languages: list[str] | tuple[str, ...] = (),
    *,
    by: str,
) -> User:
    """Register a user; only admins may, except for the very first user.

    Language codes are validated and normalised (``en-GB`` -> ``en_GB``). Translators
    and editors need at least one language; admins work in every language anyway.
    """
    name = (name or "").strip()
    if not name or not _NAME.match(name):
        raise InputError(
            f"invalid user name {name!r}: use letters, digits and . _ - @ + (no spaces)"
        )
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    langs = _languages(languages)
    if role != "admin" and not langs:
        raise InputError(f"{with_article(role)} needs at least one language (--lang)")
    with transaction(db):
        if desk_is_open(db) and role != "admin":
            raise InputError(
                "the first user of a desk must be an admin (--role admin), "
                "or nobody could add the others"
            )
        require_user(db, by, roles=("admin",))
        if db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
            raise ConflictError(f"user {name!r} already exists")
        user = User(name, role, tuple(langs), stamp())
        try:
            db.execute(
                "INSERT INTO users (name, role, languages, created_at) VALUES (?, ?, ?, ?)",
                [name, role, json.dumps(langs), user.created_at],
            )
        except sqlite3.IntegrityError:  # pragma: no cover - guarded by the check above
            raise ConflictError(f"user {name!r} already exists") from None
        _record_change(db, by if by != name else name, "user-add", None, user)
    return user


def set_user(
    db: sqlite_utils.Database,
    name: str,
    *,
    role: str | None = None,
    languages: list[str] | tuple[str, ...] | None = None,
    by: str,
) -> User:
    """Change a user's role and/or languages (admins only); the history keeps the change."""
    if role is not None and role not in ROLES:
        raise InputError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    langs = _languages(languages) if languages is not None else None
    if role is None and langs is None:
        raise InputError("say what to change: --role and/or --lang")
    with transaction(db):
        require_user(db, by, roles=("admin",))
        before = get_user(db, name)
        after = User(
            name,
            role or before.role,
            tuple(langs) if langs is not None else before.languages,
            before.created_at,
            disabled=before.disabled,
        )
        if after.role != "admin" and not after.languages:
            raise InputError(f"{with_article(after.role)} needs at least one language (--lang)")
        if before.role == "admin" and after.role != "admin":
            _refuse_last_admin(db, name, "demoted")
        if after == before:
            return before
        db.execute(
            "UPDATE users SET role = ?, languages = ? WHERE name = ?",
            [after.role, json.dumps(list(after.languages)), name],
        )
        _record_change(db, by, "user-set", before, after)
    return after


def disable_user(db: sqlite_utils.Database, name: str, *, by: str, enable: bool = False) -> User:
    """Disable a user (or enable them again); admins only. The last admin stays enabled."""
    with transaction(db):
        require_user(db, by, roles=("admin",))
        before = get_user(db, name)
        if before.disabled != enable:
            return before  # already as asked
        if not enable and before.role == "admin":
            _refuse_last_admin(db, name, "disabled")
        after = User(name, before.role, before.languages, before.created_at, disabled=not enable)
        db.execute("UPDATE users SET disabled = ? WHERE name = ?", [int(not enable), name])
        if not enable:  # their leases end now: the units go back to the pool
            db.execute("UPDATE leases SET expires_at = ? WHERE user = ?", [stamp(), name])
        _record_change(db, by, "user-enable" if enable else "user-disable", before, after)
    return after


def _refuse_last_admin(db: sqlite_utils.Database, name: str, verb: str) -> None:
    others = db.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled AND name != ?", [name]
    ).fetchone()[0]
    if not others:
        raise ConflictError(f"{name} is the last admin and cannot be {verb}; add another first")


def users_history_problems(db: sqlite_utils.Database) -> list[str]:
    """Users whose row differs from what the history says (a role edited into the file)."""
    last: dict[str, str] = {}
    for detail, record in db.execute(
        "SELECT detail, new_text FROM events WHERE unit_id IS NULL AND action LIKE 'user-%' "
        "ORDER BY id"
    ):
        last[json.loads(detail)["name"]] = record
    problems = []
    present = {user.name for user in list_users(db)}
    for name in sorted(set(last) - present):
        problems.append(f"user {name} is in the history but not in the users table")
    for user in list_users(db):
        recorded = last.get(user.name)
        if recorded is None:
            problems.append(f"user {user.name} has no history")
        elif recorded != user_record(user):
            problems.append(f"user {user.name} differs from their history ({recorded})")
    return problems


def require_user(
    db: sqlite_utils.Database,
    name: str,
    *,
    roles: tuple[str, ...] | None = None,
    lang: str | None = None,
) -> User:
    """The registered user ``name``, allowed to act in ``roles`` and ``lang``, or PermissionDenied.

    Admins pass every role and language check. While no user is registered anyone
    passes as an admin (the bootstrap rule).
    """
    if desk_is_open(db):
        return User(name, "admin", (), "", bootstrap=True)
    rows = list(db.query("SELECT * FROM users WHERE name = ?", [name]))
    if not rows:
        raise PermissionDenied(f"unknown user {name!r}: ask an admin to add you with `user add`")
    user = _user(rows[0])
    if user.disabled:
        raise PermissionDenied(f"user {name!r} is disabled: ask an admin (`user enable`)")
    if roles is not None and not user.is_admin and user.role not in roles:
        allowed = " or ".join(_plural(r) for r in roles)
        raise PermissionDenied(f"{name} is {with_article(user.role)}: only {allowed} may do this")
    if lang is not None and not user.works_in(lang):
        langs = ", ".join(user.languages) or "none"
        raise PermissionDenied(
            f"{name} does not work in {lang} (their languages: {langs}); ask an admin to add it"
        )
    return user


def _plural(role: str) -> str:
    return role + "s"
