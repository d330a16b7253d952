"""The command table: explicit, lazy, and true to each command's own help."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import click
from click.testing import CliRunner

import tool.cli
from tests.conftest import PROJECT
from tool.cli import COMMANDS, cli


def test_every_summary_is_the_commands_own_first_line():
    for name, entry in COMMANDS.items():
        command = entry.load()
        listed = click.Command(name, help=entry.summary).get_short_help_str(200)
        assert listed == command.get_short_help_str(200), name


def test_every_command_in_the_cli_modules_is_registered():
    registered = {entry.target for entry in COMMANDS.values()}
    found = set()
    for module_info in pkgutil.iter_modules(tool.cli.__path__):
        module = importlib.import_module(f"tool.cli.{module_info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, click.Command) and value is not cli:
                found.add(f"{value.callback.__module__}:{attribute}")
    # Subcommands of a group are reached through the group, not the table.
    subcommands = {
        sub
        for entry in COMMANDS.values()
        if isinstance(group := entry.load(), click.Group)
        for sub in group.commands.values()
    }
    assert {f for f in found if _command(f) not in subcommands} == registered


def _command(target: str) -> click.Command:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def test_help_lists_every_command_without_importing_any():
    code = (
        "import sys\n"
        "from tool.cli import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='manage.py')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('tool.cli.') and m not in "
        "('tool.cli.app',))\n"
        "heavy = sorted(m for m in ('sqlite_utils', 'numpy', 'docx', 'lxml') if m in sys.modules)\n"
        "print('LOADED', loaded, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "LOADED [] []"
    for name in COMMANDS:
        assert f"\n  {name} " in result.stdout


def test_a_command_runs_without_numpy_but_numpy_stays_importable():
    code = (
        "import sys\n"
        "from tool.cli import cli\n"
        "try:\n"
        "    cli(['--db', ':memory:', 'articles'], prog_name='manage.py')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('numpy' in sys.modules)\n"
        "try:\n"
        "    import numpy\n"
        "    print('importable')\n"
        "except ImportError:\n"
        "    print('not installed')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-2:] in (
        ["False", "importable"],
        ["False", "not installed"],
    )


def test_an_unknown_command_suggests_a_registered_one():
    result = CliRunner().invoke(cli, ["stauts"])
    assert result.exit_code == 2
    assert "No such command 'stauts'" in result.output
    assert "Did you mean 'status'?" in result.output


def test_the_work_formats_checkout_offers_are_the_formats_own():
    from tool.cli import workflow
    from tool.formats import WORK_FORMATS

    assert workflow.WORK_FORMATS == WORK_FORMATS
