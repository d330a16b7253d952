"""The main job: `sync` the project's files into the database."""

from __future__ import annotations

from pathlib import Path

import click

from tool.cli.alignment import print_translation_results
from tool.cli.app import DeskState, cli, pass_state, print_table
from tool.cli.articles import print_import_results
from tool.db.connection import project_root
from tool.services.articles import list_articles
from tool.services.sync import count_files
from tool.services.sync import sync as run_sync

PROGRESS_FROM = 20  # files; shorter runs print no progress bar


@cli.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    help="Project folder holding originals/ and translations/ (default: this project).",
)
@pass_state
def sync(state: DeskState, root: str | None) -> None:
    """Import every new or changed file of the project, align new translations.

    Originals (originals/<lang>/*.md) are imported or updated without losing any
    translation; translations (translations/<lang>/*.md) are aligned with their
    originals. Ends with a summary and the list of articles.
    """
    folder = Path(root) if root else project_root()
    total = count_files(folder)
    if total >= PROGRESS_FROM:
        with click.progressbar(
            length=total, label="sync", file=click.get_text_stream("stderr")
        ) as bar:
            report = run_sync(
                state.db, folder, user=state.acting_name, progress=lambda _: bar.update(1)
            )
    else:
        report = run_sync(state.db, folder, user=state.acting_name)
    print_import_results(report.originals, label="originals")
    if report.translations:
        click.echo("translations:")
        print_translation_results(report.translations, show_beads=False)
    click.echo()
    print_table(
        list_articles(state.db), ["id", "lang", "segments", "words", "title"], empty="no articles"
    )
