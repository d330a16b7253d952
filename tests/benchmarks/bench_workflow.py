"""Benchmark the translators' workflow (a script, not collected by pytest).

    python tests/benchmarks/bench_workflow.py                  # 10,000 articles x 100 segments
    python tests/benchmarks/bench_workflow.py --articles 200   # small: 20,000 units

Builds a database of ``articles x segments`` units in one language (cached in the temp
folder per size; ``--fresh`` rebuilds it, each run works on a copy), then measures:

- the median time of checkout (next 20 of any article, and 20 of one article), submit,
  approve and status of one article, each beside a raw sqlite3 baseline doing the same
  lookups and writes in the same run (the ratio is what to watch: machines are noisy);
- ``--workers`` translator processes looping checkout -> submit for ``--seconds``: the
  total submissions per second, each worker's share (fair: none below a third of the
  mean), and checks that no unit was handed out or submitted twice and that the events
  match.

Goals: each operation under 20 ms median; at least 1,000 submissions per second, fairly.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tool.clock import stamp  # noqa: E402
from tool.db.connection import open_database, transaction  # noqa: E402
from tool.services.leases import checkout, release  # noqa: E402
from tool.services.progress import status  # noqa: E402
from tool.services.review import approve  # noqa: E402
from tool.services.users import add_user  # noqa: E402
from tool.services.workflow import submit  # noqa: E402

LANG = "en"
GOAL_MS = 20.0
GOAL_RATE = 1000.0
GOAL_FAIRNESS = 1 / 3  # the slowest worker's share of the mean


def build(path: Path, articles: int, segments: int) -> None:
    """Bulk-insert articles, segments and one ``new`` unit per segment in one transaction."""
    db = open_database(path)
    now = stamp()
    conn = db.conn
    with transaction(db):
        conn.executemany(
            "INSERT INTO articles (id, lang, title, imported_at) VALUES (?, 'ro', ?, ?)",
            ((f"a{i:06}", f"Articolul {i}", now) for i in range(articles)),
        )
        conn.executemany(
            "INSERT INTO segments (id, article_id, seq, paragraph, position, kind, text, hash, "
            "words, obsolete, created_at) VALUES (?, ?, ?, ?, ?, 'text', ?, '', 9, 0, ?)",
            (
                (
                    i * segments + j + 1,
                    f"a{i:06}",
                    j,
                    1 + j // 5,
                    j % 5,
                    f"Propoziția {j} a articolului {i} vorbește despre bugetul Capitalei.",
                    now,
                )
                for i in range(articles)
                for j in range(segments)
            ),
        )
        conn.executemany(
            "INSERT INTO units (id, segment_id, lang, text, status, origin, updated_at) "
            "VALUES (?, ?, ?, '', 'new', 'human', ?)",
            ((n, n, LANG, now) for n in range(1, articles * segments + 1)),
        )
    add_user(db, "root", "admin", [], by="root")
    add_user(db, "editor", "editor", [LANG], by="root")
    for n in range(16):
        add_user(db, f"t{n}", "translator", [LANG], by="root")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def median_ms(action: Callable[[], object], setup: Callable[[], object] | None, runs: int) -> float:
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Raw:
    """The baselines: the same lookups and writes as plain sqlite3 statements."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def checkout(
        self, user: str, article: str | None, count: int = 20, naive: bool = False
    ) -> list[int]:
        """Lease the next open units; ``naive`` sorts every open unit instead of walking."""
        now = stamp()
        if naive:
            sql = (
                "SELECT u.id FROM units u JOIN segments s ON s.id = u.segment_id "
                "LEFT JOIN leases l ON l.unit_id = u.id WHERE u.lang = :lang "
                "AND u.status IN ('new', 'rejected', 'needs_review') AND u.joined_to IS NULL "
                "AND s.obsolete = 0 AND (l.unit_id IS NULL OR l.expires_at <= :now) "
                "ORDER BY s.article_id, s.seq LIMIT :count"
            )
        else:  # the walk in segment order the library does (LEFT JOIN keeps that order)
            where = "AND s.article_id = :article" if article else ""
            sql = (
                "SELECT u.id FROM segments s LEFT JOIN units u ON u.segment_id = s.id "
                "AND u.lang = :lang LEFT JOIN leases l ON l.unit_id = u.id "
                "WHERE s.obsolete = 0 AND (u.id IS NULL OR ("
                "u.status IN ('new', 'rejected', 'needs_review') AND u.joined_to IS NULL "
                "AND (l.unit_id IS NULL OR l.expires_at <= :now))) "
                f"{where} ORDER BY s.article_id, s.seq LIMIT :count"
            )
        params = {"lang": LANG, "now": now, "article": article, "count": count}
        self.conn.execute("BEGIN IMMEDIATE")
        ids = [r[0] for r in self.conn.execute(sql, params)]
        self.conn.executemany(
            "INSERT OR REPLACE INTO leases VALUES (?, ?, ?, ?)", [(i, user, now, now) for i in ids]
        )
        self.conn.execute("COMMIT")
        return ids

    def change(self, unit_id: int, user: str, status: str, text: str, action: str) -> None:
        now = stamp()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("SELECT role, languages FROM users WHERE name = ?", [user]).fetchone()
        old = self.conn.execute(
            "SELECT u.status, u.text, l.user FROM units u JOIN segments s ON s.id = u.segment_id "
            "LEFT JOIN leases l ON l.unit_id = u.id WHERE u.id = ?",
            [unit_id],
        ).fetchone()
        self.conn.execute(
            "UPDATE units SET status = ?, text = ?, translator = ?, updated_at = ? WHERE id = ?",
            [status, text, user, now, unit_id],
        )
        self.conn.execute(
            "INSERT INTO events (unit_id, at, user, action, old_status, new_status, old_text, "
            "new_text, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
            [unit_id, now, user, action, old[0], status, old[1], text],
        )
        self.conn.execute("DELETE FROM leases WHERE unit_id = ?", [unit_id])
        self.conn.execute("COMMIT")

    def status(self, article: str) -> list[tuple]:
        return self.conn.execute(
            "SELECT COALESCE(u.status, 'new'), COUNT(*), SUM(s.words) FROM segments s "
            "LEFT JOIN units u ON u.segment_id = s.id AND u.lang = ? "
            "WHERE s.article_id = ? AND s.obsolete = 0 GROUP BY 1",
            [LANG, article],
        ).fetchall()


