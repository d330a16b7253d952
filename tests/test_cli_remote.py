"""The CLI against a served desk (--server, login): the same commands, output and rules.

The desks here are served for real (`manage.py serve` on a free 127.0.0.1 port, uvicorn,
HTTP); the commands run in-process with click's runner, as a script would run them.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result

from tests.conftest import PROJECT, snapshot
from tests.web_helpers import PASSWORDS, Served, cheap_hashing, make_desk, serving, token_for
from tool.cli import cli
from tool.db.connection import open_database
from tool.services import auth

README = PROJECT / "README.md"
#: The tour's commands that work on the database file itself: run beside the server.
ON_THE_FILE = {"user", "import", "sync", "glossary add"}


@pytest.fixture(autouse=True)
def cheap_argon2():
    with cheap_hashing():
        yield


@pytest.fixture
def desk(db_path):
    make_desk(db_path)
    return db_path


@pytest.fixture
def served(desk, tmp_path) -> Iterator[Served]:
    with serving(desk, tmp_path / "serve.log") as server:
        yield server


@pytest.fixture
def remote(served, desk):
    """run(user, *args, input=None, env=None): a command against the served desk, acting
    with a token of ``user``."""
    tokens: dict[str, str] = {}
    runner = CliRunner()

    def invoke(user: str, *args: str, input: str | None = None, env: dict | None = None):
        if user not in tokens:
            tokens[user] = token_for(desk, user)
        return runner.invoke(
            cli,
            ["--server", served.url, *map(str, args)],
            input=input,
            env={"DESK_TOKEN": tokens[user], "DESK_USER": None, "DESK_DB": None, **(env or {})},
            catch_exceptions=False,
        )

    return invoke


def one_error(result: Result) -> str:
    """The one line a refused command printed on stderr (and nothing on stdout)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- the tour, local and served ---------------------------------------------------------


def tour_steps() -> list[tuple[str, list[str]]]:
    """The README's tour as (acting user, arguments) steps, in order."""
    text = README.read_text(encoding="utf-8")
    script = re.search(r"## A day at the desk.*?```bash\n(.*?)```", text, re.S).group(1)
    steps, user = [], None
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("export DESK_DB="):
            continue
        if line.startswith("export DESK_USER="):
            user = line.partition("=")[2]
            continue
        words = shlex.split(line)
        assert words[:2] == ["python", "manage.py"], f"the test does not know: {line}"
        args = words[2:]
        acting = user
        if args[0] == "--user":
            acting, args = args[1], args[2:]
        steps.append((acting, args))
    return steps


