"""Commands for the translators' and editors' workflow.

checkout, renew, release, mine, translate, review, approve, reject, reopen, history and
status (and `work`, the interactive loop, in :mod:`tool.cli.work`). Each asks the desk it
is given (:mod:`tool.cli.desk`): the database file, or a served desk with --server.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import click

from tool.cli.app import json_option, pass_desk, print_json, print_table
from tool.cli.desk import Desk
from tool.cli.render import STATUS_COLOURS, plural, short, terminal_width, two_columns, visible
from tool.services.units import when

# tool.formats.WORK_FORMATS, named here so that status, mine, translate... do not import every
# format (lxml, polib...) to start; tests/test_cli_registry.py checks they agree.
WORK_FORMATS = ("po", "xliff", "xliff2")

units_option = click.option(
    "--units",
    "unit_specs",
    multiple=True,
    metavar="IDS",
    help="Unit ids, comma-separated or repeated (--units 4,5 --units 9).",
)
lang_option = click.option("--lang", help="Target language, e.g. en.")


def parse_ids(specs: Iterable[str]) -> list[int]:
    """Unit ids from arguments like ``4 5,6`` or ``#7``."""
    ids: list[int] = []
    for spec in specs:
        parts = str(spec).replace(",", " ").split()
        if not parts:
            raise click.BadParameter(f"{spec!r} names no unit")
        for part in parts:
            try:
                ids.append(int(part.lstrip("#")))
            except ValueError:
                raise click.BadParameter(f"{part!r} is not a unit id") from None
    return ids


def unit_table(
    rows: list[dict[str, Any]], *, with_text: bool = False, memory: bool = False
) -> None:
    shown = [
        {
            **row,
            "until": when(row.get("expires_at"))[11:],
            "source": short(row["source"]),
            "text": short(row.get("text")),
        }
        for row in rows
    ]
    columns = ["id", "article", "seq", "lang", "status", "source"]
    columns += ["text", "until"] if with_text else []
    if memory and any(row.get("memory") for row in rows):
        for row, show in zip(rows, shown):
            match = row.get("memory")
            show["memory"] = f"{match['score']}% {short(match['target'], 40)}" if match else ""
        columns.append("memory")
    print_table(shown, columns)


# --- check-outs ------------------------------------------------------------------------


