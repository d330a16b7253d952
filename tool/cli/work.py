"""The `work` command: an interactive loop over the units a translator holds.

Line-oriented terminal I/O, no full-screen interface: it works over ssh, in any terminal,
and can be driven by pexpect. In a terminal the answers are read with line editing,
history and multi-line entry (see :mod:`tool.cli.typed_text`).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Any

import click

from tool.cli.app import Interrupted, pass_desk
from tool.cli.desk import Desk
from tool.cli.render import STATUS_COLOURS, plural, terminal_width, visible
from tool.cli.typed_text import (
    EDITING_HELP,
    LineReader,
    TypingInterrupted,
    edit_translation,
    keep_lost_text,
    lease_lost,
    open_reader,
    print_back,
)
from tool.errors import ConflictError, ConnectionLost, InputError, PermissionDenied, ToolError
from tool.services.workflow import OPEN_STATUSES, clean_text, when

HELP = f"""\
Type the translation and press Enter to submit it for review (the quality checks run
first; an error asks for a reason to submit anyway).
  (Enter)   skip to the next unit            :s  submit the current text as it is
  :d TEXT   save TEXT as a draft, go on      :e  write it in $EDITOR, then submit
  :k        skip to the next unit            :b  back to the previous unit
  :1 :2 :3  submit memory match 1, 2 or 3     :q  quit (your units stay yours)
  :h        this help
{EDITING_HELP}"""

HINT = "Enter text to submit · :s submit as is · :d draft · :e editor · :k skip · :q quit · :h help"


@click.command()
@click.argument("article", required=False)
@click.option("--lang", required=True, help="Target language, e.g. en.")
@pass_desk
def work(desk: Desk, article: str | None, lang: str) -> None:
    """Translate your checked-out units one by one, interactively.

    Shows each source sentence between its neighbours, the current translation and any
    reviewer's comment, and saves as you go. When you hold no units in LANG (and
    ARTICLE) it checks some out first. Type :h in the loop for the commands.
    """
    WorkLoop(desk, lang, article).run()


class WorkLoop:
    """One session: the queue of unit ids, where we are, and what was done."""

    def __init__(
        self,
        desk: Desk,
        lang: str,
        article: str | None,
        reader: LineReader | None = None,
    ) -> None:
        self.desk, self.lang, self.article = desk, lang, article
        self.user = desk.user
        self.reader = reader
        self.done: Counter[str] = Counter()
        self.finished: set[int] = set()  # submitted, or no longer ours to work on
        self.retry = ""  # an answer refused as it was typed, offered again to fix

    def run(self) -> None:
        ids = [u["id"] for u in self.held()]
        if not ids:
            result = self.desk.checkout(self.lang, self.article).result
            ids = [u["id"] for u in result.units]
            if not ids:
                where = f" in {self.article}" if self.article else ""
                click.echo(f"nothing to translate in {result.lang}{where}")
                return
            click.echo(f"checked out {plural(len(ids))} until {when(result.expires_at)}")
        if self.reader is None:
            self.reader = open_reader()
        click.echo(click.style(HINT, dim=True))
        while ids:
            index = 0
            while 0 <= index < len(ids):
                step = self.visit(ids[index], index, len(ids))
                if step is None:
                    return self.summary()
                index = max(0, index + step)
            held = {u["id"] for u in self.held()}
            ids = [i for i in ids if i in held and i not in self.finished]
            if ids and not self.ask(f"\n{plural(len(ids))} left: go through them again?"):
                break
        self.summary()

    def held(self) -> list[dict[str, Any]]:
        """The units the translator holds in the session's language (and article)."""
        return self.desk.mine(self.lang, self.article)["checked_out"]

    def ask(self, question: str) -> bool:
        try:
            return click.confirm(question, default=True)
        except click.Abort:  # Ctrl-D (Ctrl-C raises Interrupted)
            click.echo()
            return False

    def visit(self, unit_id: int, index: int, total: int) -> int | None:
        """Show one unit and act on the answers; the step to the next unit, None to quit."""
        assert self.reader is not None
        unit = self.desk.unit(unit_id)
        problem = self.unworkable(unit)
        if problem:
            self.finished.add(unit_id)
            click.echo(click.style(f"unit {unit_id}: {problem}; skipped", fg="yellow"))
            return +1
        self.show(unit, index, total)
        # ↑ brings back the unit's text first, then what others kept for it
        recall = [stray["text"] for stray in unit["stray_drafts"]] + [unit["text"] or ""]
        while True:
            default, self.retry = self.retry, ""
            try:
                answer = self.reader.read(f"{unit['lang']}›", recall, default=default)
            except EOFError:  # Ctrl-D
                click.echo()
                return None
            except TypingInterrupted as stop:  # Ctrl-C: keep what was typed, then quit
                self.keep_typing(unit, stop.text)
                raise Interrupted(at_line_start=True) from None
            step = self.act(unit, answer.strip())
            if step != 0:
                return step

    def keep_typing(self, unit: dict[str, Any], typed: str) -> None:
        """Save half-typed text (or a half-typed :d TEXT) as the unit's draft."""
        text = typed.strip()
        if text.startswith(":d ") or text.startswith(":d\n"):
            text = text[2:].strip()
        elif text.startswith(":"):
            return
        if text and text != unit["text"]:
            self.save(unit, text, draft=True)

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
        command, rest = "", ""
        if answer.startswith(":"):
            command, *more = answer.split(maxsplit=1)
            rest = more[0] if more else ""
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
            return self.save(unit, rest, draft=True, typed=answer)
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
            try:
                text = edit_translation(unit)
            except InputError as error:
                click.echo(str(error))
                return 0
            return self.save(unit, text)
        if command:
            click.echo(click.style(f"unknown command {command}: type :h for help", fg="red"))
            return 0
        return self.save(unit, answer, typed=answer)

    def save(
        self, unit: dict[str, Any], text: str | None, *, draft: bool = False, typed: str = ""
    ) -> int:
        """Save or submit; ``typed`` is the answer to offer again if the text is refused.

        Before a submission the quality checks run on the text: their findings are shown,
        and errors stop it unless the translator gives a reason to submit anyway.
        """
        try:
            if draft:
                self.desk.save_draft(unit["id"], text or "")
            else:
                go, reason = True, None
                if not lease_lost(self.desk, unit["id"]):  # else: refused below
                    go, reason = self.check_first(unit, text)
                if not go:
                    if typed and self.reader and self.reader.prefills:
                        self.retry = typed
                    return 0
                self.desk.submit(unit["id"], text, override=reason)
        except ConnectionLost as error:  # the desk went away: the session ends, text shown
            if text:
                print_back(text, "perhaps not saved" if error.maybe_applied else "not saved")
            raise
        except InputError as error:
            click.echo(click.style(f"Error: {error}", fg="red"))
            if typed and text and self.reader and self.reader.prefills:
                self.retry = typed
                click.echo(click.style("fix it and press Enter again", dim=True))
            elif text:
                print_back(text, "not saved")
            return 0
        except (PermissionDenied, ConflictError) as error:  # lease lost, status changed
            click.echo(click.style(f"Error: {error}", fg="red"))
            if text and text != unit["text"] and lease_lost(self.desk, unit["id"]):
                keep_lost_text(self.desk, unit["id"], text)
            return +1
        except ToolError as error:
            click.echo(click.style(f"Error: {error}", fg="red"))
            return +1
        if draft:
            self.done["drafts"] += 1
            click.echo(click.style(f"draft of unit {unit['id']} saved", fg="cyan"))
        else:
            self.done["submitted"] += 1
            self.finished.add(unit["id"])
            click.echo(click.style("submitted", fg="green"))
        return +1

    def check_first(self, unit: dict[str, Any], text: str | None) -> tuple[bool, str | None]:
        """Show the QA findings on the text about to be submitted; with errors, ask for a
        reason to submit anyway. Returns (go ahead, the reason)."""
        proposed = clean_text(unit["text"] if text is None else text)
        findings = self.desk.check_text(unit, proposed)
        for finding in findings:
            colour = "red" if finding.severity == "error" else "yellow"
            message = f"  qa {finding.severity} [{finding.check}]: {finding.message}"
            click.echo(click.style(message, fg=colour))
        if not any(f.severity == "error" for f in findings):
            return True, None
        try:
            reason = click.prompt(
                "  QA errors: why is it right? (a reason submits it; Enter edits again)",
                default="",
                show_default=False,
            ).strip()
        except click.Abort:  # Ctrl-D
            click.echo()
            reason = ""
        return bool(reason), reason or None

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
        unit["matches"] = self.desk.unit_matches(unit)
        for number, match in enumerate(unit["matches"], 1):
            label = f" :{number} {match.score:>3}% "
            click.echo(click.style(_wrap(label, match.target, width), fg="cyan"))
        for stray in unit["stray_drafts"]:
            who = "you" if stray["user"] == self.user else stray["user"]
            kept = f"kept by {who} after losing the lease, {when(stray['at'])} (↑ recalls it): "
            click.echo(click.style(_wrap("  ✎  ", kept + stray["text"], width), fg="blue"))
        for hit in self.desk.unit_glossary(unit):
            avoid = f" (not: {', '.join(hit.forbidden)})" if hit.forbidden else ""
            click.echo(click.style(f"  ≡  {hit.term} → {hit.translation}{avoid}", fg="magenta"))
        click.echo(click.style(f"     lease until {when(unit['lease_expires'])}", dim=True))

    def summary(self) -> None:
        left = len(self.held())
        click.echo(
            f"\nsubmitted {self.done['submitted']}, drafts {self.done['drafts']}, "
            f"skipped {self.done['skipped']}; you still hold {plural(left)}"
            + (" (see `mine`)" if left else "")
        )


def _wrap(prefix: str, text: str, width: int) -> str:
    return (
        textwrap.fill(
            visible(text), width, initial_indent=prefix, subsequent_indent=" " * len(prefix)
        )
        or prefix.rstrip()
    )