class Day:
    """One run of the tour (and more), on a local database file or on a served desk.

    Commands that work on the file itself (``ON_THE_FILE``) always run on the file, as
    on the server's machine; the others run on the served desk when there is one. The
    outputs are kept, normalised (times, folders), to compare the two runs.
    """

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, *, served: bool) -> None:
        self.root = root
        self.project = root / "project"
        for name in ("originals", "translations", "tests/data"):
            shutil.copytree(PROJECT / name, self.project / name)
        shutil.copy(PROJECT / "manage.py", self.project)
        self.folder = root / "files"  # the tour's /tmp
        self.folder.mkdir()
        self.db_path = root / "desk.db"
        self.served = served
        self.stack = ExitStack()
        self.server: Served | None = None
        self.tokens: dict[str, str] = {}
        self.outputs: list[tuple[str, int, str, str]] = []
        self.ids: tuple[str, str] = ("", "")  # the two units checked out after the tour
        self.runner = CliRunner()
        monkeypatch.chdir(self.project)

    def run(
        self, user: str, *args: str, input: str | None = None, env: dict | None = None
    ) -> Result:
        args = tuple(map(str, args))
        command = " ".join(args[:2]) if args[0] in ("glossary", "user") else args[0]
        on_the_file = not self.served or command in ON_THE_FILE or args[0] == "user"
        settings: dict[str, str | None] = {"DESK_DB": None, "DESK_SERVER": None}
        if on_the_file:
            prefix = ["--db", str(self.db_path)]
            settings.update(DESK_USER=user, DESK_TOKEN=None)
        else:
            prefix = ["--server", self.start()]
            settings.update(DESK_USER=None, DESK_TOKEN=self.tokens[user])
        result = self.runner.invoke(
            cli, [*prefix, *args], input=input, env={**settings, **(env or {})},
            catch_exceptions=False,
        )  # fmt: skip
        line = self.normal(f"{user}: {' '.join(args)}")
        self.outputs.append((line, result.exit_code, self.normal(result.stdout),
                             self.normal(result.stderr)))  # fmt: skip
        return result

    def start(self) -> str:
        """The server, started at the first command that goes to it, with tokens."""
        if self.server is None:
            db = open_database(self.db_path)
            try:
                for name in ("ana", "mihai", "elena"):
                    self.tokens[name] = auth.issue_token(db, name, by="ana").token
            finally:
                db.close()
            log = self.root / "serve.log"
            self.server = self.stack.enter_context(serving(self.db_path, log))
        return self.server.url

    def normal(self, text: str) -> str:
        """Output with the run's folders and the clock's times replaced by names."""
        text = text.replace(str(self.folder), "<files>").replace(str(self.project), "<project>")
        text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?( UTC)?", "<time>", text)
        text = re.sub(r"\b\d\d:\d\d UTC\b", "<time>", text)
        return re.sub(r"\b\d{8}T\d{6}Z\b", "<time>", text)  # TMX's dates

    def state(self) -> dict[str, list[tuple]]:
        """What the desk holds, without times, hashes and the accounts' bookkeeping."""
        queries = {
            "units": "SELECT id, segment_id, lang, text, status, translator, reviewer, origin, "
            "confidence, joined_to, comment FROM units ORDER BY id",
            "events": "SELECT id, unit_id, user, action, old_status, new_status, old_text, "
            "new_text, comment, detail FROM events WHERE unit_id IS NOT NULL ORDER BY id",
            "leases": "SELECT unit_id, user FROM leases ORDER BY unit_id",
            "memory": "SELECT id, source, target, unit_id, translator, reviewer, origin "
            "FROM memory ORDER BY id",
            "segments": "SELECT id, article_id, seq, text, obsolete FROM segments ORDER BY id",
        }
        conn = sqlite3.connect(self.db_path)
        try:
            return {
                table: [
                    tuple(self.normal(v) if isinstance(v, str) else v for v in row)
                    for row in conn.execute(sql)
                ]  # fmt: skip
                for table, sql in queries.items()
            }
        finally:
            conn.close()

    def files(self) -> dict[str, str]:
        """The files the day wrote outside the database, normalised (without sync's own
        bookkeeping of what it exported)."""
        found = {}
        for base, label in ((self.folder, "files"), (self.project / "exports", "exports")):
            for path in sorted(base.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    data = path.read_bytes().decode("utf-8", "replace")
                    found[f"{label}/{path.relative_to(base)}"] = self.normal(data)
        return found


def more_of_the_day(day: Day) -> None:
    """After the tour: work files, the work loop, drafts, $EDITOR and stdin, renewals,
    rejections, approving an article, reopening, and every listing as JSON."""
    run = day.run
    run("ana", "import", "tests/data/articles/budget.md")
    run("ana", "glossary", "add", "spital", "hospital", "--lang", "en")
    work = day.folder / "work.po"
    run("mihai", "checkout", "budget", "--lang", "en", "--count", "3", "--export", "po",
        "-o", work)  # fmt: skip
    run("mihai", "checkout", "budget", "--lang", "en", "--export", "po", "-o", work)  # exists
    po = polib.pofile(str(work))
    for number, entry in enumerate(po):
        entry.msgstr = ["Budget for 2025, approved", "The General Council passed it.", ""][number]
    po.save()
    run("mihai", "import-work", work, "--json")
    taken = json.loads(run("mihai", "checkout", "budget", "--lang", "en", "--count", "2",
                           "--json").stdout)  # fmt: skip
    first, second = (str(unit["id"]) for unit in taken["units"])
    day.ids = (first, second)
    run("mihai", "translate", first, "-", "--submit", input="Mr Ionescu voted against.\n")
    editor = day.root / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'The figures\\n' > \"$1\"\n")
    editor.chmod(0o755)
    run("mihai", "translate", second, env={"EDITOR": str(editor)})
    run("mihai", "translate", second, "5.5%", "--submit")  # refused: QA errors
    run("mihai", "renew", "--all", "--hours", "2")
    run("mihai", "work", "budget", "--lang", "en", input=":k\n:d Hospitals\nn\n")
    run("mihai", "mine", "--json")
    run("mihai", "release", "--all", "--json")
    run("mihai", "approve", first)  # a translator cannot
    run("elena", "review", "budget", "--lang", "en", "--needs-review", "--json")
    run("elena", "reject", first, "-m", "Say which councillor.", "--json")
    run("elena", "approve", "--article", "budget", "--lang", "en", "--json")
    run("elena", "reopen", "1", "-m", "Check the title again.", "--json")
    run("elena", "history", "1", "--json")
    run("elena", "qa", "run", "--all", "--lang", "en", "--json")
    run("elena", "qa", "budget", "--lang", "en")
    run("elena", "memory", "search", "Furtună la Constanța", "--lang", "en", "--json")
    run("elena", "glossary", "list", "--json")
    run("elena", "status", "--json")
    run("elena", "mine", "--json")
    run("elena", "show", "budget", "--lang", "en", "--json")
    run("elena", "show", "budget", "--json")
    run("elena", "articles", "--json")
    run("elena", "export", "--all", "--lang", "en", "--format", "tmx", "-o",
        day.folder / "all.tmx", "--json")  # fmt: skip
    (day.folder / "html").mkdir()
    run("elena", "export", "--all", "--lang", "en", "-o", day.folder / "html", "--json")
    run("elena", "export", "budget", "--lang", "en", "--format", "article", "--json")
    run("elena", "export", "storm", "--lang", "en", "--format", "csv", "--delimiter", ";",
        "--excel", "-o", day.folder / "storm.csv")  # fmt: skip
    run("elena", "export", "storm", "--lang", "en", "-o", day.folder / "storm.csv")  # exists
    run("elena", "export", "nothing", "--lang", "en")


