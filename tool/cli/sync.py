"""The main job: `sync` the project's files into the database and the exports."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from tool.cli.app import DeskState, pass_state
from tool.db.connection import project_root
from tool.errors import InputError
from tool.formats import FORMATS
from tool.services.importer import MAX_FILE_MB_ENV_VAR, MAX_SEGMENTS_ENV_VAR, ImportLimits
from tool.services.sync import DEFAULT_EXPORTS, ORIGINAL, FileOutcome, SyncReport, plan_sync
from tool.services.sync import sync as run_sync

PROGRESS_FROM = 20  # files to read; shorter runs print no progress bar
EXPORTS_ENV_VAR = "DESK_EXPORTS"
DEFAULT_LIMITS = ImportLimits()


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
@click.option(
    "--strict",
    is_flag=True,
    help="All or nothing: the first bad file stops the import and nothing is imported.",
)
@click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0, min_open=True),
    envvar=MAX_FILE_MB_ENV_VAR,
    default=DEFAULT_LIMITS.max_file_mb,
    show_default=True,
    help=f"Refuse article files larger than this (${MAX_FILE_MB_ENV_VAR}).",
)
@click.option(
    "--max-segments",
    type=click.IntRange(min=1),
    envvar=MAX_SEGMENTS_ENV_VAR,
    default=DEFAULT_LIMITS.max_segments,
    show_default=True,
    help=f"Refuse articles with more segments than this (${MAX_SEGMENTS_ENV_VAR}).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes importing at once (default: one per idle core when there are many files).",
)
@click.option("-v", "--verbose", is_flag=True, help="A line for every file imported.")
@pass_state
def sync(
    state: DeskState,
    root: str | None,
    exports: tuple[str, ...],
    no_export: bool,
    strict: bool,
    max_file_mb: float,
    max_segments: int,
    jobs: int | None,
    verbose: bool,
) -> None:
    """Import every new or changed file of the project, align new translations, export.

    Originals (originals/<lang>/*.md) are imported or updated without losing any
    translation; translations (translations/<lang>/*.md) are aligned with their
    originals; then the side-by-side HTML pages and TMX (or the formats the desk
    configured) are brought up to date in exports/<lang>/. Files unchanged since the
    last sync are not read again, and only the exports of articles that changed are
    written again.

    Each file is imported whole or not at all: a bad file is reported (one line), the
    others are imported, and the exit status is 1. With --strict nothing is imported
    unless every file is good.
    """
    formats = () if no_export else exports or configured_exports()
    folder = Path(root) if root else project_root()
    state.may_create = True
    db = state.db
    plan = plan_sync(db, folder)
    options: dict[str, Any] = {
        "user": state.acting_name,
        "exports": formats,
        "strict": strict,
        "jobs": jobs,
        "limits": ImportLimits(max_file_mb=max_file_mb, max_segments=max_segments),
        "plan": plan,
    }
    if plan.files >= PROGRESS_FROM:
        with click.progressbar(length=plan.files, label="sync", file=sys.stderr) as bar:

            def advance(outcome: FileOutcome) -> None:
                bar.update(1)
                if verbose:
                    _print_outcome(outcome)

            report = run_sync(db, folder, on_file=advance, **options)
    else:
        on_file = _print_outcome if verbose else None
        report = run_sync(db, folder, on_file=on_file, **options)
    _print_summary(report, folder)
    if report.errors:
        for line in report.errors:
            click.echo(f"Error: {line}", err=True)
        click.get_current_context().exit(1)


def _print_outcome(outcome: FileOutcome) -> None:
    """One line for a file read (verbose), and what an updated original's revision did."""
    d = outcome.details
    if outcome.action == "error":
        return  # reported at the end, on stderr
    if outcome.kind == ORIGINAL:
        click.echo(
            f"{outcome.action:<10} {outcome.article_id}: {d['segments']} segments, "
            f"{d['words']} words"
        )
        if d.get("revision"):
            click.echo(
                "  " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in d["revision"].items())
            )
        return
    name = f"{outcome.article_id} [{outcome.lang}]"
    if outcome.action == "differs":
        click.echo(
            f"differs    {name}: {d['differences']} unit(s) differ from the database; "
            "see import-translation --apply"
        )
    elif outcome.action == "unchanged":
        click.echo(f"unchanged  {name}")
    else:
        click.echo(
            f"{outcome.action:<10} {name}: {d['beads']} beads, {d['translated']} translated, "
            f"{d['needs_review']} need review, {d['untranslated']} source segments "
            f"untranslated, {d['target_only']} target-only"
            + (f", {d['kept_approved']} approved kept" if d["kept_approved"] else "")
        )


def _print_summary(report: SyncReport, folder: Path) -> None:
    """What changed, in a few lines."""
    o, t = report.originals, report.translations
    click.echo(
        f"originals: {o['imported']} imported, {o['updated']} updated, {o['unchanged']} unchanged"
        + (f", {o['error']} not imported" if o["error"] else "")
    )
    if sum(t.values()):
        click.echo(
            f"translations: {t['aligned']} aligned, {t['updated']} updated, "
            f"{t['unchanged']} unchanged"
            + (f", {len(report.differs)} differ (not applied)" if report.differs else "")
            + (f", {t['error']} not imported" if t["error"] else "")
        )
    if report.differs:
        shown = ", ".join(report.differs[:5]) + (", ..." if len(report.differs) > 5 else "")
        click.echo(f"  differ from the desk's units: {shown} (see import-translation --apply)")
    for result in report.exports:
        where = folder / "exports" / result.lang
        if where.resolve().is_relative_to(Path.cwd()):
            where = where.resolve().relative_to(Path.cwd())
        if result.files:
            click.echo(
                f"exported {result.format} [{result.lang}]: {result.articles} "
                f"article{'' if result.articles == 1 else 's'} written in {where}"
            )
        else:
            click.echo(f"exported {result.format} [{result.lang}]: up to date")
    click.echo(f"{report.articles} article{'' if report.articles == 1 else 's'} in the desk")
