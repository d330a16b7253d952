"""The CLI reference in docs/cli.md, generated from every command's --help (run by cog)."""

from __future__ import annotations

import click
from click.testing import CliRunner


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    names: list[tuple[str, ...]] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        names.append((*prefix, name))
        if isinstance(command, click.Group):
            names.extend(_commands(command, (*prefix, name)))
    return names


def cli_reference(cli: click.Group) -> str:
    """Markdown: the group's --help, then each command's, in a fenced block under a heading."""
    runner = CliRunner()
    parts = []
    for path in [(), *_commands(cli)]:
        result = runner.invoke(cli, [*path, "--help"], prog_name="manage.py", terminal_width=100)
        title = " ".join(("python manage.py", *path))
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)