def a_day(root: Path, monkeypatch: pytest.MonkeyPatch, *, served: bool) -> Day:
    day = Day(root, monkeypatch, served=served)
    with day.stack:
        for user, args in tour_steps():
            day.run(user, *(a.replace("/tmp/", f"{day.folder}/") for a in args))
        more_of_the_day(day)
    return day


@pytest.mark.slow
def test_the_tour_on_a_served_desk_matches_the_local_tour(tmp_path, monkeypatch):
    local = a_day(tmp_path / "local", monkeypatch, served=False)
    served = a_day(tmp_path / "served", monkeypatch, served=True)
    assert served.server is not None  # the served run did go through a server
    for ours, theirs in zip(local.outputs, served.outputs, strict=True):
        assert ours == theirs
    assert served.state() == local.state()
    assert served.files() == local.files()
    tour = "\n".join(out for _, _, out, _ in local.outputs)
    assert "approved 1 unit" in tour  # the tour did what it says, in both runs
    assert "The head of the emergency inspectorate (ISU) urged caution." in tour
    assert "storm.html" in "".join(served.files())
    refused = {line: err for line, code, _, err in served.outputs if code}
    first, second = served.ids
    assert refused["mihai: checkout budget --lang en --export po -o <files>/work.po"] == (
        "Error: <files>/work.po already exists: use --force to replace it\n"
    )
    assert f"mihai: translate {second} 5.5% --submit" in refused
    assert refused[f"mihai: approve {first}"] == (
        "Error: mihai is a translator: only editors or admins may do this\n"
    )
    assert refused["elena: export nothing --lang en"] == "Error: no article 'nothing'\n"


# --- identity and refusals ----------------------------------------------------------------


def test_a_translators_token_cannot_approve(remote, desk):
    assert remote("mihai", "checkout", "storm", "--lang", "en").exit_code == 0
    assert remote("mihai", "translate", "1", "Storm in Constanța", "--submit").exit_code == 0
    before = snapshot(desk)
    result = remote("mihai", "approve", "1")
    assert result.exit_code == 1
    assert one_error(result) == "Error: mihai is a translator: only editors or admins may do this"
    assert snapshot(desk) == before
    assert remote("elena", "approve", "1").stdout == "approved 1 unit\n"


