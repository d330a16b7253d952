"""Benchmark the CLI as users feel it: process start-up and everyday commands (a script).

    python tests/benchmarks/bench_cli.py                      # this tree, 5,000 articles
    python tests/benchmarks/bench_cli.py --before 9846d34     # ... beside an older commit

Builds a desk of ``--articles`` articles (30 segments each, English units in every
status, three users, a translator holding leases and a few rejected units waiting for
him) with plain SQL, then times whole processes as a user runs them: ``--help``,
``status --lang en``, ``mine``, ``translate`` (a draft) and ``checkout --count 20``,
beside ``sqlite-utils --help`` (a dependency: the same interpreter and disk) measured in
the same rounds. Every round runs every command once, so a busy machine slows all of
them alike; the table gives the median wall time of the rounds, the median CPU time,
and the ratio of wall times to ``sqlite-utils --help``.

Goals (issue 15): ``--help`` <= 250 ms and no slower than ``sqlite-utils --help``;
``status``, ``mine``, ``translate``, ``checkout`` <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SEGMENTS = 30
STATUSES = ("new", "new", "new", "translated", "approved", "approved")  # by unit id % 6
NOW = "2026-01-02T03:04:05.000000Z"
LATER = "2999-01-01T00:00:00.000000Z"


def build(project: Path, path: Path, articles: int) -> None:
    """A desk database: the project's own schema, then rows in bulk."""
    subprocess.run(
        [sys.executable, str(project / "manage.py"), "--db", str(path), "init"],
        check=True,
        capture_output=True,
    )
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO users (name, role, languages, created_at) VALUES (?, ?, ?, ?)",
        [
            ("ana", "admin", "[]", NOW),
            ("mihai", "translator", '["en"]', NOW),
            ("elena", "editor", '["en"]', NOW),
        ],
    )
    conn.executemany(
        "INSERT INTO articles (id, lang, title, meta, content_hash, imported_at, updated_at) "
        "VALUES (?, 'ro', ?, '{}', ?, ?, ?)",
        ((f"art-{a:05d}", f"Articolul {a}", f"h{a}", NOW, NOW) for a in range(articles)),
    )
    conn.executemany(
        "INSERT INTO segments (id, article_id, seq, paragraph, position, kind, text, hash, "
        "words, obsolete, created_at) VALUES (?, ?, ?, ?, ?, 'text', ?, '', 9, 0, ?)",
        (
            (
                a * SEGMENTS + s + 1,
                f"art-{a:05d}",
                s,
                1 + s // 4,
                s % 4,
                f"Propoziția {s} a articolului {a} vorbește despre bugetul Capitalei.",
                NOW,
            )
            for a in range(articles)
            for s in range(SEGMENTS)
        ),
    )
    conn.executemany(
        "INSERT INTO units (id, segment_id, lang, text, status, translator, origin, updated_at) "
        "VALUES (?, ?, 'en', ?, ?, ?, 'human', ?)",
        (
            (
                n,
                n,
                "" if STATUSES[n % 6] == "new" else f"Sentence {n}.",
                STATUSES[n % 6],
                "" if STATUSES[n % 6] == "new" else "mihai",
                NOW,
            )
            for n in range(1, articles * SEGMENTS + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO events (unit_id, at, user, action, old_status, new_status, old_text, "
        "new_text, comment) VALUES (?, ?, 'ana', 'create', NULL, 'new', NULL, '', '')",
        ((n, NOW) for n in range(1, articles * SEGMENTS + 1)),
    )
    # a few rejected and needs_review units; mihai holds the new units of the first article
    conn.execute("UPDATE units SET status = 'rejected' WHERE id % 997 = 3")
    conn.execute("UPDATE units SET status = 'needs_review' WHERE id % 211 = 5")
    conn.executemany(
        "INSERT INTO leases (unit_id, user, expires_at, created_at) VALUES (?, 'mihai', ?, ?)",
        ((n, LATER, NOW) for n in range(1, SEGMENTS + 1) if STATUSES[n % 6] == "new"),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def commands(project: Path, db: Path) -> dict[str, list[str]]:
    manage = [sys.executable, str(project / "manage.py"), "--db", str(db)]
    held = 1  # a `new` unit of the first article, leased to mihai
    return {
        "--help": [*manage, "--help"],
        "status": [*manage, "--user", "ana", "status", "--lang", "en"],
        "mine": [*manage, "--user", "mihai", "mine"],
        "translate": [*manage, "--user", "mihai", "translate", str(held), "A draft."],
        "checkout": [*manage, "--user", "mihai", "checkout", "--lang", "en", "--count", "20"],
    }


def run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def extract(commit: str, folder: Path) -> Path:
    """The project as it was at ``commit`` (git archive), to run its manage.py."""
    target = folder / f"project-{commit[:10]}"
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(PROJECT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--before", help="A commit to measure beside the working tree.")
    parser.add_argument("--after", help="A commit to measure instead of the working tree.")
    args = parser.parse_args()
    sqlite_utils = Path(sys.executable).parent / "sqlite-utils"
    with tempfile.TemporaryDirectory(prefix="desk-bench-cli-") as tmp:
        work = Path(tmp)
        versions = {args.after[:10]: extract(args.after, work)} if args.after else {"now": PROJECT}
        if args.before:
            versions = {args.before[:10]: extract(args.before, work), **versions}
        oldest = next(iter(versions.values()))
        start = time.perf_counter()
        build(oldest, work / "desk.db", args.articles)
        print(
            f"desk of {args.articles:,} articles ({args.articles * SEGMENTS:,} units) "
            f"built in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
        suite: dict[tuple[str, str], list[str]] = {("sqlite-utils", "--help"): [
            str(sqlite_utils), "--help"
        ]}  # fmt: skip
        for name, project in versions.items():
            db = work / f"desk-{name}.db"
            shutil.copyfile(work / "desk.db", db)
            run(commands(project, db)["status"])  # migrates the copy forward, warms the cache
            for command, line in commands(project, db).items():
                suite[name, command] = line
        times: dict[tuple[str, str], list[tuple[float, float]]] = {key: [] for key in suite}
        for _ in range(args.rounds):
            for key, line in suite.items():
                times[key].append(run(line))
        median = {
            key: (statistics.median(t[0] for t in runs), statistics.median(t[1] for t in runs))
            for key, runs in times.items()
        }
        base = median["sqlite-utils", "--help"][0]
        print(
            f"\nmedian of {args.rounds} rounds; `sqlite-utils --help`: {base * 1000:.0f} ms "
            f"(CPU {median['sqlite-utils', '--help'][1] * 1000:.0f} ms)\n"
        )
        names = list(versions)
        print("| command | " + " | ".join(f"{n}: wall (CPU), ratio" for n in names) + " |")
        print("| --- |" + " ---: |" * len(names))
        for command in commands(PROJECT, work / "x.db"):
            cells = []
            for name in names:
                wall, cpu = median[name, command]
                cells.append(f"{wall * 1000:.0f} ms ({cpu * 1000:.0f} ms), {wall / base:.2f}x")
            print(f"| `{command}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
