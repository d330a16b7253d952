"""Text a translator types: line editing at a prompt, the $EDITOR, and keeping what they typed
when it cannot be saved.

In a terminal, :class:`TerminalReader` uses prompt_toolkit, imported on first use (the CLI's
start-up time is measured): arrows, Home/End, history, bracketed paste and multi-line entry.
Without one (a pipe, a file, a test runner) :class:`PlainReader` reads lines as they come.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncGenerator, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import click

from tool.cli.render import visible
from tool.errors import ConnectionLost, InputError, ToolError

if TYPE_CHECKING:
    from prompt_toolkit.key_binding import KeyBindings

    from tool.cli.desk import Desk

#: A line ending in a backslash goes on on the next line (as in a shell).
CONTINUATION = "\\"

EDITING_HELP = """\
Editing: ←/→, Home/End and the usual Emacs keys move in the line; ↑/↓ bring back the
unit's current text, text others kept for it, then what you typed before. End a line
with \\ (or press Alt-Enter) to go on typing on the next line; Enter takes it all.
Ctrl-C keeps what you were typing as a draft and quits; Ctrl-D on an empty line quits."""

# Control characters as the desk refuses them (C0 but tab and newline, DEL, C1), to show
# them as \\x1b rather than let them act on the terminal when text is printed back.


class TypingInterrupted(Exception):
    """Ctrl-C at a prompt; ``text`` is what had been typed so far."""

    def __init__(self, text: str) -> None:
        super().__init__("interrupted")
        self.text = text


class LineReader(Protocol):
    prefills: bool  # whether ``default`` is offered for editing

    def read(self, prompt: str, recall: Sequence[str] = (), default: str = "") -> str:
        """One answer; EOFError at the end of input, TypingInterrupted on Ctrl-C."""
        ...


def open_reader() -> LineReader:
    """A line-editing reader when both ends are a terminal, else a plain line reader."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return TerminalReader()
    return PlainReader()


class TerminalReader:
    """Reads answers with prompt_toolkit: editing keys, history, multi-line, Ctrl-C kept.

    The history offered at each prompt is what was typed in this session followed by the
    ``recall`` texts, so ↑ first brings back the last of those (the unit's own text).
    """

    prefills = True

    def __init__(self) -> None:
        from prompt_toolkit import PromptSession

        self.typed: list[str] = []
        self.history = _history()
        self.session: PromptSession[str] = PromptSession(
            history=self.history,
            multiline=True,
            key_bindings=_key_bindings(),
            prompt_continuation=lambda width, line, wrap: "…".rjust(width - 1) + " ",
        )

    def read(self, prompt: str, recall: Sequence[str] = (), default: str = "") -> str:
        from prompt_toolkit.formatted_text import FormattedText

        entries = [*self.typed, *(text for text in recall if text)]
        self.history.entries = list(dict.fromkeys(reversed(entries)))  # newest first, once
        answer = self.session.prompt(FormattedText([("bold", prompt), ("", " ")]), default=default)
        if answer.strip():
            self.typed.append(answer)
        return answer


def _history() -> Any:
    """A prompt_toolkit History holding ``entries`` (newest first), read afresh at each prompt."""
    from prompt_toolkit.history import History

    class Entries(History):
        def __init__(self) -> None:
            super().__init__()
            self.entries: list[str] = []

        async def load(self) -> AsyncGenerator[str, None]:
            for entry in self.entries:
                yield entry

        def load_history_strings(self) -> Iterable[str]:
            return list(self.entries)

        def store_string(self, string: str) -> None:
            """Answers are added by the reader, with what each prompt recalls."""

    return Entries()


def _key_bindings() -> KeyBindings:
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        """Enter takes the answer, unless the line before the cursor ends in a backslash."""
        buffer = event.current_buffer
        if buffer.document.text_before_cursor.endswith(CONTINUATION):
            buffer.delete_before_cursor(1)
            buffer.newline(copy_margin=False)
        else:
            buffer.validate_and_handle()

    @bindings.add("escape", "enter")
    def _newline(event: KeyPressEvent) -> None:
        """Alt-Enter starts a new line."""
        event.current_buffer.newline(copy_margin=False)

    @bindings.add("c-c")
    @bindings.add("<sigint>")
    def _interrupt(event: KeyPressEvent) -> None:
        """Ctrl-C ends the prompt, handing over what was typed."""
        event.app.exit(exception=TypingInterrupted(event.current_buffer.text))

    return bindings