def test_a_revoked_token_gets_one_clear_error(remote, desk, served):
    assert remote("mihai", "status").exit_code == 0
    db = open_database(desk)
    auth.revoke_tokens(db, "mihai", by="ana")
    db.close()
    result = remote("mihai", "status")
    assert result.exit_code == 1
    assert one_error(result) == (
        f"Error: the desk at {served.url} refused the token (invalid or revoked token): "
        f"log in again with `login {served.url}`, or set $DESK_TOKEN"
    )


def test_no_token_says_how_to_get_one(served):
    result = CliRunner().invoke(
        cli, ["--server", served.url + "/", "status"], env={"DESK_TOKEN": None}
    )
    assert result.exit_code == 1
    assert one_error(result) == (
        f"Error: no token for the desk at {served.url}: log in with `login {served.url}`, or "
        "set $DESK_TOKEN to a token from `user token NAME`"
    )


@pytest.mark.parametrize(
    "given, message",
    [
        (["--user", "elena"],
         "--user does not apply to a served desk: your token says who you are"),
        ({"DESK_USER": "elena"}, "$DESK_USER does not apply to a served desk: your token says "
                                 "who you are (unset DESK_USER)"),
    ],
)  # fmt: skip
def test_user_is_refused_with_a_server(given, message):
    args = given if isinstance(given, list) else []
    env = {"DESK_TOKEN": "desk_never-sent", **(given if isinstance(given, dict) else {})}
    result = CliRunner().invoke(cli, ["--server", "http://127.0.0.1:9", *args, "approve", "1"],
                                env=env)  # fmt: skip
    assert result.exit_code == 2
    assert one_error(result) == f"Error: {message}"


