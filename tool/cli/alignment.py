"""Commands for alignment: align (files, no database), import-translation, realign."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from tool.cli.app import DeskState, json_option, pass_state, print_json
from tool.core.align import REVIEW_THRESHOLD, align, format_bead
from tool.core.article import FRONT_MATTER_FENCE, parse_article, split_article
from tool.core.locale import validate_lang
from tool.core.segment import segment_sentences
from tool.errors import InputError
from tool.services.realign import OPERATIONS
from tool.services.realign import realign as realign_unit
from tool.services.translations import TranslationImportResult, import_translations


def _read_text(file) -> str:
    try:
        return file.read()
    except UnicodeDecodeError:
        raise InputError(f"{file.name}: not valid UTF-8") from None


def _read_side(file, lang: str, presegmented: bool) -> tuple[list[str], list[int] | None]:
    """Segments and paragraph numbers of one input: an article file (front matter set
    aside, the title a segment of its own, as ``import-translation`` reads it) or plain
    lines."""
    text = _read_text(file)
    if not presegmented and text.lstrip("\ufeff").startswith(FRONT_MATTER_FENCE):
        sentences = split_article(parse_article(text, file.name), lang)
        return [s.text for s in sentences], [s.paragraph for s in sentences]
    return _segments([" ".join(line.split()) for line in text.splitlines()], lang, presegmented)


def _segments(
    lines: list[str], lang: str, presegmented: bool
) -> tuple[list[str], list[int] | None]:
    """Segments and their paragraph numbers (each line split into sentences), or one segment
    per line and no paragraphs."""
    texts: list[str] = []
    paragraphs: list[int] = []
    for number, line in enumerate(lines):
        if not line:
            continue
        parts = [line] if presegmented else segment_sentences(line, lang)
        texts.extend(parts)
        paragraphs.extend([number] * len(parts))
    return texts, None if presegmented else paragraphs


@click.command("align")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.argument("target", type=click.File("r", encoding="utf-8"))
@click.option("--source-lang", default="ro", show_default=True, help="Language of SOURCE.")
@click.option("--target-lang", default="en", show_default=True, help="Language of TARGET.")
@click.option("--presegmented", is_flag=True, help="Each input line is one segment (no splitting).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["beads", "tsv", "jsonl"]),
    default="beads",
    show_default=True,
    help="beads: [0]:[0] per line; tsv: source, target, confidence; jsonl: one object per bead.",
)
def align_command(
    source, target, source_lang: str, target_lang: str, presegmented: bool, fmt: str
) -> None:
    """Align two files sentence by sentence, without touching the database.

    An article file (front matter and Markdown, as in originals/ and translations/) is
    read as an article: the front matter is set aside and the title is a segment. In a
    plain-text file every non-empty line is a paragraph that is split into sentences;
    with --presegmented each line is one segment. Paragraph ends are anchors. Indexes in
    the output are 0-based over the segments of each side.
    """
    source_lang, target_lang = validate_lang(source_lang), validate_lang(target_lang)
    src, src_par = _read_side(source, source_lang, presegmented)
    tgt, tgt_par = _read_side(target, target_lang, presegmented)
    beads = align(
        src, tgt, source_lang, target_lang, source_paragraphs=src_par, target_paragraphs=tgt_par
    )
    for bead in beads:
        source_text = " ".join(src[i] for i in bead.source)
        target_text = " ".join(tgt[j] for j in bead.target)
        if fmt == "beads":
            click.echo(format_bead(bead))
        elif fmt == "tsv":
            click.echo(f"{source_text}\t{target_text}\t{bead.confidence:.3f}")
        else:
            click.echo(
                json.dumps(
                    {
                        "source": source_text,
                        "target": target_text,
                        "source_index": list(bead.source),
                        "target_index": list(bead.target),
                        "confidence": round(bead.confidence, 4),
                    },
                    ensure_ascii=False,
                )
            )


@click.command("import-translation")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--article", default="", help="Id of the original (for files without front matter).")
@click.option("--lang", default="", help="Language of the translation (for plain-text files).")
@click.option("--translator", default="", help="Translator's name (for plain-text files).")
@click.option("--apply", is_flag=True, help="Write the differences from units already stored.")
@click.option("--force", is_flag=True, help="With --apply, also overwrite approved units.")
@click.option("--show-beads", is_flag=True, help="Also print the alignment, one bead per line.")
@json_option
@pass_state
def import_translation(
    state: DeskState,
    paths: tuple[str, ...],
    article: str,
    lang: str,
    translator: str,
    apply: bool,
    force: bool,
    show_beads: bool,
    as_json: bool,
) -> None:
    """Import translations made outside the desk and align them with their originals.

    Each translation sentence lands on the unit of the original segment it pairs with
    (status translated, or needs_review where the alignment is weak); lines that pair
    with nothing are kept as target-only text, and the unit before them goes to review
    (`realign UNIT merge-next` joins such a line to it). Nothing is stored unless every
    file is valid. When the article already has work in that language, the differences are
    shown and written only with --apply (approved units only with --force).
    """
    results = import_translations(
        state.db,
        paths,
        user=state.acting_name,
        article=article,
        lang=lang,
        translator=translator,
        apply=apply,
        force=force,
    )
    if as_json:
        print_json([asdict(r) for r in results])
        return
    print_translation_results(results, show_beads)


def print_translation_results(results: list[TranslationImportResult], show_beads: bool) -> None:
    """A line per file; the differences of changed files; the beads on request."""
    for r in results:
        name = f"{r.article_id} [{r.lang}]"
        if r.action == "unchanged":
            click.echo(f"unchanged  {name}: already imported")
            continue
        if r.action == "differs":
            click.echo(
                f"differs    {name}: {len(r.differences)} unit(s) differ from the database; "
                "run with --apply to write them"
            )
        else:
            flagged = r.beside_target_only
            beside = f" ({flagged} for target-only text)" if flagged else ""
            click.echo(
                f"{r.action:<10} {name}: {r.beads} beads, {r.translated} translated, "
                f"{r.needs_review} need review{beside}, "
                f"{r.untranslated} source segments untranslated, {r.target_only} target-only"
                + (f", {r.kept_approved} approved kept (use --force)" if r.kept_approved else "")
                + f"; {r.weak} weak beads (confidence below {REVIEW_THRESHOLD})"
            )
        if r.action != "aligned":
            for d in r.differences:
                unit = f"#{d['unit']}" if d["unit"] else "new"
                click.echo(f"  {unit} [{d['status']}] {d['source']}")
                if d.get("note"):
                    click.echo(f"    {d['note']}: to review")
                else:
                    click.echo(f"    - {d['old']}\n    + {d['new']}")
        if show_beads:
            for line in r.alignment:
                click.echo(f"  {line}")


@click.command()
@click.argument("unit_id", metavar="UNIT", type=int)
@click.argument("operation", type=click.Choice(OPERATIONS))
@pass_state
def realign(state, unit_id: int, operation: str) -> None:
    """Correct the alignment around a unit (editors).

    \b
    merge-next                join the next line into this unit's pairing: the
                              target-only line right after it, else the next segment
    split                     undo a merge: re-pair the sentences one segment each
    move-last-to-next         move this unit's last sentence to the start of the next unit
    move-first-to-previous    move this unit's first sentence to the end of the previous unit
    move-last-to-target-only  make this unit's last sentence a target-only line after it

    Approved units, and units someone else has checked out, are refused; every change is
    recorded in the units' history.
    """
    result = realign_unit(state.db, unit_id, operation, state.acting_name)
    changed = ", ".join(f"#{u}" for u in result.changed)
    if result.target_only and operation == "merge-next":
        click.echo(f"{operation}: joined the target-only line «{result.target_only}» to {changed}")
    elif result.target_only:
        click.echo(f"{operation}: «{result.target_only}» is target-only text after {changed}")
    else:
        click.echo(f"{operation}: changed units {changed}")
