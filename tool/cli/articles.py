"""Commands for articles: init, import, articles, show, segment."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from tool.cli.app import DeskState, json_option, pass_desk, pass_state, print_json, print_table
from tool.cli.desk import Desk
from tool.cli.render import side_by_side, visible
from tool.core.article import parse_plain_text
from tool.core.locale import validate_lang
from tool.core.segment import segment_sentences
from tool.db.migrations import schema_version
from tool.services.importer import import_originals


@click.command()
@pass_state
def init(state: DeskState) -> None:
    """Create the database (or bring its schema up to date)."""
    state.may_create = True
    db = state.db
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    click.echo(f"database {path} ready (schema version {schema_version()})")


def metadata_options(func):
    """--id, --lang, --title ... for plain-text files without front matter."""
    for name, help_text in reversed(
        [
            ("id", "Article id (default: the file name)."),
            ("lang", "Language code, e.g. ro."),
            ("title", "Title."),
            ("section", "Section."),
            ("author", "Author."),
            ("source", "Source (agency, outlet)."),
            ("published", "Publication date (YYYY-MM-DD)."),
        ]
    ):
        func = click.option(f"--{name}", f"meta_{name}", help=help_text)(func)
    return func


def collect_meta(kwargs: dict) -> dict[str, Any]:
    return {k[5:]: v for k, v in kwargs.items() if k.startswith("meta_") and v}


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@metadata_options
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@json_option
@pass_state
def import_(
    state: DeskState, paths: tuple[str, ...], dry_run: bool, as_json: bool, **kwargs
) -> None:
    """Import original articles (files or folders of .md/.txt).

    Markdown files carry their metadata in front matter; for plain-text files give it
    as options. Nothing is imported unless every file is valid. Re-importing an edited
    original keeps every translation: unchanged sentences keep theirs, edited ones keep
    the old one marked needs_review, removed ones become obsolete (see restore-segment).
    """
    state.may_create = True
    results = import_originals(
        state.db, paths, user=state.acting_name, dry_run=dry_run, **collect_meta(kwargs)
    )
    if as_json:
        print_json([asdict(r) for r in results])
        return
    print_import_results(results, dry_run)


def print_import_results(results, dry_run: bool = False, label: str = "") -> None:
    """One line per file, the changes of updated articles, and a summary line.

    With a label (as sync prints), unchanged files are left out of the list.
    """
    prefix = "would be " if dry_run else ""
    for r in results:
        if label and r.action == "unchanged":
            continue
        note = " (already imported, unchanged)" if r.action == "unchanged" else ""
        action = r.action if r.action == "unchanged" else prefix + r.action
        click.echo(f"{action:<10} {r.article_id}: {r.segments} segments, {r.words} words{note}")
        if r.revision is not None:
            counts = r.revision.counts()
            click.echo("  " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
            for item in r.revision.edited:
                click.echo(f"  ~ {item['old']}\n    → {item['new']}")
            for text in r.revision.removed:
                click.echo(f"  - {text}")
            for text in r.revision.added:
                click.echo(f"  + {text}")
            if r.revision.new_units:
                click.echo(
                    f"  {r.revision.new_units} new units to translate, "
                    f"{r.revision.pretranslated} filled from the memory"
                )
    counts = {a: sum(r.action == a for r in results) for a in ("imported", "updated", "unchanged")}
    click.echo(
        (f"{label}: " if label else "")
        + f"{counts['imported']} {prefix}imported, {counts['updated']} {prefix}updated, "
        f"{counts['unchanged']} unchanged"
    )


@click.command()
@json_option
@pass_desk
def articles(desk: Desk, as_json: bool) -> None:
    """List articles with their segment and word counts."""
    rows = desk.articles()
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "lang", "segments", "words", "title"], empty="no articles yet")


@click.command()
@click.argument("article_id", metavar="ARTICLE")
@click.option("--lang", help="Show the pairs with this language's translation side by side.")
@json_option
@pass_desk
def show(desk: Desk, article_id: str, lang: str | None, as_json: bool) -> None:
    """Print an article's segments in order, with paragraph numbers.

    With --lang, each segment is shown beside its translation with the unit's id, status
    and alignment confidence; target-only lines appear where they stand.
    """
    found = desk.article(article_id, lang)
    if as_json:
        print_json(found)
        return
    article = found["article"]
    if lang:
        click.echo(f"{article['id']} [{article['lang']} → {found['lang']}] {article['title']}")
        for line in side_by_side(found["pairs"]):
            click.echo(line)
        return
    segments = found["segments"]
    click.echo(f"{article['id']} [{article['lang']}] {article['title']}")
    for seg in segments:
        click.echo(
            f"¶{seg['paragraph']:<3} #{seg['id']:<6} {seg['kind']:<7} {visible(seg['text'])}"
        )


@click.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--lang", required=True, help="Language code of the text, e.g. ro or en.")
def segment(file, lang: str) -> None:
    """Print the sentences of a plain-text file, one per line.

    Paragraphs (separated by blank lines) are separated by a blank line in the output.
    FILE may be - for standard input.
    """
    lang = validate_lang(lang)
    try:
        text = file.read()
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name}: not valid UTF-8") from None
    paragraphs = [block.text for block in parse_plain_text(text).blocks]
    out = sys.stdout
    for number, paragraph in enumerate(paragraphs):
        if number:
            out.write("\n")
        for sentence in segment_sentences(paragraph, lang):
            out.write(" ".join(sentence.split()) + "\n")
