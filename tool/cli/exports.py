"""Commands that export bilingual articles and bring translators' files back."""

from __future__ import annotations

from dataclasses import asdict

import click

from tool.cli.app import DeskState, json_option, pass_state, print_json
from tool.formats import FORMATS
from tool.formats.model import STATUSES
from tool.services.exports import export
from tool.services.work_files import import_work


@click.command("export")
@click.argument("article_id", metavar="[ARTICLE]", required=False)
@click.option("--all", "every", is_flag=True, help="Export every article.")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="html",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Output file, or folder for --all (default: exports/<lang>/; "
    "translations/<lang>/ for --format article). With --all, a file name "
    "puts every article in one tmx/xliff/xliff2/po/csv/tsv file.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only pairs with this status (repeatable). Default: approved for tmx and "
    "article, every status for the others.",
)
@click.option(
    "--include-unapproved",
    is_flag=True,
    help="With --format article: use every translation, not just approved ones.",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --format article: replace a translations/ file that differs.",
)
@json_option
@pass_state
def export_(
    state: DeskState,
    article_id: str | None,
    every: bool,
    lang: str,
    fmt: str,
    output: str | None,
    statuses: tuple[str, ...],
    include_unapproved: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Export an article (or --all) for reading, for other tools, or as finished text.

    Formats: html (side-by-side page), tmx, xliff (1.2), xliff2 (2.1), po, csv, tsv,
    docx (review table) and article (the translation as translations/<lang>/<id>.md).
    """
    chosen = STATUSES if include_unapproved and not statuses else statuses
    result = export(
        state.db,
        lang,
        fmt,
        article=article_id,
        every=every,
        output=output,
        statuses=chosen,
        force=force,
    )
    if as_json:
        print_json(asdict(result))
        return
    for path in result.files:
        click.echo(f"wrote {path}")
    for article_id in result.skipped:
        click.echo(f"skipped {article_id}: nothing approved to publish")
    for path in result.kept:
        click.echo(f"kept {path}: it differs from the desk's version (--force replaces it)")


@click.command("import-work")
@click.argument("path", metavar="FILE", type=click.Path())
@click.option("--lang", help="Refuse the file unless it is for this language.")
@json_option
@pass_state
def import_work_(state: DeskState, path: str, lang: str | None, as_json: bool) -> None:
    """Bring back a translator's PO or XLIFF file (1.2 or 2.x, recognised by content).

    Translations land on the units you hold a lease on, as submitted (status
    translated). If any entry names a unit you do not hold, an unknown id or another
    language, nothing is imported.
    """
    result = import_work(state.db, path, state.acting_name, lang=lang)
    if as_json:
        print_json(asdict(result))
        return
    click.echo(
        f"{len(result.applied)} translation{'s' if len(result.applied) != 1 else ''} submitted "
        f"({result.lang}), {result.unchanged} unchanged, {result.untranslated} untranslated"
    )