class PlainReader:
    """Reads answers line by line from standard input (no terminal: nothing to edit)."""

    prefills = False

    def read(self, prompt: str, recall: Sequence[str] = (), default: str = "") -> str:
        click.echo(click.style(prompt, bold=True) + " ", nl=False)
        lines: list[str] = []
        while True:
            line = sys.stdin.readline()
            if not line:
                if lines:
                    break
                raise EOFError
            line = line.rstrip("\r\n")
            if not line.endswith(CONTINUATION):
                lines.append(line)
                break
            lines.append(line[: -len(CONTINUATION)])
        return "\n".join(lines)


# --- the editor ------------------------------------------------------------------------

EDIT_HELP = "# Write the translation above. Lines starting with # are ignored."


def edit_translation(unit: dict[str, Any], *, err: bool = False) -> str:
    """The translation written in $EDITOR, opened on the unit's text and source.

    Text the desk refuses (control characters, nothing at all) is shown as one error
    line and the editor opens again on it, with the error noted, while the user wants
    to fix it. Raises InputError when there is nothing to save; refused text is printed
    back first, so it is never lost.
    """
    from tool.services.workflow import clean_text

    text, problem = unit["text"] or "", ""
    while True:
        edited = _open_editor(unit, text, problem)
        if edited is None:
            if problem:
                print_back(text, "not saved", err=err)
            raise InputError("editor closed without saving: nothing saved")
        try:
            clean_text(edited)
        except InputError as error:
            text, problem = edited, str(error)
            _echo_error(problem, err=err)
            if not _agree("Edit it again?", err=err):
                print_back(text, "not saved", err=err)
                raise InputError("nothing saved") from None
            continue
        return edited


def _open_editor(unit: dict[str, Any], text: str, problem: str) -> str | None:
    lines = [text, "", EDIT_HELP]
    if problem:
        lines.append(f"# Error: {problem}")
    lines.append(f"# Source: {_comment(unit['source'])}")
    if unit.get("comment"):
        lines.append(f"# Reviewer: {_comment(unit['comment'])}")
    for stray in unit.get("stray_drafts") or []:
        lines.append(f"# Kept from {stray['user']} (lease lost): {_comment(stray['text'])}")
    edited = click.edit("\n".join(lines) + "\n", extension=".txt")
    if edited is None:
        return None
    return "\n".join(line for line in edited.splitlines() if not line.startswith("#"))


def _comment(text: str) -> str:
    return visible(text).replace("\n", " ")


def _agree(question: str, *, err: bool) -> bool:
    try:
        return click.confirm(question, default=True, err=err)
    except click.Abort:  # end of input
        click.echo(err=err)
        return False


# --- text that cannot be saved ----------------------------------------------------------


def print_back(text: str, why: str, *, err: bool = False) -> None:
    """Print text the user typed, indented, so they can copy it."""
    shown = visible(text)
    note = " (control characters written as \\xNN)" if shown != text else ""
    click.echo(f"your text, {why}{note}:", err=err)
    for line in shown.split("\n"):
        click.echo(f"  {line}", err=err)


def lease_is_theirs(desk: Desk, unit: dict[str, Any]) -> bool:
    """True when the unit's lease is the desk user's, live or expired (nobody took it since)."""
    return bool(unit["lease_user"] == desk.user)


def lease_lost(desk: Desk, unit_id: int) -> bool:
    """True when the desk's user holds no live lease on the unit any more."""
    unit = desk.unit(unit_id)
    return unit["lease_user"] != desk.user or not unit["lease_live"]


def keep_lost_text(desk: Desk, unit_id: int, text: str, *, err: bool = False) -> None:
    """Keep text typed after the lease was lost for whoever holds the unit; say who that is.

    The text goes into the unit's history (a stray draft the holder is shown) and is
    printed back either way.
    """
    try:
        kept = desk.keep_stray_draft(unit_id, text)
    except ConnectionLost:
        print_back(text, "not saved", err=err)
        raise
    except ToolError as error:
        click.echo(f"it could not be kept in unit {unit_id}'s history: {error}", err=err)
        print_back(text, "not saved", err=err)
        return
    if kept.holder:
        where = f"unit {unit_id} is checked out by {kept.holder} now: your text is kept for them"
    else:
        where = f"nobody holds unit {unit_id} now: your text is kept for whoever checks it out"
    click.echo(f"{where} (in the unit's history)", err=err)
    print_back(kept.text, "kept", err=err)


def _echo_error(message: str, *, err: bool) -> None:
    click.echo(click.style(f"Error: {message}", fg="red"), err=err)
