"""Accounts for the served desk: passwords, API tokens, sign-in throttling and sessions.

Who may act on whose account is decided here, as every other rule is decided in the
services: an admin manages anyone's password and tokens, a user their own. Secrets are
never stored: passwords as argon2 hashes, API tokens and session ids as SHA-256 digests
(they are long random strings, so a fast hash is enough), and none of them is logged.

Sign-in gives the same answer for an unknown name and a wrong password, and is
throttled after repeated failures, counted per typed name and per client address over a
sliding window (in the database, so every server process and restart sees them).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sqlite_utils

from tool.clock import now as clock_now
from tool.clock import stamp
from tool.core.normalize import refuse_controls
from tool.db.connection import transaction
from tool.errors import InputError, NotFoundError, PermissionDenied
from tool.services.users import User, get_user, require_user

if TYPE_CHECKING:  # argon2 is imported when a password is hashed, not at CLI start-up
    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
TOKEN_PREFIX = "desk_"
FAILURE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURE_LIMIT = 5  # failed sign-ins for one name within the window
ADDRESS_FAILURE_LIMIT = 20  # failed sign-ins from one address within the window
SESSION_TOUCH = timedelta(seconds=60)  # how stale seen_at may get before it is rewritten
TOKEN_TOUCH = timedelta(minutes=5)
SIGN_IN_FAILED = "wrong name or password"


class SignInFailed(PermissionDenied):
    """A wrong name, password or token (the message never says which)."""


class TooManyAttempts(PermissionDenied):
    """Sign-in refused for a while after repeated failures."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: ``token`` is shown once and never stored."""

    id: int
    user: str
    token: str
    label: str
    created_at: str


@dataclass(frozen=True)
class TokenInfo:
    """A stored token, without its secret."""

    id: int
    user: str
    prefix: str
    label: str
    created_at: str
    created_by: str
    last_used_at: str | None
    revoked_at: str | None


@dataclass(frozen=True)
class NewSession:
    """A browser session just started: ``session_id`` goes into the cookie, nowhere else."""

    session_id: str
    user: str
    csrf: str


@dataclass(frozen=True)
class Session:
    """A live browser session."""

    user: str
    csrf: str
    created_at: str
    seen_at: str


# --- passwords ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so they take as long as known ones."""
    return _hasher().hash(secrets.token_urlsafe(16))


