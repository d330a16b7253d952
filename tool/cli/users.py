"""Commands to register users and their roles: user add, user list."""

from __future__ import annotations

import click

from tool.cli.app import DeskState, json_option, pass_state, print_json, print_table
from tool.services.users import ROLES, add_user, list_users


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
    """Add a user (admins only; anyone may add the first user of a new desk).

    \b
    translator  checks out, translates and submits units in their languages
    editor      also reviews, approves and rejects, realigns and imports
    admin       everything, in every language, and adds users
    """
    added = add_user(state.db, name, role, languages, by=state.acting_name)
    langs = ", ".join(added.languages) or "all languages"
    click.echo(f"added {added.name}: {added.role} ({langs})")


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
        }
        for u in users
    ]
    print_table(
        rows,
        ["name", "role", "languages", "added"],
        empty="no users yet: the desk is open to everyone until the first `user add`",
    )
