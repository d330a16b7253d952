"""Commands for the people who use the desk: user add, set, disable, enable, list,
password, token."""

from __future__ import annotations

import sys

import click

from tool.cli.app import DeskState, json_option, pass_state, print_json, print_table
from tool.services.users import ROLES, User, add_user, disable_user, list_users, set_user


@click.group()
def user() -> None:
    """Register the people who use the desk, with their role and languages."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option(
    "--lang",
    "languages",
    multiple=True,
    help="A language they work in (repeat for several), e.g. --lang en --lang ru.",
)
@pass_state
def user_add(state: DeskState, name: str, role: str, languages: tuple[str, ...]) -> None:
    """Add a user (admins only; the first user of a new desk, an admin, by anyone).

    \b
    translator  checks out, translates and submits units in their languages
    editor      also reviews, approves and rejects, realigns and imports
    admin       everything, in every language, and adds users
    """
    state.may_create = True  # the first user starts a desk
    added = add_user(state.db, name, role, languages, by=state.acting_name)
    click.echo(f"added {added.name}: {_describe(added)}")


@user.command("set")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="Their new role.")
@click.option(
    "--lang",
    "languages",
    multiple=True,
    help="Their languages, replacing the old ones (repeat for several).",
)
@pass_state
def user_set(state: DeskState, name: str, role: str | None, languages: tuple[str, ...]) -> None:
    """Change a user's role and/or languages (admins only); the history keeps the change.

    The last admin cannot be demoted.
    """
    changed = set_user(state.db, name, role=role, languages=languages or None, by=state.acting_name)
    click.echo(f"{changed.name}: {_describe(changed)}")


@user.command("disable")
@click.argument("name")
@pass_state
def user_disable(state: DeskState, name: str) -> None:
    """Stop a user from acting (admins only); their leases end, their work and history stay.

    The last admin cannot be disabled.
    """
    disable_user(state.db, name, by=state.acting_name)
    click.echo(f"disabled {name}")


@user.command("enable")
@click.argument("name")
@pass_state
def user_enable(state: DeskState, name: str) -> None:
    """Let a disabled user act again (admins only)."""
    disable_user(state.db, name, by=state.acting_name, enable=True)
    click.echo(f"enabled {name}")


def _describe(user: User) -> str:
    langs = ", ".join(user.languages) or "all languages"
    return f"{user.role} ({langs})" + (", disabled" if user.disabled else "")


@user.command("list")
@json_option
@pass_state
def user_list(state: DeskState, as_json: bool) -> None:
    """List the registered users with their roles and languages."""
    users = list_users(state.db)
    if as_json:
        print_json(
            [
                {
                    "name": u.name,
                    "role": u.role,
                    "languages": list(u.languages),
                    "created_at": u.created_at,
                    "disabled": u.disabled,
                }
                for u in users
            ]
        )
        return
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "languages": " ".join(u.languages),
            "added": u.created_at[:10],
            "status": "disabled" if u.disabled else "active",
        }
        for u in users
    ]
    print_table(
        rows,
        ["name", "role", "languages", "added", "status"],
        empty="no users yet: the desk is open to everyone until the first `user add`",
    )


@user.command("password")
@click.argument("name")
@pass_state
def user_password(state: DeskState, name: str) -> None:
    """Set NAME's password for the served desk (admins: anyone's; others: their own).

    Asked twice, hidden, on a terminal; read from the first line of standard input
    otherwise (so scripts can set it). Never an argument. Signs NAME out everywhere.
    """
    from tool.services.auth import set_password

    set_password(state.db, name, read_password(), by=state.acting_name)
    click.echo(f"password set for {name}")


def read_password() -> str:
    """A new password: prompted twice (hidden) on a terminal, else stdin's first line."""
    if sys.stdin.isatty():
        return click.prompt("New password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown in lists).")
@click.option("--revoke", is_flag=True, help="Revoke NAME's tokens (all, or the one --id names).")
@click.option("--id", "token_id", type=int, help="With --revoke: only this token.")
@click.option("--list", "list_only", is_flag=True, help="List NAME's live tokens.")
@json_option
@pass_state
def user_token(
    state: DeskState,
    name: str,
    label: str,
    revoke: bool,
    token_id: int | None,
    list_only: bool,
    as_json: bool,
) -> None:
    """Print a new API token for NAME, once (admins: anyone's; others: their own).

    The served desk takes it as `Authorization: Bearer TOKEN`; only its hash is stored.
    `--revoke` revokes all of NAME's tokens, or only `--id N` (see `--list`).
    """
    from dataclasses import asdict

    from tool.services import auth

    if token_id is not None and not revoke:
        raise click.UsageError("--id chooses the token to revoke: use it with --revoke")
    if revoke and list_only:
        raise click.UsageError("give --revoke or --list, not both")
    if list_only:
        tokens = auth.list_tokens(state.db, name, by=state.acting_name)
        if as_json:
            print_json([asdict(t) for t in tokens])
            return
        rows = [{**asdict(t), "token": t.prefix + "…"} for t in tokens]
        print_table(
            rows,
            ["id", "token", "label", "created_at", "last_used_at"],
            empty=f"{name} has no live tokens",
        )
        return
    if revoke:
        ids = auth.revoke_tokens(state.db, name, by=state.acting_name, token_id=token_id)
        if as_json:
            print_json({"revoked": ids})
            return
        count = len(ids)
        click.echo(f"revoked {count} token{'' if count == 1 else 's'} of {name}")
        return
    issued = auth.issue_token(state.db, name, by=state.acting_name, label=label)
    if as_json:
        print_json(asdict(issued))
        return
    click.echo(f"token {issued.id} for {name} (shown once; keep it secret):")
    click.echo(issued.token)
