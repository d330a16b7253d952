"""The `work` command: an interactive loop over the units a translator holds.

Plain line-oriented terminal I/O (click.echo / click.prompt), no curses: it works over
ssh, in any terminal, and can be driven by pexpect.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Any

import click
import sqlite_utils

from tool.cli.app import DeskState, pass_state
from tool.cli.render import STATUS_COLOURS, terminal_width
from tool.cli.workflow import edit_text, plural
from tool.errors import InputError, ToolError
from tool.services.glossary import glossary_hits
from tool.services.leases import checkout, mine
from tool.services.memory import best_matches
from tool.services.qa import check_unit
from tool.services.workflow import OPEN_STATUSES, save_draft, submit, unit_context, when

HELP = """\
Type the translation and press Enter to submit it for review.
  (Enter)   skip to the next unit            :s  submit the current text as it is
  :d TEXT   save TEXT as a draft, go on      :e  write it in $EDITOR, then submit
  :k        skip to the next unit            :b  back to the previous unit
  :1 :2 :3  submit memory match 1, 2 or 3     :q  quit (your units stay yours)
  :h        this help"""

HINT = "Enter text to submit · :s submit as is · :d draft · :e editor · :k skip · :q quit · :h help"


@click.command()
@click.argument("article", required=False)
@click.option("--lang", required=True, help="Target language, e.g. en.")
@pass_state
def work(state: DeskState, article: str | None, lang: str) -> None:
    """Translate your checked-out units one by one, interactively.

    Shows each source sentence between its neighbours, the current translation and any
    reviewer's comment, and saves as you go. When you hold no units in LANG (and
    ARTICLE) it checks some out first. Type :h in the loop for the commands.
    """
    WorkLoop(state.db, state.acting_name, lang, article).run()


class WorkLoop:
    """One session: the queue of unit ids, where we are, and what was done."""

    def __init__(
        self, db: sqlite_utils.Database, user: str, lang: str, article: str | None
    ) -> None:
        self.db, self.user, self.lang, self.article = db, user, lang, article
        self.done: Counter[str] = Counter()
        self.finished: set[int] = set()  # submitted, or no longer ours to work on

    def run(self) -> None:
        ids = [u["id"] for u in mine(self.db, self.user, self.lang, self.article)]
        if not ids:
            result = checkout(self.db, self.user, self.lang, self.article)
            ids = [u["id"] for u in result.units]
            if not ids:
                where = f" in {self.article}" if self.article else ""
                click.echo(f"nothing to translate in {result.lang}{where}")
                return
            click.echo(f"checked out {plural(len(ids))} until {when(result.expires_at)}")
        click.echo(click.style(HINT, dim=True))
        while ids:
            index = 0
            while 0 <= index < len(ids):
                step = self.visit(ids[index], index, len(ids))
                if step is None:
                    return self.summary()
                index = max(0, index + step)
            held = {u["id"] for u in mine(self.db, self.user, self.lang, self.article)}
            ids = [i for i in ids if i in held and i not in self.finished]
            if ids and not self.ask(f"\n{plural(len(ids))} left: go through them again?"):
                break
        self.summary()

    def ask(self, question: str) -> bool:
        try:
            return click.confirm(question, default=True)
        except click.Abort:
            click.echo()
            return False

    def visit(self, unit_id: int, index: int, total: int) -> int | None:
        """Show one unit and act on the answers; the step to the next unit, None to quit."""
        unit = unit_context(self.db, unit_id)
        problem = self.unworkable(unit)
        if problem:
            self.finished.add(unit_id)
            click.echo(click.style(f"unit {unit_id}: {problem}; skipped", fg="yellow"))
            return +1
        self.show(unit, index, total)
        while True:
            try:
                answer = click.prompt(
                    click.style(f"{unit['lang']}›", bold=True),
                    default="",
                    show_default=False,
                    prompt_suffix=" ",
                )
            except click.Abort:  # Ctrl-D / Ctrl-C
                click.echo()
                return None
            step = self.act(unit, answer.strip())
            if step != 0:
                return step

    def unworkable(self, unit: dict[str, Any]) -> str:
        if unit["id"] in self.finished:
            return "already done in this session"
        if unit["status"] not in OPEN_STATUSES:
            return f"it is {unit['status']} now"
        if unit["lease_user"] != self.user:
            return "it is no longer checked out by you"
        return ""

    def act(self, unit: dict[str, Any], answer: str) -> int | None:
        """Carry out one answer; 0 means ask again about the same unit."""
        command, _, rest = answer.partition(" ") if answer.startswith(":") else ("", "", "")
        if not answer or command == ":k":
            self.done["skipped"] += 1
            return +1
        if command == ":q":
            return None
        if command == ":b":
            return -1
        if command in (":h", ":?"):
            click.echo(HELP)
            return 0
        if command == ":d":
            return self.save(unit, rest, draft=True)
        if command == ":s":
            return self.save(unit, None)
        if command in (":1", ":2", ":3"):
            matches = unit.get("matches") or []
            number = int(command[1])
            if number > len(matches):
                click.echo(click.style(f"no memory match {number}", fg="red"))
                return 0
            return self.save(unit, matches[number - 1].target)
        if command == ":e":
            text = edit_text(unit)
            if text is None:
                click.echo("editor closed without saving: nothing saved")
                return 0
            return self.save(unit, text)
        if command:
            click.echo(click.style(f"unknown command {command}: type :h for help", fg="red"))
            return 0
        return self.save(unit, answer)

    def save(self, unit: dict[str, Any], text: str | None, *, draft: bool = False) -> int:
        try:
            if draft:
                save_draft(self.db, unit["id"], text or "", self.user)
            else:
                submit(self.db, unit["id"], self.user, text)
        except InputError as error:
            click.echo(click.style(f"Error: {error}", fg="red"))
            return 0
        except ToolError as error:  # lease lost, status changed: nothing more to do here
            click.echo(click.style(f"Error: {error}", fg="red"))
            return +1
        if draft:
            self.done["drafts"] += 1
            click.echo(click.style("draft saved", fg="cyan"))
        else:
            self.done["submitted"] += 1
            self.finished.add(unit["id"])
            click.echo(click.style("submitted", fg="green"))
            for finding in check_unit(self.db, unit["id"]):
                click.echo(click.style(f"  qa {finding.severity}: {finding.message}", fg="yellow"))
        return +1

    def show(self, unit: dict[str, Any], index: int, total: int) -> None:
        width = terminal_width()
        colour = STATUS_COLOURS.get(unit["status"], "magenta")
        header = (
            f"── {index + 1}/{total} · {unit['article_id']}: {unit['title']} · "
            f"segment {unit['position']} of {unit['total']} · unit {unit['id']} · "
        )
        click.echo()
        click.echo(click.style(header, bold=True) + click.style(unit["status"], fg=colour))
        if unit["previous"]:
            click.echo(click.style(_wrap("   ‹ ", unit["previous"], width), dim=True))
        click.echo(
            click.style(_wrap(f"{unit['source_lang']:>3}  ", unit["source"], width), bold=True)
        )
        if unit["next"]:
            click.echo(click.style(_wrap("   › ", unit["next"], width), dim=True))
        if unit["text"]:
            click.echo(_wrap(f"{unit['lang']:>3}  ", unit["text"], width))
        else:
            click.echo(click.style(f"{unit['lang']:>3}  (no translation yet)", dim=True))
        if unit["comment"]:
            who = f"{unit['reviewer']}: " if unit["reviewer"] else ""
            click.echo(click.style(_wrap("  !  ", f"{who}{unit['comment']}", width), fg="yellow"))
        pair = (unit["source_lang"], unit["lang"])
        unit["matches"] = best_matches(self.db, unit["source"], *pair, previous=unit["previous"])
        for number, match in enumerate(unit["matches"], 1):
            label = f" :{number} {match.score:>3}% "
            click.echo(click.style(_wrap(label, match.target, width), fg="cyan"))
        for hit in glossary_hits(self.db, unit["source"], *pair):
            avoid = f" (not: {', '.join(hit.forbidden)})" if hit.forbidden else ""
            click.echo(click.style(f"  ≡  {hit.term} → {hit.translation}{avoid}", fg="magenta"))
        click.echo(click.style(f"     lease until {when(unit['lease_expires'])}", dim=True))

    def summary(self) -> None:
        left = len(mine(self.db, self.user, self.lang, self.article))
        click.echo(
            f"\nsubmitted {self.done['submitted']}, drafts {self.done['drafts']}, "
            f"skipped {self.done['skipped']}; you still hold {plural(left)}"
            + (" (see `mine`)" if left else "")
        )


def _wrap(prefix: str, text: str, width: int) -> str:
    return (
        textwrap.fill(text, width, initial_indent=prefix, subsequent_indent=" " * len(prefix))
        or prefix.rstrip()
    )
