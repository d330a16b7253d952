"""Commands for the glossary and quality checks."""

from __future__ import annotations

import click

from tool.cli.app import DeskState, json_option, pass_desk, pass_state, print_json, print_table
from tool.cli.desk import Desk
from tool.cli.render import short
from tool.services.glossary import GLOSSARY_FORMATS, add_term, import_glossary
from tool.services.qa import dismiss, list_checks


@click.group()
def glossary() -> None:
    """Required term translations and forbidden variants, per language pair."""


@glossary.command("add")
@click.argument("term")
@click.argument("translation")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--source-lang", default="ro", show_default=True, help="Source language.")
@click.option("--forbid", multiple=True, help="A wrong translation (repeatable).")
@click.option("--note", default="", help="A note for translators.")
@pass_state
def glossary_add(
    state: DeskState,
    term: str,
    translation: str,
    lang: str,
    source_lang: str,
    forbid: tuple[str, ...],
    note: str,
) -> None:
    """Add TERM -> TRANSLATION (replacing the entry for the same term)."""
    entry, new = add_term(
        state.db, term, translation, target_lang=lang, source_lang=source_lang,
        forbidden=forbid, note=note, user=state.acting_name,
    )  # fmt: skip
    verb = "Added" if new else "Updated"
    click.echo(
        f"{verb} {entry.term!r} -> {entry.translation!r} ({entry.source_lang}-{entry.target_lang})."
    )


@glossary.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--source-lang", default="ro", show_default=True, help="Source language.")
@pass_state
def glossary_import(state: DeskState, file: str, lang: str, source_lang: str) -> None:
    """Import a TBX file, or a CSV/TSV FILE (comma, semicolon or tab) with columns term,
    translation, forbidden (;-separated), note. All or nothing."""
    counts = import_glossary(
        state.db, file, target_lang=lang, source_lang=source_lang, user=state.acting_name
    )
    click.echo(f"{counts['added']} terms added, {counts['updated']} updated.")


@glossary.command("export")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--source-lang", default="ro", show_default=True, help="Source language.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GLOSSARY_FORMATS),
    default="tbx",
    show_default=True,
    help="TBX-Basic, or CSV/TSV as glossary import reads it.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File (default: stdout).")
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
@pass_state
def glossary_export(
    state: DeskState, lang: str, source_lang: str, fmt: str, output: str | None, force: bool
) -> None:
    """Export the glossary of a language pair for other tools (or another desk)."""
    from tool.fileio import write_file
    from tool.services.glossary import export_glossary

    data = export_glossary(state.db, fmt, target_lang=lang, source_lang=source_lang)
    if output is None:
        click.echo(data, nl=False)
        return
    write_file(output, data, force=force)
    click.echo(f"wrote {output}")


@glossary.command("list")
@click.option("--lang", help="Only this target language.")
@click.option("--source-lang", help="Only this source language.")
@json_option
@pass_desk
def glossary_list(desk: Desk, lang: str | None, source_lang: str | None, as_json: bool) -> None:
    """List the glossary."""
    terms = desk.glossary_terms(lang, source_lang)
    if as_json:
        print_json([t.as_dict() for t in terms])
        return
    rows = [
        {"pair": f"{t.source_lang}-{t.target_lang}", "term": t.term, "translation": t.translation,
         "forbidden": "; ".join(t.forbidden), "note": short(t.note, 40)}
        for t in terms
    ]  # fmt: skip
    print_table(rows, ["pair", "term", "translation", "forbidden", "note"], empty="No terms.")


class _QaGroup(click.Group):
    """`qa ARTICLE ...` runs the checks; `qa dismiss` and `qa checks` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_QaGroup)
def qa() -> None:
    """Quality checks: `qa ARTICLE --lang en` runs them (see `qa run --help`)."""


@qa.command("run")
@click.argument("article", required=False)
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--all", "all_articles", is_flag=True, help="Every article.")
@click.option("--severity", type=click.Choice(["error", "warning", "info"]), default="info",
              show_default=True, help="Show findings of this severity and worse.")  # fmt: skip
@click.option("--dismissed", is_flag=True, help="Also show dismissed findings.")
@json_option
@pass_desk
def qa_run(
    desk: Desk,
    article: str | None,
    lang: str,
    all_articles: bool,
    severity: str,
    dismissed: bool,
    as_json: bool,
) -> None:
    """Run the quality checks on ARTICLE's (or --all) translations in --lang.

    Exits 1 when an error-severity finding (not dismissed) is reported, 0 with warnings
    only, so a script can use it as a gate.
    """
    if bool(article) == all_articles:
        raise click.UsageError("give an article id or --all (not both)")
    findings = desk.qa_run(article, lang, severity=severity, dismissed=dismissed)
    failed = any(f.severity == "error" and not f.dismissed for f in findings)
    if as_json:
        print_json([f.as_dict() for f in findings])
        if failed:
            raise SystemExit(1)
        return
    rows = [
        {"unit": f.unit_id, "seq": f.seq, "severity": f.severity, "check": f.check,
         "message": f.message + (" (dismissed)" if f.dismissed else ""),
         "target": short(f.target, 40)}
        for f in findings
    ]  # fmt: skip
    print_table(
        rows, ["unit", "seq", "severity", "check", "message", "target"], empty="No findings."
    )
    if failed:
        errors = sum(f.severity == "error" and not f.dismissed for f in findings)
        click.echo(f"{errors} error{'s' if errors != 1 else ''}: fix them or dismiss false alarms")
        raise SystemExit(1)


@qa.command("dismiss")
@click.argument("unit", type=int)
@click.argument("check_id", metavar="CHECK")
@pass_state
def qa_dismiss(state: DeskState, unit: int, check_id: str) -> None:
    """Mark UNIT's CHECK finding as a false alarm (hidden while the texts are unchanged)."""
    dismiss(state.db, unit, check_id, user=state.acting_name)
    click.echo(f"Dismissed {check_id!r} on unit {unit}.")


@qa.command("checks")
@json_option
def qa_checks(as_json: bool) -> None:
    """List the quality checks."""
    rows = list_checks()
    if as_json:
        print_json(rows)
        return
    print_table(rows, ["id", "severity", "description"])
