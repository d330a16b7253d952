"""Commands for the translation memory, pretranslation and analysis."""

from __future__ import annotations

import click

from tool.cli.app import DeskState, json_option, pass_desk, pass_state, print_json, print_table
from tool.cli.desk import Desk
from tool.cli.render import short
from tool.services.analysis import analyse as analyse_job
from tool.services.memory import (
    export_tmx,
    import_tmx,
    memory_stats,
    rebuild_index,
    sync_memory,
)
from tool.services.pretranslate import pretranslate as pretranslate_article


@click.group()
def memory() -> None:
    """Search, import, export and rebuild the translation memory."""


@memory.command("search")
@click.argument("text")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--source-lang", default="ro", show_default=True, help="Source language.")
@click.option("--previous", help="The segment before TEXT, for context (101%) matches.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--min", "minimum", default=50, show_default=True, type=click.IntRange(1, 101),
              help="Lowest match percentage to show.")  # fmt: skip
@json_option
@pass_desk
def memory_search(
    desk: Desk,
    text: str,
    lang: str,
    source_lang: str,
    previous: str | None,
    limit: int,
    minimum: int,
    as_json: bool,
) -> None:
    """Exact and fuzzy matches for TEXT, best first (101 = context match, 100 = exact)."""
    matches = desk.memory_search(
        text, lang, source_lang=source_lang, previous=previous, limit=limit, minimum=minimum
    )
    if as_json:
        print_json([m.as_dict() for m in matches])
        return
    rows = [
        {"%": m.score, "source": short(m.source, 50), "target": short(m.target, 50),
         "origin": m.origin, "changed": m.changed_at[:10]}
        for m in matches
    ]  # fmt: skip
    print_table(rows, ["%", "source", "target", "origin", "changed"], empty="No matches.")


@memory.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--source-lang", help="Source language (default: each file's srclang).")
@json_option
@pass_state
def memory_import(
    state: DeskState, files: tuple[str, ...], source_lang: str | None, as_json: bool
) -> None:
    """Add the pairs of TMX FILES to the memory (pairs already in it are skipped).

    Each file is checked whole before anything is added; a bad file adds nothing. A
    large file then goes in in short batches (up to 5,000 entries, each its own
    transaction), so colleagues are not kept waiting. If an import stops half-way, run
    it again: what is already in is skipped and the rest is added.
    """
    results = [
        import_tmx(state.db, path, source_lang=source_lang, user=state.acting_name)
        for path in files
    ]
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    for r in results:
        click.echo(
            f"{r.path}: {r.added} added, {r.duplicates} already in memory, {r.skipped} skipped"
        )


@memory.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--source-lang", default="ro", show_default=True, help="Source language.")
@click.option("--lang", help="Only this target language.")
@click.option(
    "--locale",
    "locales",
    metavar="LANG=LOCALE,...",
    help="Language tags to write, for tools tied to locales (Trados): ro=ro-RO,en=en-GB.",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_state
def memory_export(
    state: DeskState,
    file: str,
    source_lang: str,
    lang: str | None,
    locales: str | None,
    force: bool,
) -> None:
    """Write the memory as a TMX 1.4b FILE (whole, or not at all)."""
    from tool.formats.tmx import parse_locales

    result = export_tmx(
        state.db,
        file,
        source_lang=source_lang,
        target_lang=lang,
        locales=parse_locales(locales),
        force=force,
    )
    click.echo(f"Wrote {result.written} units to {file}.")
    for entry in result.skipped:
        click.echo(
            f"skipped memory entry {entry['id']}: it holds {entry['character']}, "
            "which XML cannot hold"
        )


@memory.command("rebuild")
@pass_state
def memory_rebuild(state: DeskState) -> None:
    """Add every approved unit missing from the memory, then rebuild the search index."""
    added = sync_memory(state.db)
    rebuild_index(state.db)
    click.echo(f"Added {added} approved pairs; search index rebuilt.")


@memory.command("stats")
@json_option
@pass_state
def memory_stats_command(state: DeskState, as_json: bool) -> None:
    """Entries per language pair and origin."""
    rows = memory_stats(state.db)
    if as_json:
        print_json(rows)
        return
    print_table(rows, ["source_lang", "target_lang", "origin", "entries"], empty="Memory is empty.")


@click.command()
@click.argument("article")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--min", "minimum", default=100, show_default=True, type=click.IntRange(1, 101),
              help="Lowest match percentage to use (below 100: needs review).")  # fmt: skip
@json_option
@pass_state
def pretranslate(state: DeskState, article: str, lang: str, minimum: int, as_json: bool) -> None:
    """Fill ARTICLE's open units in --lang from the translation memory."""
    result = pretranslate_article(state.db, article, lang, user=state.acting_name, minimum=minimum)
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(
        f"{article} ({result.lang}): {result.exact} translated from exact matches, "
        f"{result.fuzzy} from fuzzy matches (needs review), {result.unmatched} without a match"
        + (f", {result.leased} checked out (skipped)" if result.leased else "")
        + "."
    )


@click.command()
@click.argument("articles", nargs=-1)
@click.option("--all", "all_articles", is_flag=True, help="Every article.")
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--open", "open_only", is_flag=True, help="Only segments not translated yet.")
@json_option
@pass_state
def analyse(
    state: DeskState,
    articles: tuple[str, ...],
    all_articles: bool,
    lang: str,
    open_only: bool,
    as_json: bool,
) -> None:
    """Word counts of ARTICLES by memory match band (repetitions, 101%, 100%, fuzzy...)."""
    if bool(articles) == all_articles:
        raise click.UsageError("give article ids or --all (not both)")
    result = analyse_job(
        state.db, None if all_articles else list(articles), lang, open_only=open_only
    )
    if as_json:
        print_json(result.as_dict())
        return
    total_words = result.words or 1
    rows = [
        {"band": b.name, "segments": b.segments, "words": b.words,
         "%": f"{100 * b.words / total_words:.1f}"}
        for b in result.bands
    ]  # fmt: skip
    rows.append({"band": "total", "segments": result.segments, "words": result.words, "%": "100.0"})
    print_table(rows, ["band", "segments", "words", "%"])