@click.command()
@click.argument("article", required=False)
@lang_option
@click.option(
    "--count",
    type=click.IntRange(min=1),
    help="How many units (default: 20, or the whole article).",
)
@units_option
@click.option("--hours", type=float, help="Lease length (default: $DESK_LEASE_HOURS, else 4).")
@click.option(
    "--export",
    "export_format",
    type=click.Choice(WORK_FORMATS),
    help="Also write the checked-out units as a file for a CAT tool (bring it back "
    "with import-work).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Where --export writes (default: work-<lang>-<user>.<ext> here).",
)
@click.option("--force", is_flag=True, help="Let --export replace an existing file.")
@json_option
@pass_desk
def checkout(
    desk: Desk,
    article: str | None,
    lang: str | None,
    count: int | None,
    unit_specs: tuple[str, ...],
    hours: float | None,
    export_format: str | None,
    output: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Check out units to translate: lease them to you for a few hours.

    \b
    checkout --lang en            the next 20 open units of any article
    checkout --lang en ARTICLE    every open unit of the article (or --count N of them)
    checkout --units 4,5          exactly these units

    Open units are new, rejected (offered first to their translator) and needs_review
    ones that nobody else holds. Two translators checking out at once never get the
    same unit.
    """
    taken = desk.checkout(
        lang,
        article,
        count=count,
        unit_ids=parse_ids(unit_specs) or None,
        hours=hours,
        export_format=export_format,
        output=output,
        force=force,
    )
    result, written = taken.result, taken.file
    if as_json:
        print_json({**asdict(result), "export": str(written) if written else None})
        return
    if not result.units:
        where = f" in {article}" if article else ""
        click.echo(f"nothing to check out in {result.lang}{where}")
        return
    created = f" ({plural(result.created, 'new unit')} created)" if result.created else ""
    click.echo(
        f"checked out {plural(len(result.units))} in {result.lang} "
        f"until {when(result.expires_at)}{created}"
    )
    unit_table(result.units, memory=True)
    if written:
        click.echo(f"wrote {written}: translate it, then bring it back with import-work")


@click.command()
@click.argument("units", nargs=-1)
@click.option("--all", "all_units", is_flag=True, help="Every unit you hold.")
@click.option("--hours", type=float, help="New lease length from now (default as checkout).")
@json_option
@pass_desk
def renew(
    desk: Desk, units: tuple[str, ...], all_units: bool, hours: float | None, as_json: bool
) -> None:
    """Extend your leases from now (UNITS, or --all)."""
    rows = desk.renew(_ids_or_all(units, all_units), hours)
    if as_json:
        print_json(rows)
        return
    until = f" until {when(rows[0]['expires_at'])}" if rows else ""
    click.echo(f"renewed {plural(len(rows))}{until}")


@click.command()
@click.argument("units", nargs=-1)
@click.option("--all", "all_units", is_flag=True, help="Every unit you hold.")
@json_option
@pass_desk
def release(desk: Desk, units: tuple[str, ...], all_units: bool, as_json: bool) -> None:
    """Give units back without submitting them (UNITS, or --all). Drafts are kept."""
    ids = desk.release(_ids_or_all(units, all_units))
    if as_json:
        print_json({"released": ids})
        return
    click.echo(f"released {plural(len(ids))}" + (f": {', '.join(map(str, ids))}" if ids else ""))


def _ids_or_all(units: tuple[str, ...], all_units: bool) -> list[int] | None:
    if all_units and units:
        raise click.UsageError("give unit ids or --all, not both")
    if not all_units and not units:
        raise click.UsageError("say which units (UNITS) or --all")
    return None if all_units else parse_ids(units)


@click.command()
@lang_option
@click.argument("article", required=False)
@json_option
@pass_desk
def mine(desk: Desk, lang: str | None, article: str | None, as_json: bool) -> None:
    """List the units you hold, and rejected units waiting for you."""
    work = desk.mine(lang, article)
    if as_json:
        print_json(work)
        return
    held, returned = work["checked_out"], work["returned"]
    if held:
        unit_table(held, with_text=True)
    else:
        click.echo("you hold no units: check some out with `checkout --lang LANG [ARTICLE]`")
    if returned:
        click.echo(f"\nrejected and waiting for you ({len(returned)}): check them out again")
        print_table(
            [{**r, "source": short(r["source"]), "comment": short(r["comment"])} for r in returned],
            ["id", "article", "seq", "lang", "reviewer", "comment", "source"],
        )


# --- translating -----------------------------------------------------------------------


@click.command()
@click.argument("unit_id", metavar="UNIT", type=int)
@click.argument("text", required=False)
@click.option("--submit", "do_submit", is_flag=True, help="Submit for review (else save a draft).")
@click.option("--keep", is_flag=True, help="With --submit: submit the saved draft as it is.")
@click.option(
    "--override",
    metavar="REASON",
    help="With --submit: submit despite QA errors, saying why (kept in the history).",
)
@json_option
@pass_desk
def translate(
    desk: Desk,
    unit_id: int,
    text: str | None,
    do_submit: bool,
    keep: bool,
    override: str | None,
    as_json: bool,
) -> None:
    """Save a translation of UNIT as a draft, or submit it with --submit.

    TEXT may be - to read standard input; without TEXT your $EDITOR opens with the
    current text and the source. You must hold the unit (see checkout); submitting
    releases it. The quality checks run before a submission: their findings are printed
    first, and an error refuses it unless --override "reason" says why it is right.
    """
    from tool.cli.typed_text import (
        edit_translation,
        keep_lost_text,
        lease_is_theirs,
        lease_lost,
        print_back,
    )
    from tool.errors import ConflictError, ConnectionLost, PermissionDenied

    if override and not do_submit:
        raise click.UsageError("--override goes with --submit")
    if keep and (not do_submit or text is not None):
        raise click.UsageError("--keep submits the saved draft: use it with --submit, no TEXT")
    unit = desk.unit(unit_id)
    theirs = lease_is_theirs(desk, unit)  # before they type
    if text == "-":
        text = sys.stdin.read()
    elif text is None and not keep:
        text = edit_translation(unit, err=True)
    try:
        if do_submit:
            result = desk.submit(unit_id, None if keep else text, override=override)
        else:
            assert text is not None
            result = desk.save_draft(unit_id, text)
    except ConnectionLost as error:  # the desk went away: what was typed is printed back
        if text:
            print_back(text, "perhaps not saved" if error.maybe_applied else "not saved", err=True)
        raise
    except (PermissionDenied, ConflictError) as error:  # the lease may be gone: keep the text
        if not (text and theirs and lease_lost(desk, unit_id)):
            raise
        click.echo(f"Error: {error}", err=True)
        keep_lost_text(desk, unit_id, text, err=True)
        raise click.exceptions.Exit(1) from None
    if as_json:
        print_json(asdict(result))
        return
    if result.action == "submit":
        for finding in result.findings:
            click.echo(f"qa {finding['severity']} [{finding['check']}]: {finding['message']}")
        overridden = any(f["severity"] == "error" for f in result.findings)
        note = " (QA errors overridden)" if overridden else ""
        click.echo(f"submitted unit {unit_id} for review{note}")
    elif result.changed:
        click.echo(f"saved a draft of unit {unit_id} (status {result.status})")
    else:
        click.echo(f"unit {unit_id} already has this text: nothing to save")


# --- editors ---------------------------------------------------------------------------


@click.command()
@click.argument("article", required=False)
@click.option("--lang", required=True, help="Target language, e.g. en.")
@click.option("--needs-review", is_flag=True, help="Also list needs_review units.")
@json_option
@pass_desk
def review(desk: Desk, article: str | None, lang: str, needs_review: bool, as_json: bool) -> None:
    """List submitted translations waiting for review, source beside target (editors)."""
    rows = desk.review_queue(lang, article, needs_review=needs_review)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"nothing to review in {lang}" + (f" in {article}" if article else ""))
        return
    width = terminal_width()
    for row in rows:
        colour = STATUS_COLOURS.get(row["status"], "magenta")
        by = f" by {row['translator']}" if row["translator"] else ""
        click.echo(
            click.style(f"#{row['id']}", bold=True)
            + f" {row['article']}:{row['seq']} "
            + click.style(row["status"], fg=colour)
            + by
        )
        if row.get("override"):
            reason = visible(row["override"])
            click.echo(click.style(f"  QA errors overridden: {reason}", fg="red"))
        if row.get("alignment_note"):
            note = visible(row["alignment_note"])
            click.echo(click.style(f"  aligner: {note}", fg="yellow"))
        for line in two_columns(row["source"], row["text"] or "", width - 2):
            click.echo("  " + line)
        for finding in row["qa"]:
            message = visible(
                f"  qa {finding['severity']} [{finding['check']}]: {finding['message']}"
            )
            click.echo(click.style(message, fg="yellow"))
    click.echo(f"{plural(len(rows))} to review")


@click.command()
@click.argument("units", nargs=-1)
@click.option("--article", help="Approve every submitted unit of this article (with --lang).")
@click.option("--lang", help="Language, with --article.")
@click.option("--text", help="The corrected translation (one unit).")
@click.option("--comment", default="", help="A note for the history.")
@click.option(
    "--override",
    metavar="REASON",
    help="Approve despite QA errors, saying why (kept in the history).",
)
@json_option
@pass_desk
def approve(
    desk: Desk,
    units: tuple[str, ...],
    article: str | None,
    lang: str | None,
    text: str | None,
    comment: str,
    override: str | None,
    as_json: bool,
) -> None:
    """Approve translations (editors): UNITS, or every submitted unit with --article.

    Editing with --text records the old and new text. Nobody approves their own
    translation, and a translation with QA errors needs --override "reason"; with
    --article such units are skipped and listed, and the rest approved in short batches.
    """
    if article:
        if units or text or override:
            raise click.UsageError(
                "--article approves a whole article: give no UNITS, --text or --override"
            )
        if not lang:
            raise click.UsageError("--article needs --lang")
        result = desk.approve_article(article, lang)
    else:
        if not units:
            raise click.UsageError("say which units to approve (UNITS or --article)")
        result = desk.approve(parse_ids(units), text=text, comment=comment, override=override)
    if as_json:
        print_json(asdict(result))
        return
    edited = f" ({len(result.edited)} edited)" if result.edited else ""
    click.echo(f"approved {plural(len(result.approved))}{edited}")
    for skipped in result.skipped:
        click.echo(f"skipped unit {skipped['unit']}: {skipped['reason']}")


@click.command()
@click.argument("unit_id", metavar="UNIT", type=int)
@click.option("--comment", "-m", required=True, help="What to fix (required).")
@json_option
@pass_desk
def reject(desk: Desk, unit_id: int, comment: str, as_json: bool) -> None:
    """Reject a translation with a comment (editors); it goes back to its translator."""
    unit = desk.reject(unit_id, comment)
    if as_json:
        print_json(unit)
        return
    back = f" back to {unit['translator']}" if unit["translator"] else ""
    click.echo(f"rejected unit {unit_id}: sent{back}")


@click.command()
@click.argument("units", nargs=-1, required=True)
@click.option("--comment", "-m", required=True, help="Why it goes back to review (required).")
@json_option
@pass_desk
def reopen(desk: Desk, units: tuple[str, ...], comment: str, as_json: bool) -> None:
    """Send approved units back to review (editors), with a comment.

    They become needs_review and leave the translation memory until approved again;
    their text, translator and history are kept.
    """
    result = desk.reopen(parse_ids(units), comment)
    if as_json:
        print_json(result)
        return
    click.echo(f"reopened {plural(len(result))}: needs review")


# --- reports ---------------------------------------------------------------------------


@click.command()
@click.argument("unit_id", metavar="UNIT", type=int)
@json_option
@pass_desk
def history(desk: Desk, unit_id: int, as_json: bool) -> None:
    """Show every change to a unit: when, who, what, status and text before and after."""
    events = desk.history(unit_id)
    if as_json:
        print_json(events)
        return
    for event in events:
        old, new = event["old_status"] or "-", event["new_status"] or "-"
        change = old if old == new else f"{old} → {new}"
        click.echo(f"{when(event['at'])}  {event['user']:<10} {event['action']:<9} {change}")
        if event["old_text"] != event["new_text"]:
            if event["old_text"]:
                click.echo(click.style(f"    - {visible(event['old_text'])}", fg="red"))
            if event["new_text"]:
                click.echo(click.style(f"    + {visible(event['new_text'])}", fg="green"))
        if event["comment"]:
            click.echo(click.style(f"    “{visible(event['comment'])}”", fg="yellow"))


@click.command()
@click.argument("article", required=False)
@lang_option
@click.option("--by", "by", metavar="USER", help="Only units this translator translated.")
@json_option
@pass_desk
def status(
    desk: Desk, article: str | None, lang: str | None, by: str | None, as_json: bool
) -> None:
    """Progress per article and language: units and words per status, % approved, leases."""
    report = desk.status(article, lang, by=by)
    if as_json:
        print_json(asdict(report))
        return
    statuses = ["new", "translated", "needs_review", "rejected", "approved"]
    columns = ["article", "lang", "units", "words", *statuses, "approved%"]
    rows = report.rows + (
        [{**t, "article": "(all)"} for t in report.totals] if len(report.rows) > 1 else []
    )
    cells = [
        {
            **row,
            **{s: f"{row[s]}/{row['status_words'][s]}" for s in statuses},
            "approved%": f"{row['percent_approved']:.1f}",
        }
        for row in rows
    ]
    click.echo(("units translated by " + by if by else "units") + " / source words per status")
    print_table(cells, columns, empty="no units yet")
    if report.leases:
        click.echo("\nchecked out")
        print_table(
            [{**lease, "until": when(lease["until"])} for lease in report.leases],
            ["user", "article", "lang", "units", "until"],
        )