@pytest.mark.parametrize(
    "args",
    [
        ["backup", "copy.db"],
        ["restore", "copy.db"],
        ["check"],
        ["init"],
        ["sync"],
        ["import", "storm.md"],
        ["import-translation", "storm.md"],
        ["user", "add", "dan", "--role", "translator"],
        ["user", "token", "mihai"],
        ["serve"],
        ["memory", "rebuild"],
        ["glossary", "add", "a", "b", "--lang", "en"],
        ["qa", "dismiss", "1", "numbers"],
        ["pretranslate", "storm", "--lang", "en"],
    ],
)
def test_the_database_files_own_commands_refuse_a_server(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--server", "http://127.0.0.1:9", *args])
    assert result.exit_code == 2
    name = " ".join(args[:2]) if args[0] in ("user", "memory", "glossary", "qa") else args[0]
    assert one_error(result) == (
        f"Error: `{name}` works on the database file itself, not through a served desk: run it "
        "without --server, where the database is"
    )
    assert list(tmp_path.iterdir()) == []  # no database made, no file written


def test_server_and_db_name_one_desk(tmp_path):
    result = CliRunner().invoke(
        cli, ["--server", "http://127.0.0.1:9", "--db", str(tmp_path / "d.db"), "status"]
    )
    assert result.exit_code == 2
    assert one_error(result) == "Error: --server and --db name two desks: give one"
    from_env = CliRunner().invoke(
        cli, ["status"], env={"DESK_SERVER": "http://127.0.0.1:9", "DESK_DB": "d.db"}
    )
    assert one_error(from_env) == "Error: $DESK_SERVER and $DESK_DB name two desks: give one"


def test_text_typed_after_the_lease_was_lost_is_kept_for_the_new_holder(remote, desk, tmp_path):
    assert remote("mihai", "checkout", "storm", "--lang", "en").exit_code == 0
    editor = tmp_path / "editor.py"  # while mihai writes, his lease goes to dan
    manage = [sys.executable, str(PROJECT / "manage.py"), "--db", str(desk)]
    editor.write_text(
        f"#!{sys.executable}\n"
        "import subprocess, sys\n"
        f"subprocess.run({[*manage, '--user', 'mihai', 'release', '1']!r}, check=True)\n"
        f"subprocess.run({[*manage, '--user', 'dan', 'checkout', '--units', '1']!r}, check=True)\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write('Storm in Constanța\\n')\n"
    )
    editor.chmod(0o755)
    result = remote("mihai", "translate", "1", "--submit", env={"EDITOR": str(editor)})
    assert result.exit_code == 1
    refusal, *rest = result.stderr.splitlines()
    assert re.fullmatch(
        r"Error: unit 1 is checked out by dan until [-\d]+ [:\d]+ UTC; only the lease holder "
        r"may change it",
        refusal,
    )
    assert rest == [
        "unit 1 is checked out by dan now: your text is kept for them (in the unit's history)",
        "your text, kept:",
        "  Storm in Constanța",
    ]
    assert remote("dan", "mine", "--json").exit_code == 0
    db = open_database(desk)
    kept = list(db.query("SELECT user, detail FROM events WHERE action = 'stray-draft'"))
    db.close()
    assert [(k["user"], json.loads(k["detail"])) for k in kept] == [
        ("mihai", {"draft": "Storm in Constanța", "holder": "dan"})
    ]


def test_no_work_file_no_lease(remote, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work-en-mihai.po").write_text("mine, not the desk's")
    result = remote("mihai", "checkout", "storm", "--lang", "en", "--export", "po")
    assert result.exit_code == 1
    assert one_error(result) == "Error: work-en-mihai.po already exists: use --force to replace it"
    assert json.loads(remote("mihai", "mine", "--json").stdout)["checked_out"] == []
    assert (tmp_path / "work-en-mihai.po").read_text() == "mine, not the desk's"
    forced = remote("mihai", "checkout", "storm", "--lang", "en", "--export", "po", "--force")
    assert forced.stdout.endswith(
        "wrote work-en-mihai.po: translate it, then bring it back with import-work\n"
    )
    assert 'msgid "Furtună la Constanța"' in (tmp_path / "work-en-mihai.po").read_text()


# --- a server that goes away ---------------------------------------------------------------


def editor_stopping(served: Served, folder: Path, text: str) -> Path:
    """An $EDITOR that stops the server (as its admin would), waits until it no longer
    takes connections, then writes ``text``: the desk goes away while the user types."""
    port = int(served.url.rsplit(":", 1)[1])
    editor = folder / "editor.py"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import os, signal, socket, sys, time\n"
        f"os.kill({served.process.pid}, signal.SIGTERM)\n"
        "while True:\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=0.5).close()\n"
        "    except OSError:\n"
        "        break\n"
        "    time.sleep(0.05)\n"
        f"open(sys.argv[1], 'w', encoding='utf-8').write({text!r} + '\\n')\n"
    )
    editor.chmod(0o755)
    return editor


@pytest.mark.slow  # the client tries 4 times (3 s) before it gives up
def test_a_server_stopped_mid_command_loses_nothing(remote, served, desk, tmp_path):
    assert remote("mihai", "checkout", "storm", "--lang", "en").exit_code == 0
    before = snapshot(desk)
    editor = editor_stopping(served, tmp_path, "Storm in Constanța")
    result = remote("mihai", "translate", "1", "--submit", env={"EDITOR": str(editor)})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "your text, not saved:",
        "  Storm in Constanța",
        f"Error: cannot reach the desk at {served.url} (connection refused)",
    ]
    served.stop()
    assert snapshot(desk) == before


@pytest.mark.slow  # the client tries 4 times (3 s) before it gives up
def test_the_work_loop_stops_with_the_server_and_shows_the_text(remote, served, desk, tmp_path):
    editor = editor_stopping(served, tmp_path, "The wind reached 90 km/h.")
    result = remote("mihai", "work", "storm", "--lang", "en", input="Storm in Constanța\n:e\n",
                    env={"EDITOR": str(editor)})  # fmt: skip
    assert result.exit_code == 1
    assert "submitted\n" in result.stdout
    assert result.stdout.endswith("your text, not saved:\n  The wind reached 90 km/h.\n")
    assert one_error(result) == f"Error: cannot reach the desk at {served.url} (connection refused)"
    served.stop()
    db = open_database(desk)
    units = {r["id"]: (r["status"], r["text"]) for r in db.query("SELECT * FROM units")}
    db.close()
    assert units[1] == ("translated", "Storm in Constanța")
    assert units[2] == ("new", "")


# --- login and logout ----------------------------------------------------------------------


