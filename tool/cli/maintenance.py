"""Commands that look after the database: backup, restore, check, restore-segment."""

from __future__ import annotations

import click

from tool.cli.app import DeskState, json_option, pass_state, print_json
from tool.services.maintenance import backup as backup_db
from tool.services.maintenance import check as check_db
from tool.services.maintenance import restore as restore_db
from tool.services.revisions import restore_segment as restore_obsolete


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@pass_state
def backup(state: DeskState, path: str, force: bool) -> None:
    """Write a consistent copy of the database to PATH (admins; safe while others work)."""
    target = backup_db(state.db, path, user=state.acting_name, force=force)
    click.echo(f"backup written to {target}")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that holds articles.")
@pass_state
def restore(state: DeskState, path: str, force: bool) -> None:
    """Replace the database's content with the backup at PATH (admins).

    The backup is checked first as `check` checks the database (integrity, schema,
    append-only history with its chain, at least one admin); a doubtful one is refused.
    """
    restore_db(state.db, path, user=state.acting_name, force=force)
    click.echo(f"database restored from {path}")


@click.command()
@json_option
@pass_state
def check(state: DeskState, as_json: bool) -> None:
    """Check the database: SQLite's integrity, the history's chain, the desk's invariants.

    Prints the history's head hash: keep it with your backups, so a rewritten history is
    found even if its chain was recomputed. Exits 1 when anything is wrong.
    """
    report = check_db(state.db)
    if as_json:
        print_json(
            {"ok": report.ok, "problems": report.problems, "events": report.events,
             "head": report.head}
        )  # fmt: skip
    else:
        for problem in report.problems:
            click.echo(problem)
        click.echo(
            f"ok: {report.events} events, history head {report.head[:16]}"
            if report.ok
            else f"{len(report.problems)} problem(s) found"
        )
    if not report.ok:
        raise SystemExit(1)


@click.command("restore-segment")
@click.argument("segment_id", metavar="SEGMENT", type=int)
@pass_state
def restore_segment(state: DeskState, segment_id: int) -> None:
    """Bring back a segment that an edited original made obsolete, with its translations."""
    segment = restore_obsolete(state.db, segment_id, state.acting_name)
    click.echo(f"segment {segment_id} restored in {segment['article_id']}: {segment['text']}")
