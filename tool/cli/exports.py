"""Commands that export bilingual articles and bring translators' and editors' files back."""

from __future__ import annotations

from dataclasses import asdict

import click

from tool.cli.app import DeskState, json_option, pass_desk, pass_state, print_json
from tool.cli.desk import Desk
from tool.cli.render import plural
from tool.formats import FORMAT_NAMES
from tool.formats.model import STATUSES


@click.command("export")
@click.argument("article_id", metavar="[ARTICLE]", required=False)
@click.option("--all", "every", is_flag=True, help="Export every article.")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default="html",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Output file, or folder for --all (default: exports/<lang>/). With --all, a "
    "file name puts every article in one tmx/xliff/xliff2/po/csv/tsv file.",
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
    "--require-complete",
    is_flag=True,
    help="With --format article: refuse an article whose title or paragraphs lack a "
    "translation (instead of writing what there is and saying so).",
)
@click.option("--force", is_flag=True, help="Replace files that exist where -o points.")
@click.option(
    "--delimiter",
    metavar="CHAR",
    help="csv/tsv: the field separator: , ; | or tab (Romanian Excel uses ;).",
)
@click.option("--excel", is_flag=True, help="csv/tsv: add a UTF-8 byte-order mark for Excel.")
@click.option(
    "--locale",
    "locales",
    metavar="MAP",
    help="tmx: language tags for tools tied to locales (Trados), e.g. ro=ro-RO,en=en-GB.",
)
@json_option
@pass_desk
def export_(
    desk: Desk,
    article_id: str | None,
    every: bool,
    lang: str,
    fmt: str,
    output: str | None,
    statuses: tuple[str, ...],
    include_unapproved: bool,
    require_complete: bool,
    force: bool,
    delimiter: str | None,
    excel: bool,
    locales: str | None,
    as_json: bool,
) -> None:
    """Export an article (or --all) for reading, for other tools, or as finished text.

    Formats: html (side-by-side page), tmx, xliff (1.2), xliff2 (2.0), po, csv, tsv,
    docx and xlsx (review files that come back with import-review) and article (the
    translation as an article file). Everything goes to exports/<lang>/ unless -o says
    otherwise; a file that exists where -o points is replaced only with --force.
    """
    from tool.formats.base import ExportOptions

    chosen = STATUSES if include_unapproved and not statuses else statuses
    wanted = ExportOptions(delimiter=delimiter, excel=excel, locales=locales)
    options = None if wanted == ExportOptions() else wanted
    result = desk.export(
        lang,
        fmt,
        article=article_id,
        every=every,
        output=output,
        statuses=chosen,
        force=force,
        require_complete=require_complete,
        options=options,
    )
    if as_json:
        print_json(asdict(result))
        return
    for path in result.files:
        click.echo(f"wrote {path}")
    for skipped in result.skipped:
        click.echo(f"skipped {skipped}: nothing approved to publish")
    for partial in result.partial:
        click.echo(f"partial {partial} (--require-complete refuses this)")


@click.command("import-work")
@click.argument("path", metavar="FILE", type=click.Path())
@click.option("--lang", help="Refuse the file unless it is for this language (or: its language).")
@click.option(
    "--fuzzy",
    type=click.Choice(("draft", "submit", "skip")),
    default="draft",
    show_default=True,
    help="Entries the file marks not finished (PO fuzzy, XLIFF states): keep them as "
    "drafts, submit them, or leave them out.",
)
@click.option(
    "--override",
    metavar="REASON",
    help="Submit entries with QA errors anyway, saying why (kept in the history).",
)
@json_option
@pass_desk
def import_work_(
    desk: Desk,
    path: str,
    lang: str | None,
    fuzzy: str,
    override: str | None,
    as_json: bool,
) -> None:
    """Bring back a translator's PO or XLIFF file (1.2 or 2.x, recognised by content).

    Finished translations land on the units you hold a lease on, as submitted (status
    translated); unfinished ones (fuzzy) are kept as drafts by default. Translators'
    notes become comments in the units' history. If any entry names a unit you do not
    hold, an unknown id or another language, nothing is imported. A finished entry with
    QA errors is kept as a draft and listed, unless --override gives a reason.
    """
    result = desk.import_work(path, lang=lang, fuzzy=fuzzy, override=override)
    if as_json:
        print_json(asdict(result))
        return
    submitted = "translation submitted" if len(result.applied) == 1 else "translations submitted"
    line = (
        f"{len(result.applied)} {submitted} ({result.lang}), {result.unchanged} unchanged, "
        f"{result.untranslated} untranslated"
    )
    if result.drafts:
        line += f", {plural(len(result.drafts), 'draft')} kept (marked not finished)"
    if result.skipped:
        line += f", {result.skipped} not finished skipped"
    if result.comments:
        line += f", {plural(result.comments, 'note')} added as comments"
    click.echo(line)
    for held in result.qa_held:
        click.echo(
            f"unit {held['unit']} kept as a draft, QA errors: {'; '.join(held['qa'])} "
            '(fix it, or import with --override "reason")'
        )


@click.command("import-review")
@click.argument("path", metavar="FILE", type=click.Path())
@json_option
@pass_state
def import_review_(state: DeskState, path: str, as_json: bool) -> None:
    """Apply an editor's review made offline in an XLSX or DOCX file from export.

    In the status column: approved, rejected (with a comment) or leave; a corrected
    target approves the unit with the edit. You act as the editor, with your own
    permissions; all or nothing, except that a unit changed since the file was exported
    is refused (listed; exit status 1) and left as it is.
    """
    from tool.services.review_files import import_review

    result = import_review(state.db, path, state.acting_name)
    if as_json:
        print_json(asdict(result))
    else:
        edited = f" ({len(result.edited)} with your edit)" if result.edited else ""
        click.echo(
            f"approved {plural(len(result.approved), 'unit')}{edited}, "
            f"rejected {len(result.rejected)}, {result.unchanged} left as they were"
        )
        for refused in result.refused:
            click.echo(f"refused {refused.where}: {refused.reason}")
    if result.refused:
        raise click.ClickException(
            f"{plural(len(result.refused), 'row')} not applied: their units changed "
            "since the export"
        )
