"""The main job: `sync` the project's files into the database."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tool.cli.alignment import print_translation_results
from tool.cli.app import DeskState, pass_state, print_table
from tool.cli.articles import print_import_results
from tool.db.connection import project_root
from tool.errors import InputError
from tool.formats import FORMATS
from tool.services.articles import list_articles
from tool.services.sync import DEFAULT_EXPORTS, count_files
from tool.services.sync import sync as run_sync

PROGRESS_FROM = 20  # files; shorter runs print no progress bar
EXPORTS_ENV_VAR = "DESK_EXPORTS"


def configured_exports() -> tuple[str, ...]:
    """The formats sync writes: $DESK_EXPORTS (comma-separated) or the default."""
    names = [n.strip() for n in os.environ.get(EXPORTS_ENV_VAR, "").split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise InputError(f"${EXPORTS_ENV_VAR}: unknown export format {unknown[0]!r}")
    return tuple(names) or DEFAULT_EXPORTS


@click.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    help="Project folder holding originals/ and translations/ (default: this project).",
)
@click.option(
    "--export",
    "exports",
    multiple=True,
    type=click.Choice(sorted(FORMATS)),
    help=f"Formats to write into exports/<lang>/ (repeatable; default from ${EXPORTS_ENV_VAR}, "
    f"else {' and '.join(DEFAULT_EXPORTS)}).",
)
@click.option("--no-export", is_flag=True, help="Write no exports.")
@pass_state
def sync(state: DeskState, root: str | None, exports: tuple[str, ...], no_export: bool) -> None:
    """Import every new or changed file of the project, align new translations, export.

    Originals (originals/<lang>/*.md) are imported or updated without losing any
    translation; translations (translations/<lang>/*.md) are aligned with their
    originals; then the side-by-side HTML pages and TMX (or the formats the desk
    configured) are written into exports/<lang>/. Ends with a summary and the list
    of articles.
    """
    formats = () if no_export else exports or configured_exports()
    folder = Path(root) if root else project_root()
    total = count_files(folder)
    if total >= PROGRESS_FROM:
        with click.progressbar(
            length=total, label="sync", file=click.get_text_stream("stderr")
        ) as bar:
            report = run_sync(
                state.db,
                folder,
                user=state.acting_name,
                progress=lambda _: bar.update(1),
                exports=formats,
            )
    else:
        report = run_sync(state.db, folder, user=state.acting_name, exports=formats)
    print_import_results(report.originals, label="originals")
    if report.translations:
        click.echo("translations:")
        print_translation_results(report.translations, show_beads=False)
    for result in report.exports:
        where = Path(result.files[0]).parent if result.files else folder / "exports"
        if where.is_relative_to(Path.cwd()):
            where = where.relative_to(Path.cwd())
        click.echo(
            f"exported {result.format} [{result.lang}]: {result.articles} articles in {where}"
        )
    click.echo()
    print_table(
        list_articles(state.db), ["id", "lang", "segments", "words", "title"], empty="no articles"
    )
