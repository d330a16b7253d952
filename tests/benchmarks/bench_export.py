"""Benchmark the exports (a script, not collected by pytest).

    python tests/benchmarks/bench_export.py [--sizes 1000,10000] [--segments 10]

1. One 100-segment article in every format: median time per export, as a ratio against a
   raw sqlite3 read of the same rows in the same run (the target is under 12 ms each; the
   XLSX review sheet, built by openpyxl with QA findings, is allowed 100 ms).
2. Every article streamed into one TMX at each size: time (ratio against a raw sqlite3
   read of all the rows) and peak Python memory (tracemalloc). Constant memory means the
   peak at 10,000 articles is about the peak at 1,000.

Synthetic databases are built with plain SQL and cached in the temp folder per size.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tool.db.connection import open_database  # noqa: E402
from tool.formats import FORMATS  # noqa: E402
from tool.services.exports import export_article, write_combined  # noqa: E402

WORDS = (
    "bugetul consiliul general a aprobat joi capitalei dl. ionescu votat împotrivă școli "
    "spitale crește față de anul trecut lei guvernul ministrul „declarat” președintele "
    'ședința proiectul legea țara românia bucurești procent milioane euro <b> & "'
).split()
EN = "the budget council approved on thursday capital mr voted against schools grows".split()
STATUSES = ["approved"] * 6 + ["translated", "needs_review", "rejected", "new"]
RAW_SQL = (
    "SELECT s.id, s.seq, s.paragraph, s.text, u.text, u.status, u.translator, u.reviewer "
    "FROM segments s LEFT JOIN units u ON u.segment_id = s.id AND u.lang = 'en' "
    "WHERE s.article_id = ? ORDER BY s.seq"
)


def sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(6, 25))).capitalize() + "."


def build(path: Path, articles: int, segments: int, seed: int = 7) -> None:
    """A database of ``articles`` articles with ``segments`` segments and en units each."""
    open_database(path).close()  # schema
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    now = "2026-01-02T03:04:05.000000Z"
    with conn:
        seg_id = unit_id = 0
        for a in range(articles):
            aid = f"art-{a:05d}"
            conn.execute(
                "INSERT INTO articles (id, lang, title, meta, imported_at, updated_at) "
                "VALUES (?, 'ro', ?, '{}', ?, ?)",
                [aid, sentence(rng, WORDS), now, now],
            )
            seg_rows, unit_rows, event_rows = [], [], []
            for seq in range(segments):
                seg_id += 1
                unit_id += 1
                status = rng.choice(STATUSES)
                paragraph = 0 if seq == 0 else 1 + (seq - 1) // 4
                seg_rows.append((seg_id, aid, seq, paragraph, seq % 4, "text",
                                 sentence(rng, WORDS), now))  # fmt: skip
                text = "" if status == "new" else sentence(rng, EN)
                unit_rows.append((unit_id, seg_id, "en", text, status, "ana", "ion", now))
                event_rows.append((unit_id, now, "ana", "bench", status))
            conn.executemany(
                "INSERT INTO segments (id, article_id, seq, paragraph, position, kind, text, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                seg_rows,
            )
            conn.executemany(
                "INSERT INTO units (id, segment_id, lang, text, status, translator, reviewer, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                unit_rows,
            )
            conn.executemany(
                "INSERT INTO events (unit_id, at, user, action, new_status) VALUES (?, ?, ?, ?, ?)",
                event_rows,
            )
    conn.close()


def cached(articles: int, segments: int, fresh: bool) -> Path:
    path = Path(tempfile.gettempdir()) / f"bench-export-{articles}x{segments}.db"
    if fresh or not path.exists():
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        build(path, articles, segments)
        print(f"built {path} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return path


def median_time(func, repeat: int) -> float:
    func()  # warm up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def single_article(fresh: bool, repeat: int) -> None:
    path = cached(1, 100, fresh)
    db = open_database(path)
    raw = sqlite3.connect(path)
    base = median_time(lambda: raw.execute(RAW_SQL, ["art-00000"]).fetchall(), repeat)
    print(f"\n1 article x 100 segments (median of {repeat}); raw sqlite3 read {base * 1e3:.2f} ms")
    print(f"{'format':<8} {'ms':>8} {'x raw':>8} {'bytes':>8}  within target")
    every = ["new", "translated", "approved", "rejected", "needs_review"]
    for name in FORMATS:
        size = len(export_article(db, "art-00000", "en", name, statuses=every))
        took = median_time(
            lambda n=name: export_article(db, "art-00000", "en", n, statuses=every), repeat
        )
        ok = "yes" if took < (0.1 if name == "xlsx" else 0.012) else "NO"
        print(f"{name:<8} {took * 1e3:>8.2f} {took / base:>8.1f} {size:>8}  {ok}")


def raw_read_all(path: Path) -> float:
    raw = sqlite3.connect(path)
    started = time.perf_counter()
    ids = [r[0] for r in raw.execute("SELECT id FROM articles ORDER BY id")]
    for article_id in ids:
        raw.execute(RAW_SQL, [article_id]).fetchall()
    return time.perf_counter() - started


def streaming(sizes: list[int], segments: int, fresh: bool) -> None:
    print(f"\nevery article into one TMX ({segments} segments per article, approved only)")
    print(f"{'articles':>9} {'units':>8} {'seconds':>8} {'x raw':>7} {'peak MiB':>9} {'MB out':>7}")
    for size in sizes:
        path = cached(size, segments, fresh)
        db = open_database(path)
        base = raw_read_all(path)
        out = Path(tempfile.gettempdir()) / f"bench-export-{size}.tmx"
        started = time.perf_counter()
        result = write_combined(db, "en", "tmx", out)
        took = time.perf_counter() - started
        tracemalloc.start()
        write_combined(db, "en", "tmx", out)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{size:>9} {result.entries:>8} {took:>8.2f} {took / base:>7.1f} "
            f"{peak / 2**20:>9.2f} {out.stat().st_size / 1e6:>7.1f}"
        )
        out.unlink()
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="Article counts for TMX streaming.")
    parser.add_argument("--segments", type=int, default=10, help="Segments per article there.")
    parser.add_argument("--repeat", type=int, default=20, help="Runs per single-article format.")
    parser.add_argument("--fresh", action="store_true", help="Rebuild the cached databases.")
    args = parser.parse_args()
    single_article(args.fresh, args.repeat)
    streaming([int(s) for s in args.sizes.split(",")], args.segments, args.fresh)


if __name__ == "__main__":
    main()
