"""Benchmark the main job, `sync` (a script, not collected by pytest).

    python tests/benchmarks/bench_sync.py                          # 250, 1,000, 5,000 articles
    python tests/benchmarks/bench_sync.py --sizes 250,1000 --before 9846d34

For each size, a project is generated from the sample corpus (every original and its
translation copied under new ids, as ../shared/checks/incremental-sync.sh does), then
`python manage.py sync` runs as a fresh process, as a user would run it:

1. first sync (imports every original, aligns every translation, writes the exports);
2. the same sync again with nothing changed;
3. one original edited (a sentence added), sync again;
4. one translation edited (a sentence added), sync again.

Each row gives the wall time, the CPU time (the process and its workers: steadier than
wall time on a busy machine) and the peak memory (max RSS of the largest process).
``--before COMMIT`` runs the same steps with that commit of the project (extracted with
`git archive`) in the same run, so the two columns share the machine's mood. The goals
(issue 15): first sync of 5,000 articles <= 70 s, unchanged and one-changed re-syncs
< 1 s (plus the article's own work), and peak memory that does not grow with the corpus.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
STEPS = ("first sync", "unchanged", "one original changed", "one translation changed")


def make_corpus(root: Path, copies: int) -> None:
    """``copies`` articles (and their English translations) built from the sample corpus."""
    samples = {
        side: sorted((PROJECT / side).glob("*.md")) for side in ("originals/ro", "translations/en")
    }
    per_sample = -(-copies // len(samples["originals/ro"]))
    for side, files in samples.items():
        folder = root / side
        folder.mkdir(parents=True)
        made = 0
        for i in range(per_sample):
            for f in files:
                if made == copies:
                    break
                text = f.read_text(encoding="utf-8")
                new = f"{f.stem}-{i:04d}"
                text = re.sub(r"(?m)^id: .*$", f"id: {new}", text, count=1)
                text = re.sub(r"(?m)^original: .*$", f"original: {new}", text, count=1)
                (folder / f"{new}.md").write_text(text, encoding="utf-8")
                made += 1


def run_sync(project: Path, root: Path, db: Path) -> tuple[float, float, float]:
    """One `manage.py sync` as its own process: wall seconds, CPU seconds (with its worker
    processes) and the peak RSS of the largest process, in MiB."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DESK_USER", None)
    env.pop("DESK_EXPORTS", None)
    log = root / "sync.log"
    command = [sys.executable, str(project / "manage.py"), "--db", str(db), "--user", "bench"]
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*command, "sync", "--root", str(root)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sync failed ({project}): {lines[-1] if lines else ''}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def append_sentence(path: Path, sentence: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(f"\n{sentence}\n")


def measure(project: Path, size: int, folder: Path) -> dict[str, tuple[float, float, float]]:
    """The four steps at one size with one version of the project."""
    root = folder / "project"
    if root.exists():
        shutil.rmtree(root)
    make_corpus(root, size)
    db = folder / "desk.db"
    for stale in folder.glob("desk.db*"):
        stale.unlink()
    results = {}
    results[STEPS[0]] = run_sync(project, root, db)
    results[STEPS[1]] = run_sync(project, root, db)
    original = sorted((root / "originals/ro").glob("*.md"))[size // 2]
    append_sentence(original, "O propoziție nouă la sfârșit.")
    results[STEPS[2]] = run_sync(project, root, db)
    translation = sorted((root / "translations/en").glob("*.md"))[size // 3]
    append_sentence(translation, "A new sentence at the end.")
    results[STEPS[3]] = run_sync(project, root, db)
    return results


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
    parser.add_argument("--sizes", default="250,1000,5000", help="Comma-separated sizes.")
    parser.add_argument("--before", help="A commit to measure beside the working tree.")
    parser.add_argument("--after", help="A commit to measure instead of the working tree.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="desk-bench-sync-") as tmp:
        work = Path(tmp)
        versions = {args.after[:10]: extract(args.after, work)} if args.after else {"now": PROJECT}
        if args.before:
            versions = {args.before[:10]: extract(args.before, work), **versions}
        table: dict[tuple[int, str], dict[str, tuple[float, float, float]]] = {}
        for size in sizes:
            for name, project in versions.items():
                folder = work / f"{name}-{size}"
                folder.mkdir()
                table[size, name] = measure(project, size, folder)
                shutil.rmtree(folder)
                print(f"measured {size:,} articles with {name}", file=sys.stderr)
        names = list(versions)
        print(
            "\n| articles | step | "
            + " | ".join(f"{n}: wall (CPU), peak RSS" for n in names)
            + " |"
        )
        print("| ---: | --- |" + " ---: |" * len(names))
        for size in sizes:
            for step in STEPS:
                cells = [
                    "{:.2f} s ({:.2f} s), {:.0f} MiB".format(*table[size, n][step]) for n in names
                ]
                print(f"| {size:,} | {step} | " + " | ".join(cells) + " |")
        if len(names) == 2:
            print(f"\nratio {names[0]} / {names[1]}, wall time:")
            for size in sizes:
                ratios = [table[size, names[0]][s][0] / table[size, names[1]][s][0] for s in STEPS]
                print(f"  {size:>6,}: " + ", ".join(f"{s} {r:.1f}x" for s, r in zip(STEPS, ratios)))


if __name__ == "__main__":
    main()