def digest(secret: str) -> str:
    """The stored form of a token or session id: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _may_manage(db: sqlite_utils.Database, name: str, by: str) -> User:
    """The user ``name``, if ``by`` is an admin or ``name`` themselves; else PermissionDenied."""
    actor = require_user(db, by)
    if by != name and not actor.is_admin:
        article = "an" if actor.role[:1] in "aeiou" else "a"
        raise PermissionDenied(
            f"{by} is {article} {actor.role}: only admins manage other people's accounts"
        )
    return get_user(db, name)


def check_new_password(password: str) -> str:
    """Refuse a password that is too short, too long or not text."""
    if not isinstance(password, str) or not password:
        raise InputError("the password cannot be empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    if "\x00" in password or "\n" in password or "\r" in password:
        raise InputError("a password cannot hold line breaks or NUL characters")
    return password


def set_password(
    db: sqlite_utils.Database, name: str, password: str, *, by: str, now: datetime | None = None
) -> None:
    """Set ``name``'s password (admins: anyone's; others: their own) and end their sessions."""
    check_new_password(password)
    hashed = _hasher().hash(password)  # slow on purpose: outside the write lock
    with transaction(db):
        _may_manage(db, name, by)
        at = stamp(now or clock_now())
        db.execute(
            "INSERT INTO passwords (user, hash, changed_at, changed_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user) DO UPDATE SET hash = excluded.hash, "
            "changed_at = excluded.changed_at, changed_by = excluded.changed_by",
            [name, hashed, at, by],
        )
        db.execute("DELETE FROM sessions WHERE user = ?", [name])


def has_password(db: sqlite_utils.Database, name: str) -> bool:
    """True if ``name`` can sign in with a password."""
    return db.execute("SELECT 1 FROM passwords WHERE user = ?", [name]).fetchone() is not None


def _failures_since(db: sqlite_utils.Database, column: str, value: str, since: str) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            f"SELECT at FROM sign_in_failures WHERE {column} = ? AND at > ? ORDER BY at",
            [value, since],
        )
    ]


def throttle(db: sqlite_utils.Database, name: str, address: str, *, now: datetime) -> None:
    """Refuse a sign-in attempt while the name or the address has failed too often."""
    since = stamp(now - FAILURE_WINDOW)
    for column, value, limit in (
        ("name", name, ACCOUNT_FAILURE_LIMIT),
        ("address", address, ADDRESS_FAILURE_LIMIT),
    ):
        failures = _failures_since(db, column, value, since)
        if len(failures) >= limit:
            oldest = datetime.fromisoformat(failures[-limit].replace("Z", "+00:00"))
            wait = max(1, math.ceil((oldest + FAILURE_WINDOW - now).total_seconds()))
            minutes = math.ceil(wait / 60)
            raise TooManyAttempts(
                f"too many failed sign-ins: try again in {minutes} minute"
                + ("" if minutes == 1 else "s"),
                wait,
            )


def sign_in(
    db: sqlite_utils.Database,
    name: str,
    password: str,
    *,
    address: str,
    now: datetime | None = None,
) -> User:
    """The user whose name and password these are, or SignInFailed (one message for both).

    Throttled per name and per address (TooManyAttempts); a failure is recorded, a
    success clears the name's failures.
    """
    at = now or clock_now()
    name = (name or "").strip()
    throttle(db, name, address, now=at)
    row = db.execute(
        "SELECT p.hash FROM passwords p JOIN users u ON u.name = p.user WHERE p.user = ?", [name]
    ).fetchone()
    if _verify(row[0] if row else None, password or ""):
        with transaction(db):
            db.execute("DELETE FROM sign_in_failures WHERE name = ?", [name])
            if _hasher().check_needs_rehash(row[0]):
                db.execute(
                    "UPDATE passwords SET hash = ? WHERE user = ?",
                    [_hasher().hash(password), name],
                )
        return require_user(db, name)  # a disabled account is refused, after the password
    with transaction(db):
        db.execute(
            "INSERT INTO sign_in_failures (name, address, at) VALUES (?, ?, ?)",
            [name[:200], address, stamp(at)],
        )
        db.execute("DELETE FROM sign_in_failures WHERE at < ?", [stamp(at - 2 * FAILURE_WINDOW)])
    raise SignInFailed(SIGN_IN_FAILED)


def _verify(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        ok = _hasher().verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(ok and stored)


# --- API tokens ----------------------------------------------------------------------------


def issue_token(
    db: sqlite_utils.Database,
    name: str,
    *,
    by: str,
    label: str = "",
    now: datetime | None = None,
) -> IssuedToken:
    """A new API token for ``name`` (admins: anyone; others: themselves); shown only now."""
    label = " ".join(refuse_controls(label or "", "a token label").split())[:100]
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction(db):
        _may_manage(db, name, by)
        at = stamp(now or clock_now())
        token_id = db.execute(
            "INSERT INTO tokens (user, hash, prefix, label, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [name, digest(token), token[: len(TOKEN_PREFIX) + 6], label, at, by],
        ).fetchone()[0]
    return IssuedToken(token_id, name, token, label, at)


def list_tokens(
    db: sqlite_utils.Database, name: str, *, by: str, revoked: bool = False
) -> list[TokenInfo]:
    """``name``'s tokens (live ones; with ``revoked``, every one), oldest first."""
    _may_manage(db, name, by)
    where = "" if revoked else " AND revoked_at IS NULL"
    return [
        TokenInfo(**row)
        for row in db.query(
            "SELECT id, user, prefix, label, created_at, created_by, last_used_at, revoked_at "
            f"FROM tokens WHERE user = ?{where} ORDER BY id",
            [name],
        )
    ]


