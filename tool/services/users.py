"""Users, their roles and languages, and the permission check every command goes through.

Roles: ``translator`` (check out, translate, submit), ``editor`` (also review, approve,
reject, realign, import), ``admin`` (everything, every language, and adding users).

Bootstrap rule: while the users table is empty the desk is open, so a fresh install can
import and sync: anyone acts as an admin and anyone may add the first user. From then on
only admins add users, and an unknown name is refused.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

import sqlite_utils

from tool.clock import stamp
from tool.core.locale import base_lang, validate_lang
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
    )


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
    langs: list[str] = []
    for code in languages:
        lang = validate_lang(code)
        if lang not in langs:
            langs.append(lang)
    if role != "admin" and not langs:
        raise InputError(f"a {role} needs at least one language (--lang)")
    with transaction(db):
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
    return user


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
    if roles is not None and not user.is_admin and user.role not in roles:
        allowed = " or ".join(_plural(r) for r in roles)
        raise PermissionDenied(f"{name} is a {user.role}: only {allowed} may do this")
    if lang is not None and not user.works_in(lang):
        langs = ", ".join(user.languages) or "none"
        raise PermissionDenied(
            f"{name} does not work in {lang} (their languages: {langs}); ask an admin to add it"
        )
    return user


def _plural(role: str) -> str:
    return role + "s"
