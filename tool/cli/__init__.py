"""Command-line interface: thin click commands over the library.

Commands live in one module per area and are registered here, explicitly, by name: the
module and attribute holding each command, and the one-line summary ``--help`` lists.
A command's module is imported only when that command runs (see
:class:`tool.cli.app.DeskGroup`). To add a command, write it with ``@click.command()``
and add its line below; ``tests/test_cli_registry.py`` checks every summary against the
command's docstring.
"""

from tool.cli.app import LazyCommand, cli, main

COMMANDS = {
    "align": LazyCommand(
        "tool.cli.alignment:align_command",
        "Align two files sentence by sentence, without touching the database.",
    ),
    "analyse": LazyCommand(
        "tool.cli.memory:analyse",
        "Word counts of ARTICLES by memory match band (repetitions, 101%, 100%, fuzzy...).",
    ),
    "approve": LazyCommand(
        "tool.cli.workflow:approve",
        "Approve translations (editors): UNITS, or every submitted unit with --article.",
    ),
    "articles": LazyCommand(
        "tool.cli.articles:articles",
        "List articles with their segment and word counts.",
    ),
    "backup": LazyCommand(
        "tool.cli.maintenance:backup",
        "Write a consistent copy of the database to PATH (admins; safe while others work).",
    ),
    "check": LazyCommand(
        "tool.cli.maintenance:check",
        "Check the database: SQLite's integrity, the history's chain, the desk's invariants.",
    ),
    "checkout": LazyCommand(
        "tool.cli.workflow:checkout",
        "Check out units to translate: lease them to you for a few hours.",
    ),
    "export": LazyCommand(
        "tool.cli.exports:export_",
        "Export an article (or --all) for reading, for other tools, or as finished text.",
    ),
    "glossary": LazyCommand(
        "tool.cli.quality:glossary",
        "Required term translations and forbidden variants, per language pair.",
    ),
    "history": LazyCommand(
        "tool.cli.workflow:history",
        "Show every change to a unit: when, who, what, status and text before and after.",
    ),
    "import": LazyCommand(
        "tool.cli.articles:import_",
        "Import original articles (files or folders of .md/.txt).",
    ),
    "import-review": LazyCommand(
        "tool.cli.exports:import_review_",
        "Apply an editor's review made offline in an XLSX or DOCX file from export.",
    ),
    "import-translation": LazyCommand(
        "tool.cli.alignment:import_translation",
        "Import translations made outside the desk and align them with their originals.",
    ),
    "import-work": LazyCommand(
        "tool.cli.exports:import_work_",
        "Bring back a translator's PO or XLIFF file (1.2 or 2.x, recognised by content).",
    ),
    "init": LazyCommand(
        "tool.cli.articles:init",
        "Create the database (or bring its schema up to date).",
    ),
    "join-segments": LazyCommand(
        "tool.cli.segments:join_segments",
        "Join segment B into segment A, just before it (editors).",
    ),
    "login": LazyCommand(
        "tool.cli.login:login",
        "Sign in to the served desk at URL; the commands then work on it.",
    ),
    "logout": LazyCommand(
        "tool.cli.login:logout",
        "Forget the login (and revoke its token on the desk when it answers).",
    ),
    "memory": LazyCommand(
        "tool.cli.memory:memory",
        "Search, import, export and rebuild the translation memory.",
    ),
    "mine": LazyCommand(
        "tool.cli.workflow:mine",
        "List the units you hold, and rejected units waiting for you.",
    ),
    "pretranslate": LazyCommand(
        "tool.cli.memory:pretranslate",
        "Fill ARTICLE's open units in --lang from the translation memory.",
    ),
    "qa": LazyCommand(
        "tool.cli.quality:qa",
        "Quality checks: `qa ARTICLE --lang en` runs them (see `qa run --help`).",
    ),
    "realign": LazyCommand(
        "tool.cli.alignment:realign",
        "Correct the alignment around a unit (editors).",
    ),
    "reject": LazyCommand(
        "tool.cli.workflow:reject",
        "Reject a translation with a comment (editors); it goes back to its translator.",
    ),
    "release": LazyCommand(
        "tool.cli.workflow:release",
        "Give units back without submitting them (UNITS, or --all). Drafts are kept.",
    ),
    "renew": LazyCommand(
        "tool.cli.workflow:renew",
        "Extend your leases from now (UNITS, or --all).",
    ),
    "reopen": LazyCommand(
        "tool.cli.workflow:reopen",
        "Send approved units back to review (editors), with a comment.",
    ),
    "restore": LazyCommand(
        "tool.cli.maintenance:restore",
        "Replace the database's content with the backup at PATH (admins).",
    ),
    "restore-segment": LazyCommand(
        "tool.cli.maintenance:restore_segment",
        "Bring back a segment that an edited original made obsolete, with its translations.",
    ),
    "review": LazyCommand(
        "tool.cli.workflow:review",
        "List submitted translations waiting for review, source beside target (editors).",
    ),
    "segment": LazyCommand(
        "tool.cli.articles:segment",
        "Print the sentences of a plain-text file, one per line.",
    ),
    "serve": LazyCommand(
        "tool.cli.serve:serve",
        "Serve the desk in --db to a team: browser pages and a JSON API (/api/docs).",
    ),
    "show": LazyCommand(
        "tool.cli.articles:show",
        "Print an article's segments in order, with paragraph numbers.",
    ),
    "split-segment": LazyCommand(
        "tool.cli.segments:split_segment",
        "Split segment A in two before TEXT (editors).",
    ),
    "status": LazyCommand(
        "tool.cli.workflow:status",
        "Progress per article and language: units and words per status, % approved, leases.",
    ),
    "sync": LazyCommand(
        "tool.cli.sync:sync",
        "Import every new or changed file of the project, align new translations, export.",
    ),
    "translate": LazyCommand(
        "tool.cli.workflow:translate",
        "Save a translation of UNIT as a draft, or submit it with --submit.",
    ),
    "user": LazyCommand(
        "tool.cli.users:user",
        "Register the people who use the desk, with their role and languages.",
    ),
    "work": LazyCommand(
        "tool.cli.work:work",
        "Translate your checked-out units one by one, interactively.",
    ),
}

cli.register(COMMANDS)

__all__ = ["COMMANDS", "cli", "main"]