def sequential(path: Path, articles: int, runs: int) -> list[tuple[str, float, float]]:
    db = open_database(path)
    raw = Raw(path)
    rng = random.Random(7)
    rows = []

    def random_article() -> str:
        return f"a{rng.randrange(articles):06}"

    # checkout of the next 20 of any article (released again between runs, untimed)
    lib = median_ms(lambda: checkout(db, "t0", LANG, count=20), lambda: release(db, "t0"), runs)
    base = median_ms(lambda: raw.checkout("t1", None), lambda: release(db, "t1"), runs)
    rows.append(("checkout 20 (any article)", lib, base))
    naive = median_ms(
        lambda: raw.checkout("t1", None, naive=True), lambda: release(db, "t1"), max(3, runs // 10)
    )
    rows.append(("  (raw, sorting all open units)", naive, base))
    release(db, "t0"), release(db, "t1")
    lib = median_ms(
        lambda: checkout(db, "t0", LANG, random_article(), count=20),
        lambda: release(db, "t0"),
        runs,
    )
    base = median_ms(lambda: raw.checkout("t1", random_article()), lambda: release(db, "t1"), runs)
    rows.append(("checkout 20 (one article)", lib, base))
    release(db, "t0"), release(db, "t1")

    # submit one unit (checked out beforehand, untimed)
    held: list[int] = []

    def take(user: str) -> None:
        held[:] = [checkout(db, user, LANG, random_article(), count=1).units[0]["id"]]

    submitted: list[int] = []

    def lib_submit() -> None:
        submit(db, held[0], "t2", "The translation of this sentence.")
        submitted.append(held[0])

    def raw_submit() -> None:
        raw.change(held[0], "t3", "translated", "The translation of this sentence.", "submit")
        submitted.append(held[0])

    lib = median_ms(lib_submit, lambda: take("t2"), runs)
    base = median_ms(raw_submit, lambda: take("t3"), runs)
    rows.append(("submit 1 unit", lib, base))

    # approve one submitted unit
    queue = iter(submitted)
    lib = median_ms(lambda: approve(db, [next(queue)], "editor"), None, runs)
    base = median_ms(
        lambda: raw.change(next(queue), "editor", "approved", "Approved.", "approve"), None, runs
    )
    rows.append(("approve 1 unit", lib, base))

    # status of one article
    lib = median_ms(lambda: status(db, "editor", random_article(), LANG), None, runs)
    base = median_ms(lambda: raw.status(random_article()), None, runs)
    rows.append(("status of 1 article", lib, base))
    lib = median_ms(lambda: status(db, "editor", random_article()), None, runs)
    rows.append(("status of 1 article, all languages", lib, base))
    db.close()
    return rows


def translator(path: str, user: str, seconds: float, barrier, out: str) -> None:
    """One translator process: checkout 20 -> submit each, until the time is up."""
    db = open_database(path)
    done: list[int] = []
    barrier.wait()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        units = checkout(db, user, LANG, count=20).units
        if not units:
            break
        for unit in units:
            submit(db, unit["id"], user, f"Translated by {user}.")
            done.append(unit["id"])
            if time.perf_counter() >= deadline:
                break
    release(db, user)
    Path(out).write_text(json.dumps(done))


def concurrent(path: Path, workers: int, seconds: float, folder: Path) -> dict:
    db = open_database(path)
    before = db.execute("SELECT COUNT(*) FROM events WHERE action = 'submit'").fetchone()[0]
    translated_before = db.execute("SELECT COUNT(*) FROM units WHERE status != 'new'").fetchone()[0]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers + 1)
    outs = [folder / f"worker{n}.json" for n in range(workers)]
    processes = [
        context.Process(target=translator, args=(str(path), f"t{8 + n}", seconds, barrier, str(o)))
        for n, o in enumerate(outs)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    start = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - start
    done = [unit for o in outs for unit in json.loads(o.read_text())]
    events = db.execute("SELECT COUNT(*) FROM events WHERE action = 'submit'").fetchone()[0]
    translated = db.execute("SELECT COUNT(*) FROM units WHERE status != 'new'").fetchone()[0]
    db.close()
    return {
        "workers": workers,
        "seconds": elapsed,
        "submitted": len(done),
        "rate": len(done) / elapsed,
        "distinct": len(set(done)),
        "events": events - before,
        "newly_translated": translated - translated_before,
        "per_worker": [len(json.loads(o.read_text())) for o in outs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 10_000))
    )
    parser.add_argument("--segments", type=int, default=int(os.environ.get("BENCH_SEGMENTS", 100)))
    parser.add_argument("--runs", type=int, default=50, help="Repetitions per median.")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fresh", action="store_true", help="Rebuild the cached database.")
    args = parser.parse_args()

    folder = Path(tempfile.gettempdir()) / "desk-bench"
    folder.mkdir(exist_ok=True)
    units = args.articles * args.segments
    cached = folder / f"workflow-{args.articles}x{args.segments}.db"
    if args.fresh or not cached.exists():
        for stale in folder.glob(cached.name + "*"):
            stale.unlink()
        start = time.perf_counter()
        build(cached, args.articles, args.segments)
        print(f"built {units:,} units in {time.perf_counter() - start:.1f} s ({cached})")
    work = folder / "workflow-run.db"
    for stale in folder.glob(work.name + "*"):
        stale.unlink()
    shutil.copyfile(cached, work)
    print(f"database: {units:,} units ({args.articles:,} articles x {args.segments} segments)")

    rows = sequential(work, args.articles, args.runs)
    print(
        f"\nmedian of {args.runs} runs{'':<14}library ms   raw sqlite3 ms   ratio   "
        f"goal <{GOAL_MS:g} ms"
    )
    for name, lib, base in rows:
        verdict = "" if name.startswith(" ") else "ok" if lib < GOAL_MS else "SLOW"
        print(f"{name:<36} {lib:9.2f}   {base:14.2f}   {lib / base:5.1f}x   {verdict}")

    result = concurrent(work, args.workers, args.seconds, folder)
    ok = result["submitted"] == result["distinct"] == result["events"] == result["newly_translated"]
    print(
        f"\n{result['workers']} translator processes, checkout 20 -> submit, "
        f"{result['seconds']:.1f} s"
    )
    print(f"  submissions        {result['submitted']:,} ({result['per_worker']})")
    shares = result["per_worker"]
    fairness = min(shares) / statistics.mean(shares) if shares and any(shares) else 0.0
    print(
        f"  slowest worker     {fairness:.2f} of the mean   goal >= {GOAL_FAIRNESS:.2f}   "
        + ("ok" if fairness >= GOAL_FAIRNESS else "UNFAIR")
    )
    print(
        f"  per second         {result['rate']:,.0f}   goal >= {GOAL_RATE:g}   "
        + ("ok" if result["rate"] >= GOAL_RATE else "SLOW")
    )
    print(
        f"  distinct units     {result['distinct']:,}   submit events {result['events']:,}   "
        f"units newly translated {result['newly_translated']:,}   "
        + ("ok: none lost or doubled" if ok else "MISMATCH")
    )


if __name__ == "__main__":
    main()
