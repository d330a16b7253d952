"""Commands to register users and their roles: user add, set, disable, enable, list."""

from __future__ import annotations

import click

from tool.cli.app import DeskState, cli, json_option, pass_state, print_json, print_table
from tool.services.users import ROLES, User, add_user, disable_user, list_users, set_user


@cli.group()
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
