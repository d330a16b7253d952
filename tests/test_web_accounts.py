"""Accounts for the served desk: passwords, tokens, throttling, sessions, and their commands."""

from __future__ import annotations

import os
import sys
from datetime import timedelta

import pytest

from tests.conftest import PROJECT
from tests.web_helpers import cheap_hashing
from tool.clock import now
from tool.errors import InputError, NotFoundError, PermissionDenied
from tool.services import auth
from tool.services.users import add_user


@pytest.fixture(autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def accounts(db):
    add_user(db, "ana", "admin", [], by="ana")
    add_user(db, "mihai", "translator", ["en"], by="ana")
    add_user(db, "elena", "editor", ["en"], by="ana")
    return db


def test_passwords_are_hashed_with_argon2_and_checked(accounts):
    auth.set_password(accounts, "mihai", "correct horse battery", by="ana")
    stored = accounts.execute("SELECT hash FROM passwords WHERE user = 'mihai'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    user = auth.sign_in(accounts, "mihai", "correct horse battery", address="1.2.3.4")
    assert user.name == "mihai"


def test_wrong_password_and_unknown_name_get_the_same_answer(accounts):
    auth.set_password(accounts, "mihai", "correct horse battery", by="ana")
    messages = []
    for name, password in (("mihai", "wrong password"), ("nobody", "correct horse battery")):
        with pytest.raises(auth.SignInFailed) as error:
            auth.sign_in(accounts, name, password, address="1.2.3.4")
        messages.append(str(error.value))
    assert messages == ["wrong name or password", "wrong name or password"]
    with pytest.raises(auth.SignInFailed, match="^wrong name or password$"):
        auth.sign_in(accounts, "elena", "no password set yet", address="1.2.3.4")


def test_who_may_set_a_password(accounts):
    auth.set_password(accounts, "mihai", "mihai's own pass", by="mihai")
    auth.set_password(accounts, "mihai", "set by the admin", by="ana")
    with pytest.raises(PermissionDenied) as error:
        auth.set_password(accounts, "elena", "not yours to set", by="mihai")
    assert str(error.value) == "mihai is a translator: only admins manage other people's accounts"
    with pytest.raises(NotFoundError, match="no user 'ghost'"):
        auth.set_password(accounts, "ghost", "whatever pass", by="ana")
    with pytest.raises(InputError, match="^a password needs at least 8 characters$"):
        auth.set_password(accounts, "mihai", "short", by="mihai")
    with pytest.raises(InputError, match="^a password cannot hold line breaks or NUL characters$"):
        auth.set_password(accounts, "mihai", "two\nlines here", by="mihai")


def test_sign_in_is_throttled_per_account_and_per_address(accounts):
    auth.set_password(accounts, "mihai", "correct horse battery", by="ana")
    at = now()
    for attempt in range(auth.ACCOUNT_FAILURE_LIMIT):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(accounts, "mihai", f"guess {attempt}", address=f"10.0.0.{attempt}", now=at)
    # Even the right password is refused now, from anywhere, with the same message.
    with pytest.raises(auth.TooManyAttempts) as error:
        auth.sign_in(accounts, "mihai", "correct horse battery", address="10.9.9.9", now=at)
    assert str(error.value) == "too many failed sign-ins: try again in 15 minutes"
    assert 0 < error.value.retry_after <= 15 * 60 + 1
    later = at + auth.FAILURE_WINDOW + timedelta(seconds=1)
    assert auth.sign_in(accounts, "mihai", "correct horse battery", address="10.9.9.9", now=later)
    # One address guessing many names is stopped too.
    for attempt in range(auth.ADDRESS_FAILURE_LIMIT):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(accounts, f"name{attempt}", "guess", address="6.6.6.6", now=later)
    with pytest.raises(auth.TooManyAttempts):
        auth.sign_in(accounts, "mihai", "correct horse battery", address="6.6.6.6", now=later)
    assert auth.sign_in(accounts, "mihai", "correct horse battery", address="7.7.7.7", now=later)


def test_tokens_are_stored_hashed_shown_once_and_revocable(accounts):
    issued = auth.issue_token(accounts, "mihai", by="ana", label="laptop")
    assert issued.token.startswith("desk_") and len(issued.token) > 40
    stored = [tuple(r) for r in accounts.execute("SELECT hash, prefix FROM tokens")]
    assert all(issued.token not in value for row in stored for value in row)
    assert auth.token_user(accounts, issued.token).name == "mihai"
    second = auth.issue_token(accounts, "mihai", by="mihai")
    assert [t.id for t in auth.list_tokens(accounts, "mihai", by="mihai")] == [issued.id, second.id]
    assert auth.revoke_tokens(accounts, "mihai", by="mihai", token_id=issued.id) == [issued.id]
    with pytest.raises(auth.SignInFailed, match="^invalid or revoked token$"):
        auth.token_user(accounts, issued.token)
    assert auth.token_user(accounts, second.token).name == "mihai"
    assert auth.revoke_tokens(accounts, "mihai", by="ana") == [second.id]
    with pytest.raises(auth.SignInFailed, match="^invalid or revoked token$"):
        auth.token_user(accounts, second.token)
    with pytest.raises(PermissionDenied, match="only admins manage other people's accounts"):
        auth.issue_token(accounts, "elena", by="mihai")
    with pytest.raises(NotFoundError, match="^mihai has no token 99$"):
        auth.revoke_tokens(accounts, "mihai", by="ana", token_id=99)


def test_sessions_expire_when_idle_and_end_when_the_password_changes(accounts):
    at = now()
    idle, lifetime = timedelta(minutes=30), timedelta(hours=12)
    fresh = auth.start_session(accounts, "mihai", address="1.2.3.4", idle=idle, now=at)
    found = auth.session(accounts, fresh.session_id, idle=idle, lifetime=lifetime, now=at)
    assert found is not None and found.user == "mihai" and found.csrf == fresh.csrf
    stored = accounts.execute("SELECT id_hash FROM sessions").fetchone()[0]
    assert stored != fresh.session_id  # only its digest is kept
    soon = at + timedelta(minutes=29)
    assert auth.session(accounts, fresh.session_id, idle=idle, lifetime=lifetime, now=soon)
    gone = soon + timedelta(minutes=31)
    assert auth.session(accounts, fresh.session_id, idle=idle, lifetime=lifetime, now=gone) is None
    other = auth.start_session(accounts, "mihai", address="1.2.3.4", idle=idle, now=at)
    auth.set_password(accounts, "mihai", "a brand new password", by="mihai")
    assert auth.session(accounts, other.session_id, idle=idle, lifetime=lifetime, now=at) is None


def test_a_new_session_replaces_the_one_the_browser_had(accounts):
    idle, lifetime = timedelta(minutes=30), timedelta(hours=12)
    first = auth.start_session(accounts, "mihai", address="a", idle=idle)
    second = auth.start_session(
        accounts, "mihai", address="a", idle=idle, replaces=first.session_id
    )
    assert first.session_id != second.session_id and first.csrf != second.csrf
    assert auth.session(accounts, first.session_id, idle=idle, lifetime=lifetime) is None
    assert auth.session(accounts, second.session_id, idle=idle, lifetime=lifetime)


# --- the commands ---------------------------------------------------------------------------


def test_user_password_reads_stdin_when_not_a_terminal(run, db):
    run("user", "add", "ana", "--role", "admin", user="ana")
    run("user", "add", "mihai", "--role", "translator", "--lang", "en", user="ana")
    result = run("user", "password", "mihai", user="ana", input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    assert result.output == "password set for mihai\n"
    assert auth.sign_in(db, "mihai", "correct horse battery", address="x").name == "mihai"
    refused = run("user", "password", "ana", user="mihai", input="mihai wants it\n")
    assert refused.exit_code == 1
    assert refused.output == (
        "Error: mihai is a translator: only admins manage other people's accounts\n"
    )


def test_user_password_is_never_an_argument(run):
    result = run("user", "password", "mihai", "secret-on-the-command-line")
    assert result.exit_code == 2
    assert "Got unexpected extra argument" in result.output


@pytest.mark.slow
def test_user_password_asks_twice_hidden_on_a_terminal(db_path, db):
    pexpect = pytest.importorskip("pexpect")
    add_user(db, "ana", "admin", [], by="ana")
    env = {**os.environ, "DESK_DB": str(db_path), "DESK_USER": "ana"}
    child = pexpect.spawn(
        sys.executable, ["manage.py", "user", "password", "ana"], cwd=str(PROJECT), env=env,
        encoding="utf-8", timeout=30,
    )  # fmt: skip
    child.expect("New password: ")
    child.sendline("typed on a tty")
    child.expect("Repeat for confirmation: ")
    child.sendline("typed on a tty")
    child.expect("password set for ana")
    child.expect(pexpect.EOF)
    assert "typed on a tty" not in (child.before or "")  # never echoed
    assert auth.sign_in(db, "ana", "typed on a tty", address="x").name == "ana"


def test_user_token_prints_a_token_once_lists_and_revokes(run, db):
    run("user", "add", "ana", "--role", "admin", user="ana")
    run("user", "add", "mihai", "--role", "translator", "--lang", "en", user="ana")
    result = run("user", "token", "mihai", "--label", "laptop", user="ana")
    assert result.exit_code == 0, result.output
    header, token = result.output.splitlines()
    assert header == "token 1 for mihai (shown once; keep it secret):"
    assert auth.token_user(db, token).name == "mihai"
    listed = run("user", "token", "mihai", "--list", user="mihai")
    assert token not in listed.output and token[:11] in listed.output and "laptop" in listed.output
    second = run("user", "token", "mihai", user="mihai").output.splitlines()[1]
    one = run("user", "token", "mihai", "--revoke", "--id", "1", user="mihai")
    assert one.output == "revoked 1 token of mihai\n"
    with pytest.raises(auth.SignInFailed):
        auth.token_user(db, token)
    assert auth.token_user(db, second).name == "mihai"
    everything = run("user", "token", "mihai", "--revoke", user="ana")
    assert everything.output == "revoked 1 token of mihai\n"
    with pytest.raises(auth.SignInFailed):
        auth.token_user(db, second)
    misuse = run("user", "token", "mihai", "--id", "1", user="ana")
    assert misuse.exit_code == 2 and "--id chooses the token to revoke" in misuse.output