@pytest.fixture
def config(tmp_path, monkeypatch):
    """A fresh configuration folder (platformdirs follows $XDG_CONFIG_HOME)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for name in ("DESK_TOKEN", "DESK_DB", "DESK_USER"):
        monkeypatch.delenv(name, raising=False)
    return folder / "translation-desk"


def test_login_keeps_a_private_token_and_logout_revokes_it(
    served, desk, config, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # no desk.db here: the commands must go to the server
    runner = CliRunner()
    result = runner.invoke(cli, ["login", served.url, "--name", "mihai"],
                           input=PASSWORDS["mihai"] + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = config / "login.json"
    assert result.stdout == (
        f"logged in to {served.url} as mihai (translator: en)\n"
        f"the token is kept in {stored}; `logout` removes it\n"
    )
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.stat().st_mode) == 0o700
    kept = json.loads(stored.read_text())
    assert kept["server"] == served.url and kept["user"] == "mihai"
    mine = runner.invoke(cli, ["mine", "--json"])
    assert mine.exit_code == 0, mine.output
    assert json.loads(mine.stdout) == {"checked_out": [], "returned": []}
    refused = runner.invoke(cli, ["backup", "copy.db"])
    assert one_error(refused) == (
        "Error: `backup` works on the database file itself, not through a served desk: you are "
        f"logged in to {served.url}: give --db PATH, or `logout`"
    )
    out = runner.invoke(cli, ["logout"])
    assert out.stdout == (
        f"logged out of {served.url}: the token is revoked and {stored} removed\n"
    )
    assert not stored.exists()
    db = open_database(desk)
    tokens = auth.list_tokens(db, "mihai", by="ana", revoked=True)
    assert [t.revoked_at is not None for t in tokens] == [True]
    db.close()
    assert runner.invoke(cli, ["logout"]).stdout == "not logged in\n"


def test_login_with_a_token_and_a_wrong_password(served, desk, config):
    runner = CliRunner()
    wrong = runner.invoke(cli, ["login", served.url, "--name", "mihai"], input="nope\n")
    assert wrong.exit_code == 1
    assert one_error(wrong) == "Error: wrong name or password"
    assert not config.exists()
    token = token_for(desk, "elena")
    result = runner.invoke(cli, ["login", served.url], env={"DESK_TOKEN": token})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"logged in to {served.url} as elena (editor: en)\n")
    assert json.loads((config / "login.json").read_text())["token"] == token


def test_a_stored_login_others_can_read_is_refused(served, desk, config):
    token = token_for(desk, "elena")
    assert CliRunner().invoke(cli, ["login", served.url, "--token", token]).exit_code == 0
    (config / "login.json").chmod(0o644)
    result = CliRunner().invoke(cli, ["status"])
    assert result.exit_code == 1
    path = config / "login.json"
    assert (
        one_error(result)
        == f"Error: {path} may be read by others: `chmod 600 {path}`, or log in again"
    )


# --- start-up stays fast -------------------------------------------------------------------


def test_help_and_local_commands_do_not_import_the_client(desk):
    code = (
        "import sys\n"
        "from tool.cli import cli\n"
        "for args in (['--help'], ['--db', sys.argv[1], '--user', 'ana', 'status']):\n"
        "    try:\n"
        "        cli(args, prog_name='manage.py')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('httpx', 'platformdirs', 'tool.client') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(desk)], cwd=PROJECT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert result.stdout.splitlines()[-1] == "[]"


def test_both_desks_answer_every_question_alike():
    """LocalDesk and RemoteDesk are the Desk protocol, parameter for parameter."""
    import inspect

    from tool.cli.desk import Desk, LocalDesk
    from tool.cli.remote import RemoteDesk

    questions = [name for name in vars(Desk) if not name.startswith("_")]
    assert len(questions) > 25
    for name in questions:
        asked = getattr(Desk, name)
        if isinstance(asked, property):
            assert all(isinstance(getattr(d, name), property) for d in (LocalDesk, RemoteDesk))
            continue
        wanted = list(inspect.signature(asked).parameters.values())
        for desk in (LocalDesk, RemoteDesk):
            found = list(inspect.signature(getattr(desk, name)).parameters.values())
            assert [(p.name, p.kind, p.default) for p in found] == [
                (p.name, p.kind, p.default) for p in wanted
            ], (desk.__name__, name)