def revoke_tokens(
    db: sqlite_utils.Database,
    name: str,
    *,
    by: str,
    token_id: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Revoke ``name``'s live tokens (or only ``token_id``); returns the ids revoked."""
    with transaction(db):
        _may_manage(db, name, by)
        at = stamp(now or clock_now())
        where = "user = ? AND revoked_at IS NULL"
        params: list[Any] = [name]
        if token_id is not None:
            row = db.execute(
                "SELECT revoked_at FROM tokens WHERE id = ? AND user = ?", [token_id, name]
            ).fetchone()
            if row is None:
                raise NotFoundError(f"{name} has no token {token_id}")
            if row[0]:
                raise InputError(f"token {token_id} was already revoked")
            where += " AND id = ?"
            params.append(token_id)
        return [
            r[0]
            for r in db.execute(
                f"UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE {where} RETURNING id",
                [at, by, *params],
            ).fetchall()
        ]


def revoke_token(db: sqlite_utils.Database, token: str, *, by: str) -> list[int]:
    """Revoke one token given by its value (a client logging out); the ids revoked."""
    row = db.execute(
        "SELECT id, user FROM tokens WHERE hash = ? AND revoked_at IS NULL", [digest(token)]
    ).fetchone()
    if row is None:
        return []
    return revoke_tokens(db, row[1], by=by, token_id=row[0])


def token_user(db: sqlite_utils.Database, token: str, *, now: datetime | None = None) -> User:
    """The user a live token belongs to, or SignInFailed."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise SignInFailed("invalid or revoked token")
    row = db.execute(
        "SELECT t.id, t.user, t.last_used_at FROM tokens t JOIN users u ON u.name = t.user "
        "WHERE t.hash = ? AND t.revoked_at IS NULL",
        [digest(token)],
    ).fetchone()
    if row is None:
        raise SignInFailed("invalid or revoked token")
    token_id, name, last_used = row
    at = now or clock_now()
    if not last_used or last_used < stamp(at - TOKEN_TOUCH):
        with transaction(db):
            db.execute("UPDATE tokens SET last_used_at = ? WHERE id = ?", [stamp(at), token_id])
    return require_user(db, name)  # refuses a disabled account


# --- browser sessions ---------------------------------------------------------------------


def start_session(
    db: sqlite_utils.Database,
    name: str,
    *,
    address: str,
    replaces: str | None = None,
    idle: timedelta,
    now: datetime | None = None,
) -> NewSession:
    """A fresh session for a user who just signed in (ending the one it ``replaces``)."""
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    at = now or clock_now()
    with transaction(db):
        get_user(db, name)
        if replaces:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", [digest(replaces)])
        db.execute("DELETE FROM sessions WHERE seen_at < ?", [stamp(at - idle)])
        db.execute(
            "INSERT INTO sessions (id_hash, user, csrf, address, created_at, seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [digest(session_id), name, csrf, address, stamp(at), stamp(at)],
        )
    return NewSession(session_id, name, csrf)


def session(
    db: sqlite_utils.Database,
    session_id: str,
    *,
    idle: timedelta,
    lifetime: timedelta,
    now: datetime | None = None,
) -> Session | None:
    """The live session with this id, or None (unknown, idle too long, or too old)."""
    if not session_id or len(session_id) > 200:
        return None
    key = digest(session_id)
    row = db.execute(
        "SELECT s.user, s.csrf, s.created_at, s.seen_at FROM sessions s "
        "JOIN users u ON u.name = s.user WHERE s.id_hash = ?",
        [key],
    ).fetchone()
    if row is None:
        return None
    user, csrf, created_at, seen_at = row
    at = now or clock_now()
    if seen_at < stamp(at - idle) or created_at < stamp(at - lifetime):
        end_session(db, session_id)
        return None
    if seen_at < stamp(at - SESSION_TOUCH):
        seen_at = stamp(at)
        with transaction(db):
            db.execute("UPDATE sessions SET seen_at = ? WHERE id_hash = ?", [seen_at, key])
    return Session(user, csrf, created_at, seen_at)


def end_session(db: sqlite_utils.Database, session_id: str) -> None:
    """Sign a session out (nothing happens for an unknown id)."""
    with transaction(db):
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [digest(session_id)])


def server_key(db: sqlite_utils.Database, name: str) -> bytes:
    """A random key the server signs with, made on first use and kept in the database."""
    row = db.execute("SELECT value FROM server_keys WHERE name = ?", [name]).fetchone()
    if row is None:
        with transaction(db):
            db.execute(
                "INSERT OR IGNORE INTO server_keys (name, value, created_at) VALUES (?, ?, ?)",
                [name, secrets.token_hex(32), stamp()],
            )
            row = db.execute("SELECT value FROM server_keys WHERE name = ?", [name]).fetchone()
    return bytes.fromhex(row[0])


def sign(key: bytes, value: str) -> str:
    """An HMAC-SHA256 of ``value`` under ``key`` (hex)."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def same_secret(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets; False when either is missing."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
