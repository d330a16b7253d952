"""Benchmark the translation memory, pretranslation and QA (a script, not collected by pytest).

    python tests/benchmarks/bench_memory.py --size 1000000 --queries 200 --fuzzy-job 10000

Builds a synthetic memory (random Romanian-like news sentences from a Zipf-distributed
vocabulary, with near-duplicates so fuzzy queries have close rivals, and 20 sentences made
only of the commonest words), then measures:

- memory search: median and p95 time (wall clock, and CPU time, which a busy machine
  disturbs less), and recall of the true best match against a brute-force rapidfuzz scan
  of every entry in the same run, by band of that best match and by kind of query:
  near-duplicates of long and short sentences, inflected and heavily edited ones,
  near-duplicates made only of common words, and new sentences;
- pretranslating a job of ``--job`` segments;
- QA of a 100-segment article.

The database is cached in the temp folder per size (``--fresh`` rebuilds it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rapidfuzz import fuzz, process  # noqa: E402

from tool.core.normalize import normalise_text  # noqa: E402
from tool.db import memory_index  # noqa: E402
from tool.db.connection import open_database, transaction  # noqa: E402
from tool.services.memory import MemoryIndex, fuzzy_key, source_hash  # noqa: E402

COMMON = (
    "de la în și a cu pe care că din pentru au fost este mai un o nu se ce le lui "
    "anul guvernul ministrul președintele spus declarat joi vineri luni marți miercuri "
    "bugetul proiectul legea consiliul orașul țara românia bucurești procent milioane lei "
    "euro dolari companiile angajații salariile prețurile inflația banca națională rata "
    "dobânzii creștere scădere potrivit datelor institutului statistică ultimele luni "
    "parlamentul senatul camera deputaților votul opoziția coaliția partidul alegerile "
    "primarul consilierii locali spitalul școlile elevii profesorii medicii pacienții"
).split()
COMMON_ORIGIN = "bench-common-words"
COMMON_SENTENCES = 20
BANDS = ((95, "95-100%"), (85, "85-94%"), (75, "75-84%"), (50, "50-74%"))
ENDINGS = ("ul", "ului", "ei", "ii", "ele", "a", "ilor", "uri")


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """Common words first, then made-up words from Romanian-looking syllables."""
    syllables = "ba be ca ce co da de fi ga la le li lu ma me mi mo na ne ni no pa pe po".split()
    syllables += (
        "ra re ri ro sa se si ta te ti to tu va ve vi za ză tă ră că mă șa ța ul ea".split()
    )
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class SentenceMaker:
    def __init__(self, vocab_size: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(vocab_size, self.rng)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.cum = list(__import__("itertools").accumulate(self.weights))
        self.common = list(dict.fromkeys(COMMON))

    def sentence(self, n: int | None = None) -> str:
        n = n or self.rng.randint(8, 35)
        words = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        text = " ".join(words)
        if self.rng.random() < 0.4:
            text += f" {self.rng.randint(2, 2000)}"
        return text[0].upper() + text[1:] + "."

    def common_sentence(self) -> str:
        """A sentence made only of the commonest words (each in thousands of entries)."""
        text = " ".join(self.rng.choice(self.common) for _ in range(self.rng.randint(12, 25)))
        return text[0].upper() + text[1:] + "."

    def mutate(self, text: str, edits: int, words_from: list[str] | None = None) -> str:
        """Replace, delete or insert ``edits`` words (drawn from ``words_from`` if given)."""
        words = text.rstrip(".").split()

        def draw() -> str:
            if words_from:
                return self.rng.choice(words_from)
            return self.rng.choices(self.words, cum_weights=self.cum)[0]

        for _ in range(edits):
            i = self.rng.randrange(len(words))
            kind = self.rng.random()
            if kind < 0.5:
                words[i] = draw()
            elif kind < 0.75 and len(words) > 3:
                del words[i]
            else:
                words.insert(i, draw())
        return " ".join(words) + "."

    def inflect(self, text: str, changes: int) -> str:
        """Change the endings of ``changes`` words, as inflection does; maybe drop diacritics."""
        words = text.rstrip(".").split()
        for _ in range(changes):
            i = self.rng.randrange(len(words))
            if len(words[i]) > 3:
                cut = self.rng.randint(1, 2)
                words[i] = words[i][:-cut] + self.rng.choice(ENDINGS)
        out = " ".join(words) + "."
        if self.rng.random() < 0.5:
            out = out.translate(str.maketrans("ăâîșțĂÂÎȘȚ", "aaistAAIST"))
        return out


def build_memory(path: Path, size: int, maker: SentenceMaker) -> list[str]:
    """Fill a fresh desk database with ``size`` ro->en entries; returns the sources."""
    db = open_database(path)
    sources: list[str] = []
    batch: list[tuple] = []
    started = time.perf_counter()
    common = {maker.rng.randrange(size) for _ in range(COMMON_SENTENCES * 2)}
    common = set(sorted(common)[:COMMON_SENTENCES])
    with transaction(db):
        for i in range(size):
            origin = "synthetic"
            if i in common:
                text, origin = maker.common_sentence(), COMMON_ORIGIN
            elif sources and maker.rng.random() < 0.15:  # a near-duplicate of an earlier entry
                text = maker.mutate(maker.rng.choice(sources[-5000:]), maker.rng.randint(1, 3))
            else:
                text = maker.sentence()
            norm = normalise_text(text)
            sources.append(norm)
            batch.append(
                (i + 1, "ro", "en", norm, f"EN {i}: {norm}", norm, source_hash(norm), origin,
                 "2025-01-01T00:00:00.000000Z", "2025-01-01T00:00:00.000000Z")
            )  # fmt: skip
            if len(batch) == 20000:
                _flush(db, batch)
        _flush(db, batch)
    db.execute(f"INSERT INTO {memory_index.TABLE}({memory_index.TABLE}) VALUES ('optimize')")
    print(f"built {size:,} entries in {time.perf_counter() - started:.1f} s -> {path}")
    db.close()
    return sources


def _flush(db, batch: list[tuple]) -> None:
    """Insert rows and index them, as the memory's own writers do."""
    db.conn.executemany(
        "INSERT INTO memory (id, source_lang, target_lang, source, target, source_norm, "
        "source_hash, origin, created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )
    memory_index.index_entries(db, [(row[0], row[5], row[1], row[2]) for row in batch])
    batch.clear()


def make_queries(
    sources: list[str], commons: list[str], maker: SentenceMaker, count: int
) -> list[tuple[str, str]]:
    """``count`` queries of six kinds, plus one near-duplicate of each common-word sentence."""
    rng = maker.rng
    by_length: dict[int, list[str]] = defaultdict(list)
    for text in sources[:300_000]:
        by_length[len(text.split())].append(text)

    def pick(low: int, high: int) -> str:
        return rng.choice([t for n in range(low, high + 1) for t in by_length.get(n, [])])

    kinds = {
        "near-duplicate, 25 words": lambda: maker.mutate(pick(23, 27), rng.randint(1, 5)),
        "near-duplicate, 6-12 words": lambda: maker.mutate(pick(6, 12), rng.randint(1, 2)),
        "inflected": lambda: maker.inflect(pick(8, 30), rng.randint(2, 6)),
        "heavily edited": lambda: maker.mutate(pick(15, 35), rng.randint(4, 12)),
        "new sentence": lambda: maker.sentence(25),
    }
    names = list(kinds)
    queries = [(names[q % len(names)], kinds[names[q % len(names)]]()) for q in range(count)]
    for text in commons:
        edited = maker.mutate(text, rng.randint(1, 2), words_from=maker.common)
        queries.append(("common words only", edited))
    return queries


def _band(score: int) -> str:
    return next((name for floor, name in BANDS if score >= floor), "below 50%")


def bench_search(path: Path, sources: list[str], maker: SentenceMaker, queries: int) -> None:
    db = open_database(path)
    index = MemoryIndex(db, "ro", "en")
    commons = [
        r[0] for r in db.execute("SELECT source_norm FROM memory WHERE origin = ?", [COMMON_ORIGIN])
    ]
    texts = make_queries(sources, commons, maker, queries)
    keys = [fuzzy_key(s) for s in sources]
    index.search(texts[0][1], minimum=50)  # warm up
    wall, cpu, slow = [], [], []
    by_band: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, text in texts:
        index = MemoryIndex(db, "ro", "en")  # no frequencies cached from earlier queries
        started, started_cpu = time.perf_counter(), time.process_time()
        found = index.search(text, minimum=50, limit=5)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        started = time.perf_counter()
        best = process.extractOne(fuzzy_key(text), keys, scorer=fuzz.ratio, processor=None)
        slow.append(time.perf_counter() - started)
        truth = min(99, int(best[1])) if keys[best[2]] != fuzzy_key(text) else 100
        if truth < 50:
            continue
        hit = bool(found) and found[0].score >= truth
        for tally in (by_band[_band(truth)], by_kind[kind]):
            tally[0] += hit
            tally[1] += 1
        if truth >= 75:
            tally = by_kind[f"{kind}, best >= 75%"]
            tally[0] += hit
            tally[1] += 1
    fast_ms, slow_ms = statistics.median(wall) * 1000, statistics.median(slow) * 1000
    p95 = sorted(wall)[int(len(wall) * 0.95)] * 1000
    cpu_ms, cpu_p95 = statistics.median(cpu) * 1000, sorted(cpu)[int(len(cpu) * 0.95)] * 1000
    print(f"search, {len(sources):,} entries, {len(texts)} queries (minimum 50%):")
    print(f"  indexed search median {fast_ms:.1f} ms, p95 {p95:.1f} ms (wall clock)")
    print(f"  indexed search median {cpu_ms:.1f} ms, p95 {cpu_p95:.1f} ms (CPU time)")
    print(f"  brute-force rapidfuzz scan median {slow_ms:.1f} ms; ratio x{slow_ms / fast_ms:.0f}")
    print("  recall of the brute-force best match, by its band:")
    for _, band in BANDS:
        hit, total = by_band[band]
        print(f"    {band:>8}: {hit}/{total} = {hit / max(total, 1):.3f}")
    hit, total = (sum(by_band[b][i] for _, b in BANDS[:3]) for i in (0, 1))
    print(f"    75% and up: {hit}/{total} = {hit / max(total, 1):.3f}")
    print("  recall by kind of query (best match >= 50%; and >= 75%):")
    for kind in dict.fromkeys(k for k, _ in texts):
        hit, total = by_kind[kind]
        high_hit, high_total = by_kind[f"{kind}, best >= 75%"]
        print(f"    {kind:<28} {hit}/{total}; >= 75%: {high_hit}/{high_total}")
    db.close()


def bench_pretranslate(
    path: Path, sources: list[str], maker: SentenceMaker, size: int, minimum: int
) -> None:
    """Pretranslate a job of ``size`` segments (40% exact, 30% near, 30% new), then roll back."""
    from tool.services.pretranslate import pretranslate

    db = open_database(path)
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        db["articles"].insert({"id": "bench-job", "lang": "ro", "title": "bench"})
        rows = []
        for seq in range(size):
            kind = seq % 10
            if kind < 4:
                text = maker.rng.choice(sources)
            elif kind < 7:
                text = maker.mutate(maker.rng.choice(sources), maker.rng.randint(1, 2))
            else:
                text = maker.sentence()
            rows.append({"article_id": "bench-job", "seq": seq, "paragraph": seq, "position": 0,
                         "kind": "text", "text": text, "words": len(text.split())})  # fmt: skip
        db["segments"].insert_all(rows)
        started = time.perf_counter()
        result = pretranslate(db, "bench-job", "en", user="bench", minimum=minimum)
        took = time.perf_counter() - started
    finally:
        db.conn.execute("ROLLBACK")
        db.close()
    print(
        f"pretranslate {size:,} segments (minimum {minimum}%) against {len(sources):,} entries: "
        f"{took:.1f} s ({took / size * 1000:.2f} ms/segment); {result.exact} exact, "
        f"{result.fuzzy} fuzzy, {result.unmatched} unmatched"
    )


def bench_qa(runs: int = 20) -> None:
    """QA of a 100-segment article of realistic pairs with a 20-term glossary."""
    from tests.conftest import store_article
    from tests.test_qa import GOOD_PAIRS
    from tool.core.qa import QAContext, run_checks
    from tool.services.glossary import add_term
    from tool.services.qa import qa_article

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "qa.db")
        pairs = (GOOD_PAIRS * (100 // len(GOOD_PAIRS) + 1))[:100]
        store_article(db, "qa-bench", pairs, status="translated")
        for i in range(20):
            add_term(db, f"termen{i}", f"term{i}", target_lang="en")
        add_term(db, "negocieri", "talks", target_lang="en")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            qa_article(db, "qa-bench", "en")
            times.append(time.perf_counter() - started)
        db.close()
    started = time.perf_counter()
    ctx = QAContext("ro", "en")
    for _ in range(runs):
        for source, target in pairs:
            run_checks(source, target, ctx)
    pure = (time.perf_counter() - started) / runs
    print(
        f"qa of a 100-segment article: median {statistics.median(times) * 1000:.1f} ms "
        f"(checks alone {pure * 1000:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="memory entries")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--job", type=int, default=10_000, help="segments to pretranslate")
    parser.add_argument(
        "--fuzzy-job",
        type=int,
        default=10_000,
        help="segments to pretranslate with fuzzy matches (minimum 75)",
    )
    parser.add_argument("--vocab", type=int, default=30_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached memory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--parts", default="search,pretranslate,qa", help="comma-separated parts to run"
    )
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / f"desk-bench-memory-{args.size}-{args.seed}.db"
    maker = SentenceMaker(args.vocab, args.seed)
    if args.fresh or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        sources = build_memory(path, args.size, maker)
    else:
        db = open_database(path)
        sources = [r[0] for r in db.execute("SELECT source_norm FROM memory ORDER BY id")]
        db.close()
    maker.rng.seed(args.seed + 1)  # the same queries whether the memory was built or cached
    parts = set(args.parts.split(","))
    if "search" in parts:
        bench_search(path, sources, maker, args.queries)
    if "pretranslate" in parts:
        bench_pretranslate(path, sources, maker, args.job, 100)
        bench_pretranslate(path, sources, maker, args.fuzzy_job, 75)
    if "qa" in parts:
        bench_qa()


if __name__ == "__main__":
    main()
